"""The embedded VLC player in a real X window (Xvfb): video pixels must reach the screen.

The pytest process runs Qt offscreen, so the window lives in a child process on the xcb
platform, on the display that scripts/check provides with xvfb-run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from tests.xvfb.clips import make_clip

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.xvfb,
    pytest.mark.skipif(
        not os.environ.get("DISPLAY"),
        reason="needs an X display: run under `xvfb-run -a` (scripts/check does)",
    ),
]


def _vivid(colour: QColor) -> bool:
    """A saturated, bright pixel: video colour bars, never the black surface or a grey UI."""
    return colour.hsvSaturation() > 120 and colour.value() > 120


def test_video_pixels_are_on_screen(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "bars.mp4", seconds=4.0, width=320, height=240)
    png = tmp_path / "preview.png"
    env = dict(
        os.environ, QT_QPA_PLATFORM="xcb", SEEDANCE_STUDIO_VLC_OPTIONS="--vout=xcb_x11 --aout=dummy"
    )
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env.setdefault("XDG_RUNTIME_DIR", str(runtime))
    done = subprocess.run(
        [sys.executable, "-m", "tests.xvfb.play_window", str(clip), str(png)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:] + done.stdout[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["platform"] == "xcb"
    assert result["playing_or_paused"], result
    assert result["bound_window"] == result["surface_window"]
    assert result["released_when_parent_deleted"]  # and the process survived it

    image = QImage(str(png))
    assert not image.isNull()
    x0, y0, width, height = result["surface"]
    step = 4
    inside = [
        image.pixelColor(x, y)
        for x in range(x0, x0 + width, step)
        for y in range(y0, y0 + height, step)
    ]
    vivid = [c for c in inside if _vivid(c)]
    hues = {c.hsvHue() // 30 for c in vivid}
    # The clip is scaled into the black surface: a good share of it is vivid, in many hues.
    assert len(vivid) > len(inside) * 0.2, (len(vivid), len(inside), png)
    assert len(hues) >= 4, hues
    # And nothing vivid outside the video widget (the controls are grey).
    outside = [
        image.pixelColor(x, y)
        for x in range(0, image.width(), step)
        for y in range(0, max(0, y0 - 2), step)
    ]
    assert sum(_vivid(c) for c in outside) < max(1, len(outside) // 50)

    # Three frame steps later, the bars (which move 4 px a frame) are somewhere else.
    assert result["state_after_steps"] == "paused"
    stepped = QImage(str(png).replace(".png", "-stepped.png"))
    changed = sum(
        image.pixel(x, y) != stepped.pixel(x, y)
        for x in range(x0, x0 + width, step)
        for y in range(y0, y0 + height, step)
    )
    assert changed > len(inside) * 0.05, changed


def test_a_looping_clip_starts_again_without_a_black_frame(tmp_path: Path) -> None:
    """Loop used to stop and play again at the end, which closes VLC's video output: the
    surface went black between passes. VLC's own repeat keeps the picture up."""
    clip = make_clip(tmp_path / "short.mp4", seconds=1.0, audio=False)
    env = dict(
        os.environ, QT_QPA_PLATFORM="xcb", SEEDANCE_STUDIO_VLC_OPTIONS="--vout=xcb_x11 --aout=dummy"
    )
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env.setdefault("XDG_RUNTIME_DIR", str(runtime))
    done = subprocess.run(
        [sys.executable, "-m", "tests.xvfb.loop_window", str(clip), "3.5"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:] + done.stdout[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["seen_picture"] and result["restarts"] >= 2, result
    assert result["dark_after_picture"] == 0, result
    assert result["ended_after_loop_off"], result
