"""Start-up time and memory of the studio window against a bare PySide6 window, in one run.

Each sample is a fresh process timed from just before it is spawned to the window's first
paint (offscreen). Bare and studio runs alternate so machine noise hits both alike; the ratio
of the medians is the figure to watch.

    .venv/bin/python bench/startup_bench.py [--runs 7]
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
            rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(json.dumps({"seconds": time.time() - t_spawn, "rss_mb": rss_mb}), flush=True)
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


def sample(kind: str, home: str) -> dict[str, float]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", SEEDANCE_STUDIO_HOME=home,
               PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    t_spawn = time.time()
    out = subprocess.run([sys.executable, "-c", CHILD, repr(t_spawn), kind], env=env,
                         capture_output=True, text=True, timeout=60, check=True)
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("{")][-1]
    return dict(json.loads(line))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    home = tempfile.mkdtemp(prefix="seedance-bench-")
    sample("studio", home)  # warm the file cache and create the job store once
    bare: list[dict[str, float]] = []
    studio: list[dict[str, float]] = []
    for _ in range(runs):
        bare.append(sample("bare", home))
        studio.append(sample("studio", home))

    def med(rows: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in rows)

    print(f"runs: {runs} each, alternating, offscreen, first paint after spawn")
    print(f"bare QMainWindow     : {med(bare, 'seconds'):.3f} s  {med(bare, 'rss_mb'):.0f} MB")
    print(f"Seedance Studio      : {med(studio, 'seconds'):.3f} s  "
          f"{med(studio, 'rss_mb'):.0f} MB")
    print(f"ratio (studio / bare): {med(studio, 'seconds') / med(bare, 'seconds'):.2f}x time, "
          f"{med(studio, 'rss_mb') / med(bare, 'rss_mb'):.2f}x memory")


if __name__ == "__main__":
    main()
