"""The job queue: every job with its state, time and cost, and what the user can do to it.

Actions run as background tasks on the bridge (a slot never awaits); their failures come
back through `bridge.error` and are shown under the table. Dialogs are opened with open(),
never exec(), so nothing here nests an event loop inside the qasync loop.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QGuiApplication,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from seedance_studio.core.i18n import _
from seedance_studio.jobs.engine import CancelNotPossibleError
from seedance_studio.jobs.states import FINAL_STATES, JobState
from seedance_studio.jobs.store import JobRecord
from seedance_studio.jobs.transitions import Action, allowed_actions, states_allowing
from seedance_studio.ui.engine_bridge import EngineBridge
from seedance_studio.ui.job_delegates import ProgressDelegate
from seedance_studio.ui.job_model import THUMB_SIZE, Column, JobListModel
from seedance_studio.ui.job_raw_dialog import RawResponseDialog
from seedance_studio.ui.jobs_table import JobsTable
from seedance_studio.ui.open_path import PathDialog, open_or_show, reveal_in_folder


def allows(job: JobRecord | None, action: Action) -> bool:
    """Whether the selected job offers `action` (the core's table decides, with the file
    facts only this view knows: a finished job whose file is there needs no download)."""
    if job is None or action not in allowed_actions(job.state):
        return False
    if action is Action.DOWNLOAD:
        return bool(job.results) and not (
            job.state is JobState.DONE and result_file(job) is not None
        )
    return True


def result_file(job: JobRecord | None) -> str | None:
    """The finished video on disk, if this job has one."""
    if job is None or job.state is not JobState.DONE or not job.result_path:
        return None
    return job.result_path if Path(job.result_path).is_file() else None


class JobsPanel(QWidget):
    """The queue view; `play_requested(path)` asks the window to preview a finished job."""

    play_requested = Signal(str)

    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.path_dialog: PathDialog | None = None
        self.model = JobListModel(bridge, self)
        self.confirm_box: QMessageBox | None = None
        self.raw_dialog: RawResponseDialog | None = None

        self.table = JobsTable(self)
        self.table.setAccessibleName(_("Jobs"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setIconSize(THUMB_SIZE)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(THUMB_SIZE.height() + 6)
        self.table.setItemDelegateForColumn(Column.PROGRESS, ProgressDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.STATE, QHeaderView.ResizeMode.Stretch)
        for column, width in (
            (Column.JOB, 230),
            (Column.PROVIDER, 150),
            (Column.PROGRESS, 150),
            (Column.ELAPSED, 70),
            (Column.COST, 160),
        ):
            self.table.setColumnWidth(column, width)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.doubleClicked.connect(self._on_double_click)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):  # Enter plays, like a double-click
            enter = QShortcut(QKeySequence(key), self.table)
            enter.setContext(Qt.ShortcutContext.WidgetShortcut)
            enter.activated.connect(self._play_current)

        self.cancel_action = self._action(
            _("Cancel"),
            _("Cancel the job (on the provider where it allows it)"),
            self.cancel_selected,
        )
        self.retry_action = self._action(
            _("Retry"),
            _("Submit the same composition again as a new job (charged again)"),
            self.retry_selected,
        )
        self.check_action = self._action(
            _("Check again"),
            _(
                "Ask the provider once more about a job "
                "whose outcome is unknown or that looks stuck"
            ),
            self.check_again_selected,
        )
        self.submit_anyway_action = self._action(
            _("Submit anyway"),
            _(
                "Send the create request again; if the first one did reach the "
                "provider, you pay twice"
            ),
            self.submit_anyway_selected,
        )
        self.download_action = self._action(
            _("Download again"), _("Fetch the result file again"), self.download_selected
        )
        self.open_action = self._action(
            _("Open file"), _("Open the video in the system player"), self.open_selected
        )
        self.reveal_action = self._action(
            _("Reveal in folder"), _("Show the file in its folder"), self.reveal_selected
        )
        self.copy_id_action = self._action(
            _("Copy provider job id"),
            _("Copy the provider's id of this job"),
            self.copy_provider_id,
        )
        self.raw_action = self._action(
            _("Show raw response"),
            _("Every answer the provider gave for this job"),
            self.show_raw_selected,
        )
        self.actions_in_menu = [
            self.cancel_action,
            self.retry_action,
            self.check_action,
            self.submit_anyway_action,
            self.download_action,
            None,
            self.open_action,
            self.reveal_action,
            self.copy_id_action,
            None,
            self.raw_action,
        ]

        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for action in (
            self.cancel_action,
            self.retry_action,
            self.check_action,
            self.submit_anyway_action,
            self.open_action,
            self.reveal_action,
            self.raw_action,
        ):
            button = QToolButton(self)
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.attention_label = QLabel(self)
        self.attention_label.setWordWrap(True)
        self.attention_button = QPushButton(_("Show"), self)
        self.attention_button.setToolTip(_("Select the job that needs a decision"))
        self.attention_button.clicked.connect(self.show_attention)
        self.attention = QFrame(self)
        self.attention.setFrameShape(QFrame.Shape.StyledPanel)
        attention_row = QHBoxLayout(self.attention)
        attention_row.setContentsMargins(8, 4, 8, 4)
        attention_row.addWidget(self.attention_label, 1)
        attention_row.addWidget(self.attention_button)
        self.attention.hide()
        self.message_label = QLabel(self)
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.attention)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message_label)

        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.model.dataChanged.connect(self._update_actions)
        self.model.rowsInserted.connect(self._update_actions)
        for signal in (self.model.dataChanged, self.model.rowsInserted, self.model.modelReset):
            signal.connect(self._update_attention)
        bridge.error.connect(self.show_message)
        self._update_actions()
        self._update_attention()

    # -- selection -------------------------------------------------------------------------

    def selected_job(self) -> JobRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.job_at(rows[0].row()) if rows else None

    def select_job(self, job_id: int) -> None:
        row = self.model.row_of(job_id)
        if row is not None:
            self.table.selectRow(row)

    # -- actions ---------------------------------------------------------------------------

    def cancel_selected(self) -> None:
        job = self.selected_job()
        if allows(job, Action.CANCEL) and job is not None:
            self.bridge.spawn(self._cancel(job.id))

    async def _cancel(self, job_id: int, *, accept_uncancellable: bool = False) -> None:
        try:
            job = await self.bridge.cancel(job_id, accept_uncancellable=accept_uncancellable)
        except CancelNotPossibleError as exc:
            self._confirm_uncancellable(job_id, str(exc))
            return
        if job.state is not JobState.CANCELLED and job.message:
            self.show_message(
                _("Job #{job_id}: {message}").format(job_id=job_id, message=job.message)
            )

    def _confirm_uncancellable(self, job_id: int, why: str) -> None:
        """No server cancel: stopping here is the user's decision, the charge may follow."""
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("Stop watching this job?"),
            why,
            QMessageBox.StandardButton.Cancel,
            self,
        )
        box.addButton(_("Stop watching"), QMessageBox.ButtonRole.AcceptRole)
        box.finished.connect(lambda _result: self._uncancellable_answered(box, job_id))
        self.confirm_box = box
        box.open()

    def _uncancellable_answered(self, box: QMessageBox, job_id: int) -> None:
        if box.buttonRole(box.clickedButton()) == QMessageBox.ButtonRole.AcceptRole:
            self.bridge.spawn(self._cancel(job_id, accept_uncancellable=True))
        self.confirm_box = None
        box.deleteLater()

    def retry_selected(self) -> None:
        job = self.selected_job()
        if job is not None and allows(job, Action.RETRY):
            self.bridge.spawn(self.bridge.retry(job.id))

    def check_again_selected(self) -> None:
        job = self.selected_job()
        if job is not None and allows(job, Action.CHECK_AGAIN):
            self.bridge.spawn(self.bridge.check_again(job.id))

    def submit_anyway_selected(self) -> None:
        """Ask first: resending a create whose fate is unknown may charge twice."""
        job = self.selected_job()
        if job is None or not allows(job, Action.SUBMIT_ANYWAY):
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("Submit anyway?"),
            _(
                "Job #{job_id} may already exist at {job_provider}. Submitting it "
                "again can create (and charge) a second generation."
            ).format(job_id=job.id, job_provider=job.provider),
            QMessageBox.StandardButton.Cancel,
            self,
        )
        box.addButton(_("Submit anyway"), QMessageBox.ButtonRole.AcceptRole)
        job_id = job.id
        box.finished.connect(lambda _result: self._submit_anyway_answered(box, job_id))
        self.confirm_box = box
        box.open()

    def _submit_anyway_answered(self, box: QMessageBox, job_id: int) -> None:
        if box.buttonRole(box.clickedButton()) == QMessageBox.ButtonRole.AcceptRole:
            self.bridge.spawn(self.bridge.submit_anyway(job_id))
        self.confirm_box = None
        box.deleteLater()

    def download_selected(self) -> None:
        job = self.selected_job()
        if job is not None and allows(job, Action.DOWNLOAD):
            self.bridge.spawn(self.bridge.download(job.id))

    def open_selected(self) -> None:
        path = result_file(self.selected_job())
        if path is not None:
            self.path_dialog = open_or_show(path, self)

    def reveal_selected(self) -> None:
        path = result_file(self.selected_job())
        if path is not None:
            self.path_dialog = open_or_show(
                path,
                self,
                opener=reveal_in_folder,
                message=_("No file manager was found on this system. The file is here:"),
            )

    def copy_provider_id(self) -> None:
        job = self.selected_job()
        if job is not None and job.provider_job_id:
            QGuiApplication.clipboard().setText(job.provider_job_id)

    def show_raw_selected(self) -> None:
        job = self.selected_job()
        if job is None:
            return
        dialog = RawResponseDialog(job, self.bridge.events(job.id), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.raw_dialog = dialog
        dialog.finished.connect(lambda _r: setattr(self, "raw_dialog", None))
        dialog.open()

    def jobs_needing_attention(self) -> list[JobRecord]:
        """Unknown submissions and stuck jobs: the runner waits for the user on these."""
        # The model finds the rows by state without reading every job whole.
        return [
            job
            for job_id in self.model.ids_in_states(states_allowing(Action.CHECK_AGAIN))
            if (job := self.model.job(job_id)) is not None and allows(job, Action.CHECK_AGAIN)
        ]

    def show_attention(self) -> None:
        waiting = self.jobs_needing_attention()
        if waiting:
            self.select_job(waiting[-1].id)  # the oldest first
            self.table.setFocus()

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    def shutdown(self) -> None:
        """Stop timers and thumbnail work (the bridge is shut down by its owner)."""
        self.model.shutdown()

    # -- internals -------------------------------------------------------------------------

    def _action(self, text: str, tip: str, slot: Callable[[], None]) -> QAction:
        action = QAction(text, self)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _update_actions(self, *_args: object) -> None:
        job = self.selected_job()
        has_file = result_file(job) is not None
        self.cancel_action.setEnabled(allows(job, Action.CANCEL))
        self.retry_action.setEnabled(allows(job, Action.RETRY))
        self.check_action.setEnabled(allows(job, Action.CHECK_AGAIN))
        self.submit_anyway_action.setEnabled(allows(job, Action.SUBMIT_ANYWAY))
        self.download_action.setEnabled(allows(job, Action.DOWNLOAD))
        self.open_action.setEnabled(has_file)
        self.reveal_action.setEnabled(has_file)
        self.copy_id_action.setEnabled(job is not None and bool(job.provider_job_id))
        self.raw_action.setEnabled(job is not None)

    def _update_attention(self, *_args: object) -> None:
        waiting = self.jobs_needing_attention()
        if not waiting:
            self.attention.hide()
            return
        oldest = waiting[-1]
        what = (
            _("its submission outcome is unknown: check again, or submit anyway")
            if oldest.state is JobState.SUBMIT_UNKNOWN
            else _("it looks stuck: check again, or cancel")
        )
        text = _("Job #{job_id} needs a decision: {what}.").format(job_id=oldest.id, what=what)
        if len(waiting) > 1:
            text += " " + _("({count} more)").format(count=len(waiting) - 1)
        self.attention_label.setText(text)
        self.attention.show()

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        self.table.selectRow(index.row())
        menu = QMenu(self)
        for action in self.actions_in_menu:
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def _play_current(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self._on_double_click(index)

    def _on_double_click(self, index: QModelIndex) -> None:
        job = self.model.job_at(index.row())
        path = result_file(job)
        if path is not None:
            self.play_requested.emit(path)
        elif job is not None and job.state is JobState.DONE and job.results:
            self.show_message(
                _("Job #{job_id}: the file is missing; fetching it again").format(job_id=job.id)
            )
            self.bridge.spawn(self.bridge.download(job.id))  # the file went missing
        elif job is not None and job.state not in FINAL_STATES:
            # A double-click on a job still on its way must not look ignored.
            self.show_message(
                _(
                    "Job #{job_id} is not finished yet: it plays here once its video is downloaded"
                ).format(job_id=job.id)
            )
        elif job is not None:
            self.show_message(
                _("Job #{job_id} has no video to play ({job_state_value})").format(
                    job_id=job.id, job_state_value=job.state.value
                )
            )
