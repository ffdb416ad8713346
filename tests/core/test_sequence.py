"""The sequence model: shot edits, picks, chaining by last frame, playlist and total estimate."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from seedance_studio.core import capabilities, pricing
from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.sequence import (
    Continuity,
    Sequence,
    SequenceError,
    chain_reference_id,
    continuity,
    estimate_sequence,
    playlist,
    shots_to_generate,
    sync_chains,
)
from tests.core.builders import image, snapshot


def three_shots() -> tuple[Sequence, list[str]]:
    hero = image("hero.png")
    seq = Sequence()
    ids = []
    for text in ("@Image1 walks in", "@Image1 looks up", "@Image1 leaves"):
        seq, shot_id = seq.add(snapshot("eachlabs", [hero], text, duration=5, resolution="720p"))
        ids.append(shot_id)
    return seq, ids


def test_add_duplicate_move_remove_keep_order_and_ids() -> None:
    seq, (a, b, c) = three_shots()
    seq2, d = seq.duplicate(b)
    assert [s.id for s in seq2.shots] == [a, b, d, c]
    assert seq2.shot(d).composition == seq.shot(b).composition
    assert seq2.shot(d).takes == () and seq2.shot(d).pick is None
    seq3 = seq2.move(c, 0)
    assert [s.id for s in seq3.shots] == [c, a, b, d]
    seq4 = seq3.remove(a)
    assert [s.id for s in seq4.shots] == [c, b, d]
    # The sequence before each edit is untouched: an undo step is the old value.
    assert [s.id for s in seq.shots] == [a, b, c]
    with pytest.raises(SequenceError):
        seq.remove("nope")


def test_shared_reference_is_one_item_across_shots() -> None:
    seq, ids = three_shots()
    sources = {seq.shot(i).composition.references[0].source for i in ids}
    assert sources == {"https://cdn.example.com/hero.png"}


def test_pick_must_be_a_take_of_the_shot() -> None:
    seq, (a, b, _) = three_shots()
    seq = seq.with_take(a, 11).with_take(a, 12).with_take(a, 12)
    assert seq.shot(a).takes == (11, 12)
    assert seq.with_pick(a, 12).shot(a).pick == 12
    with pytest.raises(SequenceError):
        seq.with_pick(b, 11)
    assert seq.shot_of_job(12) is seq.shot(a)


def test_chain_takes_last_frame_of_previous_pick_and_follows_a_new_pick(tmp_path: Path) -> None:
    seq, (a, b, _) = three_shots()
    frames = {11: tmp_path / "11.png", 12: tmp_path / "12.png", 90: tmp_path / "90.png"}
    seq = seq.update_shot(b, chain=True).with_take(a, 11).with_take(a, 12)

    def frame(job: int) -> Path | None:
        return frames.get(job)

    assert continuity(seq, b, frame) is Continuity.WAITING  # nothing to continue from yet
    assert sync_chains(seq, frame) == seq

    seq = sync_chains(seq.with_animatic(a, 90), frame)  # the animatic stands in
    ref = seq.shot(b).chained_reference
    assert ref is not None and ref.source == str(frames[90])
    assert seq.shot(b).composition.references[0].id == chain_reference_id(b)
    assert continuity(seq, b, frame) is Continuity.LINKED

    seq = sync_chains(seq.with_pick(a, 12), frame)  # a pick replaces it in place
    refs = seq.shot(b).composition.references
    assert [r.source for r in refs] == [str(frames[12]), "https://cdn.example.com/hero.png"]
    assert continuity(seq, b, frame) is Continuity.LINKED
    assert continuity(seq, a, frame) is Continuity.NONE


def test_chained_mention_stays_bound_when_pick_changes(tmp_path: Path) -> None:
    seq, (a, b, _) = three_shots()
    seq = seq.update_shot(b, chain=True).with_take(a, 1).with_take(a, 2).with_pick(a, 1)
    frames = {1: tmp_path / "1.png", 2: tmp_path / "2.png"}
    seq = sync_chains(seq, frames.get)
    shot = seq.shot(b)
    # The user now writes the prompt against the continuity image (Image1, first in the tray).
    comp = snapshot(
        "eachlabs",
        list(shot.composition.references),
        "@Image1 continues, @Image2 looks up",
        duration=5,
    )
    seq = seq.replace(shot.model_copy(update={"composition": comp}))
    seq = sync_chains(seq.with_pick(a, 2), frames.get)
    after = seq.shot(b).composition
    assert after.canonical_prompt() == "@Image1 continues, @Image2 looks up"
    assert after.references[0].source == str(frames[2])


def test_duplicate_gives_the_copy_its_own_chain_image(tmp_path: Path) -> None:
    seq, (a, b, _) = three_shots()
    seq = sync_chains(
        seq.update_shot(b, chain=True).with_take(a, 1).with_pick(a, 1), {1: tmp_path / "1.png"}.get
    )
    seq, d = seq.duplicate(b)
    ref = seq.shot(d).chained_reference
    assert ref is not None and ref.id == chain_reference_id(d)
    assert seq.shot(b).chained_reference is not None


def test_playlist_uses_pick_then_animatic_and_skips_shots_without_files(tmp_path: Path) -> None:
    seq, (a, b, c) = three_shots()
    seq = (
        seq.with_take(a, 1).with_pick(a, 1).with_animatic(a, 5).with_animatic(b, 6).with_take(c, 3)
    )
    files = {1: tmp_path / "1.mp4", 5: tmp_path / "5.mp4", 6: tmp_path / "6.mp4"}
    items = playlist(seq, files.get)
    assert [(i.shot_id, i.job_id, i.is_animatic) for i in items] == [(a, 1, False), (b, 6, True)]
    assert [i.label for i in items] == ["Shot 1", "Shot 2"]


def test_total_estimate_covers_shots_without_a_pick() -> None:
    seq, (a, _, _) = three_shots()
    seq = seq.with_take(a, 1).with_pick(a, 1)
    caps = capabilities.get("eachlabs")

    def price(comp: CompositionSnapshot) -> pricing.Estimate:
        return pricing.estimate(comp, caps)

    total = estimate_sequence(seq, price)
    # eachlabs' page: 720p costs $0.3024 per second of output; two 5 s shots are left.
    assert total.min == total.max == Decimal("0.3024") * 5 * 2
    assert [s.id for s in shots_to_generate(seq)] == list(total.shots)
    assert total.unpriced == ()


def test_total_estimate_names_shots_without_a_published_price() -> None:
    seq = Sequence()
    seq, shot = seq.add(snapshot("oxen", [image()], "@Image1 turns"))
    total = estimate_sequence(seq, lambda comp: pricing.estimate(comp, capabilities.get("oxen")))
    assert total.unpriced == (shot,) and total.min == 0
