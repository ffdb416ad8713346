"""The jobs list's table view (the panel around it is ui/jobs_panel.py): while it is empty
it says how to fill it."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
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

    def placeholder_fitting(self, rect: QRect) -> str:
        """The placeholder as it fits `rect`: whole, then without its blank line, then its
        first line only; a short panel (a small screen, the status bar below) showed the
        whole text cut at both ends."""
        text = self.placeholder_text()
        flags = int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)
        metrics = self.fontMetrics()
        for candidate in (text, text.replace("\n\n", "\n"), text.split("\n", 1)[0]):
            if metrics.boundingRect(rect, flags, candidate).height() <= rect.height():
                return candidate
        return text.split("\n", 1)[0]

    @override
    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        rect = self.viewport().rect().adjusted(24, 4, -24, -4)
        text = self.placeholder_fitting(rect)
        if text:
            painter = QPainter(self.viewport())
            painter.setPen(theme.MUTED)
            painter.drawText(
                rect, int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), text
            )
            painter.end()
