"""The preview panel: libVLC drawing into a native child widget, with transport controls.

VLC is loaded on first need, not at import, so the app starts without it; when it is missing
the panel says how to install it and offers the system player instead. Position and state are
polled with a QTimer on the UI thread (no VLC callbacks cross into Qt). The player is stopped
and released before the widget goes away: on shutdown(), closeEvent, destroyed and app quit.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QGuiApplication,
    QIcon,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QStackedWidget,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from seedance_studio.core.i18n import _
from seedance_studio.ui.icons import icon
from seedance_studio.ui.open_path import PathDialog, open_or_show
from seedance_studio.ui.player_vlc import (
    PlaybackState,
    VlcPlayer,
    VlcUnavailableError,
    instance_options,
)
from seedance_studio.ui.video_surface import VideoSurface, VlcLoader, format_ms

POLL_MS = 100
WATCH_S = 3.0
DEFAULT_VOLUME = 80


EMPTY_TITLE = _("Double-click a finished job to play it here")


class ElidedLabel(QLabel):
    """One line that shortens itself with "…" instead of widening its column (long file
    names); `text()` stays the whole text."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    @override
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = self.contentsRect()
        shown = self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideMiddle, rect.width()
        )
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(rect, int(self.alignment()), shown)
        painter.end()


def _icon(name: str, fallback: QStyle.StandardPixmap) -> QIcon:
    """The app's icon `name`, or the style's own when the file is missing."""
    found = icon(name)
    if found.isNull():
        app = QApplication.instance()
        style = app.style() if isinstance(app, QApplication) else None
        return style.standardIcon(fallback) if style is not None else found
    return found


