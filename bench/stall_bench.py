"""Benchmark: event-loop gaps in the studio window while 12 references import and 100 jobs poll.

    .venv/bin/python bench/stall_bench.py [--jobs 100] [--poll 0.2] [--idle 4] [--load 20]
                                          [--sample]

One process, as the app runs: the real MainWindow on a qasync loop, its engine pointed at the
in-process loopback simulator (eachlabs, jobs that run for an hour so they keep polling). A
1 ms precise QTimer heartbeat records every gap between its ticks. Phases alternate in the
same run: idle window (heartbeat only) → load → idle window again. The load is one drop of 12
files on the tray, through the tray's own ingest (probe, thumbnails, waveforms): 8 images, 3
audio clips and one 1080p 15 s H.264 video made with PyAV, while 100 small jobs are submitted
through the engine bridge and polled every --poll seconds (eachlabs runs 10 unfinished jobs
per key; the rest wait for a slot). The load phase lasts until the tray has settled and every
job is submitted, and at least --load seconds. Figures: p50/p99/max gap and the gaps over
16 ms for the idle and the load phases, the ratio of load to idle, the load average, and the
largest gaps with what was happening then. `--sample` adds a watchdog thread that, while a
tick is overdue by 12 ms, samples the main thread's stack (sys._current_frames) and prints the
frames most seen in stalls; it takes the GIL itself, so its figures are a little worse.
The window is set up as the app sets it up: the HTTP client built in a worker thread by
`EngineBridge.start`, `app.freeze_start_up_objects()` (gc.freeze) once it is up, and the
worker threads (probe, thumbnails, the library's hashing) 10 nice levels below the UI thread
(`ui.workers.lower_thread_priority`, Linux). To measure what each changes, `--cold-client`
leaves the client to the first request (on the UI thread), `--no-gc-freeze` skips the freeze
(a full collection of start-up's objects then stalls the loop for 45-180 ms now and then) and
`--equal-priority` keeps the workers at the UI thread's priority.

Targets: p99 < 16 ms, max < 50 ms. No display needed: QT_QPA_PLATFORM=offscreen unless
DISPLAY is set (then the X server, e.g. Xvfb, is used). Every wait is bounded; network only
to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import gc
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

if TYPE_CHECKING:
    from seedance_studio.simulator import Simulator

PROVIDER = "eachlabs"
STALL_MS = 16.0
SAMPLE_AFTER_S = 0.012
MAX_LOAD_S = 60.0
"""The load phase ends by then even if the tray or the submits have not settled."""


class Heartbeat:
    """A 1 ms precise timer; every gap between its ticks, with the time it ended."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.last = time.perf_counter()
        self.gaps: list[tuple[float, float]] = []  # (end of gap, gap in ms)
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(1)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.last = time.perf_counter()
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now, (now - self.last) * 1000))
        self.last = now

    def since(self, start: float, end: float) -> list[tuple[float, float]]:
        return [g for g in self.gaps if start < g[0] <= end]


