"""kill -9 of `seedance submit` on fal and BytePlus, then `seedance resume`.

For each provider, three submits at once, each killed in its own phase:
- create: killed after the create reached the server but before its answer came back; on
  resume the engine looks the job up by itself (fal's request history, BytePlus' task list)
  and follows it to the end: nothing is sent twice, nothing is left to settle by hand;
- poll: killed while the job is queued or running: resume polls it;
- upload (fal only, a local file to fal's CDN): killed before the create was sent: resume
  uploads again and sends the create once.
"""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import pytest

from seedance_studio.jobs.download import verify_playable
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobRecord, JobStore
from seedance_studio.simulator.media import png_bytes
from tests.cli.conftest import SimProcess, seedance, start_seedance

ROUNDS = 2


def _landed(phase: str, pid: str, job: JobRecord, sim: SimProcess, before: dict[str, int]) -> bool:
    if phase == "create":
        return (
            job.create_sent_at is not None
            and job.state is JobState.SUBMITTING
            and sim.count(pid, "create") > before["create"]
        )
    if phase == "upload":
        return job.create_sent_at is None and sim.count("fal", "initiate") > before["initiate"]
    return job.state in (JobState.QUEUED, JobState.RUNNING)


@pytest.mark.parametrize("pid", ["fal", "byteplus"])
def test_kill_9_then_resume_settles_everything_once(
    pid: str, sim: SimProcess, sim_env: dict[str, str], tmp_path: Path
) -> None:
    rng = random.Random(13)
    home = Path(sim_env["SEEDANCE_STUDIO_HOME"])
    image = sim.sample_url("image.png")
    phase_of: dict[int, str] = {}
    store: JobStore | None = None
    for round_no in range(ROUNDS):
        sim.inject(pid, "create", kind="slow", delay=3)
        phases = {"create": f"@Image1 smiles {round_no}", "poll": f"@Image1 runs {round_no}"}
        sources = {"create": image, "poll": image}
        if pid == "fal":
            local = tmp_path / f"ref{round_no}.png"
            local.write_bytes(png_bytes(200 + 2 * round_no, 200))
            sim.inject("fal", "initiate", kind="slow", delay=4)
            phases["upload"] = f"@Image1 jumps {round_no}"
            sources["upload"] = str(local)
        before = {"create": sim.count(pid, "create"), "initiate": sim.count("fal", "initiate")}
        procs = {}
        for phase, prompt in phases.items():
            # BytePlus' task list echoes options, not prompts: each round asks for its own
            # duration, so two lost creates of one minute stay told apart
            procs[phase] = start_seedance(
                sim_env,
                "submit",
                "--provider",
                pid,
                "--duration",
                str(4 + round_no),
                "--prompt",
                prompt,
                "--image",
                sources[phase],
            )
            if phase == "create":
                time.sleep(0.3)  # its create goes first, so the poll's is not the slow one
        store = store or JobStore(home / "data" / "jobs.sqlite3")
        kill_at: dict[str, float] = {}
        deadline = time.monotonic() + 40
        while procs:
            assert time.monotonic() < deadline, (
                round_no,
                sorted(procs),
                [(j.id, j.state.value, j.message) for j in store.list_jobs()],
            )
            for phase in list(procs):
                job = next(
                    (j for j in store.list_jobs(provider=pid) if j.prompt_text == phases[phase]),
                    None,
                )
                if job is None:
                    continue
                if phase not in kill_at and _landed(phase, pid, job, sim, before):
                    kill_at[phase] = time.monotonic() + rng.uniform(0.0, 0.2)
                if phase in kill_at and time.monotonic() >= kill_at[phase]:
                    proc = procs.pop(phase)
                    os.kill(proc.pid, signal.SIGKILL)
                    proc.wait()
                    phase_of[job.id] = phase
            time.sleep(0.01)
    assert store is not None
    time.sleep(3.5)  # the slow creates the kills cut short finish on the server
    resumed = seedance(sim_env, "resume", timeout=120)
    assert "Traceback" not in resumed.err
    final = {job.id: job for job in store.list_jobs()}
    assert set(final) == set(phase_of)
    for job_id, phase in phase_of.items():
        job = final[job_id]
        assert job.state is JobState.DONE, (phase, job.state, job.message)
        verify_playable(Path(job.result_path or ""))
    server = [j for j in sim.jobs() if j["provider"] == pid]
    assert len(server) == len(phase_of)  # every job created exactly once on the server
    ours = [j.provider_job_id for j in final.values()]
    assert len(set(ours)) == len(ours) and set(ours) == {j["id"] for j in server}
    store.close()
