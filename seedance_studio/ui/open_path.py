"""Opening a file with the system's program or showing it in its folder, and what to show
where there is none.

`QDesktopServices.openUrl` returns False where no launcher exists (no xdg-open, a bare window
manager): instead of doing nothing, the path is shown with a Copy button.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QProcess, QUrl
from PySide6.QtDBus import QDBusConnection, QDBusMessage
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from seedance_studio.core.i18n import _


def _system_open(path: str) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(path))


def reveal_in_folder(path: str) -> bool:
    """Show the file selected in the system's file manager (its folder, where that is all)."""
    if sys.platform == "darwin":
        return QProcess.startDetached("open", ["-R", path])[0]
    if sys.platform.startswith("win"):
        return QProcess.startDetached("explorer", [f"/select,{Path(path)}"])[0]
    if _show_item_over_dbus(path):
        return True
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(path).parent)))


FILE_MANAGER_SERVICE = "org.freedesktop.FileManager1"


def _show_item_over_dbus(path: str) -> bool:
    """The freedesktop FileManager1 interface selects the file (Nautilus, Dolphin, Nemo...).

    Asked asynchronously: a file manager slow to answer must not freeze the window.
    """
    bus = QDBusConnection.sessionBus()
    if not bus.isConnected():
        return False
    registered = bus.interface().isServiceRegistered(FILE_MANAGER_SERVICE)
    if not registered.isValid() or not registered.value():
        return False
    message = QDBusMessage.createMethodCall(
        FILE_MANAGER_SERVICE, "/org/freedesktop/FileManager1", FILE_MANAGER_SERVICE, "ShowItems"
    )
    uri = QUrl.fromLocalFile(path).toString(QUrl.ComponentFormattingOption.FullyEncoded)
    message.setArguments([[uri], ""])
    return bus.send(message)


class PathDialog(QDialog):
    """The path of a file that could not be opened, selectable and with a Copy button."""

    def __init__(self, path: str, message: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Open the file yourself"))
        self.path_edit = QLineEdit(path)
        self.path_edit.setReadOnly(True)
        self.path_edit.setMinimumWidth(420)
        self.copy_button = QPushButton(_("Copy"))
        self.copy_button.clicked.connect(self.copy)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.copy_button)
        self.message = QLabel(message)
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addLayout(row)
        layout.addWidget(buttons)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.path_edit.text())
        self.copy_button.setText(_("Copied"))


def open_or_show(
    path: str,
    parent: QWidget | None,
    *,
    opener: Callable[[str], bool] | None = None,
    message: str | None = None,
) -> PathDialog | None:
    """Open `path` with the system's program; where that fails, show it in a PathDialog.

    Returns the dialog when one was shown (non-modal, deleted on close), else None.
    """
    if (opener or _system_open)(path):
        return None
    dialog = PathDialog(
        path,
        message
        or _(
            "No program to open this file was found on this "
            "system. Copy its path and open it with a program of your choice."
        ),
        parent,
    )
    dialog.setObjectName("path-dialog")
    dialog.open()
    return dialog
