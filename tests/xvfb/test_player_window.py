"""The embedded VLC player in a real X window (Xvfb): video pixels must reach the screen.

The pytest process runs Qt offscreen, so the window lives in a child process on the xcb
platform, on the display that scripts/check provides with xvfb-run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from tests.xvfb.child import run_window
from tests.xvfb.clips import make_clip

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
    result = run_window("play_window", str(clip), str(png), tmp_path=tmp_path)
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
    result = run_window("loop_window", str(clip), "3.5", tmp_path=tmp_path)
    assert result["seen_picture"] and result["restarts"] >= 2, result
    assert result["dark_after_picture"] == 0, result
    assert result["ended_after_loop_off"], result
