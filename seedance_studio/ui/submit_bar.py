"""Estimate, the reason Generate is disabled (if it is), and the Generate button."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from seedance_studio.ui.compose_checks import ComposeChecks
from seedance_studio.ui.estimate_label import EstimateLabel
from seedance_studio.ui.icons import icon


class SubmitBar(QWidget):
    submit_requested = Signal()

    def __init__(self, checks: ComposeChecks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._checks = checks
        self._busy = False
        self._blocker: str | None = None
        self.estimate = EstimateLabel(checks)
        self.reason = QLabel()
        self.reason.setProperty("role", "error")
        self.reason.setWordWrap(True)
        self.button = QPushButton(icon("generate"), "Generate")
        self.button.setProperty("role", "primary")
        self.button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.button.clicked.connect(self.submit_requested.emit)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(12)
        row.addWidget(self.estimate)
        row.addStretch(1)
        row.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(row)
        layout.addWidget(self.reason)
        checks.updated.connect(self.refresh)
        self.refresh()

    def set_busy(self, busy: bool) -> None:
        """While a submission is on its way, a second click must not send it twice."""
        self._busy = busy
        self.button.setText("Sending…" if busy else "Generate")
        self.refresh()

    def set_blocker(self, reason: str | None) -> None:
        """A reason from outside the composition (no API key yet) that also blocks Generate."""
        self._blocker = reason
        self.refresh()

    def refresh(self) -> None:
        reason = self._checks.blocking_reason() or self._blocker
        self.button.setEnabled(reason is None and not self._busy)
        self.reason.setText(f"Cannot generate: {reason}" if reason else "")
        self.reason.setVisible(bool(reason))
        self.reason.setToolTip(reason or "")
        self.button.setToolTip(f"Cannot generate yet: {reason}" if reason
                               else "Send this composition to the provider (Ctrl+Enter)")
