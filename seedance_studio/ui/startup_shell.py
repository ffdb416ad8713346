"""The window's first paint: the studio's frame, in its final size, layout and colours.

Building the studio (provider data, pydantic models, the job store, every panel) takes most
of a second; a person sees nothing until a window paints. This shell needs only Qt and the
theme: it paints the panels' places and headings where the studio will put them (the same
saved geometry and splitter sizes), then the studio is built on the next loop turn and
shown in its place. Nothing here may import the rest of the core:
tests/ui/test_startup_imports.py keeps the first paint's import graph to Qt, the theme, the
saved window state and the four headings looked up in the user's catalogue
(core/catalogue.py); the whole catalogue loads after the paint.
"""

from __future__ import annotations

import struct
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEventLoop, QObject, QSettings, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QPaintEvent
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)

from seedance_studio.core.catalogue import N_, configured_language, look_up, wanted_language
from seedance_studio.ui.icons import app_icon
from seedance_studio.ui.ui_state import ui_state_store

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent

WINDOW_TITLE = "Seedance Studio"
WINDOW_SIZE = (1280, 800)
TOP_SIZES = (310, 560, 410)
"""References, compose, preview: the studio's first-run proportions (ui/main_window.py)."""
MAIN_SIZES = (560, 220)
HEADINGS = (N_("References"), N_("Prompt"), N_("Preview"), N_("Jobs"))
"""The panels' headings, in the words the studio's panels show them with."""
SIMULATOR = N_("simulator")
TOOLBAR_HEIGHT = 35
PAINT_WAIT_S = 2.0
"""The longest `wait_painted` waits (a display that never exposes the window)."""

on_created: list[Callable[[StartupShell], None]] = []
"""Called with every new shell (diagnostics and bench/startup_bench.py listen here)."""


def splitter_sizes(state: object, count: int) -> list[int] | None:
    """The sizes in a QSplitter.saveState() blob (magic, version, then a QList<int>).

    The shell lays its panels out with stretch factors instead of real splitters: a
    splitter's orientation is a Qt-namespace enum, and touching the first one builds all
    of them (tens of milliseconds, most of a bare window's start-up).
    """
    if not isinstance(state, QByteArray) or state.size() < 12:
        return None
    data = state.data()
    try:
        magic, _version, length = struct.unpack_from(">iiI", data, 0)
        if magic != 0xFF or length != count:
            return None
        sizes = list(struct.unpack_from(f">{length}i", data, 12))
    except struct.error:
        return None
    return sizes if all(size >= 0 for size in sizes) and any(sizes) else None


def _panel(heading: str | None) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(12, 10, 12, 10)
    if heading:
        label = QLabel(heading)
        label.setProperty("role", "heading")
        layout.addWidget(label)
    layout.addStretch(1)
    return box


def _row(layout: QBoxLayout, widgets: Sequence[QWidget], sizes: Sequence[int]) -> None:
    for widget, size in zip(widgets, sizes, strict=True):
        layout.addWidget(widget, max(1, size))


class _FirstPaint(QObject):
    """Calls `then` once, at the first paint of the window it filters."""

    def __init__(self, then: Callable[[], None]) -> None:
        super().__init__()
        self._then: Callable[[], None] | None = then
        from PySide6.QtCore import QEvent  # its enum is built here, after the first paint

        self._paint = QEvent.Type.Paint

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._then is not None and event.type() == self._paint:
            then, self._then = self._then, None
            watched.removeEventFilter(self)
            then()
        return False


class StartupShell(QMainWindow):
    """The frame shown while the studio is built; `hand_over(window)` replaces it."""

    first_painted = Signal()
    ready = Signal()
    """The studio window painted in the shell's place (the app is interactive)."""

    def __init__(
        self,
        *,
        simulator: bool = False,
        ui_state: QSettings | None = None,
        language: str | None = None,
    ) -> None:
        """`language`: the catalogue to word the frame in (None: the one the studio will use)."""
        super().__init__()
        self.created_at = time.time()
        self.first_paint_at: float | None = None
        self.interactive_at: float | None = None
        self.abandoned = False
        """Closed by the user before the studio took over: the studio closes at once too."""
        self._handed_over = False
        self._studio: QMainWindow | None = None
        self._first_paint: _FirstPaint | None = None
        words = look_up(wanted_language(language or configured_language()), (*HEADINGS, SIMULATOR))
        self.setWindowTitle(WINDOW_TITLE + (f" — {words[SIMULATOR]}" if simulator else ""))
        self.setWindowIcon(app_icon())
        store = ui_state or ui_state_store()
        top = splitter_sizes(store.value("splitters/top"), len(TOP_SIZES)) or TOP_SIZES
        main = splitter_sizes(store.value("splitters/main"), len(MAIN_SIZES)) or MAIN_SIZES
        upper = QWidget()
        columns = QHBoxLayout(upper)
        columns.setContentsMargins(0, 0, 0, 0)
        _row(columns, [_panel(words[h]) for h in HEADINGS[:3]], top)
        body = QWidget()
        rows = QVBoxLayout(body)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(0)
        toolbar = QWidget()
        toolbar.setFixedHeight(TOOLBAR_HEIGHT)
        rows.addWidget(toolbar)
        _row(rows, [upper, _panel(words[HEADINGS[3]])], main)
        self.setCentralWidget(body)
        self.resize(*WINDOW_SIZE)
        geometry = store.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        for listener in on_created:
            listener(self)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.first_paint_at is None:
            self.first_paint_at = time.time()
            self.first_painted.emit()

    def wait_painted(self, app: QApplication, timeout_s: float = PAINT_WAIT_S) -> bool:
        """Turn Qt's loop until the shell has painted (before any asyncio loop exists)."""
        deadline = time.monotonic() + timeout_s
        wake = QTimer(self)  # the wait below returns at the latest when this fires
        wake.start(int(timeout_s * 1000))
        while self.first_paint_at is None and time.monotonic() < deadline:
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        wake.stop()
        wake.deleteLater()
        return self.first_paint_at is not None

    def hand_over(self, window: QMainWindow) -> None:
        """Show `window` where the shell is; the shell leaves once the window has painted."""
        self._handed_over = True
        self._studio = window
        if not self.isVisible():
            window.show()
            self._done()
            return
        window.setGeometry(self.geometry())
        if self.isMaximized():
            window.showMaximized()
        elif self.isFullScreen():
            window.showFullScreen()
        self._first_paint = _FirstPaint(self._done)
        window.installEventFilter(self._first_paint)
        window.show()

    def _done(self) -> None:
        self.interactive_at = time.time()
        self._first_paint = None
        self.hide()
        self.ready.emit()
        self.deleteLater()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._handed_over:
            self.abandoned = True
        super().closeEvent(event)
