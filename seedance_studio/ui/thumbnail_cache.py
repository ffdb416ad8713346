"""Thumbnails for tray items, decoded off the UI thread and kept per source."""

from __future__ import annotations

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication, QImage, QPixmap

from seedance_studio.core.media_facts import MediaKind
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
        self._placeholders: dict[tuple[MediaKind, int, int, float], QPixmap] = {}

    def has(self, ref: Reference) -> bool:
        return ref.source in self._pixmaps

    def pixmap(self, ref: Reference, size: QSize | None = None) -> QPixmap:
        found = self._pixmaps.get(ref.source)
        if found is None:
            self._request(ref)
            return self.placeholder(ref.kind, size or QSize(*DEFAULT_BOX))
        if size is not None:
            return found.scaled(
                size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        return found

    def placeholder(self, kind: MediaKind, box: QSize) -> QPixmap:
        """The kind icon shown while a thumbnail decodes (or for links), drawn once per size:
        every card painted before its thumbnail lands asks for it."""
        ratio = (
            app.devicePixelRatio()
            if isinstance(app := QGuiApplication.instance(), QGuiApplication)
            else 1.0
        )
        key = (kind, min(box.width(), 48), min(box.height(), 48), ratio)
        found = self._placeholders.get(key)
        if found is None:
            found = kind_icon(kind).pixmap(QSize(key[1], key[2]))
            self._placeholders[key] = found
        return found

    def _request(self, ref: Reference) -> None:
        source = ref.source
        if ref.is_url or source in self._pending or source in self._failed:
            return
        self._pending.add(source)
        # Asked for while a view paints: decoding starts once the paint is done.
        self._worker.submit_soon(
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
