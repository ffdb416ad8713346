"""Icons from the icons/ folder, loaded once and cached by name.

The monochrome icons are drawn in one placeholder colour (`MONO`); they are painted in the
palette's text colour when shown, so they read on the light and the dark scheme alike and follow
a live switch between them. Coloured icons (error, warning, the white ones meant for the accent
button) and the media-kind placeholders (drawn over dark thumbnail boxes) stay as drawn.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from PySide6.QtGui import QIcon

from seedance_studio.resources import icon_dir

if TYPE_CHECKING:  # the window's first paint uses the app icon before the core is loaded
    from seedance_studio.core.media_facts import MediaKind

APP_ICON = "seedance-studio"
MONO = "#c9d1d9"
"""The colour the monochrome icons are drawn in; replaced by the palette's text colour."""


@cache
def icon(name: str) -> QIcon:
    """The SVG icon `name` (without extension); an empty icon if the file is missing.
    Monochrome icons follow the palette's text colour."""
    path = icon_dir() / f"{name}.svg"
    if not path.is_file():
        return QIcon()
    svg = path.read_text(encoding="utf-8")
    if MONO in svg:
        # Imported here: the engine's Qt classes (QIconEngine, QPainter, QPixmap) build their
        # enums on import, which the window's first paint (the app icon only) does without.
        from seedance_studio.ui.tinted_icon import TintedIconEngine

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
