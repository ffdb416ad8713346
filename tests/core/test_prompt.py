"""Prompt mentions bound to reference ids: typing, pasting, renumbering, dangling."""

from __future__ import annotations

import pytest

from seedance_studio.core.prompt import PromptDocument, TextEdit
from seedance_studio.core.reference import Reference
from seedance_studio.core.tags import MENTION_PATTERN
from seedance_studio.core.tray import ReferenceTray
from tests.core.builders import audio, image, video


def tray_of(*refs: Reference) -> ReferenceTray:
    return ReferenceTray(list(refs))


def type_text(doc: PromptDocument, text: str, tray: ReferenceTray) -> None:
    """Type `text` at the end, one key at a time."""
    for ch in text:
        doc.apply_edit(len(doc.text), 0, ch, tray)


def bound(doc: PromptDocument) -> list[tuple[str, str]]:
    """(text shown, ref id) of every live mention."""
    return [(doc.text[m.start : m.end], m.ref_id) for m in doc.live_mentions()]


@pytest.mark.parametrize(
    "written", ["@Image2", "@image2", "@image 2", "@IMAGE2", "[Image 2]", "[image 2]", "@ Image2"]
)
def test_typed_forms_bind_to_the_second_image(written: str) -> None:
    a, b = image("a.png"), image("b.png")
    tray = tray_of(a, video(), b)
    doc = PromptDocument()
    type_text(doc, f"see {written} now", tray)
    assert [ref_id for _, ref_id in bound(doc)] == [b.id]


@pytest.mark.parametrize("written", ["@Image2", "@image 2", "[Image 2]"])
def test_pasted_forms_bind(written: str) -> None:
    a, b = image("a.png"), image("b.png")
    tray = tray_of(a, b)
    doc = PromptDocument("hello world", tray)
    doc.apply_edit(5, 0, f" {written}", tray)
    assert bound(doc) == [(written, b.id)]
    doc.sync(tray)
    assert doc.text == "hello @Image2 world"  # the display is normalised to the tag


def test_text_does_not_bind_an_item_that_does_not_exist() -> None:
    tray = tray_of(image())
    doc = PromptDocument("@Image2 and @Video1 and @Image1", tray)
    assert len(doc.live_mentions()) == 1
    assert [tag.canonical for _, _, tag in doc.unknown_tags()] == ["Image2", "Video1"]


def test_removing_renumbers_the_text() -> None:
    a, b, v = image("a.png"), image("b.png"), video()
    tray = tray_of(a, b, v)
    doc = PromptDocument("@Image2 runs from @Image1 in @Video1", tray)
    tray.remove(a.id)
    edits = doc.sync(tray)
    assert doc.text == "@Image1 runs from @(removed Image1) in @Video1"
    assert bound(doc) == [("@Image1", b.id), ("@Video1", v.id)]
    assert edits == [TextEdit(0, 7, "@Image1"), TextEdit(18, 25, "@(removed Image1)")]


def test_moving_renumbers_the_text() -> None:
    a, b, c = image("a.png"), image("b.png"), image("c.png")
    tray = tray_of(a, b, c)
    doc = PromptDocument("@Image1, @Image2, @Image3", tray)
    tray.move(c.id, 0)
    doc.sync(tray)
    assert doc.text == "@Image2, @Image3, @Image1"
    assert [ref_id for _, ref_id in bound(doc)] == [a.id, b.id, c.id]


def test_dangling_is_never_re_pointed() -> None:
    a, b = image("a.png"), image("b.png")
    tray = tray_of(a, b)
    doc = PromptDocument("@Image2 waves", tray)
    tray.remove(b.id)
    doc.sync(tray)
    assert doc.text == "@(removed Image2) waves"
    newcomer = image("new.png")
    tray.add(newcomer)  # a new second image must not inherit the old mention
    doc.sync(tray)
    assert doc.text == "@(removed Image2) waves"
    assert doc.live_mentions() == [] and len(doc.dangling_mentions()) == 1
    assert MENTION_PATTERN.search(doc.text) is None


def test_dangling_comes_back_when_the_same_item_returns() -> None:
    a = image("a.png")
    tray = tray_of(a)
    doc = PromptDocument("@Image1", tray)
    removed = tray.remove(a.id)
    doc.sync(tray)
    tray.add(removed)  # undo
    doc.sync(tray)
    assert bound(doc) == [("@Image1", a.id)]


def test_replace_keeps_the_binding() -> None:
    a = video("raw.mp4")
    tray = tray_of(a)
    doc = PromptDocument("@Video1", tray)
    tray.replace(a.id, video("conformed.mp4"))
    doc.sync(tray)
    assert bound(doc) == [("@Video1", a.id)]
    assert tray.get(a.id).name == "conformed.mp4"


