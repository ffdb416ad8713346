"""Property tests: any sequence of tray edits keeps tags contiguous and mentions bound."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from seedance_studio.core.composition import Composition
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.core.params import GenerationParams
from seedance_studio.core.reference import Reference
from seedance_studio.core.tags import MENTION_PATTERN, find_tag_mentions

KINDS = st.sampled_from(list(MediaKind))


@dataclass(frozen=True)
class Add:
    kind: MediaKind
    index: int


@dataclass(frozen=True)
class Remove:
    index: int


@dataclass(frozen=True)
class Move:
    index: int
    to: int


@dataclass(frozen=True)
class Replace:
    index: int


Op = Add | Remove | Move | Replace

OPS = st.one_of(
    st.builds(Add, KINDS, st.integers(0, 20)),
    st.builds(Remove, st.integers(0, 20)),
    st.builds(Move, st.integers(0, 20), st.integers(-2, 22)),
    st.builds(Replace, st.integers(0, 20)),
)


def ref(kind: MediaKind) -> Reference:
    return Reference(kind=kind, source=f"https://cdn.example.com/x.{kind.value}")


def apply(comp: Composition, op: Op) -> None:
    items = comp.tray.items
    if isinstance(op, Add):
        comp.tray.add(ref(op.kind), index=op.index)
        return
    if not items:
        return
    target = items[op.index % len(items)]
    match op:
        case Remove():
            comp.tray.remove(target.id)
        case Move(to=to):
            comp.tray.move(target.id, to)
        case Replace():
            comp.tray.replace(target.id, ref(target.kind))


def check(comp: Composition, original: dict[int, str]) -> None:
    tray, doc = comp.tray, comp.prompt
    tags = tray.tags()
    # Tags are 1..N per kind, in tray order.
    for kind in MediaKind:
        numbers = [tags[r.id].number for r in tray.of_kind(kind)]
        assert numbers == list(range(1, len(numbers) + 1))
    # Each mention keeps the reference it was first bound to; live ones show its tag.
    live_spans = set()
    for position, m in enumerate(doc.mentions):
        assert m.ref_id == original[position]
        if m.ref_id in tray:
            assert not m.dangling
            assert doc.text[m.start : m.end] == tags[m.ref_id].mention
            live_spans.add((m.start, m.end))
        else:
            assert m.dangling
            assert MENTION_PATTERN.search(doc.text[m.start : m.end]) is None
    # Nothing but live mentions reads as a mention: dangling ones never match the pattern.
    assert {(t.start, t.end) for t in find_tag_mentions(doc.text)} == live_spans


@settings(max_examples=150, deadline=None)
@given(st.lists(KINDS, min_size=1, max_size=8), st.lists(OPS, max_size=25))
def test_tray_edits_keep_tags_contiguous_and_mentions_bound(
    kinds: list[MediaKind],
    ops: list[Op],
) -> None:
    comp = Composition(GenerationParams(provider="oxen"))
    comp.tray.extend([ref(k) for k in kinds])
    text = " and ".join(comp.tray.tags()[r.id].mention for r in comp.tray.items)
    comp.prompt.set_text(f"Start: {text}.", comp.tray)
    original = {i: m.ref_id for i, m in enumerate(comp.prompt.mentions)}
    assert len(original) == len(kinds)
    for op in ops:
        apply(comp, op)
        check(comp, original)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(KINDS, min_size=1, max_size=6),
    st.lists(OPS, max_size=15),
    st.integers(0, 200),
    st.text(alphabet="ab @.,", max_size=4),
)
def test_text_edits_between_tray_edits_keep_live_mentions_truthful(
    kinds: list[MediaKind],
    ops: list[Op],
    where: int,
    typed: str,
) -> None:
    """Typing outside mentions, mixed with tray edits, never breaks a live mention."""
    comp = Composition(GenerationParams(provider="oxen"))
    comp.tray.extend([ref(k) for k in kinds])
    text = " ".join(comp.tray.tags()[r.id].mention for r in comp.tray.items)
    comp.prompt.set_text(text, comp.tray)
    for op in ops:
        apply(comp, op)
        doc = comp.prompt
        spans = [(m.start, m.end) for m in doc.mentions]
        pos = where % (len(doc.text) + 1)
        if not any(s < pos < e for s, e in spans):
            doc.apply_edit(pos, 0, typed, comp.tray)
        tags = comp.tray.tags()
        for m in doc.live_mentions():
            assert doc.text[m.start : m.end] == tags[m.ref_id].mention
        for m in doc.dangling_mentions():
            assert MENTION_PATTERN.search(doc.text[m.start : m.end]) is None
