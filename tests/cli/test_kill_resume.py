"""kill -9 of `seedance submit` at random points, 20 times, then `seedance resume`.

Each round starts four submits at once, one per phase, each on its own provider so the
injected slow-downs (which hold a phase open long enough to land the kill in it) cannot reach
another submit:
- upload:   kinovi with a local image, killed while its upload (eachlabs presign) hangs:
            the create was never sent, so resume sends it (once);
- create:   oxen, killed after its create reached the server but before the answer came:
            resume marks it submit_unknown and never sends it again;
- poll:     eachlabs, killed while the job is queued or running: resume polls it;
- download: kinovi, killed mid-download after a dropped first attempt left a partial
            `.part`: resume continues it with an HTTP Range request.
"""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

from seedance_studio.jobs.download import verify_playable
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobRecord, JobStore
from seedance_studio.simulator.media import png_bytes
from tests.cli.conftest import SimProcess, seedance, start_seedance

ROUNDS = 5
PHASE_PROVIDER = {"upload": "kinovi", "create": "oxen", "poll": "eachlabs", "download": "kinovi"}
PHASE_WORD = {"upload": "jumps", "create": "smiles", "poll": "runs", "download": "waves"}
"""The last word of each phase's prompt, to tell its row apart."""


def landed(
    phase: str,
    store: JobStore,
    sim: SimProcess,
    jobs: dict[str, JobRecord],
    before: dict[tuple[str, str], int],
    phase_of: dict[int, str],
) -> bool:
    """Whether this round's `phase` submit is inside its phase (finding its row first)."""
    if phase not in jobs:
        job = next(
            (
                j
                for j in store.list_jobs(provider=PHASE_PROVIDER[phase])
                if j.id not in phase_of and j.prompt_text.endswith(PHASE_WORD[phase])
            ),
            None,
        )
        if job is None:
            return False
        jobs[phase] = job
    job = store.get(jobs[phase].id)
    if phase == "upload":
        return (
            job.create_sent_at is None
            and sim.count("eachlabs", "presign") > before[("eachlabs", "presign")]
        )
    if phase == "create":
        return (
            job.create_sent_at is not None
            and job.state is JobState.SUBMITTING
            and sim.count("oxen", "create") > before[("oxen", "create")]
        )
    if phase == "poll":
        return job.state in (JobState.QUEUED, JobState.RUNNING)
    part = Path(f"{job.result_path}.part")
    return (
        job.state is JobState.DOWNLOADING
        and part.exists()
        and part.stat().st_size > 0
        and sim.count("kinovi", "download") >= before[("kinovi", "download")] + 2
    )


def test_kill_9_at_random_points_then_resume_loses_and_doubles_nothing(
    sim: SimProcess, sim_env: dict[str, str], tmp_path: Path
) -> None:
    rng = random.Random(20)
    home = Path(sim_env["SEEDANCE_STUDIO_HOME"])
    store = JobStore(home / "data" / "jobs.sqlite3")
    image_url = sim.sample_url("image.png")
    phase_of: dict[int, str] = {}

    for round_no in range(ROUNDS):
        local = tmp_path / f"ref{round_no}.png"
        local.write_bytes(png_bytes(320 + 2 * round_no, 320))  # new content: a new upload
        sim.inject("eachlabs", "presign", kind="slow", delay=4)
        sim.inject("oxen", "create", kind="slow", delay=3)
        sim.inject("kinovi", "download", kind="truncated_download", fraction=0.5)
        sim.inject("kinovi", "download", kind="slow", delay=4)
        before = {
            (p, e): sim.count(p, e)
            for p, e in [("eachlabs", "presign"), ("oxen", "create"), ("kinovi", "download")]
        }
        common = ["submit", "--duration", "4"]
        procs = {
            "upload": start_seedance(
                sim_env,
                *common,
                "--provider",
                "kinovi",
                "--prompt",
                "@Image1 jumps",
                "--image",
                str(local),
            ),
            "create": start_seedance(
                sim_env,
                *common,
                "--provider",
                "oxen",
                "--prompt",
                "@Image1 smiles",
                "--image",
                image_url,
            ),
            "poll": start_seedance(
                sim_env,
                *common,
                "--provider",
                "eachlabs",
                "--prompt",
                "@Image1 runs",
                "--image",
                image_url,
            ),
            "download": start_seedance(
                sim_env,
                *common,
                "--provider",
                "kinovi",
                "--prompt",
                "@Image1 waves",
                "--image",
                image_url,
            ),
        }
        jobs: dict[str, JobRecord] = {}

        # Watch all four at once; kill each at a random point once it is in its phase.
        kill_at: dict[str, float] = {}
        deadline = time.monotonic() + 90  # four CLIs start at once: slow on a loaded machine
        while procs:
            assert time.monotonic() < deadline, (
                f"round {round_no}: never reached {sorted(procs)}: "
                f"{[(j.id, j.provider, j.state.value, j.message) for j in store.list_jobs()]}"
            )
            for phase in list(procs):
                if phase not in kill_at and landed(phase, store, sim, jobs, before, phase_of):
                    kill_at[phase] = time.monotonic() + rng.uniform(0.0, 0.25)
                if phase in kill_at and time.monotonic() >= kill_at[phase]:
                    proc = procs.pop(phase)
                    os.kill(proc.pid, signal.SIGKILL)
                    proc.wait()
                    phase_of[jobs[phase].id] = phase
            time.sleep(0.01)

    assert len(phase_of) == 4 * ROUNDS
    resumed = seedance(sim_env, "resume", timeout=120)
    assert "Traceback" not in resumed.err
    final = {job.id: job for job in store.list_jobs()}
    assert set(final) == set(phase_of)
    for job_id, phase in phase_of.items():
        job = final[job_id]
        if phase == "create":
            # Sent but unanswered: the user decides; it was never sent a second time.
            assert job.state is JobState.SUBMIT_UNKNOWN, job
            assert job.attempt == 1
            continue
        assert job.state is JobState.DONE, (phase, job.state, job.message)
        video = Path(job.result_path or "")
        verify_playable(video)
        assert video.stat().st_size == job.bytes_total
        assert not Path(f"{video}.part").exists()
        assert Path(job.sidecar_path or "").exists()
    # Each job was created exactly once on the server.
    assert sim.count("kinovi", "create") == 2 * ROUNDS
    assert sim.count("oxen", "create") == ROUNDS
    assert sim.count("eachlabs", "create") == ROUNDS
    server_jobs = sim.jobs()
    assert len(server_jobs) == 4 * ROUNDS
    known = {j["id"] for j in server_jobs}
    ours = [j.provider_job_id for j in final.values() if j.provider_job_id]
    assert len(ours) == len(set(ours)) == 3 * ROUNDS and set(ours) <= known
    ranged = [
        r
        for r in sim.control("GET", "requests?endpoint=download")
        if any(k.lower() == "range" for k in r["headers"])
    ]
    assert len(ranged) >= ROUNDS  # every interrupted download resumed from its .part
    store.close()
