"""Compare 2–4 takes: side by side or an A/B wipe, one transport for all of them.

Each take has its own libVLC player (started on a thread, like the preview's), drawing into
its own native surface. A master clock (core/playback_sync) is the one timeline: every tick
the players' positions go in and the corrections that keep them on it come out (seek the
one that drifted, start or pause one that differs). Only the chosen take is heard. Without
libVLC each take offers the system player instead, as the preview does.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRect, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QGuiApplication,
    QKeySequence,
    QRegion,
    QResizeEvent,
    QShortcut,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSlider,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from seedance_studio.core import capabilities
from seedance_studio.core.i18n import _
from seedance_studio.core.playback_sync import Correction, MasterClock, TakeState, corrections
from seedance_studio.jobs.store import JobRecord
from seedance_studio.ui.job_format import cost_text, elapsed_seconds, format_elapsed
from seedance_studio.ui.player_vlc import (
    PlaybackState,
    VlcPlayer,
    VlcUnavailableError,
    instance_options,
)
from seedance_studio.ui.video_surface import VideoSurface, VlcLoader, format_ms

TICK_MS = 40
MAX_TAKES = 4
VOLUME = 80


def take_caption(job: JobRecord) -> str:
    try:
        name = capabilities.get(job.provider).name
    except KeyError:
        name = job.provider
    took = format_elapsed(elapsed_seconds(job, job.finished_at or job.updated_at))
    return _("#{id} {provider} · {cost} · took {took}").format(
        id=job.id, provider=name, cost=cost_text(job), took=took
    )


class TakePane(QWidget):
    """One take: its surface, caption, audio and pick choice, and its own player."""

    loaded = Signal()

    def __init__(self, job: JobRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job = job
        self.path = job.result_path or ""
        self._loader = VlcLoader()
        self._loader.loaded.connect(self._on_loaded)
        self.destroyed.connect(self._loader.release)
        self.unavailable: VlcUnavailableError | None = None
        self.volume = 0
        """What this take should be heard at (only the chosen take is not muted)."""
        self._volume_applied = False
        self.surface = VideoSurface(self)
        self.surface.setAccessibleName(_("Take #{job_id} video").format(job_id=job.id))
        self.surface.window_id_changed.connect(self._rebind)
        self.target: VideoSurface = self.surface
        """Where the player draws now (this pane's surface, or the wipe stage's)."""
        self.missing = QLabel(self)
        self.missing.setWordWrap(True)
        self.missing.setAlignment(Qt.AlignmentFlag.AlignCenter)
        external = QPushButton(_("Open in the system player"), self)
        external.clicked.connect(self.open_externally)
        fallback = QWidget(self)
        fallback_layout = QVBoxLayout(fallback)
        fallback_layout.addStretch(1)
        fallback_layout.addWidget(self.missing)
        fallback_layout.addWidget(external, 0, Qt.AlignmentFlag.AlignCenter)
        fallback_layout.addStretch(1)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.surface)
        self.pages.addWidget(fallback)
        self.caption = QLabel(take_caption(job), self)
        self.caption.setWordWrap(True)
        self.audio = QRadioButton(_("Hear this"), self)
        self.audio.setToolTip(_("Play this take's sound (the others are muted)"))
        self.pick = QRadioButton(_("Pick"), self)
        self.pick.setToolTip(_("Mark this take as the one to keep (shown in the gallery)"))
        self.pick.setChecked(job.pick)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.audio)
        row.addWidget(self.pick)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.caption)
        layout.addLayout(row)

    @property
    def player(self) -> VlcPlayer | None:
        return self._loader.player

    def start(self) -> None:
        self._loader.start(instance_options(QGuiApplication.platformName()))

    def _on_loaded(self) -> None:
        result = self._loader.take()
        if isinstance(result, VlcUnavailableError):
            self.unavailable = result
            self.missing.setText(
                _("<b>Comparing needs VLC.</b><br>{result_reason}.<br>{result_hint}").format(
                    result_reason=result.reason, result_hint=result.hint
                )
            )
            self.pages.setCurrentIndex(1)
            self.loaded.emit()
            return
        if result is None:
            return
        self._loader.player = result
        result.bind(int(self.target.winId()))
        result.load(self.path)
        self.loaded.emit()

    def draw_into(self, surface: VideoSurface) -> None:
        """Move the picture to `surface` (the wipe stage or back home)."""
        self.target = surface
        self._rebind()

    def _rebind(self) -> None:
        player = self.player
        if player is None:
            return
        window = int(self.target.winId())
        if window == player.bound_window:
            return
        active = player.state() in (PlaybackState.PLAYING, PlaybackState.PAUSED)
        if active:
            player.stop()  # VLC takes a new window only between stop and play
        player.bind(window)
        # The master clock starts it again and seeks it back into step on the next tick.

    def set_volume(self, percent: int) -> None:
        self.volume = percent
        self._volume_applied = False
        self._apply_volume()

    def _apply_volume(self) -> None:
        # VLC takes a volume only once its audio output is open (while playing).
        player = self.player
        if (
            player is not None
            and not self._volume_applied
            and player.state() is PlaybackState.PLAYING
        ):
            player.set_volume(self.volume)
            self._volume_applied = True

    def state(self) -> TakeState:
        player = self.player
        if player is None:
            return TakeState(0, 0, False)
        self._apply_volume()
        playing = player.state() in (PlaybackState.PLAYING, PlaybackState.OPENING)
        return TakeState(player.time_ms(), player.length_ms(), playing)

    def apply(self, fix: Correction) -> None:
        player = self.player
        if player is None or fix.is_noop:
            return
        if fix.play is True:
            if player.state() in (PlaybackState.ENDED, PlaybackState.IDLE, PlaybackState.ERROR):
                player.stop()
            player.play()
        elif fix.play is False:
            player.pause()
        if fix.seek_ms is not None:
            player.seek_ms(fix.seek_ms)

    def open_externally(self) -> None:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        if self.path:
            QDesktopServices.openUrl(QUrl.fromLocalFile(self.path))

    def release(self) -> None:
        self._loader.release()


class WipeStage(QWidget):
    """Two surfaces on one spot; the top one shows only right of the split line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bottom = VideoSurface(self)
        self.top = VideoSurface(self)
        self.bottom.setAccessibleName("A")
        self.top.setAccessibleName("B")
        self.split = 0.5
        self.setMinimumSize(320, 180)

    def set_split(self, fraction: float) -> None:
        self.split = min(max(fraction, 0.0), 1.0)
        self._layout()

    @override
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._layout()

    def _layout(self) -> None:
        rect = self.rect()
        self.bottom.setGeometry(rect)
        self.top.setGeometry(rect)
        x = int(rect.width() * self.split)
        self.top.setMask(QRegion(QRect(x, 0, rect.width() - x, rect.height())))


