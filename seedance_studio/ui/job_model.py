"""A table model over the job store, kept current by the bridge's signals.

Rows are the display fields of each job (jobs/summary.py), newest first, read a page at a
time. Changes re-read their rows from SQLite (the store is the one truth shared with the CLI),
queued and read in one query per frame; live progress fractions, which are not worth a write
each, come from the bridge's `progress` signal and are kept here.
"""

from __future__ import annotations

import bisect
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
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
from seedance_studio.jobs.summary import JobSummary
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


HEADERS = {
    Column.JOB: _("Job"),
    Column.PROVIDER: _("Provider"),
    Column.STATE: _("State"),
    Column.PROGRESS: _("Progress"),
    Column.ELAPSED: _("Elapsed"),
    Column.COST: _("Cost"),
}

JOB_ID_ROLE = int(Qt.ItemDataRole.UserRole) + 1
RECORD_ROLE = JOB_ID_ROLE + 1
BAR_ROLE = JOB_ID_ROLE + 2
"""(label, fraction) for the progress delegate, or None when no bar applies."""
RIGHT_ALIGNED = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
DISPLAY = int(Qt.ItemDataRole.DisplayRole)
DECORATION = int(Qt.ItemDataRole.DecorationRole)
ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
HANDLED_ROLES = frozenset(
    {DISPLAY, DECORATION, ALIGNMENT, TOOLTIP, JOB_ID_ROLE, RECORD_ROLE, BAR_ROLE}
)


PAGE_ROWS = 128
"""Rows read per page: the first page opens the list, the view asks for more as it scrolls."""
RECORD_CACHE = 64
"""Whole records kept for the rows last asked about (selection, actions, tooltips)."""
FLUSH_MS = 16
"""Changes are applied once per frame: 100 jobs submitted or polled at once are one store
read and one layout and paint, not 100 (each a loop turn of its own)."""


def _row_texts(job: JobSummary) -> tuple[str, ...]:
    """The columns that change only when the row does (state and elapsed are live)."""
    prompt = job.prompt_text[:41].replace("\n", " ")
    short = prompt if len(prompt) <= 40 else prompt[:39] + "…"
    texts = {
        Column.JOB: f"#{job.id} {short}".rstrip(),
        Column.PROVIDER: provider_text(job),
        Column.COST: cost_text(job),
    }
    return tuple(texts.get(column, "") for column in Column)


