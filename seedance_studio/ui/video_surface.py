"""What a preview draws into, and the thread that starts libVLC for it.

The single preview and the side-by-side comparison both need a native black surface that
libVLC paints and a player that starts off the UI thread and is released even while its
widget dies; they live here once.
"""

from __future__ import annotations

import contextlib
import threading

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QMouseEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget
from typing_extensions import override

from seedance_studio.core.i18n import _
from seedance_studio.ui.player_vlc import VlcPlayer, VlcUnavailableError


def format_ms(ms: int) -> str:
    """`m:ss.t`, tenths shown so a frame step visibly moves the clock."""
    ms = max(0, ms)
    minutes, rest = divmod(ms, 60_000)
    return f"{minutes}:{rest // 1000:02d}.{(rest % 1000) // 100}"


class VideoSurface(QWidget):
    """A black native child window that libVLC draws into; a click on it means play/pause."""

    window_id_changed = Signal()
    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_NativeWindow, True)
        self.setAttribute(Qt.WidgetAttribute.WA_DontCreateNativeAncestors, True)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, Qt.GlobalColor.black)
        self.setPalette(palette)
        self.setMinimumSize(160, 90)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.WinIdChange:
            self.window_id_changed.emit()
        return super().event(event)

    @override
    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.clicked.emit()
        super().mouseReleaseEvent(event)


class VlcLoader(QObject):
    """Owns the libVLC player apart from the widget: it is created on a thread (starting
    libVLC takes a quarter of a second) and released even while the widget dies (a slot on
    the dying widget itself must not run)."""

    loaded = Signal()
    """From the loading thread (queued to the UI thread): `take()` has an answer."""

    def __init__(self) -> None:
        super().__init__()
        self.player: VlcPlayer | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._result: VlcPlayer | VlcUnavailableError | None = None
        self._closed = False

    @property
    def started(self) -> bool:
        return self._thread is not None

    def start(self, options: list[str]) -> None:
        if self._thread is None and not self._closed:
            self._thread = threading.Thread(
                target=self._load, args=(options,), name="vlc-loader", daemon=True
            )
            self._thread.start()

    def _load(self, options: list[str]) -> None:
        result: VlcPlayer | VlcUnavailableError
        try:
            result = VlcPlayer(options)
        except VlcUnavailableError as exc:
            result = exc
        except Exception as exc:  # a broken libVLC must not take the app down
            result = VlcUnavailableError(_("libVLC failed to start ({exc})").format(exc=exc))
        with self._lock:
            if self._closed and isinstance(result, VlcPlayer):
                result.release()  # the panel went away while libVLC was starting
                return
            self._result = result
        with contextlib.suppress(RuntimeError):  # this QObject may be gone already
            self.loaded.emit()

    def take(self) -> VlcPlayer | VlcUnavailableError | None:
        """The loading outcome, waiting for the thread if it is still busy; None when it was
        never started or the outcome was taken (or released) already."""
        thread = self._thread
        if thread is not None:
            thread.join()
        with self._lock:
            result, self._result = self._result, None
        return result

    def release(self, *_args: object) -> None:
        with self._lock:
            self._closed = True
            pending, self._result = self._result, None
        player, self.player = self.player, None
        for item in (player, pending):
            if isinstance(item, VlcPlayer):
                item.release()