def test_edits_before_a_mention_shift_it() -> None:
    a = image()
    tray = tray_of(a)
    doc = PromptDocument("x @Image1 y", tray)
    doc.apply_edit(0, 1, "a longer start", tray)
    assert bound(doc) == [("@Image1", a.id)]
    assert doc.text == "a longer start @Image1 y"
    doc.apply_edit(len(doc.text), 0, " more", tray)
    assert doc.live_mentions()[0].start == 15


def test_image1_then_0_becomes_image10() -> None:
    refs = [image(f"{n}.png") for n in range(10)]
    tray = tray_of(*refs)
    doc = PromptDocument("@Image1", tray)
    assert bound(doc) == [("@Image1", refs[0].id)]
    doc.apply_edit(7, 0, "0", tray)
    assert bound(doc) == [("@Image10", refs[9].id)]


def test_image1_then_0_with_one_image_is_unknown() -> None:
    tray = tray_of(image())
    doc = PromptDocument("@Image1", tray)
    doc.apply_edit(7, 0, "0", tray)
    assert doc.live_mentions() == []
    assert [t.canonical for _, _, t in doc.unknown_tags()] == ["Image10"]


def test_a_letter_after_a_mention_keeps_it() -> None:
    a = image()
    tray = tray_of(a)
    doc = PromptDocument("@Image1", tray)
    doc.apply_edit(7, 0, "'s hat", tray)
    assert bound(doc) == [("@Image1", a.id)]


def test_editing_inside_a_mention_rebinds_what_it_now_says() -> None:
    a, b = image("a.png"), image("b.png")
    tray = tray_of(a, b)
    doc = PromptDocument("@Image1", tray)
    doc.apply_edit(6, 1, "2", tray)
    assert bound(doc) == [("@Image2", b.id)]
    doc.apply_edit(1, 2, "", tray)  # "@age2" is no mention
    assert doc.live_mentions() == []


def test_deleting_a_mention_unbinds_it() -> None:
    tray = tray_of(image())
    doc = PromptDocument("see @Image1 now", tray)
    doc.apply_edit(4, 7, "", tray)
    assert doc.text == "see  now" and doc.mentions == ()


def test_edit_outside_the_text_is_refused() -> None:
    doc = PromptDocument("abc", tray_of())
    with pytest.raises(ValueError):
        doc.apply_edit(2, 5, "", tray_of())


def test_set_text_diff_keeps_unchanged_mentions() -> None:
    a, b = image("a.png"), image("b.png")
    tray = tray_of(a, b)
    doc = PromptDocument("@Image1 and @Image2", tray)
    doc.set_text_diff("@Image1 or @Image2", tray)
    assert bound(doc) == [("@Image1", a.id), ("@Image2", b.id)]


def test_insert_mention_replaces_the_typed_prefix() -> None:
    a, v = image(), video()
    tray = tray_of(a, v)
    doc = PromptDocument("walk like @Vi", tray)
    cursor = doc.insert_mention(len(doc.text), v.id, tray, replace_chars=3)
    assert doc.text == "walk like @Video1 "
    assert cursor == len(doc.text)
    assert bound(doc) == [("@Video1", v.id)]
    with pytest.raises(KeyError):
        doc.insert_mention(0, "nope", tray)


def test_round_trip_through_data_turns_missing_ids_dangling() -> None:
    a, s = image(), audio()
    tray = tray_of(a, s)
    doc = PromptDocument("@Image1 to @Audio1", tray)
    data = doc.to_data()
    restored = PromptDocument.from_data(data, tray)
    assert bound(restored) == bound(doc)
    smaller = tray_of(a)
    restored = PromptDocument.from_data(data, smaller)
    assert restored.text == "@Image1 to @(removed Audio1)"


def test_from_data_ignores_broken_spans() -> None:
    tray = tray_of(image())
    data: dict[str, object] = {
        "text": "@Image1",
        "mentions": [{"start": 5, "end": 99, "ref_id": "x", "last_tag": "Image1"}, "junk"],
    }
    doc = PromptDocument.from_data(data, tray)
    assert len(doc.live_mentions()) == 1  # re-read from the text


def test_changed_signal_fires_on_edits() -> None:
    tray = tray_of(image())
    doc = PromptDocument()
    seen: list[int] = []
    doc.changed.connect(lambda: seen.append(1))
    doc.set_text("@Image1", tray)
    doc.apply_edit(0, 0, "x", tray)
    assert len(seen) == 2
