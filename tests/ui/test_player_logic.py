"""The preview panel's logic against the real libVLC, offscreen (dummy audio and video outputs)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from seedance_studio.ui import player_vlc
from seedance_studio.ui.player import PlayerPanel
from seedance_studio.ui.player_vlc import PlaybackState, VlcPlayer, instance_options
from seedance_studio.ui.video_surface import format_ms
from tests.xvfb.clips import make_clip


def _vlc_works() -> bool:
    try:
        VlcPlayer(instance_options("offscreen")).release()
    except player_vlc.VlcUnavailableError:
        return False
    return True


needs_vlc = pytest.mark.skipif(not _vlc_works(), reason="libVLC is not installed here")


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_clip(tmp_path_factory.mktemp("clips") / "bars.mp4", seconds=2.0)


@pytest.fixture
def panel(qtbot: QtBot) -> Iterator[PlayerPanel]:
    widget = PlayerPanel()
    qtbot.addWidget(widget)
    widget.resize(480, 360)
    widget.show()
    yield widget
    widget.shutdown()


def test_options_keep_vlc_quiet_and_headless_outputs_dummy() -> None:
    offscreen = instance_options("offscreen", extra="")
    assert {"--no-xlib", "--quiet", "--vout=dummy", "--aout=dummy"} <= set(offscreen)
    assert {"--no-mouse-events", "--no-keyboard-events"} <= set(offscreen)  # Qt gets input
    on_x = instance_options("xcb", extra="--vout=xcb_x11 --aout=dummy")
    assert "--vout=dummy" not in on_x
    assert on_x[-2:] == ["--vout=xcb_x11", "--aout=dummy"]


def test_format_ms_shows_tenths() -> None:
    assert format_ms(0) == "0:00.0"
    assert format_ms(61_250) == "1:01.2"
    assert format_ms(-5) == "0:00.0"


@needs_vlc
def test_showing_the_panel_starts_libvlc_in_the_background(qtbot: QtBot) -> None:
    widget = PlayerPanel()
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.availability_changed, timeout=5000) as ready:
        widget.show()
        at_show = widget.player
    assert at_show is None  # show() did not wait for libVLC
    assert ready.args == [True]
    player = widget.player
    assert player is not None and player.bound_window == int(widget.surface.winId())
    widget.shutdown()
    assert player.released


@needs_vlc
def test_plays_advances_pauses_and_seeks(panel: PlayerPanel, clip: Path, qtbot: QtBot) -> None:
    panel.play(str(clip))
    player = panel.player
    assert player is not None
    qtbot.waitUntil(lambda: player.state() is PlaybackState.PLAYING, timeout=5000)
    qtbot.waitUntil(lambda: panel.seek_slider.maximum() > 1500, timeout=5000)
    assert abs(panel.seek_slider.maximum() - 2000) < 200  # the clip's length, from VLC
    start = player.time_ms()
    qtbot.waitUntil(lambda: player.time_ms() > start + 300, timeout=5000)
    qtbot.waitUntil(lambda: panel.seek_slider.value() > start, timeout=1000)
    assert "/ 0:02" in panel.time_label.text()

    panel.toggle_pause()
    qtbot.waitUntil(lambda: player.state() is PlaybackState.PAUSED, timeout=3000)
    paused_at = player.time_ms()
    qtbot.wait(300)
    assert player.time_ms() == paused_at

    panel.seek(1500)
    qtbot.waitUntil(lambda: abs(player.time_ms() - 1500) < 200, timeout=3000)
    panel.toggle_pause()
    qtbot.waitUntil(lambda: player.state() is PlaybackState.PLAYING, timeout=3000)


@needs_vlc
def test_a_click_on_the_picture_or_space_toggles_playback(
    panel: PlayerPanel, clip: Path, qtbot: QtBot
) -> None:
    panel.play(str(clip))
    player = panel.player
    assert player is not None
    qtbot.waitUntil(lambda: player.state() is PlaybackState.PLAYING, timeout=5000)
    QTest.mouseClick(panel.surface, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: player.state() is PlaybackState.PAUSED, timeout=3000)
    panel.setFocus()
    QTest.keyClick(panel, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: player.state() is PlaybackState.PLAYING, timeout=3000)


@needs_vlc
def test_frame_step_pauses_a_playing_clip(panel: PlayerPanel, clip: Path, qtbot: QtBot) -> None:
    """That a step shows the next picture is checked on a real screen (tests/xvfb); libVLC's
    clock does not move on a step, so here only the pause and the steady clock are checked."""
    panel.play(str(clip))
    player = panel.player
    assert player is not None
    qtbot.waitUntil(lambda: player.time_ms() > 200, timeout=5000)
    panel.step_frame()
    qtbot.waitUntil(lambda: player.state() is PlaybackState.PAUSED, timeout=3000)
    before = player.time_ms()
    for _ in range(3):
        panel.step_frame()
        qtbot.wait(50)
    assert player.state() is PlaybackState.PAUSED
    assert player.time_ms() >= before


def _restart_seen(player: VlcPlayer) -> Callable[[], bool]:
    """A waitUntil predicate: true once the clock went forward and then back."""
    times: list[int] = []

    def check() -> bool:
        times.append(player.time_ms())
        peak = max(times)
        return peak > 0 and times[-1] < peak

    return check


@needs_vlc
def test_loop_restarts_and_no_loop_stops_at_the_end(
    panel: PlayerPanel, clip: Path, qtbot: QtBot
) -> None:
    panel.set_loop(True)
    panel.play(str(clip))
    player = panel.player
    assert player is not None
    qtbot.waitUntil(_restart_seen(player), timeout=8000)

    panel.set_loop(False)
    qtbot.waitUntil(lambda: player.state() is PlaybackState.ENDED, timeout=5000)
    qtbot.waitUntil(lambda: panel.seek_slider.value() == panel.seek_slider.maximum(), timeout=2000)
    qtbot.wait(400)
    assert player.state() is PlaybackState.ENDED  # it stays finished
    # Seeking a finished clip starts it again at that point.
    panel.seek(500)
    qtbot.waitUntil(lambda: player.state() is PlaybackState.PLAYING, timeout=3000)
    qtbot.waitUntil(lambda: player.time_ms() >= 500, timeout=3000)


@needs_vlc
def test_volume_slider_drives_the_player(
    panel: PlayerPanel, clip: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel.volume_slider.setValue(60)
    panel.play(str(clip))
    player = panel.player
    assert player is not None
    volumes: list[int] = []
    real_set_volume = player.set_volume

    def record(percent: int) -> None:
        volumes.append(percent)
        real_set_volume(percent)

    monkeypatch.setattr(player, "set_volume", record)
    # Applied once playback starts (libVLC ignores the volume before it has an audio output) ...
    qtbot.waitUntil(lambda: volumes == [60], timeout=5000)
    # ... and on every change after that. (The dummy audio output reports no volume back.)
    panel.volume_slider.setValue(35)
    assert volumes == [60, 35]


@needs_vlc
def test_a_new_native_window_is_bound_again_and_playback_goes_on(
    panel: PlayerPanel, clip: Path, qtbot: QtBot
) -> None:
    panel.play(str(clip))
    player = panel.player
    assert player is not None
    qtbot.waitUntil(lambda: player.time_ms() > 300, timeout=5000)
    old = player.bound_window
    assert old == int(panel.surface.winId())
    panel.surface.destroy(True, True)  # what reparenting across windows can do
    panel.surface.create()
    panel.surface.show()
    new = int(panel.surface.winId())
    assert new != old
    qtbot.waitUntil(lambda: player.bound_window == new, timeout=2000)
    qtbot.waitUntil(lambda: player.state() is PlaybackState.PLAYING, timeout=3000)
    qtbot.waitUntil(lambda: player.time_ms() > 300, timeout=3000)  # resumed, not restarted


@needs_vlc
def test_an_unreadable_file_says_so_and_is_not_looped(
    panel: PlayerPanel, qtbot: QtBot, tmp_path: Path
) -> None:
    bad = tmp_path / "broken.mp4"
    bad.write_text("not a video")
    panel.set_loop(True)
    panel.play(str(bad))
    player = panel.player
    assert player is not None
    qtbot.waitUntil(
        lambda: panel.title_label.text().startswith("Cannot play broken.mp4"), timeout=5000
    )
    qtbot.waitUntil(lambda: not panel.polling, timeout=5000)  # no restart loop
    assert player.state() is PlaybackState.ENDED


@needs_vlc
def test_shutdown_releases_and_later_calls_are_harmless(qtbot: QtBot, clip: Path) -> None:
    widget = PlayerPanel()
    qtbot.addWidget(widget)
    widget.show()
    widget.play(str(clip))
    player = widget.player
    assert player is not None
    qtbot.waitUntil(lambda: player.state() is PlaybackState.PLAYING, timeout=5000)
    widget.shutdown()
    assert player.released and widget.player is None
    widget.shutdown()
    widget.play(str(clip))  # after shutdown: nothing plays, nothing crashes
    widget.toggle_pause()
    widget.seek(100)
    assert widget.player is None
    assert not widget.play_button.isEnabled()


@needs_vlc
def test_destroying_a_playing_panel_releases_vlc(qtbot: QtBot, clip: Path) -> None:
    widget = PlayerPanel()
    widget.show()
    widget.play(str(clip))
    player = widget.player
    assert player is not None
    qtbot.waitUntil(lambda: player.state() is PlaybackState.PLAYING, timeout=5000)
    widget.deleteLater()
    qtbot.waitUntil(lambda: player.released, timeout=3000)


@needs_vlc
def test_close_event_releases_vlc(panel: PlayerPanel, clip: Path, qtbot: QtBot) -> None:
    panel.play(str(clip))
    player = panel.player
    assert player is not None
    panel.close()
    assert player.released


def test_missing_libvlc_explains_and_offers_the_system_player(
    qtbot: QtBot, clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_libvlc() -> object:
        raise NameError("no function 'libvlc_new'")

    monkeypatch.setattr(player_vlc, "load_vlc", no_libvlc)
    opened: list[str] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url.toLocalFile())
        return True

    monkeypatch.setattr("seedance_studio.ui.open_path.QDesktopServices.openUrl", open_url)
    widget = PlayerPanel()
    qtbot.addWidget(widget)
    widget.show()
    with qtbot.waitSignal(widget.availability_changed, timeout=2000) as blocker:
        pass
    assert blocker.args == [False]
    assert widget.unavailable is not None
    assert "libVLC is not installed" in widget.missing_label.text()
    assert "apt install" in widget.missing_label.text() or "videolan" in widget.missing_label.text()
    assert widget.pages.currentIndex() == 1
    assert not widget.system_player_button.isEnabled()

    widget.play(str(clip))
    assert widget.player is None
    assert widget.system_player_button.isEnabled()
    widget.system_player_button.click()
    assert opened == [str(clip)]
    widget.shutdown()


def test_instance_none_counts_as_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    class NoPlugins:
        @staticmethod
        def Instance(options: list[str]) -> None:
            return None

    monkeypatch.setattr(player_vlc, "load_vlc", lambda: NoPlugins)
    with pytest.raises(player_vlc.VlcUnavailableError, match="plugins"):
        VlcPlayer(["--quiet"])


@needs_vlc
def test_switching_clips_while_playing_keeps_the_pause_control(
    panel: PlayerPanel, clip: Path, qtbot: QtBot, tmp_path: Path
) -> None:
    other = make_clip(tmp_path / "other.mp4", seconds=2.0)
    panel.play(str(clip))
    player = panel.player
    assert player is not None
    qtbot.waitUntil(lambda: player.time_ms() > 300, timeout=5000)
    qtbot.waitUntil(lambda: panel.play_button.accessibleDescription() == "Pause", timeout=2000)
    panel.play(str(other))  # a double-click on another job while one plays
    qtbot.waitUntil(
        lambda: player.state() is PlaybackState.PLAYING and player.time_ms() > 300, timeout=5000
    )
    qtbot.wait(200)  # a few polls
    assert panel.play_button.accessibleDescription() == "Pause"
