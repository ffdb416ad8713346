"""Benchmark: the jobs table over a history of 10,000 real-sized jobs (12 references, a
4,000-character prompt), opened and scrolled in a real window.

    .venv/bin/python bench/history_bench.py [--jobs 10000] [--runs 3]

Figures, each a median of --runs in one process: opening the table (the model's first
read, the view laid out, its first paint) against the baseline of that same run, reading
every row whole (`list_jobs`, what opening the list cost before it read pages of display
fields); the model's RSS growth; the longest gap between two paints while the view scrolls
from top to bottom one page at a time (each page a wheel step, the way a person scrolls;
pages are fetched as the view reaches them) and the elapsed-time tick. The table is the
app's own (JobsPanel: its model, delegates and actions). Target: open < 1 s,
no gap over 16 ms.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QAbstractTableModel, QEvent, QObject  # noqa: E402
from PySide6.QtWidgets import QApplication, QTableView  # noqa: E402

from seedance_studio.core.composition import CompositionSnapshot  # noqa: E402
from seedance_studio.core.params import GenerationParams  # noqa: E402
from seedance_studio.core.pricing import Estimate  # noqa: E402
from seedance_studio.core.prompt import PromptDocument  # noqa: E402
from seedance_studio.core.reference import Reference  # noqa: E402
from seedance_studio.core.settings import Settings  # noqa: E402
from seedance_studio.core.tray import ReferenceTray  # noqa: E402
from seedance_studio.jobs.states import JobState  # noqa: E402
from seedance_studio.jobs.store import JobStore, NewJob  # noqa: E402
from seedance_studio.jobs.transitions import path_to  # noqa: E402
from seedance_studio.ui.engine_bridge import EngineBridge  # noqa: E402
from seedance_studio.ui.jobs_panel import JobsPanel  # noqa: E402

STATES = [JobState.DONE, JobState.FAILED, JobState.DONE, JobState.CANCELLED, JobState.DONE]
LIVE = 50
"""The newest jobs are still running (their elapsed time ticks): a busy evening's queue."""
SENTENCE = (
    "the dancer from @Image1 turns slowly under the lights of @Image2 while the "
    "camera follows the beat of @Audio1 and the moves of @Video1 "
)


