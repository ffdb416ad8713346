"""The shot list: a table of the sequence's shots (prompt start, duration, provider, estimate,
the take that stands for it, continuity) with the buttons that edit and generate them.

The table adapts a SequenceDocument and asks the controller for what it cannot know itself
(prices, which takes have files): it keeps no rules.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from seedance_studio.core import capabilities
from seedance_studio.core.i18n import _
from seedance_studio.core.pricing import Estimate, format_estimate
from seedance_studio.core.sequence import Continuity, Shot
from seedance_studio.core.sequence_document import SequenceDocument

COLUMNS = ("#", _("Shot"), _("Duration"), _("Provider"), _("Estimate"), _("Take"), _("Continuity"))
PROMPT_CHARS = 48

Index = QModelIndex | QPersistentModelIndex


def prompt_start(shot: Shot) -> str:
    text = " ".join(shot.composition.canonical_prompt().split())
    if not text:
        return _("(no prompt yet)")
    return text if len(text) <= PROMPT_CHARS else text[: PROMPT_CHARS - 1] + "…"


def duration_text(shot: Shot) -> str:
    value = shot.composition.params.duration
    if value is None:
        caps = capabilities.get(shot.provider)
        value = caps.model(shot.composition.params.model).default_duration
    return "auto" if value == "auto" else f"{value} s"


class ShotListModel(QAbstractTableModel):
    """Rows are shots; every change of the document resets the (short) table."""

    def __init__(
        self,
        doc: SequenceDocument,
        *,
        price: Callable[[Shot], Estimate | None],
        take_text: Callable[[Shot], str],
        continuity: Callable[[str], Continuity],
    ) -> None:
        super().__init__()
        self._doc = doc
        self._price = price
        self._take_text = take_text
        self._continuity = continuity
        doc.changed.connect(self.refresh)

    def refresh(self) -> None:
        self.beginResetModel()
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._doc.sequence.shots)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def shot_at(self, row: int) -> Shot:
        return self._doc.sequence.shots[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        seq = self._doc.sequence
        shot = seq.shots[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(seq.index(shot.id), shot, col)
        if role == Qt.ItemDataRole.ToolTipRole and col == 1:
            return shot.composition.canonical_prompt()
        if role == Qt.ItemDataRole.FontRole and shot.id == self._doc.current:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _text(self, row: int, shot: Shot, col: int) -> str:
        if col == 0:
            return f"{row + 1}" + (" ▸" if shot.id == self._doc.current else "")
        if col == 1:
            return shot.name + ": " + prompt_start(shot) if shot.name else prompt_start(shot)
        if col == 2:
            return duration_text(shot)
        if col == 3:
            return capabilities.get(shot.provider).name
        if col == 4:
            if shot.pick is not None:
                return _("picked")
            est = self._price(shot)
            return "—" if est is None else format_estimate(est)
        if col == 5:
            return self._take_text(shot)
        state = self._continuity(shot.id)
        prev = _("Shot {number}").format(number=row)
        return {
            Continuity.NONE: "",
            Continuity.LINKED: _("continues {prev}").format(prev=prev),
            Continuity.WAITING: _("waits for {prev}'s take").format(prev=prev),
            Continuity.FIRST: _("nothing before it"),
        }[state]


class ShotListPanel(QWidget):
    """The table plus the sequence's actions; the controller does the work."""

    add_requested = Signal()
    duplicate_requested = Signal(str)
    remove_requested = Signal(str)
    move_requested = Signal(str, int)
    chain_requested = Signal(str, bool)
    animatics_requested = Signal()
    generate_requested = Signal()
    play_requested = Signal()
    export_requested = Signal()
    takes_requested = Signal(str)
    """Show the current shot's takes in the gallery."""
    soundtrack_requested = Signal()
    soundtrack_cleared = Signal()
    shot_activated = Signal(str)

    def __init__(
        self, model: ShotListModel, doc: SequenceDocument, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.doc = doc
        self.view = QTableView()
        self.view.setModel(model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAccessibleName(_("Shots"))
        self.view.setWordWrap(False)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        self.view.setMinimumHeight(3 * (self.fontMetrics().height() + 12))
        header = self.view.horizontalHeader()
        for column in (0, 2, 3, 4, 5, 6):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.buttons: dict[str, QPushButton] = {}
        row1 = QHBoxLayout()
        row2 = QHBoxLayout()
        for key, text, row in (
            ("undo", _("Undo"), row1),
            ("redo", _("Redo"), row1),
            ("add", _("Add shot"), row1),
            ("duplicate", _("Duplicate"), row1),
            ("remove", _("Remove"), row1),
            ("up", _("Move up"), row1),
            ("down", _("Move down"), row1),
            ("takes", _("Takes"), row1),
            ("animatics", _("Animatic for all"), row2),
            ("generate", _("Generate the rest…"), row2),
            ("soundtrack", _("Soundtrack…"), row2),
            ("no_soundtrack", _("No soundtrack"), row2),
            ("play", _("Play sequence"), row2),
            ("export", _("Export…"), row2),
        ):
            button = QPushButton(text)
            self.buttons[key] = button
            row.addWidget(button)
        self.chain = QCheckBox(_("Continues the previous shot"))
        self.chain.setToolTip(
            _("Use the last frame of the previous shot's take as this shot's first image")
        )
        row1.addWidget(self.chain)
        row1.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 6)
        layout.addLayout(row1)
        layout.addWidget(self.view, 1)
        row2.insertWidget(0, self.summary, 1)
        layout.addLayout(row2)
        self._wire()
        self.sync()

    def _wire(self) -> None:
        b = self.buttons
        b["undo"].clicked.connect(self.doc.undo)
        b["redo"].clicked.connect(self.doc.redo)
        for key, keys in (
            ("undo", QKeySequence.StandardKey.Undo),
            ("redo", QKeySequence.StandardKey.Redo),
        ):
            # While the shot list has focus, Ctrl+Z undoes shot edits, not typing.
            shortcut = QShortcut(QKeySequence(keys), self.view)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(b[key].click)
        self.doc.history_changed.connect(self.sync)
        b["add"].clicked.connect(self.add_requested.emit)
        b["duplicate"].clicked.connect(lambda: self._with_current(self.duplicate_requested.emit))
        b["remove"].clicked.connect(lambda: self._with_current(self.remove_requested.emit))
        b["up"].clicked.connect(lambda: self._move(-1))
        b["down"].clicked.connect(lambda: self._move(+1))
        self.chain.clicked.connect(
            lambda on: self._with_current(lambda s: self.chain_requested.emit(s, bool(on)))
        )
        b["animatics"].clicked.connect(self.animatics_requested.emit)
        b["generate"].clicked.connect(self.generate_requested.emit)
        b["play"].clicked.connect(self.play_requested.emit)
        b["export"].clicked.connect(self.export_requested.emit)
        b["soundtrack"].clicked.connect(self.soundtrack_requested.emit)
        b["takes"].clicked.connect(lambda: self._with_current(self.takes_requested.emit))
        b["takes"].setToolTip(_("This shot's takes and animatic in the gallery"))
        b["no_soundtrack"].clicked.connect(self.soundtrack_cleared.emit)
        self.view.clicked.connect(self._activated)
        self.doc.changed.connect(self.sync)
        self.doc.current_changed.connect(lambda _id: self.sync())

    def _activated(self, index: QModelIndex) -> None:
        self.shot_activated.emit(self.model.shot_at(index.row()).id)

    def _with_current(self, act: Callable[[str], None]) -> None:
        if self.doc.current is not None:
            act(self.doc.current)

    def _move(self, step: int) -> None:
        current = self.doc.current
        if current is not None:
            self.move_requested.emit(current, self.doc.sequence.index(current) + step)

    def sync(self) -> None:
        """Enable what applies to the current shot and select its row."""
        seq = self.doc.sequence
        current = self.doc.current
        has = current is not None
        index = seq.index(current) if current is not None else -1
        b = self.buttons
        b["undo"].setEnabled(self.doc.can_undo)
        b["redo"].setEnabled(self.doc.can_redo)
        b["undo"].setToolTip(
            _("Undo {name}").format(name=self.doc.undo_name) if self.doc.undo_name else ""
        )
        b["redo"].setToolTip(
            _("Redo {name}").format(name=self.doc.redo_name) if self.doc.redo_name else ""
        )
        b["duplicate"].setEnabled(has)
        shot = seq.shot(current) if current is not None else None
        b["takes"].setEnabled(shot is not None and bool(shot.takes or shot.animatic))
        b["remove"].setEnabled(has and len(seq.shots) > 1)
        b["up"].setEnabled(index > 0)
        b["down"].setEnabled(has and index < len(seq.shots) - 1)
        self.chain.setEnabled(index > 0)
        self.chain.setChecked(seq.shot(current).chain if current is not None else False)
        for key in ("animatics", "generate", "play", "export", "soundtrack"):
            b[key].setEnabled(bool(seq.shots))
        b["no_soundtrack"].setVisible(seq.soundtrack is not None)
        b["soundtrack"].setToolTip(
            _("Soundtrack: {path}").format(path=seq.soundtrack)
            if seq.soundtrack
            else _("An audio file played under the whole sequence")
        )
        if index >= 0:
            self.view.selectRow(index)

    def set_summary(self, text: str) -> None:
        self.summary.setText(text)