class PlayerPanel(QWidget):
    """Plays a finished clip in the window; `play(path)` is all the rest of the app needs."""

    availability_changed = Signal(bool)
    """False once libVLC turned out to be unusable here."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path_dialog: PathDialog | None = None
        self._loader = VlcLoader()
        self._loader.loaded.connect(self._ensure_player)
        self.destroyed.connect(self._loader.release)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self._loader.release)
        self._path: str | None = None
        self._unavailable: VlcUnavailableError | None = None
        self._checked = False
        self._pending_seek: int | None = None
        self._pause_after_seek = False
        self._volume_applied = False
        self._length = 0
        self._last_state = PlaybackState.IDLE
        self._watch_until = 0.0
        self._played = False
        """The current clip really played (VLC reports unreadable files as ended)."""

        self.surface = VideoSurface(self)
        self.surface.window_id_changed.connect(self._rebind)
        self.surface.clicked.connect(self.toggle_pause)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.missing_label = QLabel(self)
        self.missing_label.setWordWrap(True)
        self.missing_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.missing_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.system_player_button = QPushButton(_("Open in the system player"), self)
        self.system_player_button.clicked.connect(self.open_externally)
        missing_page = QWidget(self)
        missing_layout = QVBoxLayout(missing_page)
        missing_layout.addStretch(1)
        missing_layout.addWidget(self.missing_label)
        missing_layout.addWidget(self.system_player_button, 0, Qt.AlignmentFlag.AlignCenter)
        missing_layout.addStretch(1)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.surface)
        self.pages.addWidget(missing_page)

        self.title_label = ElidedLabel(EMPTY_TITLE, self)
        self.title_label.setProperty("role", "muted")
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.play_button = QToolButton(self)
        self.play_button.setToolTip(_("Play / pause (Space)"))
        self.play_button.clicked.connect(self.toggle_pause)
        # Space only while the preview has focus: elsewhere it belongs to lists and editors.
        space = QShortcut(QKeySequence(Qt.Key.Key_Space), self)
        space.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        space.activated.connect(self.toggle_pause)
        self.step_button = QToolButton(self)
        self.step_button.setIcon(_icon("frame-step", QStyle.StandardPixmap.SP_MediaSeekForward))
        self.step_button.setToolTip(_("Next frame"))
        self.step_button.clicked.connect(self.step_frame)
        self.seek_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.seek_slider.setRange(0, 0)
        self.seek_slider.setToolTip(_("Seek"))
        self.seek_slider.sliderReleased.connect(self._on_seek_released)
        self.seek_slider.actionTriggered.connect(self._on_seek_action)
        self.seek_slider.sliderMoved.connect(self._on_seek_moved)
        self.time_label = QLabel(self)
        self.loop_button = QToolButton(self)
        self.loop_button.setText(_("Loop"))
        self.loop_button.setIcon(icon("loop"))
        self.loop_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.loop_button.setCheckable(True)
        self.loop_button.setChecked(True)
        self.loop_button.setToolTip(_("Play the clip again when it ends"))
        # Themes often draw checked tool buttons like unchecked ones: make "on" visible.
        self.loop_button.setStyleSheet(
            "QToolButton:checked { background: palette(highlight); "
            "color: palette(highlighted-text); }"
        )
        self.loop_button.toggled.connect(self._on_loop_toggled)
        self.volume_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.volume_slider.setRange(0, 100)
        self.volume_slider.setValue(DEFAULT_VOLUME)
        self.volume_slider.setMaximumWidth(90)
        self.volume_slider.setToolTip(_("Volume"))
        self.volume_slider.valueChanged.connect(self._on_volume)
        volume_icon = QLabel(self)
        volume_icon.setPixmap(_icon("volume", QStyle.StandardPixmap.SP_MediaVolume).pixmap(16))

        # The seek bar gets a row of its own: the panel is often narrow.
        controls = QHBoxLayout()
        controls.setContentsMargins(0, 0, 0, 0)
        for widget in (self.play_button, self.step_button, self.time_label):
            controls.addWidget(widget)
        controls.addStretch(1)
        for tail in (self.loop_button, volume_icon, self.volume_slider):
            controls.addWidget(tail)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title_label)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.seek_slider)
        layout.addLayout(controls)

        named: tuple[tuple[QWidget, str], ...] = (
            (self.play_button, _("Play or pause")),
            (self.step_button, _("Next frame")),
            (self.seek_slider, _("Position")),
            (self.volume_slider, _("Volume")),
            (self.loop_button, _("Loop")),
            (self.surface, _("Video")),
        )
        for control, name in named:
            control.setAccessibleName(name)

        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        self._update_controls()

    # -- public API ------------------------------------------------------------------------

    @property
    def current_path(self) -> str | None:
        return self._path

    @property
    def player(self) -> VlcPlayer | None:
        """The libVLC wrapper once loaded (None before, when unavailable, or after shutdown)."""
        return self._loader.player

    @property
    def polling(self) -> bool:
        """The position timer runs (a clip plays, or a command is taking effect)."""
        return self._timer.isActive()

    @property
    def unavailable(self) -> VlcUnavailableError | None:
        """Why libVLC cannot be used, once that is known."""
        return self._unavailable

    def play(self, path: str) -> None:
        """Load `path` and start playing it from the beginning."""
        self._path = str(path)
        # Switching clips passes through "opening" between two polls: forget the old clip's
        # state, or the next poll sees "playing" again and leaves the controls as they were.
        self._last_state = PlaybackState.IDLE
        self._played = False
        self.title_label.setText(Path(path).name)
        self.title_label.setToolTip(str(path))
        self.title_label.setProperty("role", "")
        self.title_label.style().polish(self.title_label)
        player = self._ensure_player()
        if player is None:
            self._update_controls()
            return
        self._rebind()
        player.load(self._path, repeat=self.loop_button.isChecked())
        self._length = 0
        self._pending_seek = None
        self._pause_after_seek = False
        self._volume_applied = False
        player.play()
        self._watch()
        self._update_controls()

    def toggle_pause(self) -> None:
        player = self.player
        if player is None or self._path is None:
            return
        state = player.state()
        if state is PlaybackState.PLAYING:
            player.pause()
        elif state in (PlaybackState.IDLE, PlaybackState.ENDED, PlaybackState.ERROR):
            player.stop()
            player.play()
        else:
            player.play()
        self._watch()

    def pause(self) -> None:
        if self.player is not None:
            self.player.pause()

    def seek(self, ms: int) -> None:
        """Jump to `ms`; a stopped or finished clip is started first, then moved."""
        player = self.player
        if player is None or self._path is None:
            return
        state = player.state()
        if state in (PlaybackState.IDLE, PlaybackState.ENDED, PlaybackState.OPENING):
            self._pending_seek = ms
            if state is not PlaybackState.OPENING:
                player.stop()
                player.play()
        else:
            player.seek_ms(ms)
        self._watch()

    def step_frame(self) -> None:
        """Pause and advance by one frame."""
        if self.player is not None and self._path is not None:
            self.player.next_frame()
            self._watch()

    def set_loop(self, on: bool) -> None:
        self.loop_button.setChecked(on)

    def open_externally(self) -> bool:
        """Hand the current clip to the operating system's default player."""
        if self._path is None:
            return False
        self.path_dialog = open_or_show(self._path, self)
        return self.path_dialog is None

    def shutdown(self) -> None:
        """Stop and release libVLC; call before the window (and this widget) is destroyed."""
        self._timer.stop()
        self._loader.release()
        self._update_controls()

    # -- Qt events -------------------------------------------------------------------------

    @override
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._checked:
            # Start libVLC in the background: play() waits for it only if it comes first.
            self._loader.start(instance_options(QGuiApplication.platformName()))

    @override
    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.DeferredDelete:
            self.shutdown()  # deleteLater(): release while the native window still exists
        return super().event(event)

    @override
    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)

    # -- internals -------------------------------------------------------------------------

    def _ensure_player(self) -> VlcPlayer | None:
        """The player, once libVLC has started (waiting for the loader if needed)."""
        if self._loader.player is not None or self._unavailable is not None:
            return self._loader.player
        if self._checked:  # shut down already
            return None
        self._checked = True
        self._loader.start(instance_options(QGuiApplication.platformName()))
        result = self._loader.take()
        if isinstance(result, VlcUnavailableError):
            exc = result
            self._unavailable = exc
            self.missing_label.setText(
                _(
                    "<b>The built-in preview needs VLC.</b><br>{exc_reason}.<br><br>{exc_hint}"
                ).format(exc_reason=exc.reason, exc_hint=exc.hint)
            )
            self.pages.setCurrentIndex(1)
            self._update_controls()
            self.availability_changed.emit(False)
            return None
        if result is None:  # released meanwhile
            return None
        self._loader.player = result
        self._rebind()
        self.availability_changed.emit(True)
        return result

    def _rebind(self) -> None:
        """Point VLC at the surface's current native window (it changes on reparenting)."""
        player = self.player
        if player is None:
            return
        window = int(self.surface.winId())
        if window == player.bound_window:
            return
        was_playing = player.state() in (PlaybackState.PLAYING, PlaybackState.PAUSED)
        at = player.time_ms()
        if was_playing:
            player.stop()
        player.bind(window)
        if was_playing:
            self._pending_seek = at
            player.play()

    def _on_loop_toggled(self, on: bool) -> None:
        """Reopen a playing or paused clip with VLC's own repeat set to match, where it was
        left: a repeating input loops without closing the video output."""
        player = self.player
        if player is None or self._path is None or player.repeats == on:
            return
        state = player.state()
        if state not in (PlaybackState.PLAYING, PlaybackState.PAUSED, PlaybackState.OPENING):
            player.load(self._path, repeat=on)  # the next play starts from it
            return
        at = player.time_ms()
        player.load(self._path, repeat=on)
        self._pending_seek = at
        self._pause_after_seek = state is PlaybackState.PAUSED
        player.play()
        self._watch()

    def _poll(self) -> None:
        player = self.player
        if player is None:
            self._timer.stop()
            return
        state = player.state()
        if state is PlaybackState.PLAYING:
            if player.length_ms() > 0:
                self._played = True
            if self._pending_seek is not None:
                player.seek_ms(self._pending_seek)
                self._pending_seek = None
                if self._pause_after_seek:
                    self._pause_after_seek = False
                    player.pause()
            if not self._volume_applied:
                player.set_volume(self.volume_slider.value())
                self._volume_applied = True
        elif state is PlaybackState.ENDED and not (self._played or player.length_ms() > 0):
            state = PlaybackState.ERROR  # VLC "ends" files it cannot open at all
        elif state is PlaybackState.ENDED and self.loop_button.isChecked():
            player.stop()
            player.play()
            self._watch_until = time.monotonic() + WATCH_S
            state = PlaybackState.OPENING
        length = player.length_ms()
        if length != self._length:
            self._length = length
            self.seek_slider.setRange(0, length)
        now = length if state is PlaybackState.ENDED else player.time_ms()
        if not self.seek_slider.isSliderDown():
            self.seek_slider.setValue(now)
            self.time_label.setText(f"{format_ms(now)} / {format_ms(length)}")
        if state is PlaybackState.ERROR:
            self.title_label.setText(
                _("Cannot play {name}: not a video VLC can read").format(
                    name=Path(self._path or "").name
                )
            )
        if state is not self._last_state:
            self._last_state = state
            self._update_controls()
        settled = state in (PlaybackState.ENDED, PlaybackState.ERROR, PlaybackState.IDLE)
        if settled and time.monotonic() > self._watch_until:
            self._timer.stop()  # nothing moves until the next command

    def _watch(self) -> None:
        """Poll from now on; VLC acts asynchronously, so an idle state right after a command
        does not mean it is done (give it WATCH_S before the timer may stop)."""
        self._watch_until = time.monotonic() + WATCH_S
        self._timer.start()

    def _on_seek_released(self) -> None:
        self.seek(self.seek_slider.value())

    def _on_seek_action(self, action: int) -> None:
        if action != QSlider.SliderAction.SliderMove.value:
            # The slider applies the action after this signal: read its value afterwards.
            QTimer.singleShot(0, lambda: self.seek(self.seek_slider.value()))

    def _on_seek_moved(self, value: int) -> None:
        self.time_label.setText(f"{format_ms(value)} / {format_ms(self._length)}")

    def _on_volume(self, value: int) -> None:
        if self.player is not None:
            self.player.set_volume(value)

    def _update_controls(self) -> None:
        usable = self.player is not None and self._path is not None
        for widget in (self.play_button, self.step_button, self.seek_slider):
            widget.setEnabled(usable)
        playing = self.player is not None and self.player.state() is PlaybackState.PLAYING
        self.play_button.setIcon(
            _icon("pause", QStyle.StandardPixmap.SP_MediaPause)
            if playing
            else _icon("play", QStyle.StandardPixmap.SP_MediaPlay)
        )
        # What a press does now (screen readers, and what the icon shows).
        self.play_button.setAccessibleDescription(_("Pause") if playing else _("Play"))
        self.system_player_button.setEnabled(self._path is not None)
        if not self.time_label.text():
            self.time_label.setText(f"{format_ms(0)} / {format_ms(0)}")
