"""Icons from the icons/ folder, loaded once and cached by name.

The monochrome icons are drawn in one placeholder colour (`MONO`); they are painted in the
palette's text colour when shown, so they read on the light and the dark scheme alike and follow
a live switch between them. Coloured icons (error, warning, the white ones meant for the accent
button) and the media-kind placeholders (drawn over dark thumbnail boxes) stay as drawn.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QPoint, QRect, QRectF, QSize
from PySide6.QtGui import QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap

from seedance_studio.resources import icon_dir

if TYPE_CHECKING:  # the window's first paint uses the app icon before the core is loaded
    from PySide6.QtSvg import QSvgRenderer

    from seedance_studio.core.media_facts import MediaKind

APP_ICON = "seedance-studio"
MONO = "#c9d1d9"
"""The colour the monochrome icons are drawn in; replaced by the palette's text colour."""


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
        # Here, not at import: the first Qt-namespace enum builds all of them (~20 ms), and
        # the window's first paint imports this module for the app icon.
        from PySide6.QtCore import Qt

        picture.fill(Qt.GlobalColor.transparent)
        painter = QPainter(picture)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.paint(painter, QRect(QPoint(0, 0), device), mode, state)
        painter.end()
        picture.setDevicePixelRatio(scale)
        return picture

    def clone(self) -> QIconEngine:
        return TintedIconEngine(self._svg)


@cache
def icon(name: str) -> QIcon:
    """The SVG icon `name` (without extension); an empty icon if the file is missing.
    Monochrome icons follow the palette's text colour."""
    path = icon_dir() / f"{name}.svg"
    if not path.is_file():
        return QIcon()
    svg = path.read_text(encoding="utf-8")
    if MONO in svg:
        return QIcon(TintedIconEngine(svg))
    return QIcon(str(path))


@cache
def drawn_icon(name: str) -> QIcon:
    """The SVG icon `name` in the colours it is drawn in (over a dark box, a thumbnail)."""
    path = icon_dir() / f"{name}.svg"
    return QIcon(str(path)) if path.is_file() else QIcon()


def kind_icon(kind: MediaKind) -> QIcon:
    """The placeholder of a media kind, drawn over the dark thumbnail box: as drawn."""
    return drawn_icon(kind.value)


def app_icon() -> QIcon:
    return drawn_icon(APP_ICON)
