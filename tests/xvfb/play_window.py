"""Run as a child process on a real X display: play a clip in the embedded player, grab the
window (VLC's pixels included) and print where the video widget sits, as JSON.

    python -m tests.xvfb.play_window CLIP OUT_PNG
"""

from __future__ import annotations

import json
import sys
import time

from PySide6.QtCore import QEvent, QPoint
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from seedance_studio.ui.player import PlayerPanel
from seedance_studio.ui.player_vlc import PlaybackState


def _spin(app: QApplication, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)  # run deleteLater()s
        time.sleep(0.01)


def _delete_while_playing(app: QApplication, clip: str) -> bool:
    """A window holding a playing panel is deleted without shutdown(): VLC must be released
    and the process must live on (VLC was drawing into a native window that goes away)."""
    window = QWidget()
    layout = QVBoxLayout(window)
    panel = PlayerPanel()
    layout.addWidget(panel)
    window.resize(400, 300)
    window.show()
    _spin(app, 0.2)
    panel.play(clip)
    player = panel.player
    _spin(app, 0.6)
    window.deleteLater()
    _spin(app, 0.4)
    return player is not None and player.released


def main(argv: list[str]) -> int:
    clip, out_png = argv
    app = QApplication([])
    panel = PlayerPanel()
    panel.setWindowTitle("Seedance Studio preview")
    panel.resize(640, 480)
    panel.show()
    _spin(app, 0.3)
    panel.play(clip)
    player = panel.player
    if player is None:
        print(json.dumps({"error": str(panel.unavailable)}))
        return 3
    deadline = time.monotonic() + 10
    while player.time_ms() < 500 and time.monotonic() < deadline:
        _spin(app, 0.05)
    panel.pause()  # hold a frame still for the grab
    _spin(app, 0.5)
    screen = panel.screen()
    shot = screen.grabWindow(int(panel.winId()))
    shot.save(out_png)
    for _ in range(3):  # frame steps must put new pictures on screen
        panel.step_frame()
        _spin(app, 0.2)
    stepped = screen.grabWindow(int(panel.winId()))
    stepped.save(out_png.replace(".png", "-stepped.png"))
    step_state = player.state().value
    origin = panel.surface.mapTo(panel, QPoint(0, 0))
    ratio = shot.devicePixelRatio()
    result = {
        "platform": app.platformName(),
        "state": player.state().value,
        "state_after_steps": step_state,
        "playing_or_paused": player.state() in (PlaybackState.PLAYING, PlaybackState.PAUSED),
        "time_ms": player.time_ms(),
        "bound_window": player.bound_window,
        "surface_window": int(panel.surface.winId()),
        "surface": [
            int(origin.x() * ratio),
            int(origin.y() * ratio),
            int(panel.surface.width() * ratio),
            int(panel.surface.height() * ratio),
        ],
        "image": [shot.width(), shot.height()],
    }
    panel.shutdown()
    panel.close()
    _spin(app, 0.1)
    result["released_when_parent_deleted"] = _delete_while_playing(app, clip)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
