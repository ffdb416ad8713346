"""The list of what is wrong with the composition (errors block Generate, warnings do not)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from seedance_studio.ui.compose_checks import ComposeChecks
from seedance_studio.ui.icons import icon
from seedance_studio.ui.problems import problem_text

REF_ROLE = Qt.ItemDataRole.UserRole + 1
MAX_ROWS = 5


class ProblemsPanel(QWidget):
    reference_activated = Signal(str)
    """A problem about one reference was clicked: show that reference."""

    def __init__(self, checks: ComposeChecks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._checks = checks
        self.heading = QLabel("Checks")
        self.heading.setProperty("role", "heading")
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        self.ok_label = QLabel("Ready to generate: nothing breaks this provider's limits.")
        self.ok_label.setWordWrap(True)
        self.ok_label.setProperty("role", "muted")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.heading)
        layout.addWidget(self.list)
        layout.addWidget(self.ok_label)
        layout.addStretch(1)
        checks.updated.connect(self.refresh)
        self.refresh()

    def messages(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def refresh(self) -> None:
        self.list.clear()
        problems = sorted(self._checks.problems, key=lambda p: 0 if p.is_error else 1)
        for p in problems:
            item = QListWidgetItem(icon("error" if p.is_error else "warning"), problem_text(p))
            item.setData(REF_ROLE, p.ref_id)
            item.setToolTip(problem_text(p))
            self.list.addItem(item)
        n_err = sum(1 for p in problems if p.is_error)
        n_warn = len(problems) - n_err
        parts = [f"{n_err} error{'s' if n_err != 1 else ''}"] if n_err else []
        parts += [f"{n_warn} warning{'s' if n_warn != 1 else ''}"] if n_warn else []
        self.heading.setText("Checks" + (f" · {', '.join(parts)}" if parts else ""))
        self.list.setVisible(bool(problems))
        self.ok_label.setVisible(not problems)
        if problems:
            row_h = max(self.list.sizeHintForRow(0), 22)
            self.list.setFixedHeight(min(len(problems), MAX_ROWS) * (row_h + 2) + 8)

    def _activated(self, item: QListWidgetItem) -> None:
        ref_id = item.data(REF_ROLE)
        if ref_id:
            self.reference_activated.emit(str(ref_id))