class JobListModel(QAbstractTableModel):
    """Every stored job; `refresh(job_id)` after a change, `reload()` for the whole list.

    Rows are JobSummary (display fields only) read a page at a time, newest first
    (`canFetchMore`/`fetchMore`), so a history of thousands opens as fast as a short one.
    `job_at`/`job` return the whole JobRecord, read on demand and kept for a few rows.
    """

    def __init__(
        self,
        bridge: EngineBridge,
        parent: QObject | None = None,
        *,
        clock: Callable[[], float] = time.time,
        page_rows: int = PAGE_ROWS,
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._clock = clock
        self._page_rows = page_rows
        self._jobs: list[JobSummary] = []
        self._rows: dict[int, int] = {}
        self._more = False
        self._records: OrderedDict[int, JobRecord] = OrderedDict()
        self._live: set[int] = set()
        """Ids of loaded jobs not yet final: the only rows whose elapsed time moves."""
        self._by_path: dict[str, set[int]] = {}
        self._texts: dict[int, tuple[JobSummary, tuple[str, ...]]] = {}
        self._progress: dict[int, tuple[str, float]] = {}
        self.thumbnails = JobThumbnails(THUMB_SIZE, self)
        self.thumbnails.ready.connect(self._on_thumbnail)
        self._pending: dict[int, None] = {}
        """Ids changed since the last flush, in arrival order (a dict: an ordered set)."""
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(FLUSH_MS)
        self._flush_timer.timeout.connect(self.flush)
        bridge.job_changed.connect(self._queue)
        bridge.progress.connect(self._on_progress)
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._tick)
        self.reload()  # starts the ticker when a loaded job is live

    # -- reading ---------------------------------------------------------------------------

    def summary_at(self, row: int) -> JobSummary | None:
        return self._jobs[row] if 0 <= row < len(self._jobs) else None

    def job_at(self, row: int) -> JobRecord | None:
        summary = self.summary_at(row)
        return self.job(summary.id) if summary is not None else None

    def job(self, job_id: int) -> JobRecord | None:
        """The whole stored job, for a row that is listed (None otherwise)."""
        if job_id not in self._rows:
            return None
        record = self._records.get(job_id)
        if record is None:
            record = self._bridge.job(job_id)
            if record is None:
                return None
            self._records[job_id] = record
            if len(self._records) > RECORD_CACHE:
                self._records.popitem(last=False)
        else:
            self._records.move_to_end(job_id)
        return record

    def row_of(self, job_id: int) -> int | None:
        return self._rows.get(job_id)

    def job_ids(self) -> list[int]:
        return [j.id for j in self._jobs]

    def ids_in_states(self, states: Iterable[JobState]) -> list[int]:
        """Loaded jobs in `states`, newest first, without a store read; states that are not
        final are looked for among the live jobs only (a handful, not the whole history)."""
        wanted = frozenset(states)
        if wanted.isdisjoint(FINAL_STATES):
            found = [
                job_id
                for job_id in self._live
                if (row := self._rows.get(job_id)) is not None and self._jobs[row].state in wanted
            ]
            return sorted(found, reverse=True)
        return [j.id for j in self._jobs if j.state in wanted]

    def progress_of(self, job_id: int) -> tuple[str, float] | None:
        return self._progress.get(job_id)

    # -- updating --------------------------------------------------------------------------

    def reload(self) -> None:
        self.beginResetModel()
        self._jobs = []
        self._records.clear()
        self._live.clear()
        self._by_path.clear()
        self._texts.clear()
        self._more = True
        self._load_page()
        self.endResetModel()

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self._more:
            return
        page = self._read_page()
        if page:
            first = len(self._jobs)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._append(page)
            self.endInsertRows()

    def _read_page(self) -> list[JobSummary]:
        before = self._jobs[-1].id if self._jobs else None
        page = self._bridge.summaries(before_id=before, limit=self._page_rows)
        self._more = len(page) == self._page_rows
        return page

    def _load_page(self) -> None:
        self._append(self._read_page())

    def _append(self, page: list[JobSummary]) -> None:
        first = len(self._jobs)
        self._jobs.extend(page)
        for row, job in enumerate(page, first):
            self._rows[job.id] = row
            self._note(job)

    def _note(self, job: JobSummary) -> None:
        if job.is_final:
            self._live.discard(job.id)
        else:
            self._live.add(job.id)
            if not self._ticker.isActive():
                self._ticker.start()
        if job.result_path:
            self._by_path.setdefault(job.result_path, set()).add(job.id)

    def refresh(self, job_id: int) -> None:
        """Re-read one job now (and any change still queued); a new one is inserted in id
        order (newest first)."""
        self._pending[job_id] = None
        self.flush()

    def _queue(self, job_id: int) -> None:
        """A `job_changed`: applied with every other change of the same frame (a drop of 100
        jobs, a round of polls) in one store read and one insert/`dataChanged` each."""
        self._pending[job_id] = None
        self._records.pop(job_id, None)  # `job()` reads the store's truth at once
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def flush(self) -> None:
        """Apply the queued changes: one query for every changed id, then removals, one
        `dataChanged` span over the changed rows and one insert per run of new rows."""
        self._flush_timer.stop()
        ids, self._pending = list(self._pending), {}
        if not ids or self._bridge.closed:
            return
        found = self._bridge.summaries_of(ids)
        for job_id in ids:
            self._records.pop(job_id, None)
        gone = [row for i in ids if i not in found and (row := self._rows.get(i)) is not None]
        for row in sorted(gone, reverse=True):
            self.beginRemoveRows(QModelIndex(), row, row)
            self._live.discard(self._jobs.pop(row).id)
            self._reindex()
            self.endRemoveRows()
        changed: list[int] = []
        updated: list[JobSummary] = []
        new: list[JobSummary] = []
        for job_id, job in found.items():
            row = self._rows.get(job_id)
            if row is None:
                new.append(job)
            elif self._jobs[row] != job:  # a poll that changed nothing: no repaint
                self._jobs[row] = job
                self._note(job)
                changed.append(row)
                updated.append(job)
        if changed:
            last = len(Column) - 1
            self.dataChanged.emit(self.index(min(changed), 0), self.index(max(changed), last))
        for job in updated + self._insert(new):
            if job.state not in (JobState.SUBMITTING, JobState.RUNNING, JobState.DOWNLOADING):
                self._progress.pop(job.id, None)
            if job.state is JobState.DONE and job.result_path:
                self.thumbnails.request(job.result_path)

    def _insert(self, jobs: list[JobSummary]) -> list[JobSummary]:
        """Insert new jobs in id order, one `beginInsertRows` per run that lands between the
        same two loaded rows (a burst of submissions: one run at the top); returns those
        inserted (one older than every loaded row waits for its page)."""
        runs: dict[int, list[JobSummary]] = {}
        for job in sorted(jobs, key=lambda j: -j.id):
            row = bisect.bisect_left(self._jobs, -job.id, key=lambda j: -j.id)
            if row < len(self._jobs) or not self._more:
                runs.setdefault(row, []).append(job)
        inserted: list[JobSummary] = []
        shift = 0
        for row, run in sorted(runs.items()):
            first = row + shift
            self.beginInsertRows(QModelIndex(), first, first + len(run) - 1)
            self._jobs[first:first] = run
            self._reindex()
            for job in run:
                self._note(job)
            self.endInsertRows()
            shift += len(run)
            inserted.extend(run)
        return inserted

    def _reindex(self) -> None:
        self._rows = {job.id: row for row, job in enumerate(self._jobs)}

    def _on_progress(self, job_id: int, phase: str, fraction: float) -> None:
        if self._progress.get(job_id) == (phase, fraction):
            return  # every poll reports progress; an unchanged one repaints nothing
        self._progress[job_id] = (phase, fraction)
        row = self._rows.get(job_id)
        if row is None and job_id in self._pending:
            # Progress of a job whose row lands with this frame's changes: land it now, or
            # a short upload ends before its bar was ever shown.
            self.flush()
            row = self._rows.get(job_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, Column.STATE), self.index(row, Column.PROGRESS))

    def _tick(self) -> None:
        """Elapsed time is live for every job still moving: the rows come from the set of
        live jobs (a handful), not from a scan of the whole list."""
        rows = [row for job_id in self._live if (row := self._rows.get(job_id)) is not None]
        if not rows:
            self._ticker.stop()  # nothing moves: no wake-up until a live job appears
            return
        # One signal for the column's span: the view repaints the visible cells in it, where
        # one signal per live row cost ~9 ms a tick with 50 jobs waiting.
        self.dataChanged.emit(
            self.index(min(rows), Column.ELAPSED),
            self.index(max(rows), Column.ELAPSED),
            [Qt.ItemDataRole.DisplayRole],
        )

    def _on_thumbnail(self, path: str) -> None:
        for job_id in self._by_path.get(path, ()):
            row = self._rows.get(job_id)
            if row is not None:
                index = self.index(row, Column.JOB)
                self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])

    # -- Qt model API ----------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._jobs)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        return None

    def data(self, index: ModelIndex, role: int = DISPLAY) -> object:
        # Called for every role of every visible cell on each paint: unasked roles leave
        # first, and texts that only change with the row are built once per row.
        if role not in HANDLED_ROLES or not index.isValid():
            return None
        row, column = index.row(), index.column()
        if not 0 <= row < len(self._jobs):
            return None
        job = self._jobs[row]
        if role == DISPLAY:
            return self._display(job, column)
        if role == JOB_ID_ROLE:
            return job.id
        if role == BAR_ROLE:
            return (
                bar_fraction(job, self._progress.get(job.id)) if column == Column.PROGRESS else None
            )
        if role == DECORATION:
            return self._thumbnail(job) if column == Column.JOB else None
        if role == ALIGNMENT:
            return RIGHT_ALIGNED if column in (Column.ELAPSED, Column.COST) else None
        if role == RECORD_ROLE:
            return self.job(job.id)
        record = self.job(job.id)  # the tooltip: the whole prompt, the job's details
        return self._tooltip(record, Column(column)) if record is not None else None

    def _display(self, job: JobSummary, column: int) -> str:
        if column == Column.STATE:
            return state_label(job, self._progress.get(job.id))
        if column == Column.ELAPSED:
            return format_elapsed(elapsed_seconds(job, self._clock()))
        texts = self._texts.get(job.id)
        if texts is None or texts[0] is not job:
            texts = self._texts[job.id] = (job, _row_texts(job))
        return texts[1][column]

    def _tooltip(self, job: JobRecord, column: Column) -> str | None:
        if column is Column.COST:
            return _("Estimate: {text}").format(text=estimate_text(job))
        lines = [job.prompt_text] if column is Column.JOB and job.prompt_text else []
        if job.message:
            lines.append(job.message)
        if job.provider_job_id:
            lines.append(
                _("Provider job id: {job_provider_job_id}").format(
                    job_provider_job_id=job.provider_job_id
                )
            )
        if job.result_path:
            lines.append(job.result_path)
        return "\n".join(lines) or None

    def _thumbnail(self, job: JobSummary) -> QPixmap | None:
        if job.state is JobState.DONE and job.result_path:
            return self.thumbnails.pixmap(job.result_path)
        return None

    def shutdown(self) -> None:
        self._ticker.stop()
        self._flush_timer.stop()
        self.thumbnails.shutdown()
