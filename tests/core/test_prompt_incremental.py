"""Property tests: a document edited key by key reads exactly as one built from its text.

Edits rescan only around themselves (`PromptDocument.apply_edit`); these tests hold them to
the whole-text reading: the same runs, the same bindings, the same unknown tags.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from seedance_studio.core.media_facts import MediaKind
from seedance_studio.core.prompt import PromptDocument
from seedance_studio.core.reference import Reference
from seedance_studio.core.tags import find_tag_mentions
from seedance_studio.core.tray import ReferenceTray

# Characters that make and break runs: starts, kinds, digits, spaces, brackets.
PIECES = st.sampled_from(
    [
        "@",
        "[",
        "]",
        " ",
        "  ",
        "Image",
        "image",
        "Video",
        "Audio",
        "Ima",
        "ge",
        "1",
        "2",
        "0",
        "9",
        "12",
        "x",
        ".",
        "\n",
        "@Image1",
        "[Image 2]",
        "@ video 1",
        "@(removed Image3)",
    ]
)
EDITS = st.lists(
    st.tuples(st.integers(0, 400), st.integers(0, 6), st.lists(PIECES, max_size=3)),
    min_size=1,
    max_size=30,
)


def tray() -> ReferenceTray:
    kinds = [MediaKind.IMAGE, MediaKind.IMAGE, MediaKind.VIDEO, MediaKind.AUDIO]
    return ReferenceTray(
        [
            Reference(kind=k, source=f"https://cdn.example.com/{i}.{k.value}")
            for i, k in enumerate(kinds)
        ]
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=40), EDITS)
def test_key_by_key_edits_read_as_the_whole_text(
    start: list[str], edits: list[tuple[int, int, list[str]]]
) -> None:
    t = tray()
    doc = PromptDocument("".join(start), t)
    for at, removed, pieces in edits:
        text = doc.text
        position = at % (len(text) + 1)
        removed = min(removed, len(text) - position)
        doc.apply_edit(position, removed, "".join(pieces), t)
        assert doc._found == find_tag_mentions(doc.text)
        again = PromptDocument.from_data(doc.to_data(), t)
        if doc.synced_to(t):  # what a snapshot carries instead of reading its data again
            assert (again.text, again.mentions) == (doc.text, doc.mentions)
            assert again.unknown_tags() == doc.unknown_tags()
        else:  # a pasted `[Image 2]` is bound as typed; the next sync rewrites it
            synced = doc.copy()
            synced.sync(t)
            assert (again.text, again.mentions) == (synced.text, synced.mentions)
        # Every run the tray can name is bound (or covered by a mention).
        for _start, _end, tag in doc.unknown_tags():
            assert t.find(tag) is None or any(
                m.start < _end and _start < m.end for m in doc.mentions
            )


def test_a_copy_is_detached() -> None:
    t = tray()
    doc = PromptDocument("@Image1 walks", t)
    copy = doc.copy()
    doc.apply_edit(0, 0, "x", t)
    assert copy.text == "@Image1 walks" and copy.mentions[0].start == 0
    assert doc.version != copy.version
