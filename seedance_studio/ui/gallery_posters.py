"""Poster strips of finished takes, cached on disk and decoded on a worker thread.

A strip is one PNG (the frames side by side, the clip's length in a text chunk) under the
cache folder, named by the file's path, size and modification time, so a gallery of
thousands of takes decodes each video once, ever. Reading a cached PNG happens on the
worker too: the UI thread only turns a finished QImage into a pixmap.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QRect, QSize, Signal
from PySide6.QtGui import QImage, QPainter, QPixmap

from seedance_studio.core import paths
from seedance_studio.media.posters import STRIP_FRAMES, poster_strip
from seedance_studio.ui.thumbnail_cache import to_qimage
from seedance_studio.ui.workers import Worker

KEEP_IN_MEMORY = 400
"""Strips held as pixmaps (about 1.3 MB each at 8 × 176×99); older ones reload from disk."""


def posters_dir() -> Path:
    path = paths.cache_dir() / "posters"
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_key(path: str, box: QSize) -> str | None:
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    text = f"{path}\n{stat.st_size}\n{stat.st_mtime_ns}\n{box.width()}x{box.height()}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Poster:
    strip: QPixmap
    frames: int
    duration_s: float | None

    def frame_rect(self, index: int) -> QRect:
        """Where frame `index` (clamped) sits in the strip: painted from there, no copy."""
        index = max(0, min(index, self.frames - 1))
        width = self.strip.width() // max(self.frames, 1)
        return QRect(index * width, 0, width, self.strip.height())

    def frame(self, index: int) -> QPixmap:
        return self.strip.copy(self.frame_rect(index))


def load_or_make(path: str, box: QSize, folder: Path) -> tuple[QImage, int, float | None]:
    """On a worker thread: the strip from the disk cache, or decoded and stored there."""
    key = cache_key(path, box)
    if key is None:
        raise FileNotFoundError(path)
    cached = folder / f"{key}.png"
    image = QImage()
    if cached.is_file() and image.load(str(cached)):
        duration = image.text("duration")
        frames = int(image.text("frames") or STRIP_FRAMES)
        return image, frames, float(duration) if duration else None
    strip = poster_strip(path, (box.width(), box.height()))
    first = strip.frames[0]
    image = QImage(first.width * len(strip.frames), first.height, QImage.Format.Format_RGB888)
    painter = QPainter(image)
    for i, thumb in enumerate(strip.frames):
        painter.drawImage(i * first.width, 0, to_qimage(thumb))
    painter.end()
    image.setText("frames", str(len(strip.frames)))
    if strip.duration_s is not None:
        image.setText("duration", f"{strip.duration_s:.3f}")
    part = cached.with_suffix(".part.png")
    with contextlib.suppress(OSError):
        if image.save(str(part)):  # the format follows the .png suffix
            part.replace(cached)
    return image, len(strip.frames), strip.duration_s


class PosterCache(QObject):
    """`poster(path)` answers at once (None until made); `ready(path)` when it is."""

    ready = Signal(str)

    def __init__(
        self, box: QSize, parent: QObject | None = None, *, folder: Path | None = None
    ) -> None:
        super().__init__(parent)
        self.box = box
        self._folder = folder
        self._worker = Worker(max_workers=1, parent=self)
        self._posters: OrderedDict[str, Poster] = OrderedDict()
        self._asked: set[str] = set()

    @property
    def pending(self) -> int:
        return self._worker.pending

    def poster(self, path: str) -> Poster | None:
        found = self._posters.get(path)
        if found is not None:
            self._posters.move_to_end(path)
            return found
        self.request(path)
        return None

    def request(self, path: str) -> None:
        if path in self._asked:
            return
        self._asked.add(path)
        folder = self._folder or posters_dir()
        self._worker.submit(
            load_or_make,
            path,
            self.box,
            folder,
            on_done=lambda made: self._store(path, made),
            on_error=lambda _exc: None,
        )  # no picture: the tile says so

    def _store(self, path: str, made: tuple[QImage, int, float | None]) -> None:
        image, frames, duration = made
        self._posters[path] = Poster(QPixmap.fromImage(image), frames, duration)
        while len(self._posters) > KEEP_IN_MEMORY:
            old, _evicted = self._posters.popitem(last=False)
            self._asked.discard(old)
        self.ready.emit(path)

    def shutdown(self) -> None:
        self._worker.shutdown()
