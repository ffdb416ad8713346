"""Thumbnails of finished results: a frame decoded off the UI thread, cached per file."""

from __future__ import annotations

from PySide6.QtCore import QObject, QSize, Signal
from PySide6.QtGui import QPixmap

from seedance_studio.media.thumbnails import Thumbnail, frame_thumbnail
from seedance_studio.ui.thumbnail_cache import to_qimage
from seedance_studio.ui.workers import Worker


class JobThumbnails(QObject):
    """`pixmap(path)` answers at once (None until decoded); `ready(path)` fires when it is."""

    ready = Signal(str)

    def __init__(self, size: QSize, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._box = (size.width(), size.height())
        self._worker = Worker(max_workers=1, parent=self)
        self._pixmaps: dict[str, QPixmap] = {}
        self._asked: set[str] = set()

    @property
    def pending(self) -> int:
        return self._worker.pending

    def pixmap(self, path: str) -> QPixmap | None:
        found = self._pixmaps.get(path)
        if found is None:
            self.request(path)
        return found

    def request(self, path: str) -> None:
        """Decode `path` in the background unless it is known or on its way (or failed)."""
        if path in self._asked:
            return
        self._asked.add(path)
        self._worker.submit(
            frame_thumbnail,
            path,
            self._box,
            on_done=lambda thumb: self._store(path, thumb),
            on_error=lambda _exc: None,
        )  # no picture: the row stays text-only

    def _store(self, path: str, thumb: Thumbnail) -> None:
        self._pixmaps[path] = QPixmap.fromImage(to_qimage(thumb))
        self.ready.emit(path)

    def shutdown(self) -> None:
        self._worker.shutdown()
