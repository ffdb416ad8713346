"""Turning drops, pastes and file-dialog picks into tray references, probing off the UI thread.

A batch keeps its order: every source is probed on a worker, then the good ones are added in
one go where they were dropped; each bad one yields a message naming the file and the reason.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMimeData, QObject, QUrl, Signal
from PySide6.QtGui import QImage

from seedance_studio.core import paths
from seedance_studio.core.errors import MediaError
from seedance_studio.core.i18n import _
from seedance_studio.core.probe import reference_from_file
from seedance_studio.core.reference import Reference
from seedance_studio.core.tray import ReferenceTray
from seedance_studio.ui.workers import Worker

WEB_SCHEMES = ("http", "https")


@dataclass(frozen=True)
class Rejected:
    """A source that did not become a reference, and why (already user-facing)."""

    source: str
    reason: str


def load_source(source: str) -> Reference | Rejected:
    """Probe a local file or accept a web URL; never raises (runs on a worker thread)."""
    try:
        if urlparse(source).scheme.lower() in WEB_SCHEMES:
            return Reference.from_source(source)
        return reference_from_file(source)
    except MediaError as exc:
        return Rejected(source, str(exc))
    except OSError as exc:
        return Rejected(
            source,
            _("{source}: cannot be read ({value})").format(
                source=source, value=exc.strerror or exc
            ),
        )


def load_batch(sources: list[str]) -> list[Reference | Rejected]:
    return [load_source(s) for s in sources]


def _url_source(url: QUrl) -> str | None:
    if url.isLocalFile():
        return url.toLocalFile()
    if url.scheme().lower() in WEB_SCHEMES:
        return url.toString()
    return None


def sources_from_mime(mime: QMimeData) -> list[str]:
    """Local paths and web URLs from a drop or paste: uri-lists first, then URL-looking text."""
    found: list[str] = []
    if mime.hasUrls():
        found = [s for s in (_url_source(u) for u in mime.urls()) if s]
    if not found and mime.hasText():
        for line in mime.text().splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            url = QUrl(line)
            source = _url_source(url) if url.scheme() else None
            if source is None and Path(line).is_absolute() and Path(line).is_file():
                source = line
            if source:
                found.append(source)
    return found


def save_pasted_image(image: QImage) -> Path:
    """Write pasted pixels as a PNG in the cache, named by content so pastes dedupe."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload,unused-ignore]  # stub: bytes; only str works
    buffer.close()
    raw = bytes(data.data())
    folder = paths.cache_dir() / "pasted"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"pasted-{hashlib.sha256(raw).hexdigest()[:12]}.png"
    if not target.exists():
        target.write_bytes(raw)
    return target


def mime_can_add(mime: QMimeData) -> bool:
    return bool(sources_from_mime(mime)) or mime.hasImage()


class ReferenceIngest(QObject):
    """Adds sources to the tray in the background and reports what it could not add."""

    rejected = Signal(str)
    """A user-facing reason, one per source that was not added."""
    added = Signal(int)
    busy_changed = Signal(bool)

    def __init__(self, tray: ReferenceTray, worker: Worker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tray = tray
        self._worker = worker
        self._busy = 0

    @property
    def busy(self) -> bool:
        return self._busy > 0

    def add_sources(self, sources: list[str], index: int | None = None) -> bool:
        """Start adding; False when there was nothing to add."""
        known = {r.source for r in self._tray}
        fresh: list[str] = []
        for s in sources:
            if s in known or s in fresh:
                self.rejected.emit(
                    _("{value} is already in the tray").format(value=Path(s).name or s)
                )
            else:
                fresh.append(s)
        if not fresh:
            return False
        self._set_busy(+1)
        self._worker.submit(
            load_batch,
            fresh,
            on_done=lambda results: self._finish(results, index),
            on_error=self._crashed,
        )
        return True

    def add_mime(self, mime: QMimeData, index: int | None = None) -> bool:
        """Files, URLs or raw image data from a drop or the clipboard."""
        sources = sources_from_mime(mime)
        if not sources and mime.hasImage():
            image = QImage(mime.imageData())
            if not image.isNull():
                sources = [str(save_pasted_image(image))]
        if not sources:
            self.rejected.emit(
                _("Nothing to add: drop or paste image, video or audio files, or links to them")
            )
            return False
        return self.add_sources(sources, index)

    def _finish(self, results: list[Reference | Rejected], index: int | None) -> None:
        self._set_busy(-1)
        known = {r.source for r in self._tray}
        good: list[Reference] = []
        reasons: list[str] = []
        for item in results:
            if isinstance(item, Rejected):
                reasons.append(item.reason)
            elif item.source in known:
                reasons.append(
                    _("{item_display_name} is already in the tray").format(
                        item_display_name=item.display_name
                    )
                )
            else:
                good.append(item)
                known.add(item.source)
        if good:
            if index is None or index >= len(self._tray):
                self._tray.extend(good)
            else:
                for offset, ref in enumerate(good):
                    self._tray.add(ref, index + offset)
            self.added.emit(len(good))
        # After `added`, so the last word on screen is what went wrong.
        for reason in reasons:
            self.rejected.emit(reason)

    def _crashed(self, exc: BaseException) -> None:
        self._set_busy(-1)
        self.rejected.emit(_("Could not add references: {exc}").format(exc=exc))

    def _set_busy(self, delta: int) -> None:
        was = self.busy
        self._busy += delta
        if was != self.busy:
            self.busy_changed.emit(self.busy)
