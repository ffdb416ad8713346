"""Benchmark: the job queue panel over a large store, and the VLC preview's start and stop.

Prints, for a store of --jobs rows (offscreen Qt): the time to build the panel (one read of
every row), to refresh one changed row (one SQLite read), and one elapsed-time tick. For the
preview (libVLC with dummy outputs): creating the instance (the panel does it on a thread
when first shown, so the UI does not wait), play() to "playing", and
shutdown() of a playing clip (stop, drop media, release player and instance). Medians of
--runs.

    .venv/bin/python bench/queue_preview_bench.py [--jobs 2000] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from seedance_studio.core.composition import CompositionSnapshot  # noqa: E402
from seedance_studio.core.params import GenerationParams  # noqa: E402
from seedance_studio.core.prompt import PromptDocument  # noqa: E402
from seedance_studio.core.reference import Reference  # noqa: E402
from seedance_studio.core.settings import Settings  # noqa: E402
from seedance_studio.core.tray import ReferenceTray  # noqa: E402
from seedance_studio.jobs.states import JobState  # noqa: E402
from seedance_studio.jobs.store import JobStore, NewJob  # noqa: E402
from seedance_studio.jobs.transitions import path_to  # noqa: E402
from seedance_studio.ui.engine_bridge import EngineBridge  # noqa: E402
from seedance_studio.ui.jobs_panel import JobsPanel  # noqa: E402
from seedance_studio.ui.player import PlayerPanel  # noqa: E402
from seedance_studio.ui.player_vlc import PlaybackState, VlcPlayer, instance_options  # noqa: E402
from tests.xvfb.clips import make_clip  # noqa: E402

STATES = [
    JobState.DONE,
    JobState.FAILED,
    JobState.RUNNING,
    JobState.QUEUED,
    JobState.CANCELLED,
    JobState.SUBMIT_UNKNOWN,
]


def fill_store(store: JobStore, count: int) -> None:
    refs = [Reference.from_source("https://example.com/walk.mp4")]
    doc = PromptDocument("A cat walks like @Video1 through the rain", ReferenceTray(refs))
    snapshot = CompositionSnapshot(
        references=refs, prompt=doc.to_data(), params=GenerationParams(provider="shortapi")
    )
    rows = [
        NewJob(
            snapshot=snapshot,
            group_id=f"g{i}",
            batch=f"b{i}",
            estimate={"min": "0.84", "max": "0.84"},
            estimated_usd=Decimal("0.84"),
        )
        for i in range(count)
    ]
    ids = store.insert_jobs(rows)
    for i, job_id in enumerate(ids):
        store.update(job_id, provider_job_id=f"task-{job_id}")
        for event in path_to(JobState.SUBMITTING, STATES[i % len(STATES)]):
            store.move(job_id, event)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def bench_queue(app: QApplication, jobs: int, runs: int, folder: Path) -> None:
    store = JobStore(folder / "jobs.sqlite3")
    fill_store(store, jobs)
    bridge = EngineBridge.create(Settings(), None, store=store)
    build, refresh, tick = [], [], []
    for _ in range(runs):
        t = time.perf_counter()
        panel = JobsPanel(bridge)
        build.append(time.perf_counter() - t)
        t = time.perf_counter()
        panel.model.refresh(jobs // 2)
        refresh.append(time.perf_counter() - t)
        t = time.perf_counter()
        panel.model._tick()
        tick.append(time.perf_counter() - t)
        panel.shutdown()
        panel.deleteLater()
        app.processEvents()
    print(
        f"queue panel, {jobs} jobs: build {ms(statistics.median(build))}, "
        f"refresh one row {ms(statistics.median(refresh))}, "
        f"elapsed tick {ms(statistics.median(tick))}"
    )
    store.close()


def bench_preview(app: QApplication, runs: int, folder: Path) -> None:
    clip = str(make_clip(folder / "clip.mp4", seconds=3.0))
    create, start, stop = [], [], []
    for _ in range(runs):
        t = time.perf_counter()
        VlcPlayer(instance_options("offscreen")).release()
        create.append(time.perf_counter() - t)
        panel = PlayerPanel()
        panel.show()
        panel._ensure_player()
        player = panel.player
        assert player is not None
        t = time.perf_counter()
        panel.play(clip)
        while player.state() is not PlaybackState.PLAYING and time.perf_counter() - t < 10:
            app.processEvents()
            time.sleep(0.002)
        start.append(time.perf_counter() - t)
        end = time.perf_counter() + 0.5
        while time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.01)
        t = time.perf_counter()
        panel.shutdown()
        stop.append(time.perf_counter() - t)
        panel.deleteLater()
        app.processEvents()
    print(
        f"preview: libVLC instance {ms(statistics.median(create))}, play() to playing "
        f"{ms(statistics.median(start))}, shutdown while playing "
        f"{ms(statistics.median(stop))} (max {ms(max(stop))})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    app = QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ.setdefault("SEEDANCE_STUDIO_HOME", str(folder / "home"))
        bench_queue(app, args.jobs, args.runs, folder)
        bench_preview(app, args.runs, folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
