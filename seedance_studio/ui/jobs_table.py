"""The jobs list's table view (the panel around it is ui/jobs_panel.py): while it is empty
it says how to fill it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QTableView
from typing_extensions import override

from seedance_studio.core.i18n import _
from seedance_studio.ui import theme

EMPTY_JOBS = _(
    "No jobs yet\n\nCompose on the left and press Generate (Ctrl+Enter).\n"
    "Jobs show their progress and cost here; double-click a finished one to play it."
)


class JobsTable(QTableView):
    """The queue's table; while it is empty it says how to fill it."""

    def placeholder_text(self) -> str:
        model = self.model()
        return EMPTY_JOBS if model is None or model.rowCount() == 0 else ""

    @override
    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        text = self.placeholder_text()
        if text:
            painter = QPainter(self.viewport())
            painter.setPen(theme.MUTED)
            rect = self.viewport().rect().adjusted(24, 12, -24, -12)
            painter.drawText(
                rect, int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), text
            )
            painter.end()
