"""Painting thumbnails into fixed boxes the way media apps do (cover, not letterbox).

The covered picture (scaled, cropped to the box, rounded corners) is made once per thumbnail
and box size and kept: a card is painted on every thumbnail that lands, every hover and every
renumbering, and the smooth scale and the rounded clip cost about a millisecond a card.
"""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPixmap

COVERS_KEPT = 256
"""Covered pictures kept (a tray holds at most 15 references; the library shows more)."""

_covers: OrderedDict[tuple[int, int, int, int], QPixmap] = OrderedDict()


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
    painter.drawPixmap(target.topLeft(), cover(pixmap, target.size(), radius))


def cover(pixmap: QPixmap, size: QSize, radius: int = 0) -> QPixmap:
    """`pixmap` scaled to cover `size`, its middle cut out, the corners rounded by `radius`."""
    key = (pixmap.cacheKey(), size.width(), size.height(), radius)
    found = _covers.get(key)
    if found is not None:
        _covers.move_to_end(key)
        return found
    scaled = pixmap.scaled(
        size,
        Qt.AspectRatioMode.KeepAspectRatioByExpanding,
        Qt.TransformationMode.SmoothTransformation,
    )
    source = QRect(
        (scaled.width() - size.width()) // 2,
        (scaled.height() - size.height()) // 2,
        size.width(),
        size.height(),
    )
    made = QPixmap(size)
    made.fill(Qt.GlobalColor.transparent)
    painter = QPainter(made)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    clip = QPainterPath()
    clip.addRoundedRect(QRect(0, 0, size.width(), size.height()), radius, radius)
    painter.setClipPath(clip)
    painter.drawPixmap(QRect(0, 0, size.width(), size.height()), scaled, source)
    painter.end()
    _covers[key] = made
    if len(_covers) > COVERS_KEPT:
        _covers.popitem(last=False)
    return made
