"""fal and BytePlus through the job engine against the simulator: a fan-out to every
provider, a lost create settled by check-again, a running BytePlus task that cannot be
cancelled, fal's queue position and BytePlus' last frame kept with the take."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from seedance_studio.core import capabilities
from seedance_studio.jobs import fanout
from seedance_studio.jobs.download import verify_playable
from seedance_studio.jobs.engine import JobEngine
from seedance_studio.jobs.states import JobState
from seedance_studio.simulator import Fault, SimTiming, Simulator
from seedance_studio.simulator.simulator import BASE_PATHS
from tests.jobs.fakes import make_snapshot, until


def _json(path: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(path.read_text("utf-8"))
    return data


async def test_fanout_of_one_composition_to_every_simulated_provider_finishes(
    simulator: Simulator, sim_engine: Callable[..., JobEngine]
) -> None:
    image = simulator.sample_url("image.png")
    clip = simulator.sample_url("clip_640x640_3s.mp4")
    snap = make_snapshot("fal", "@Image1 dances like @Video1", [image, clip], duration=5)
    targets = [fanout.Target(pid) for pid in BASE_PATHS]
    assert {"fal", "byteplus"} <= set(BASE_PATHS)
    plan = fanout.plan(snap, targets, allow_loopback=True)
    assert not plan.refused, [(q.provider, q.problems) for q in plan.refused]
    engine = sim_engine()
    result = await fanout.send(engine, plan)
    assert not result.failures
    jobs = await engine.wait(result.job_ids)
    assert {j.provider for j in jobs} == set(BASE_PATHS)
    for job in jobs:
        assert job.state is JobState.DONE, (job.provider, job.state, job.message)
        verify_playable(Path(job.result_path or ""))
    for pid in ("fal", "byteplus"):
        assert simulator.count(pid, "create") == 1


async def test_lost_creates_are_settled_by_check_again(
    simulator: Simulator, sim_engine: Callable[..., JobEngine]
) -> None:
    image = simulator.sample_url("image.png")
    engine = sim_engine()
    ids = {}
    for pid in ("fal", "byteplus"):
        simulator.inject(pid, "create", Fault.applied_no_response())
        [ids[pid]] = await engine.submit(make_snapshot(pid, "@Image1 turns", [image], duration=6))
    await engine.wait(list(ids.values()))
    for pid, job_id in ids.items():
        assert engine.get(job_id).state is JobState.SUBMIT_UNKNOWN
        job = await engine.check_again(job_id)
        server = [j for j in simulator.jobs if j.provider == pid]
        assert len(server) == 1 and job.provider_job_id == server[0].id, job
    done = await engine.wait(list(ids.values()))
    assert [j.state for j in done] == [JobState.DONE, JobState.DONE]
    assert simulator.count("fal", "create") == simulator.count("byteplus", "create") == 1


async def test_a_running_byteplus_task_is_not_cancelled_and_its_video_is_kept(
    simulator: Simulator, sim_engine: Callable[..., JobEngine]
) -> None:
    simulator.set_timing(SimTiming(queued=0.05, running=1.0))
    engine = sim_engine()
    [job_id] = await engine.submit(
        make_snapshot("byteplus", "@Image1 runs", [simulator.sample_url("image.png")])
    )
    await until(lambda: engine.get(job_id).state is JobState.RUNNING)
    job = await engine.cancel(job_id)
    assert job.state is not JobState.CANCELLED
    warning = capabilities.get("byteplus").cancel_warning()
    assert warning and "cannot be stopped" in warning and warning in (job.message or "")
    assert simulator.count("byteplus", "cancel") == 0  # a running task is never DELETEd
    [done] = await engine.wait([job_id])
    assert done.state is JobState.DONE
    # the last frame is kept beside the video and named in the sidecar
    frame = Path(done.result_path or "").with_name(
        Path(done.result_path or "").stem + ".last-frame.png"
    )
    assert frame.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    sidecar = _json(Path(done.sidecar_path or ""))
    assert sidecar["last_frame"] == frame.name


async def test_a_queued_byteplus_task_is_cancelled(
    simulator: Simulator, sim_engine: Callable[..., JobEngine]
) -> None:
    simulator.set_timing(SimTiming(queued=5, running=5))
    engine = sim_engine()
    [job_id] = await engine.submit(
        make_snapshot("byteplus", "@Image1 runs", [simulator.sample_url("image.png")])
    )
    await until(lambda: engine.get(job_id).state is JobState.QUEUED)
    assert (await engine.cancel(job_id)).state is JobState.CANCELLED
    assert simulator.count("byteplus", "cancel") == 1


async def test_fal_queue_position_is_stored_while_queued(
    simulator: Simulator, sim_engine: Callable[..., JobEngine]
) -> None:
    simulator.set_timing(SimTiming(queued=1.5, running=0.2))
    simulator.configure("fal", queue_ahead=4)
    engine = sim_engine()
    [job_id] = await engine.submit(
        make_snapshot("fal", "@Image1 runs", [simulator.sample_url("image.png")])
    )
    await until(lambda: engine.get(job_id).queue_position is not None)
    assert 0 <= (engine.get(job_id).queue_position or 0) <= 4
    [done] = await engine.wait([job_id])
    assert done.state is JobState.DONE and done.queue_position is None


async def test_two_lost_byteplus_creates_with_the_same_options_are_named_not_guessed(
    simulator: Simulator, sim_engine: Callable[..., JobEngine]
) -> None:
    image = simulator.sample_url("image.png")
    engine = sim_engine()
    ids = []
    for word in ("left", "right"):  # the task list echoes options, not the prompt
        simulator.inject("byteplus", "create", Fault.applied_no_response())
        ids += await engine.submit(
            make_snapshot("byteplus", f"@Image1 turns {word}", [image], duration=6)
        )
    await engine.wait(ids)
    for job_id in ids:
        job = await engine.check_again(job_id)
        assert job.state is JobState.SUBMIT_UNKNOWN
        assert "2 jobs at the provider could be this submission" in (job.message or "")
    assert simulator.count("byteplus", "create") == 2


async def test_a_real_face_refusal_is_shown_in_the_providers_words_with_its_code(
    simulator: Simulator, sim_engine: Callable[..., JobEngine]
) -> None:
    from seedance_studio.core.advice import advise

    code = "InputImageSensitiveContentDetected.PrivacyInformation"
    simulator.configure("byteplus", refuse_code=code)
    engine = sim_engine()
    [job_id] = await engine.submit(
        make_snapshot("byteplus", "@Image1 smiles", [simulator.sample_url("image.png")])
    )
    [job] = await engine.wait([job_id])
    assert job.state is JobState.FAILED and job.error_code == code
    words = "The request failed because the input image may contain real person"
    assert job.message == words
    shown = advise(
        job.error_type, provider="BytePlus ModelArk", detail=job.message or "", code=job.error_code
    ).text
    assert words in shown and code in shown and shown.startswith("BytePlus ModelArk blocked")
