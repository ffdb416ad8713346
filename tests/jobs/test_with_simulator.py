"""The engine with the real provider clients against the in-process simulator."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from seedance_studio.jobs.download import verify_playable
from seedance_studio.jobs.engine import JobEngine
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobRecord
from seedance_studio.simulator import Simulator
from seedance_studio.simulator.faults import Fault
from tests.jobs.fakes import make_snapshot, until


def check_done(job: JobRecord) -> None:
    assert job.state is JobState.DONE, (job.provider, job.state, job.message)
    video = Path(job.result_path or "")
    verify_playable(video)
    assert job.bytes_done == video.stat().st_size
    assert not video.with_name(video.name + ".part").exists()
    assert Path(job.sidecar_path or "").exists()


def compositions(sim: Simulator) -> dict[str, object]:
    image = sim.sample_url("image.png")
    clip = sim.sample_url("clip_640x640_3s.mp4")
    return {
        "shortapi": make_snapshot("shortapi", "Move like @Video1", [clip], duration=4),
        "kinovi": make_snapshot("kinovi", "@Image1 waves", [image], duration=4),
        "oxen": make_snapshot("oxen", "@Image1 smiles", [image], duration=4),
        "eachlabs": make_snapshot("eachlabs", "@Image1 runs", [image], duration=4),
    }


async def test_faults_during_polls_and_downloads_lose_nothing(
    simulator: Simulator, sim_engine: Callable[..., JobEngine]
) -> None:
    poll_faults = {
        "shortapi": [Fault.http(503), Fault.drop()],
        "kinovi": [Fault.http(429, retry_after=0.1), Fault.malformed()],
        "oxen": [Fault.http(500), Fault.drop(before_body=False)],
        "eachlabs": [Fault.http(502), Fault.malformed()],
    }
    for pid, faults in poll_faults.items():
        for fault in faults:
            simulator.inject(pid, "query", fault)
        simulator.inject(pid, "download", Fault.truncated(0.4))
        simulator.inject(pid, "download", Fault.drop())
        simulator.inject(pid, "download", Fault.http(500))
    engine = sim_engine()
    ids: list[int] = []
    for snap in compositions(simulator).values():
        ids += await engine.submit(snap)  # type: ignore[arg-type]
    jobs = await engine.wait(ids)
    for job in jobs:
        check_done(job)
        assert simulator.count(job.provider, "create") == 1
    assert len({j.provider_job_id for j in jobs}) == len(jobs)
    # The history keeps the provider's own answers: the create body names the job id.
    for job in jobs:
        created = next(e for e in engine.store.events(job.id) if e.state == "queued")
        bodies = json.dumps(created.raw["responses"])
        assert job.provider_job_id is not None and job.provider_job_id in bodies
        assert "sim-key" not in bodies
    ranged = [
        r
        for r in simulator.requests(endpoint="download")
        if "range" in {k.lower() for k in r.headers}
    ]
    assert ranged, "a dropped download must resume with Range"


async def test_content_block_and_server_cancel(
    simulator: Simulator, sim_engine: Callable[..., JobEngine]
) -> None:
    engine = sim_engine()
    snaps = compositions(simulator)
    simulator.inject("kinovi", "create", Fault.content_policy("Face detected"))
    simulator.inject("oxen", "create", Fault.stuck())
    [blocked] = await engine.submit(snaps["kinovi"])  # type: ignore[arg-type]
    [stuck] = await engine.submit(snaps["oxen"])  # type: ignore[arg-type]
    [job] = await engine.wait([blocked])
    assert job.state is JobState.FAILED and "Face detected" in (job.message or "")
    await until(lambda: engine.get(stuck).state is JobState.RUNNING)
    job = await engine.cancel(stuck)
    assert job.state is JobState.CANCELLED
    assert simulator.count("oxen", "cancel") == 1
