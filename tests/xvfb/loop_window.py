"""Run as a child process on a real X display: play a short clip with Loop on and grab the
video widget every few milliseconds across several loops; print, as JSON, how many grabs
were black after the first picture and how often the clip started again.

    python -m tests.xvfb.loop_window CLIP SECONDS
"""

from __future__ import annotations

import json
import sys
import time

from PySide6.QtCore import QEvent
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from seedance_studio.ui.player import PlayerPanel
from seedance_studio.ui.player_vlc import PlaybackState


def _dark(image: QImage) -> bool:
    """Most sampled pixels black: the empty surface, not the colour bars."""
    step_x, step_y = max(1, image.width() // 12), max(1, image.height() // 12)
    samples = [
        image.pixelColor(x, y).value()
        for x in range(step_x // 2, image.width(), step_x)
        for y in range(step_y // 2, image.height(), step_y)
    ]
    return sum(1 for v in samples if v < 24) > len(samples) * 0.9


def main(argv: list[str]) -> int:
    clip, seconds = argv[0], float(argv[1])
    app = QApplication([])
    panel = PlayerPanel()
    panel.resize(480, 360)
    panel.show()
    end = time.monotonic() + 0.3
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)
    panel.set_loop(True)
    panel.play(clip)
    player = panel.player
    if player is None:
        print(json.dumps({"error": str(panel.unavailable)}))
        return 3
    screen = panel.screen()
    seen_picture = False
    dark_after_picture = grabs = restarts = 0
    last_time = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        now = player.time_ms()
        if now + 300 < last_time:
            restarts += 1
        last_time = now
        image = screen.grabWindow(int(panel.surface.winId())).toImage()
        grabs += 1
        if _dark(image):
            dark_after_picture += seen_picture
        else:
            seen_picture = True
        time.sleep(0.015)
    panel.set_loop(False)  # the clip reopens where it was and now ends once
    end = time.monotonic() + 4
    while time.monotonic() < end and player.state() is not PlaybackState.ENDED:
        app.processEvents()
        time.sleep(0.02)
    result = {
        "grabs": grabs,
        "seen_picture": seen_picture,
        "dark_after_picture": dark_after_picture,
        "restarts": restarts,
        "ended_after_loop_off": player.state() is PlaybackState.ENDED,
    }
    panel.shutdown()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
