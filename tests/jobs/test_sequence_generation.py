"""A three-shot sequence end to end against the simulator: a shared character, shot 2 chained
to shot 1's last frame, animatics for all, the shots generated and picked, the sequence played
in order and handed off as an OTIO timeline and one flattened MP4."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import opentimelineio as otio
import pytest

from seedance_studio.core import paths
from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.sequence import Continuity, Sequence, continuity, sync_chains
from seedance_studio.jobs.engine import JobEngine
from seedance_studio.jobs.sequence_run import (
    SequenceSubmitError,
    as_animatic,
    generate_unpicked,
    render_animatics,
)
from seedance_studio.jobs.sequence_takes import SequenceTakes, export_sequence
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobStore
from seedance_studio.media.flatten import take_duration
from seedance_studio.media.timeline import METADATA_KEY
from seedance_studio.simulator import Simulator
from tests.jobs.fakes import make_snapshot


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(paths.HOME_ENV, str(tmp_path / "home"))


def three_shots(sim: Simulator) -> Sequence:
    hero = sim.sample_url("image.png")  # one library item, used by every shot
    seq = Sequence()
    for text in (
        "@Image1 walks into the room",
        "@Image1 looks out of the window",
        "@Image1 leaves",
    ):
        seq, _ = seq.add(make_snapshot("eachlabs", text, [hero], duration=4, resolution="480p"))
    return seq.update_shot(seq.shots[1].id, chain=True)


async def finished(engine: JobEngine, ids: list[int]) -> None:
    jobs = await engine.wait(ids)
    assert [j.state for j in jobs] == [JobState.DONE] * len(ids), [j.message for j in jobs]


async def test_three_shots_from_animatic_to_exported_cut(
    simulator: Simulator, sim_engine: Callable[..., JobEngine], store: JobStore, tmp_path: Path
) -> None:
    engine = sim_engine()
    takes = SequenceTakes(store, tmp_path / "frames")
    seq = three_shots(simulator)
    a, b, c = (s.id for s in seq.shots)

    async def submit(comp: CompositionSnapshot) -> list[int]:
        return await engine.submit(comp)

    seq = await render_animatics(seq, submit)
    await finished(engine, [s.animatic for s in seq.shots if s.animatic is not None])
    assert all(store.get(s.animatic or 0).provider == "animatic" for s in seq.shots)

    # Shot 2 continues from the animatic of shot 1 until a take is picked.
    frames = await asyncio.to_thread(
        lambda: {s.animatic: takes.last_frame(s.animatic or 0) for s in seq.shots}
    )
    seq = sync_chains(seq, frames.get)
    chained = seq.shot(b).chained_reference
    assert chained is not None and chained.source == str(frames[seq.shot(a).animatic])
    assert continuity(seq, b, frames.get) is Continuity.LINKED
    assert simulator.count("eachlabs", "create") == 0  # the animatics cost nothing

    seq = await generate_unpicked(seq, submit)
    ids = [t for s in seq.shots for t in s.takes]
    assert len(ids) == 3
    await finished(engine, ids)
    assert simulator.count("eachlabs", "create") == 3
    for shot in seq.shots:
        seq = seq.with_pick(shot.id, shot.takes[0])

    # The pick changed what shot 2 continues from: the chain follows it.
    frames = await asyncio.to_thread(lambda: {j: takes.last_frame(j) for j in ids})
    seq = sync_chains(seq, frames.get)
    chained = seq.shot(b).chained_reference
    assert chained is not None and chained.source == str(frames[seq.shot(a).pick])
    assert continuity(seq, b, frames.get) is Continuity.LINKED

    items = takes.playlist(seq)
    assert [(i.shot_id, i.is_animatic) for i in items] == [(a, False), (b, False), (c, False)]

    result = await asyncio.to_thread(
        export_sequence,
        takes,
        seq,
        name="Window",
        timeline=tmp_path / "cut.otio",
        movie=tmp_path / "cut.mp4",
    )
    assert result.missing == () and result.clips == 3
    timeline = otio.adapters.read_from_file(str(tmp_path / "cut.otio"))
    clips = list(timeline.find_clips())
    assert [
        Path(otio.url_utils.filepath_from_url(cl.media_reference.target_url)) for cl in clips
    ] == [i.path.resolve() for i in items]
    # Shot 2's tray starts with the continuity image, so the character became its Image2.
    assert [store.get(i.job_id).prompt_text for i in items] == [
        "@Image1 walks into the room",
        "@Image2 looks out of the window",
        "@Image1 leaves",
    ]
    for clip, item in zip(clips, items, strict=True):
        meta = clip.metadata[METADATA_KEY]
        job = store.get(item.job_id)
        assert meta["provider"] == "eachlabs"
        assert meta["job"]["provider_job_id"] == job.provider_job_id
        assert meta["prompt_canonical"] == job.prompt_text
    lengths = [take_duration(i.path) for i in items]
    assert result.movie is not None
    assert take_duration(result.movie.path) == pytest.approx(sum(lengths), abs=0.05)


async def test_one_shot_failing_to_submit_does_not_stop_the_others(
    simulator: Simulator, sim_engine: Callable[..., JobEngine]
) -> None:
    engine = sim_engine()
    seq = three_shots(simulator)
    bad = seq.shots[1].id

    async def submit(comp: CompositionSnapshot) -> list[int]:
        if comp == seq.shot(bad).composition:
            raise RuntimeError("refused")
        return await engine.submit(comp)

    with pytest.raises(SequenceSubmitError) as caught:
        await generate_unpicked(seq, submit)
    kept = caught.value.sequence
    assert [len(s.takes) for s in kept.shots] == [1, 0, 1]
    assert "Shot 2" in str(caught.value)
    await engine.wait([t for s in kept.shots for t in s.takes])


def test_animatic_keeps_the_shot_and_costs_nothing(simulator: Simulator) -> None:
    comp = three_shots(simulator).shots[0].composition
    draft = as_animatic(comp)
    assert draft.params.provider == "animatic"
    assert draft.references == comp.references and draft.prompt == comp.prompt
    assert draft.params.duration == 4
