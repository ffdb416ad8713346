"""Start-up time and memory of the studio window against a bare PySide6 window, in one run.

Each sample is a fresh process timed from just before it is spawned to the window's first
paint (offscreen). Bare and studio runs alternate so machine noise hits both alike; the ratio
of the medians is the figure to watch. The child's CPU time (user + system, up to first paint)
is printed too: on a busy machine it moves much less than the wall-clock time.

    .venv/bin/python bench/startup_bench.py [--runs 7] [--bytecode-cache]

With PYTHONDONTWRITEBYTECODE set (as in some shells and CI images) every run compiles the
app's own modules from source, which an installed app never does; `--bytecode-cache` lets
the warm-up run write bytecode to a temporary PYTHONPYCACHEPREFIX that later runs reuse.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

CHILD = r"""
import json, resource, sys, time
t_spawn = float(sys.argv[1]); kind = sys.argv[2]
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            usage = resource.getrusage(resource.RUSAGE_SELF)
            print(json.dumps({"seconds": time.time() - t_spawn, "rss_mb": usage.ru_maxrss / 1024,
                              "cpu_s": usage.ru_utime + usage.ru_stime}), flush=True)
            QApplication.instance().exit(0)
        return False

if kind == "bare":
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1280, 800)
else:
    import asyncio, qasync
    from seedance_studio.app import build_studio, make_application
    app = make_application(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    window = build_studio().window
spy = FirstPaint()
window.installEventFilter(spy)
window.show()
QTimer.singleShot(20000, lambda: app.exit(1))
app.exec()
"""


def sample(kind: str, home: str, pycache: str | None = None) -> dict[str, float]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", SEEDANCE_STUDIO_HOME=home,
               PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = pycache
    t_spawn = time.time()
    out = subprocess.run([sys.executable, "-c", CHILD, repr(t_spawn), kind], env=env,
                         capture_output=True, text=True, timeout=60, check=True)
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("{")][-1]
    return dict(json.loads(line))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--bytecode-cache", action="store_true",
                        help="let runs reuse compiled bytecode even if PYTHONDONTWRITEBYTECODE "
                        "is set (what an installed app gets)")
    options = parser.parse_args()
    runs = options.runs
    home = tempfile.mkdtemp(prefix="seedance-bench-")
    pycache = tempfile.mkdtemp(prefix="seedance-bench-pyc-") if options.bytecode_cache else None
    sample("studio", home, pycache)  # warm the file cache and create the job store once
    bare: list[dict[str, float]] = []
    studio: list[dict[str, float]] = []
    for _ in range(runs):
        bare.append(sample("bare", home, pycache))
        studio.append(sample("studio", home, pycache))

    def med(rows: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in rows)

    bytecode = "bytecode cached" if pycache is not None else (
        "PYTHONDONTWRITEBYTECODE set" if sys.dont_write_bytecode else "bytecode written as usual")
    print(f"runs: {runs} each, alternating, offscreen, first paint after spawn, {bytecode}")
    print(f"bare QMainWindow     : {med(bare, 'seconds'):.3f} s  {med(bare, 'rss_mb'):.0f} MB  "
          f"(CPU {med(bare, 'cpu_s'):.3f} s)")
    print(f"Seedance Studio      : {med(studio, 'seconds'):.3f} s  "
          f"{med(studio, 'rss_mb'):.0f} MB  (CPU {med(studio, 'cpu_s'):.3f} s)")
    print(f"ratio (studio / bare): {med(studio, 'seconds') / med(bare, 'seconds'):.2f}x time, "
          f"{med(studio, 'rss_mb') / med(bare, 'rss_mb'):.2f}x memory")


if __name__ == "__main__":
    main()
