"""Three takes of one composition, compared in a real X window (Xvfb): every one of the three
video areas shows moving video (VLC's own pixels, grabbed twice a moment apart)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from tests.xvfb.child import run_window

pytestmark = [
    pytest.mark.xvfb,
    pytest.mark.skipif(
        not os.environ.get("DISPLAY"),
        reason="needs an X display: run under `xvfb-run -a` (scripts/check does)",
    ),
]


def test_three_providers_play_side_by_side_with_moving_pictures(tmp_path: Path) -> None:
    result = run_window("compare_window", str(tmp_path), tmp_path=tmp_path, timeout=110)
    assert result["platform"] == "xcb"
    assert set(result["states"].values()) == {"done"}, result["states"]
    assert result["all_playing"], result["players"]
    first = QImage(str(tmp_path / "compare-1.png"))
    second = QImage(str(tmp_path / "compare-2.png"))
    assert not first.isNull() and not second.isNull()
    ratio = float(result["ratio"])
    assert len(result["areas"]) == 3
    for x0, y0, width, height in result["areas"]:
        x0, y0 = int(x0 * ratio), int(y0 * ratio)
        width, height = int(width * ratio), int(height * ratio)
        points = [
            (x, y)
            for x in range(x0 + 4, x0 + width - 4, 6)
            for y in range(y0 + 4, y0 + height - 4, 6)
        ]
        lit = sum(first.pixelColor(x, y).value() > 60 for x, y in points)
        moved = sum(first.pixel(x, y) != second.pixel(x, y) for x, y in points)
        # The simulator's clip is colour bars over a gradient, both moving every frame.
        assert lit > len(points) * 0.3, (lit, len(points))
        assert moved > len(points) * 0.1, (moved, len(points))
