"""Icons from the icons/ folder, loaded once and cached by name."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from PySide6.QtGui import QIcon

from seedance_studio.resources import icon_dir

if TYPE_CHECKING:  # the window's first paint uses the app icon before the core is loaded
    from seedance_studio.core.media_facts import MediaKind

APP_ICON = "seedance-studio"


@cache
def icon(name: str) -> QIcon:
    """The SVG icon `name` (without extension); an empty icon if the file is missing."""
    path = icon_dir() / f"{name}.svg"
    return QIcon(str(path)) if path.is_file() else QIcon()


def kind_icon(kind: MediaKind) -> QIcon:
    return icon(kind.value)


def app_icon() -> QIcon:
    return icon(APP_ICON)
