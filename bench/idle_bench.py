"""Benchmark: CPU use while 50 jobs wait on a slow provider, the app and `seedance resume`.

    .venv/bin/python bench/idle_bench.py [--jobs 50] [--seconds 30] [--warmup 8]

The in-process simulator plays eachlabs with jobs that run for two hours; 50 jobs are
submitted to it in a fresh store: 10 run (eachlabs' limit of unfinished jobs per key) and 40
wait for a free slot. Then, one process at a time, alternating
with its baseline: `seedance resume` (polling every job at the provider's interval) against
a bare asyncio process sleeping, and the app (offscreen, the same store) against a bare
QApplication showing a window. Each process first runs --warmup seconds (start-up is not
idle), then its CPU time (user + system, /proc/PID/stat) is read over --seconds. Figures: %
of one core. Target: < 1 % of a core for the app and for the CLI.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from seedance_studio.core.composition import CompositionSnapshot  # noqa: E402
from seedance_studio.core.params import GenerationParams  # noqa: E402
from seedance_studio.core.prompt import PromptDocument  # noqa: E402
from seedance_studio.core.reference import Reference  # noqa: E402
from seedance_studio.core.settings import Settings, save_settings  # noqa: E402
from seedance_studio.core.tray import ReferenceTray  # noqa: E402
from seedance_studio.jobs.engine import JobEngine  # noqa: E402
from seedance_studio.jobs.states import JobState  # noqa: E402
from seedance_studio.jobs.store import JobStore  # noqa: E402
from seedance_studio.providers.keys import SecretStore, env_var  # noqa: E402
from seedance_studio.simulator import Simulator  # noqa: E402
from seedance_studio.simulator.timing import SimTiming  # noqa: E402

PROVIDER = "eachlabs"
TICKS = os.sysconf("SC_CLK_TCK")
BARE_ASYNCIO = "import asyncio; asyncio.run(asyncio.sleep(3600))"
BARE_QT = (
    "from PySide6.QtWidgets import QApplication, QMainWindow; app = QApplication([]); "
    "w = QMainWindow(); w.resize(1280, 800); w.show(); app.exec()"
)


class NullKeyring:
    priority = 1

    def get_password(self, service: str, username: str) -> str | None:
        return None


def submit_jobs(base_url: str, home: Path, count: int) -> None:
    """`count` eachlabs jobs, created and left running (the provider takes two hours)."""
    os.environ["SEEDANCE_STUDIO_HOME"] = str(home)
    settings = Settings(base_urls={PROVIDER: base_url}, library_dir=str(home / "library"))
    # The app reads its base URLs from the settings file (SEEDANCE_<ID>_BASE_URL is the
    # command line's): without it the app would poll the real provider's host.
    save_settings(settings)
    secrets = SecretStore(NullKeyring(), environ={env_var(PROVIDER): "bench-key"})
    root = base_url.split("/" + PROVIDER)[0]
    refs = [Reference.from_source(f"{root}/samples/image.png")]
    tray = ReferenceTray(refs)
    snapshot = CompositionSnapshot(
        references=refs,
        prompt=PromptDocument("@Image1 waits", tray).to_data(),
        params=GenerationParams(provider=PROVIDER, duration="4"),
    )

    async def run() -> None:
        store = JobStore(home / "data" / "jobs.sqlite3")
        engine = JobEngine(store, settings, secrets)
        for _ in range(count):
            await engine.submit(snapshot)
        # eachlabs runs at most 10 unfinished jobs per key: those are created, the other
        # 40 wait for a slot (as a long queue at a busy provider does).
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            started = [
                j for j in store.list_jobs() if j.state in (JobState.QUEUED, JobState.RUNNING)
            ]
            if len(started) >= min(count, 10):
                break
            await asyncio.sleep(0.2)
        await engine.aclose()
        store.close()

    asyncio.run(run())


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def measure(argv: list[str], env: dict[str, str], warmup: float, seconds: float) -> float:
    """% of one core a process uses over `seconds`, after `warmup` seconds of start-up."""
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(warmup)
        if proc.poll() is not None:
            raise SystemExit(f"{argv[:3]} ended early (exit {proc.returncode})")
        start_cpu, start = cpu_seconds(proc.pid), time.monotonic()
        time.sleep(seconds)
        used = cpu_seconds(proc.pid) - start_cpu
        return 100 * used / (time.monotonic() - start)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=8.0)
    parser.add_argument("--submit", nargs=2, metavar=("BASE_URL", "HOME"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.submit:
        submit_jobs(options.submit[0], Path(options.submit[1]), options.jobs)
        return
    with (
        tempfile.TemporaryDirectory(prefix="seedance-idle-") as tmp,
        Simulator(host="127.0.0.1", timing=SimTiming(queued=1.0, running=7200.0)) as sim,
    ):
        home = Path(tmp)
        # Submitted by a process that then exits: its leases are free at once, as after a
        # quit, so the resumed runner polls from its first second.
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--jobs",
                str(options.jobs),
                "--submit",
                sim.base_url(PROVIDER),
                str(home),
            ],
            check=True,
        )
        env = {
            **os.environ,
            "SEEDANCE_STUDIO_HOME": str(home),
            "QT_QPA_PLATFORM": "offscreen",
            f"SEEDANCE_{PROVIDER.upper()}_BASE_URL": sim.base_url(PROVIDER),
            env_var(PROVIDER): "bench-key",
            "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
            "NO_PROXY": "127.0.0.1",
        }
        env.pop("SEEDANCE_STUDIO_SIMULATOR", None)
        before = sim.count(PROVIDER, "query")
        python = sys.executable
        figures = {
            "bare asyncio sleeping": measure(
                [python, "-c", BARE_ASYNCIO], env, options.warmup, options.seconds
            ),
            "seedance resume": measure(
                [python, "-m", "seedance_studio.cli.main", "resume"],
                env,
                options.warmup,
                options.seconds,
            ),
            "bare QApplication + window": measure(
                [python, "-c", BARE_QT], env, options.warmup, options.seconds
            ),
            "the app (offscreen)": measure(
                [python, "-m", "seedance_studio.app"], env, options.warmup, options.seconds
            ),
        }
        polls = sim.count(PROVIDER, "query") - before
    print(
        f"{options.jobs} {PROVIDER} jobs waiting on a two-hour provider; CPU over "
        f"{options.seconds:.0f} s after {options.warmup:.0f} s of start-up; load average "
        f"{os.getloadavg()[0]:.1f}; {polls} status polls answered in all"
    )
    for label, percent in figures.items():
        print(f"  {label:<28} {percent:5.2f} % of a core")
    print("target: < 1 % of a core for the app and for `seedance resume`")


if __name__ == "__main__":
    main()
