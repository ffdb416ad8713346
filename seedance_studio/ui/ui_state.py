"""Window geometry and splitter sizes, kept in QSettings apart from the user's preferences
(the preferences file holds choices; this holds where things were on screen)."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter

from seedance_studio.core import paths

ORGANIZATION = "SeedanceStudio"
APPLICATION = "Seedance Studio"


def ui_state_store() -> QSettings:
    """An INI file in the app's config folder (so SEEDANCE_STUDIO_HOME isolates it too)."""
    return QSettings(str(paths.config_dir() / "ui-state.ini"), QSettings.Format.IniFormat)


def save_window(store: QSettings, window: QMainWindow, splitters: dict[str, QSplitter]) -> None:
    store.setValue("window/geometry", window.saveGeometry())
    store.setValue("window/state", window.saveState())
    for name, splitter in splitters.items():
        store.setValue(f"splitters/{name}", splitter.saveState())
    store.sync()


def restore_window(store: QSettings, window: QMainWindow, splitters: dict[str, QSplitter]) -> bool:
    """Put back what `save_window` stored; False when nothing was stored yet."""
    geometry = store.value("window/geometry")
    if isinstance(geometry, QByteArray) and not geometry.isEmpty():
        window.restoreGeometry(geometry)
    state = store.value("window/state")
    if isinstance(state, QByteArray) and not state.isEmpty():
        window.restoreState(state)
    # Splitters keep sizes only once they have their final width: lay the window out first.
    layout = window.layout()
    if layout is not None:
        layout.activate()
    for name, splitter in splitters.items():
        value = store.value(f"splitters/{name}")
        if isinstance(value, QByteArray) and not value.isEmpty():
            splitter.restoreState(value)
    return isinstance(geometry, QByteArray) and not geometry.isEmpty()
