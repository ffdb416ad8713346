"""Run a window script of this folder in a child process on the X display (xcb, libVLC
drawing through X11) and read the JSON line it prints last."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def run_window(module: str, *args: str, tmp_path: Path, timeout: float = 60) -> dict[str, Any]:
    env = dict(
        os.environ, QT_QPA_PLATFORM="xcb", SEEDANCE_STUDIO_VLC_OPTIONS="--vout=xcb_x11 --aout=dummy"
    )
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    env.setdefault("XDG_RUNTIME_DIR", str(runtime))
    done = subprocess.run(
        [sys.executable, "-m", f"tests.xvfb.{module}", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:] + done.stdout[-2000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result
