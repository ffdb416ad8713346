"""Opening a file with the system's program, and what to show where there is none.

`QDesktopServices.openUrl` returns False where no launcher exists (no xdg-open, a bare window
manager): instead of doing nothing, the path is shown with a Copy button.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QUrl
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