class CompareView(QWidget):
    """A window over 2–4 finished takes; `pick_marked(job_id, ids)` when one is picked."""

    pick_marked = Signal(int, list)

    def __init__(self, takes: list[JobRecord], parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        takes = [t for t in takes if t.result_path and Path(t.result_path).is_file()]
        self.takes = takes[:MAX_TAKES]
        self.setWindowTitle(_("Compare {len_value} takes").format(len_value=len(self.takes)))
        self.master = MasterClock()
        self.panes = [TakePane(job, self) for job in self.takes]
        self._closed = False

        self.grid = QWidget(self)
        grid = QGridLayout(self.grid)
        grid.setContentsMargins(0, 0, 0, 0)
        columns = 2 if len(self.panes) == 4 else max(len(self.panes), 1)
        for i, pane in enumerate(self.panes):
            grid.addWidget(pane, i // columns, i % columns)
        self.stage = WipeStage(self)
        self.stage.setAccessibleName(_("A/B wipe"))
        self.views = QStackedWidget(self)
        self.views.addWidget(self.grid)
        self.views.addWidget(self.stage)

        self.audio_group = QButtonGroup(self)
        self.pick_group = QButtonGroup(self)
        for i, pane in enumerate(self.panes):
            self.audio_group.addButton(pane.audio, i)
            self.pick_group.addButton(pane.pick, i)
            pane.loaded.connect(self._on_pane_loaded)
        if self.panes:
            self.panes[0].audio.setChecked(True)
        self.audio_group.idClicked.connect(lambda _i: self._apply_audio())
        self.pick_group.idClicked.connect(self._on_pick)

        self.play_button = QToolButton(self)
        self.play_button.setText(_("Play"))
        self.play_button.setToolTip(_("Play / pause every take (Space)"))
        self.play_button.clicked.connect(self.toggle)
        self.step_button = QToolButton(self)
        self.step_button.setText(_("Next frame"))
        self.step_button.clicked.connect(self.step)
        self.seek_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.seek_slider.setAccessibleName(_("Position"))
        self.seek_slider.sliderReleased.connect(lambda: self.seek(self.seek_slider.value()))
        self.time_label = QLabel(format_ms(0), self)
        self.loop_box = QCheckBox(_("Loop"), self)
        self.loop_box.setChecked(True)
        self.loop_box.toggled.connect(self._on_loop)
        self.mode_box = QComboBox(self)
        self.mode_box.addItems([_("Side by side"), _("A/B wipe")])
        self.mode_box.setToolTip(_("A/B wipe shows the first two selected takes on one picture"))
        self.mode_box.setEnabled(len(self.panes) >= 2)
        self.mode_box.currentIndexChanged.connect(self.set_mode)
        self.wipe_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.wipe_slider.setRange(0, 100)
        self.wipe_slider.setValue(50)
        self.wipe_slider.setMaximumWidth(160)
        self.wipe_slider.setToolTip(_("Where the wipe divides A from B"))
        self.wipe_slider.valueChanged.connect(lambda v: self.stage.set_split(v / 100))
        self.wipe_slider.hide()
        space = QShortcut(QKeySequence(Qt.Key.Key_Space), self)
        space.activated.connect(self.toggle)

        controls = QHBoxLayout()
        for widget in (self.play_button, self.step_button, self.time_label):
            controls.addWidget(widget)
        controls.addWidget(self.seek_slider, 1)
        for tail in (self.loop_box, self.mode_box, self.wipe_slider):
            controls.addWidget(tail)
        layout = QVBoxLayout(self)
        layout.addWidget(self.views, 1)
        layout.addLayout(controls)

        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.tick)
        self.resize(1200, 560)

    # -- transport ---------------------------------------------------------------------------

    def start(self) -> None:
        """Start every take's player (on threads) and play once they are open."""
        for pane in self.panes:
            pane.start()
        self.master.play()
        self._timer.start()
        self._update_controls()

    def toggle(self) -> None:
        self.master.toggle()
        self.tick()
        self._update_controls()

    def play(self) -> None:
        self.master.play()
        self.tick()
        self._update_controls()

    def pause(self) -> None:
        self.master.pause()
        self.tick()
        self._update_controls()

    def seek(self, ms: int) -> None:
        self.master.seek(ms)
        for pane, state in zip(self.panes, self._states(), strict=True):
            if state.length_ms:
                pane.apply(Correction(seek_ms=min(ms, state.length_ms)))
        self.tick()

    def step(self) -> None:
        self.master.pause()
        self.tick()
        for pane in self.panes:
            if pane.player is not None:
                pane.player.next_frame()
        self.master.step()
        self._update_controls()

    def set_mode(self, index: int) -> None:
        wipe = index == 1 and len(self.panes) >= 2
        self.views.setCurrentIndex(1 if wipe else 0)
        self.wipe_slider.setVisible(wipe)
        if wipe:
            self.panes[0].draw_into(self.stage.bottom)
            self.panes[1].draw_into(self.stage.top)
        else:
            for pane in self.panes:
                pane.draw_into(pane.surface)
        self.stage.set_split(self.wipe_slider.value() / 100)

    def states(self) -> list[TakeState]:
        return self._states()

    def _states(self) -> list[TakeState]:
        return [pane.state() for pane in self.panes]

    def tick(self) -> None:
        if self._closed:
            return
        states = self._states()
        self.master.set_length(states)
        for pane, fix in zip(self.panes, corrections(self.master, states), strict=True):
            pane.apply(fix)
        position = self.master.position_ms()
        if self.seek_slider.maximum() != self.master.length_ms:
            self.seek_slider.setRange(0, self.master.length_ms)
        if not self.seek_slider.isSliderDown():
            self.seek_slider.setValue(position)
        self.time_label.setText(f"{format_ms(position)} / {format_ms(self.master.length_ms)}")

    # -- audio and pick ----------------------------------------------------------------------

    def heard(self) -> int:
        return self.audio_group.checkedId()

    def _apply_audio(self) -> None:
        chosen = self.audio_group.checkedId()
        for i, pane in enumerate(self.panes):
            pane.set_volume(VOLUME if i == chosen else 0)

    def _on_pane_loaded(self) -> None:
        self._apply_audio()
        self.tick()

    def _on_pick(self, index: int) -> None:
        job = self.panes[index].job
        self.pick_marked.emit(job.id, [p.job.id for p in self.panes])

    def _on_loop(self, on: bool) -> None:
        self.master.loop = on

    def _update_controls(self) -> None:
        self.play_button.setText(_("Pause") if self.master.playing else _("Play"))

    # -- closing -----------------------------------------------------------------------------

    def shutdown(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._timer.stop()
        for pane in self.panes:
            pane.release()

    @override
    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)
