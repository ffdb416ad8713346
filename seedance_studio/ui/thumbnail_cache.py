"""Thumbnails for tray items, decoded off the UI thread and kept per source."""

from __future__ import annotations

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QImage, QPixmap

from seedance_studio.core.reference import Reference
from seedance_studio.media.thumbnails import DEFAULT_BOX, Thumbnail, make_thumbnail
from seedance_studio.ui.icons import kind_icon
from seedance_studio.ui.workers import Worker


def to_qimage(thumb: Thumbnail) -> QImage:
    """Wrap packed rgb24 bytes; copy() detaches the QImage from the Python buffer."""
    image = QImage(
        thumb.rgb, thumb.width, thumb.height, thumb.width * 3, QImage.Format.Format_RGB888
    )
    return image.copy()


class ThumbnailCache(QObject):
    """`pixmap(ref)` answers at once: the thumbnail if ready, else the kind icon (and starts
    decoding); `ready` fires with the source when a thumbnail arrives."""

    ready = Signal(str)

    def __init__(self, worker: Worker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._pixmaps: dict[str, QPixmap] = {}
        self._pending: set[str] = set()
        self._failed: set[str] = set()

    def has(self, ref: Reference) -> bool:
        return ref.source in self._pixmaps

    def pixmap(self, ref: Reference, size: QSize | None = None) -> QPixmap:
        found = self._pixmaps.get(ref.source)
        if found is None:
            self._request(ref)
            box = size or QSize(*DEFAULT_BOX)
            return kind_icon(ref.kind).pixmap(QSize(min(box.width(), 48), min(box.height(), 48)))
        if size is not None:
            return found.scaled(
                size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        return found

    def _request(self, ref: Reference) -> None:
        source = ref.source
        if ref.is_url or source in self._pending or source in self._failed:
            return
        self._pending.add(source)
        self._worker.submit(
            make_thumbnail,
            source,
            ref.kind,
            on_done=lambda thumb: self._store(source, thumb),
            on_error=lambda _exc: self._fail(source),
        )

    def _store(self, source: str, thumb: Thumbnail) -> None:
        self._pending.discard(source)
        self._pixmaps[source] = QPixmap.fromImage(to_qimage(thumb))
        self.ready.emit(source)

    def _fail(self, source: str) -> None:
        # The probe already accepted the file; a failed thumbnail keeps the kind icon.
        self._pending.discard(source)
        self._failed.add(source)
