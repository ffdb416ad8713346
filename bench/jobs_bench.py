"""Benchmark: the job store and the engine against the in-process simulator.

Prints: store inserts/updates per second (one short transaction each, as the engine does),
the time to list unfinished jobs among many, and N eachlabs jobs end to end (create, poll,
download, verify, sidecar) with the per-key limits kept (10 unfinished, 100 creates per
window; the window is scaled from 60 s to --window so the run takes seconds): wall time,
jobs per second, the highest number of unfinished jobs and creates in any window the
simulator saw, and create requests refused with 429 (should be 0).

    .venv/bin/python bench/jobs_bench.py [--jobs 500] [--window 2] [--rows 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from seedance_studio.core.settings import Settings  # noqa: E402
from seedance_studio.jobs.engine import JobEngine  # noqa: E402
from seedance_studio.jobs.states import JobState  # noqa: E402
from seedance_studio.jobs.store import JobStore, NewJob  # noqa: E402
from seedance_studio.jobs.transitions import path_to  # noqa: E402
from seedance_studio.providers.eachlabs import EachlabsProvider  # noqa: E402
from seedance_studio.providers.rate_limits import RateLimits  # noqa: E402
from seedance_studio.simulator import Simulator  # noqa: E402
from seedance_studio.simulator.providers import eachlabs as sim_eachlabs  # noqa: E402
from seedance_studio.simulator.simulator import BASE_PATHS  # noqa: E402
from seedance_studio.simulator.timing import SimTiming  # noqa: E402
from tests.jobs.fakes import make_snapshot  # noqa: E402


class Keys:
    def get(self, name: str) -> str | None:
        return f"bench-key-{name}"


def bench_store(folder: Path, rows: int) -> None:
    store = JobStore(folder / "store.sqlite3")
    snap = make_snapshot()
    start = time.perf_counter()
    ids = [
        store.insert_jobs([NewJob(snapshot=snap, group_id="g", batch=f"b{i}")])[0]
        for i in range(rows)
    ]
    inserted = time.perf_counter() - start
    start = time.perf_counter()
    for i, job_id in enumerate(ids):
        for event in path_to(JobState.SUBMITTING, JobState.DONE if i % 10 else JobState.QUEUED):
            store.move(job_id, event)
    updated = time.perf_counter() - start
    start = time.perf_counter()
    pending = store.unfinished()
    listed = time.perf_counter() - start
    print(
        f"store: {rows / inserted:,.0f} inserts/s, {rows / updated:,.0f} state updates/s, "
        f"unfinished() over {rows:,} rows: {listed * 1000:.1f} ms ({len(pending)} found)"
    )
    store.close()


async def bench_engine(folder: Path, jobs: int, window: float) -> None:
    sim_eachlabs.RATE_WINDOW_S = window
    EachlabsProvider.rate_limits = RateLimits(max_unfinished=10, max_creates=100, window_s=window)
    with Simulator(timing=SimTiming(queued=0.02, running=0.05)) as sim:
        store = JobStore(folder / "engine.sqlite3")
        settings = Settings(
            library_dir=str(folder / "library"),
            base_urls={pid: sim.base_url(pid) for pid in BASE_PATHS},
        )
        engine = JobEngine(store, settings, Keys(), poll_interval=0.05)
        snap = make_snapshot(
            "eachlabs", "@Image1 runs", [sim.sample_url("image.png")], duration=4, resolution="480p"
        )
        snap = snap.model_copy(update={"params": snap.params.model_copy(update={"variants": jobs})})
        start = time.perf_counter()
        ids = await engine.submit(snap)
        records = await engine.wait(ids)
        elapsed = time.perf_counter() - start
        await engine.aclose()
        done = sum(1 for r in records if r.state is JobState.DONE)
        server = sim.jobs
        created = sorted(j.created_mono for j in server)
        most_in_window = max(
            sum(1 for u in created[: i + 1] if u > t - window) for i, t in enumerate(created)
        )
        most_unfinished = max(
            sum(
                1
                for o in server
                if o.created_mono <= j.created_mono
                and (o.finished_mono() or float("inf")) > j.created_mono
            )
            for j in server
        )
        refused = sim.count("eachlabs", "create") - len(server)
        print(
            f"engine: {done}/{jobs} eachlabs jobs done in {elapsed:.1f} s "
            f"({jobs / elapsed:.1f} jobs/s); most unfinished at once {most_unfinished} "
            f"(limit 10); most creates in a {window:g} s window {most_in_window} "
            f"(limit 100); creates refused with 429: {refused}"
        )
        store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=500)
    parser.add_argument("--window", type=float, default=2.0)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ.setdefault("SEEDANCE_STUDIO_HOME", str(folder / "home"))
        bench_store(folder, args.rows)
        asyncio.run(bench_engine(folder, args.jobs, args.window))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
