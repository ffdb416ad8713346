"""The engine that paints a monochrome icon in the palette's text colour (ui/icons.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap

from seedance_studio.ui.icons import MONO

if TYPE_CHECKING:
    from PySide6.QtSvg import QSvgRenderer


def _palette_text(mode: QIcon.Mode) -> str:
    palette = QGuiApplication.palette()
    group = (
        QPalette.ColorGroup.Disabled if mode == QIcon.Mode.Disabled else QPalette.ColorGroup.Active
    )
    return palette.color(group, QPalette.ColorRole.WindowText).name()


class TintedIconEngine(QIconEngine):
    """Renders a monochrome SVG in the palette's text colour at the size and scale asked
    (crisp at 150 % and 200 %); one renderer per colour, made on first use."""

    def __init__(self, svg: str) -> None:
        super().__init__()
        self._svg = svg
        self._renderers: dict[str, QSvgRenderer] = {}

    def renderer(self, mode: QIcon.Mode) -> QSvgRenderer:
        colour = _palette_text(mode)
        found = self._renderers.get(colour)
        if found is None:
            from PySide6.QtSvg import QSvgRenderer

            data = QByteArray(self._svg.replace(MONO, colour).encode("utf-8"))
            found = self._renderers[colour] = QSvgRenderer(data)
        return found

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        self.renderer(mode).render(painter, QRectF(rect))

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(
        self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float
    ) -> QPixmap:
        device = QSize(max(1, round(size.width() * scale)), max(1, round(size.height() * scale)))
        picture = QPixmap(device)
        picture.fill(Qt.GlobalColor.transparent)
        painter = QPainter(picture)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.paint(painter, QRect(QPoint(0, 0), device), mode, state)
        painter.end()
        picture.setDevicePixelRatio(scale)
        return picture

    def clone(self) -> QIconEngine:
        return TintedIconEngine(self._svg)
