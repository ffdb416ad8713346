"""Start-up time and memory of the studio window against a bare PySide6 window, in one run.

Each sample is a fresh process timed from just before it is spawned to the window's first
paint (offscreen) and, for the studio, to "interactive": the studio window built and painted
in the place of the first-paint frame (ui/startup_shell.py), through the app's own `main`.
Bare and studio runs alternate so machine noise hits both alike; the ratio of the medians
is the figure to watch. The child's CPU time (user + system, up to each mark) is printed
too: on a busy machine it moves much less than the wall-clock time.

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

def mark():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"seconds": time.time() - t_spawn, "rss_mb": usage.ru_maxrss / 1024,
            "cpu_s": usage.ru_utime + usage.ru_stime}

if kind == "bare":
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint:
                first = mark()
                print(json.dumps({"first": first, "interactive": first}), flush=True)
                QApplication.instance().exit(0)
            return False

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1280, 800)
    spy = FirstPaint()
    window.installEventFilter(spy)
    window.show()
    QTimer.singleShot(20000, lambda: app.exit(1))
    app.exec()
else:
    # The app's own entry point, as `seedance-studio` runs it: the shell's first paint, then
    # the studio built on the loop's first turn and painted in its place (interactive).
    from seedance_studio import app
    from seedance_studio.ui import startup_shell
    marks = {}

    def watch(shell):
        shell.first_painted.connect(lambda: marks.setdefault("first", mark()))
        def ready():
            marks["interactive"] = mark()
            print(json.dumps(marks), flush=True)
            shell._studio.close()  # the app shuts down the usual way
        shell.ready.connect(ready)

    startup_shell.on_created.append(watch)
    sys.exit(app.main(["seedance-studio"]))
"""


def sample(kind: str, home: str, pycache: str | None = None) -> dict[str, dict[str, float]]:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        SEEDANCE_STUDIO_HOME=home,
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
    )
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = pycache
    t_spawn = time.time()
    out = subprocess.run(
        [sys.executable, "-c", CHILD, repr(t_spawn), kind],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("{")][-1]
    return dict(json.loads(line))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--bytecode-cache",
        action="store_true",
        help="let runs reuse compiled bytecode even if PYTHONDONTWRITEBYTECODE "
        "is set (what an installed app gets)",
    )
    options = parser.parse_args()
    runs = options.runs
    home = tempfile.mkdtemp(prefix="seedance-bench-")
    pycache = tempfile.mkdtemp(prefix="seedance-bench-pyc-") if options.bytecode_cache else None
    sample("studio", home, pycache)  # warm the file cache and create the job store once
    bare: list[dict[str, dict[str, float]]] = []
    studio: list[dict[str, dict[str, float]]] = []
    for _ in range(runs):
        bare.append(sample("bare", home, pycache))
        studio.append(sample("studio", home, pycache))

    def med(rows: list[dict[str, dict[str, float]]], phase: str, key: str) -> float:
        return statistics.median(r[phase][key] for r in rows)

    bytecode = (
        "bytecode cached"
        if pycache is not None
        else (
            "PYTHONDONTWRITEBYTECODE set"
            if sys.dont_write_bytecode
            else "bytecode written as usual"
        )
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"runs: {runs} each, alternating, offscreen, after spawn, {bytecode}; load average {load}"
    )
    b_s, b_mb = med(bare, "first", "seconds"), med(bare, "first", "rss_mb")
    print(
        f"bare QMainWindow, first paint   : {b_s:.3f} s  {b_mb:.0f} MB  "
        f"(CPU {med(bare, 'first', 'cpu_s'):.3f} s)"
    )
    for phase, label in (("first", "first paint"), ("interactive", "interactive")):
        t, mb = med(studio, phase, "seconds"), med(studio, phase, "rss_mb")
        print(
            f"Seedance Studio, {label:<15}: {t:.3f} s  {mb:.0f} MB  "
            f"(CPU {med(studio, phase, 'cpu_s'):.3f} s)  = {t / b_s:.2f}x bare's time, "
            f"bare + {mb - b_mb:.0f} MB"
        )
    print("targets: first paint <= 1.3x bare's time, RSS <= bare + 80 MB")


if __name__ == "__main__":
    main()
