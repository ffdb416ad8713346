"""Painting thumbnails into fixed boxes the way media apps do (cover, not letterbox)."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPixmap


def draw_cover(painter: QPainter, pixmap: QPixmap, target: QRect, radius: int = 0) -> None:
    """Fill `target` with the middle of `pixmap` (scaled to cover it, like a video card).

    Small pixmaps (the kind icons shown while a thumbnail is decoding) are centred instead.
    """
    if pixmap.width() <= 64 and pixmap.height() <= 64:
        painter.drawPixmap(
            target.center().x() - pixmap.width() // 2 + 1,
            target.center().y() - pixmap.height() // 2 + 1,
            pixmap,
        )
        return
    scaled = pixmap.scaled(
        target.size(),
        Qt.AspectRatioMode.KeepAspectRatioByExpanding,
        Qt.TransformationMode.SmoothTransformation,
    )
    source = QRect(
        (scaled.width() - target.width()) // 2,
        (scaled.height() - target.height()) // 2,
        target.width(),
        target.height(),
    )
    painter.save()
    clip = QPainterPath()
    clip.addRoundedRect(target, radius, radius)
    painter.setClipPath(clip)
    painter.drawPixmap(target, scaled, source)
    painter.restore()
