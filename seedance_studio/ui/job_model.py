"""A table model over the job store, kept current by the bridge's signals.

Rows are JobRecords, newest first. A change re-reads just that row from SQLite (cheap, and
the store is the one truth shared with the CLI); live progress fractions, which are not
worth a write each, come from the bridge's `progress` signal and are kept here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import IntEnum

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import QPixmap

from seedance_studio.core.i18n import _
from seedance_studio.jobs.states import FINAL_STATES, JobState
from seedance_studio.jobs.store import JobRecord
from seedance_studio.ui.engine_bridge import EngineBridge
from seedance_studio.ui.job_format import (
    bar_fraction,
    cost_text,
    elapsed_seconds,
    estimate_text,
    format_elapsed,
    provider_text,
    state_label,
)
from seedance_studio.ui.job_thumbnails import JobThumbnails

ModelIndex = QModelIndex | QPersistentModelIndex
THUMB_SIZE = QSize(96, 54)


class Column(IntEnum):
    JOB = 0
    PROVIDER = 1
    STATE = 2
    PROGRESS = 3
    ELAPSED = 4
    COST = 5


HEADERS = {Column.JOB: _("Job"), Column.PROVIDER: _("Provider"), Column.STATE: _("State"),
           Column.PROGRESS: _("Progress"), Column.ELAPSED: _("Elapsed"), Column.COST: _("Cost")}

JOB_ID_ROLE = int(Qt.ItemDataRole.UserRole) + 1
RECORD_ROLE = JOB_ID_ROLE + 1
BAR_ROLE = JOB_ID_ROLE + 2
"""(label, fraction) for the progress delegate, or None when no bar applies."""


class JobListModel(QAbstractTableModel):
    """Every stored job; `refresh(job_id)` after a change, `reload()` for the whole list."""

    def __init__(self, bridge: EngineBridge, parent: QObject | None = None, *,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._clock = clock
        self._jobs: list[JobRecord] = []
        self._rows: dict[int, int] = {}
        self._progress: dict[int, tuple[str, float]] = {}
        self.thumbnails = JobThumbnails(THUMB_SIZE, self)
        self.thumbnails.ready.connect(self._on_thumbnail)
        bridge.job_changed.connect(self.refresh)
        bridge.progress.connect(self._on_progress)
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._tick)
        self._ticker.start()
        self.reload()

    # -- reading ---------------------------------------------------------------------------

    def job_at(self, row: int) -> JobRecord | None:
        return self._jobs[row] if 0 <= row < len(self._jobs) else None

    def job(self, job_id: int) -> JobRecord | None:
        row = self._rows.get(job_id)
        return self._jobs[row] if row is not None else None

    def row_of(self, job_id: int) -> int | None:
        return self._rows.get(job_id)

    def job_ids(self) -> list[int]:
        return [j.id for j in self._jobs]

    def progress_of(self, job_id: int) -> tuple[str, float] | None:
        return self._progress.get(job_id)

    # -- updating --------------------------------------------------------------------------

    def reload(self) -> None:
        self.beginResetModel()
        self._jobs = self._bridge.jobs()
        self._reindex()
        self.endResetModel()
        for job in self._jobs:
            self._want_thumbnail(job)

    def refresh(self, job_id: int) -> None:
        """Re-read one job; a new one is inserted in id order (newest first)."""
        if self._bridge.closed:
            return
        job = self._bridge.job(job_id)
        row = self._rows.get(job_id)
        if job is None:
            if row is not None:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._jobs[row]
                self._reindex()
                self.endRemoveRows()
            return
        if row is None:
            row = next((i for i, j in enumerate(self._jobs) if j.id < job_id), len(self._jobs))
            self.beginInsertRows(QModelIndex(), row, row)
            self._jobs.insert(row, job)
            self._reindex()
            self.endInsertRows()
        else:
            self._jobs[row] = job
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))
        if job.state not in (JobState.SUBMITTING, JobState.RUNNING, JobState.DOWNLOADING):
            self._progress.pop(job_id, None)
        self._want_thumbnail(job)

    def _reindex(self) -> None:
        self._rows = {job.id: row for row, job in enumerate(self._jobs)}

    def _on_progress(self, job_id: int, phase: str, fraction: float) -> None:
        self._progress[job_id] = (phase, fraction)
        row = self._rows.get(job_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, Column.STATE), self.index(row, Column.PROGRESS))

    def _tick(self) -> None:
        """Elapsed time is live for every job still moving (one signal for the lot)."""
        live = [row for row, job in enumerate(self._jobs) if job.state not in FINAL_STATES]
        if live:
            self.dataChanged.emit(self.index(live[0], Column.ELAPSED),
                                  self.index(live[-1], Column.ELAPSED),
                                  [Qt.ItemDataRole.DisplayRole])

    def _want_thumbnail(self, job: JobRecord) -> None:
        if job.state is JobState.DONE and job.result_path:
            self.thumbnails.request(job.result_path)

    def _on_thumbnail(self, path: str) -> None:
        for row, job in enumerate(self._jobs):
            if job.result_path == path:
                index = self.index(row, Column.JOB)
                self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])

    # -- Qt model API ----------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._jobs)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        job = self.job_at(index.row()) if index.isValid() else None
        if job is None:
            return None
        column = Column(index.column())
        if role == JOB_ID_ROLE:
            return job.id
        if role == RECORD_ROLE:
            return job
        if role == BAR_ROLE:
            return bar_fraction(job, self._progress.get(job.id)) \
                if column is Column.PROGRESS else None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(job, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(job, column)
        if role == Qt.ItemDataRole.DecorationRole and column is Column.JOB:
            return self._thumbnail(job)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (Column.ELAPSED,
                                                                     Column.COST):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, job: JobRecord, column: Column) -> str:
        match column:
            case Column.JOB:
                prompt = job.prompt_text.replace("\n", " ")
                short = prompt if len(prompt) <= 40 else prompt[:39] + "…"
                return f"#{job.id} {short}".rstrip()
            case Column.PROVIDER:
                return provider_text(job)
            case Column.STATE:
                return state_label(job, self._progress.get(job.id))
            case Column.PROGRESS:
                return ""
            case Column.ELAPSED:
                return format_elapsed(elapsed_seconds(job, self._clock()))
            case Column.COST:
                return cost_text(job)

    def _tooltip(self, job: JobRecord, column: Column) -> str | None:
        if column is Column.COST:
            return _("Estimate: {text}").format(text=estimate_text(job))
        lines = [job.prompt_text] if column is Column.JOB and job.prompt_text else []
        if job.message:
            lines.append(job.message)
        if job.provider_job_id:
            lines.append(_("Provider job id: {job_provider_job_id}").format(
                           job_provider_job_id=job.provider_job_id))
        if job.result_path:
            lines.append(job.result_path)
        return "\n".join(lines) or None

    def _thumbnail(self, job: JobRecord) -> QPixmap | None:
        if job.state is JobState.DONE and job.result_path:
            return self.thumbnails.pixmap(job.result_path)
        return None

    def shutdown(self) -> None:
        self._ticker.stop()
        self.thumbnails.shutdown()