def real_sized_snapshot() -> CompositionSnapshot:
    """12 references (9 images, 3 videos) and a 4,000-character prompt mentioning them."""
    refs = [Reference.from_source(f"https://example.com/still-{i}.png") for i in range(9)] + [
        Reference.from_source(f"https://example.com/move-{i}.mp4") for i in range(3)
    ]
    text = (SENTENCE * (4000 // len(SENTENCE) + 1))[:4000].rstrip()
    tray = ReferenceTray(refs)
    doc = PromptDocument(text, tray)
    return CompositionSnapshot(
        references=refs, prompt=doc.to_data(), params=GenerationParams(provider="kinovi")
    )


def fill(path: Path, count: int) -> None:
    store = JobStore(path)
    snapshot = real_sized_snapshot()
    rows = [
        NewJob(
            snapshot=snapshot,
            group_id=f"g{i}",
            batch=f"b{i}",
            estimate=Estimate(min=Decimal("2.40"), max=Decimal("2.40")),
            estimated_usd=Decimal("2.40"),
        )
        for i in range(count)
    ]
    ids = store.insert_jobs(rows)
    for i, job_id in enumerate(ids):
        state = JobState.RUNNING if i >= count - LIVE else STATES[i % len(STATES)]
        store.update(job_id, provider_job_id=f"task-{job_id}")
        for event in path_to(JobState.SUBMITTING, state):
            store.move(
                job_id,
                event,
                message="generation failed: the server said no"
                if state is JobState.FAILED
                else None,
            )
    store.close()


class NoKeys:
    def get(self, provider_id: str) -> str | None:
        return None


class Paints(QObject):
    """Times of every paint of the view's viewport."""

    def __init__(self) -> None:
        super().__init__()
        self.times: list[float] = []

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.times.append(time.perf_counter())
        return False


def rss_mb() -> float:
    status = Path("/proc/self/status").read_text()
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def baseline(db: Path) -> float:
    """Every row read whole: what opening the list did before it read display fields."""
    store = JobStore(db)
    start = time.perf_counter()
    jobs = store.list_jobs()
    elapsed = time.perf_counter() - start
    assert jobs
    store.close()
    return elapsed


class Bare(QAbstractTableModel):
    """The floor: a table of short fixed strings, the same size, no store behind it."""

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows

    def rowCount(self, parent: Any = None) -> int:  # noqa: N802
        return self.rows

    def columnCount(self, parent: Any = None) -> int:  # noqa: N802
        return 6

    def data(self, index: Any, role: int = 0) -> Any:
        return f"{index.row()}:{index.column()}" if role == 0 else None


def scroll(
    app: QApplication, view: QTableView, paints: Paints, more: Callable[[], bool]
) -> list[float]:
    """Page down to the bottom, one step per loop turn; every step's time to its paint."""
    bar = view.verticalScrollBar()
    gaps: list[float] = []
    while True:
        mark = len(paints.times)
        t0 = time.perf_counter()
        bar.setValue(bar.value() + bar.pageStep())
        while len(paints.times) == mark:
            app.processEvents()
        gaps.append(paints.times[-1] - t0)
        if bar.value() >= bar.maximum() and not more():
            return gaps


def bare_scroll(app: QApplication, rows: int) -> list[float]:
    view = QTableView()
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(60)
    paints = Paints()
    view.viewport().installEventFilter(paints)
    model = Bare(rows)
    view.setModel(model)
    view.resize(1200, 700)
    view.show()
    while not paints.times:
        app.processEvents()
    gaps = scroll(app, view, paints, lambda: False)
    view.close()
    return gaps


def open_and_scroll(app: QApplication, db: Path) -> dict[str, float]:
    bridge = EngineBridge.create(Settings(), NoKeys(), store=JobStore(db), owns_store=True)
    before = rss_mb()
    paints = Paints()
    start = time.perf_counter()
    panel = JobsPanel(bridge)
    view, model = panel.table, panel.model
    view.viewport().installEventFilter(paints)
    panel.resize(1200, 700)
    panel.show()
    while not paints.times:
        app.processEvents()
    opened = paints.times[0] - start
    grown = rss_mb() - before
    gaps = scroll(app, view, paints, model.canFetchMore)
    steps = len(gaps)
    rows = model.rowCount()
    ticks = []
    for _ in range(5):
        t0 = time.perf_counter()
        model._tick()
        app.processEvents()
        ticks.append(time.perf_counter() - t0)
    panel.close()
    panel.shutdown()
    import asyncio

    asyncio.run(bridge.shutdown())
    bare = bare_scroll(app, rows)
    return {
        "open_s": opened,
        "rss_mb": grown,
        "scroll_max_s": max(gaps),
        "scroll_p99_s": p99(gaps),
        "steps": steps,
        "rows": rows,
        "tick_s": statistics.median(ticks),
        "bare_max_s": max(bare),
        "bare_p99_s": p99(bare),
    }


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory(prefix="seedance-history-") as tmp:
        db = Path(tmp) / "jobs.sqlite3"
        start = time.perf_counter()
        fill(db, options.jobs)
        size = db.stat().st_size / 1e6
        print(
            f"store: {options.jobs} jobs (12 references, 4,000-character prompt each), "
            f"{size:.0f} MB, written in {time.perf_counter() - start:.1f} s; "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        base: list[float] = []
        runs: list[dict[str, float]] = []
        for _ in range(options.runs):  # alternating: the baseline, then the table
            base.append(baseline(db))
            runs.append(open_and_scroll(app, db))
    b = statistics.median(base)

    def med(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    print(f"baseline, every row read whole (list_jobs): {b:.3f} s")
    print(
        f"table opened to its first paint           : {med('open_s'):.3f} s "
        f"({med('open_s') / b:.3f}x the baseline; target < 1 s), RSS +{med('rss_mb'):.0f} MB"
    )
    print(
        f"scrolled to the bottom, {med('steps'):.0f} page steps over {med('rows'):.0f} rows: "
        f"step to paint longest {med('scroll_max_s') * 1000:.1f} ms, p99 "
        f"{med('scroll_p99_s') * 1000:.1f} ms (target < 16 ms)"
    )
    print(
        f"  the same scroll over a bare table of fixed strings (the floor): longest "
        f"{med('bare_max_s') * 1000:.1f} ms, p99 {med('bare_p99_s') * 1000:.1f} ms; ratio of "
        f"p99s {med('scroll_p99_s') / med('bare_p99_s'):.2f}x"
    )
    print(f"elapsed-time tick with every row loaded: {med('tick_s') * 1000:.2f} ms")


if __name__ == "__main__":
    main()