class StallSampler(threading.Thread):
    """While the heartbeat is overdue, sample the main thread's innermost app frames."""

    def __init__(self, beat: Heartbeat, main_id: int) -> None:
        super().__init__(name="stall-sampler", daemon=True)
        self.beat, self.main_id = beat, main_id
        self.seen: collections.Counter[str] = collections.Counter()
        self.samples: list[tuple[float, str]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        woke = time.perf_counter()
        while not self.stop.wait(0.002):
            now = time.perf_counter()
            late, woke = now - woke > 0.02, now
            if now - self.beat.last < SAMPLE_AFTER_S:
                continue
            frames = sys._current_frames()
            key = self._where(frames.get(self.main_id)) or "(in Qt, no Python frame)"
            if late:  # this thread too waited for the GIL: name what the others run
                others = sorted(
                    self._where(f)
                    for i, f in frames.items()
                    if i not in (self.main_id, threading.get_ident())
                )
                key = f"GIL held elsewhere; main: {key}; others: " + " | ".join(
                    o for o in others if "wait" not in o and "select" not in o
                )
            self.seen[key] += 1
            self.samples.append((now, key))

    @staticmethod
    def _where(frame: FrameType | None) -> str:
        """The innermost frame, then the app's own frames (up to three)."""
        where: list[str] = []
        while frame is not None and len(where) < 3:
            code = frame.f_code
            if not where or (
                "seedance_studio" in code.co_filename and "stall_bench" not in code.co_filename
            ):
                where.append(f"{Path(code.co_filename).name}:{frame.f_lineno} {code.co_name}")
            frame = frame.f_back
        return " < ".join(where)

    def during(self, end: float, gap_ms: float) -> list[tuple[str, int]]:
        """The stacks seen in the gap that ended at `end`, most seen first."""
        start = end - gap_ms / 1000
        inside = collections.Counter(k for t, k in self.samples if start <= t <= end)
        return inside.most_common(3)


def make_media(folder: Path) -> list[Path]:
    """8 images, 3 audio clips and a 1080p 15 s H.264 video (eachlabs' 9/3/3 limits)."""
    from tests.media_factory import make_audio, make_image, make_video

    images = [make_image(folder / f"still-{i}.png", 1280, 720) for i in range(4)]
    images += [make_image(folder / f"photo-{i}.jpg", 1920, 1080) for i in range(4)]
    audio = [make_audio(folder / f"beat-{i}.wav", seconds=8.0) for i in range(2)]
    audio.append(make_audio(folder / "voice.mp3", seconds=8.0))
    video = make_video(folder / "walk-1080p.mp4", 1920, 1080, seconds=15, fps=24)
    return [*images, video, *audio]


def summary(gaps: list[float]) -> dict[str, float]:
    ordered = sorted(gaps)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return {
        "n": len(ordered),
        "p50": statistics.median(ordered),
        "p99": p99,
        "max": ordered[-1],
        "over": sum(1 for g in ordered if g > STALL_MS),
    }


async def wait_for(done: Callable[[], bool], limit_s: float) -> bool:
    """Poll `done()` every 50 ms for at most `limit_s` seconds."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if done():
            return True
        await asyncio.sleep(0.05)
    return False


async def run(options: argparse.Namespace, sim: Simulator, media: list[Path], home: Path) -> None:
    from PySide6.QtCore import QSettings

    from seedance_studio.app import freeze_start_up_objects, simulator_secrets, simulator_settings
    from seedance_studio.core import capabilities
    from seedance_studio.core.composition import Composition, CompositionSnapshot
    from seedance_studio.core.params import GenerationParams, switch_model
    from seedance_studio.core.prompt import PromptDocument
    from seedance_studio.core.provider import Provider
    from seedance_studio.core.reference import Reference
    from seedance_studio.core.settings import Settings
    from seedance_studio.core.tray import ReferenceTray
    from seedance_studio.jobs.engine import JobEngine
    from seedance_studio.jobs.store import JobStore
    from seedance_studio.providers import registry
    from seedance_studio.providers.base import KeySource
    from seedance_studio.ui.engine_bridge import EngineBridge
    from seedance_studio.ui.main_window import MainWindow
    from tests.ui.compose_helpers import drop

    if options.equal_priority:
        from seedance_studio.ui import workers

        workers.lower_thread_priority = lambda: None  # before any worker thread starts

    sample_url = sim.base_url(PROVIDER).split("/" + PROVIDER)[0] + "/samples/image.png"
    poll_s = options.poll

    def fast(
        provider_id: str, settings: Settings, secrets: KeySource, *, http: object = None
    ) -> Provider:
        provider = registry.create_provider(provider_id, settings, secrets, http=http)  # type: ignore[arg-type]
        if hasattr(provider, "default_poll_interval"):
            provider.default_poll_interval = poll_s
        return provider

    settings = simulator_settings(Settings(library_dir=str(home / "library")), sim)
    secrets = simulator_secrets()
    engine = JobEngine(JobStore(home / "jobs.sqlite3"), settings, secrets, provider_factory=fast)
    bridge = EngineBridge(engine, owns_store=True)
    params = switch_model(GenerationParams(provider=PROVIDER), capabilities.get(PROVIDER))
    ui_state = QSettings(str(home / "ui-state.ini"), QSettings.Format.IniFormat)
    window = MainWindow(
        settings,
        secrets,
        bridge,
        simulator=True,
        composition=Composition(params),
        ui_state=ui_state,
    )
    window.resize(1280, 800)
    window.show()
    if options.cold_client:
        engine.pool.prepare_client = lambda: None  # type: ignore[method-assign]
    await bridge.start()
    await asyncio.sleep(1.0)  # first paint and layout are start-up, not this figure
    if not options.no_gc_freeze:  # as the app does once it is up (app.run_studio)
        freeze_start_up_objects()

    beat = Heartbeat()
    sampler = StallSampler(beat, threading.main_thread().ident or 0) if options.sample else None
    events: list[tuple[float, str]] = []
    gc_began = [0.0]

    def on_gc(phase: str, info: dict[str, int]) -> None:
        now = time.perf_counter()
        if phase == "start":
            gc_began[0] = now
        elif (now - gc_began[0]) * 1000 > 5:
            events.append(
                (
                    now,
                    f"garbage collection of generation {info['generation']} "
                    f"took {(now - gc_began[0]) * 1000:.0f} ms",
                )
            )

    gc.callbacks.append(on_gc)
    beat.start()
    if sampler is not None:
        sampler.start()

    async def idle(label: str) -> tuple[float, float]:
        start = time.perf_counter()
        events.append((start, f"{label} begins"))
        await asyncio.sleep(options.idle)
        return start, time.perf_counter()

    idle_a = await idle("idle 1")

    refs = [Reference.from_source(sample_url)]
    snapshot = CompositionSnapshot(
        references=refs,
        prompt=PromptDocument("@Image1 waits", ReferenceTray(refs)).to_data(),
        params=GenerationParams(provider=PROVIDER, duration=4),
    )
    submitted = 0
    submit_ms: list[float] = []

    async def submit_all() -> None:
        # One Generate per loop turn, as clicks arrive: a submit stores its job at once
        # (SQLite, on this thread) and sends the create in the background.
        nonlocal submitted
        for _ in range(options.jobs):
            began = time.perf_counter()
            await bridge.submit(snapshot)
            submit_ms.append((time.perf_counter() - began) * 1000)
            submitted += 1
            await asyncio.sleep(0)
        events.append((time.perf_counter(), f"{submitted} jobs submitted"))

    tray = window.composition.tray
    window.thumbnails.ready.connect(
        lambda source: events.append((time.perf_counter(), f"thumbnail of {Path(source).name}"))
    )
    window.ingest.busy_changed.connect(
        lambda busy: events.append((time.perf_counter(), f"ingest busy={busy}"))
    )
    load_start = time.perf_counter()
    events.append((load_start, "load begins: drop of 12 files, submits start"))
    polls_before = sim.count(PROVIDER, "query")
    submits = asyncio.ensure_future(submit_all())
    drop(window.tray.view.viewport(), media)
    events.append((time.perf_counter(), "drop handled"))
    counted = 0

    def settled() -> bool:
        nonlocal counted
        if len(tray) != counted:
            counted = len(tray)
            events.append((time.perf_counter(), f"tray holds {counted}"))
        return counted >= len(media) and window.worker.pending == 0 and submits.done()

    await wait_for(settled, MAX_LOAD_S)
    events.append((time.perf_counter(), "tray settled, all submitted"))
    rest = options.load - (time.perf_counter() - load_start)
    if rest > 0:
        await asyncio.sleep(rest)
    load = (load_start, time.perf_counter())
    polls = sim.count(PROVIDER, "query") - polls_before
    if not submits.done():
        submits.cancel()
    await asyncio.wait_for(bridge.shutdown(), 10)  # polling stops: the window is idle again
    idle_b = await idle("idle 2")
    beat.timer.stop()
    gc.callbacks.remove(on_gc)
    if sampler is not None:
        sampler.stop.set()
        sampler.join(1)
    window.close()

    idle_gaps = [g for _, g in beat.since(*idle_a) + beat.since(*idle_b)]
    load_marks = beat.since(*load)
    report(
        options,
        summary(idle_gaps),
        summary([g for _, g in load_marks]),
        load_marks,
        events,
        load_start,
        len(tray),
        submitted,
        polls,
        load[1] - load[0],
        sampler,
    )
    if submit_ms:
        print(
            f"one submit on the UI thread: median {statistics.median(submit_ms):.1f} ms, "
            f"slowest {max(submit_ms):.1f} ms"
        )
    if sampler is not None and sampler.seen:
        print("main thread while a tick was overdue by 12 ms (samples every 2 ms):")
        for where, n in sampler.seen.most_common(8):
            print(f"  {n:4d}  {where}")


def report(
    options: argparse.Namespace,
    idle: dict[str, float],
    load: dict[str, float],
    marks: list[tuple[float, float]],
    events: list[tuple[float, str]],
    t0: float,
    refs: int,
    jobs: int,
    polls: int,
    seconds: float,
    sampler: StallSampler | None,
) -> None:
    la = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"heartbeat 1 ms (precise QTimer), {os.environ.get('QT_QPA_PLATFORM', 'display')}; "
        f"workers {'at the UI priority' if options.equal_priority else 'below the UI thread'}; "
        f"idle {options.idle:.0f} s before and after the load; load average {la} "
        f"on {os.cpu_count()} cores"
    )
    print(
        f"load: {refs} references in the tray, {jobs} {PROVIDER} jobs submitted, {polls} "
        f"status polls answered over {seconds:.1f} s (poll every {options.poll} s)"
    )
    for label, s in (("idle window", idle), ("12 imports + jobs", load)):
        print(
            f"  {label:<18} gaps {s['n']:6.0f}  p50 {s['p50']:6.2f} ms  p99 {s['p99']:6.2f} ms"
            f"  max {s['max']:7.1f} ms  over {STALL_MS:.0f} ms: {s['over']:.0f}"
        )
    ratio = {k: load[k] / idle[k] if idle[k] else float("inf") for k in ("p50", "p99", "max")}
    print(
        f"  ratio load/idle    p50 {ratio['p50']:.2f}x  p99 {ratio['p99']:.2f}x  "
        f"max {ratio['max']:.2f}x"
    )
    print("largest gaps in the load (s after it began, what happened last before):")
    for end, gap in sorted(marks, key=lambda m: -m[1])[:6]:
        before = [label for at, label in events if at <= end]
        print(
            f"  {gap:7.1f} ms ending at {end - t0:6.2f} s  (last event: "
            f"{before[-1] if before else '-'})"
        )
        for where, n in sampler.during(end, gap) if sampler is not None else ():
            print(f"        {n:3d} x {where}")
    print(f"targets: p99 < {STALL_MS:.0f} ms, max < 50 ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=100)
    parser.add_argument("--poll", type=float, default=0.2, help="status poll interval, s")
    parser.add_argument("--idle", type=float, default=4.0, help="each idle phase, s")
    parser.add_argument("--load", type=float, default=20.0, help="shortest load phase, s")
    parser.add_argument(
        "--sample", action="store_true", help="sample the main thread's stack during stalls"
    )
    parser.add_argument(
        "--no-gc-freeze",
        action="store_true",
        help="skip app.freeze_start_up_objects() (gc.freeze), to measure what it changes",
    )
    parser.add_argument(
        "--equal-priority",
        action="store_true",
        help="worker threads at the UI thread's priority, as before",
    )
    parser.add_argument(
        "--cold-client",
        action="store_true",
        help="build the HTTP client at the first request, on the UI thread, as before",
    )
    options = parser.parse_args()
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    os.environ["NO_PROXY"] = "127.0.0.1"
    with tempfile.TemporaryDirectory(prefix="seedance-stall-") as tmp:
        home = Path(tmp)
        os.environ["SEEDANCE_STUDIO_HOME"] = str(home / "home")
        (home / "media").mkdir()
        started = time.monotonic()
        media = make_media(home / "media")
        print(
            f"made {len(media)} files in {time.monotonic() - started:.1f} s "
            f"(video {media[8].stat().st_size / 1e6:.1f} MB)"
        )

        import qasync
        from PySide6.QtWidgets import QApplication

        from seedance_studio.simulator import Simulator
        from seedance_studio.simulator.timing import SimTiming

        app = QApplication(sys.argv[:1])
        with Simulator(host="127.0.0.1", timing=SimTiming(queued=1.0, running=3600.0)) as sim:
            loop = qasync.QEventLoop(app)
            executor = ThreadPoolExecutor(thread_name_prefix="stall-bench")
            loop.set_default_executor(executor)
            asyncio.set_event_loop(loop)
            with loop:
                loop.run_until_complete(asyncio.wait_for(run(options, sim, media, home), 150))
            executor.shutdown(wait=True)


if __name__ == "__main__":
    main()
