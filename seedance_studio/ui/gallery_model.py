"""The history gallery's model: a lazy list over the job store, one page read at a time.

Only the count is known up front; a row's JobRecord is read with its page (jobs/gallery) the
first time a view asks for it, and pages are forgotten again past a limit, so ten thousand
jobs cost one COUNT and a page per screenful. Changes from the engine are gathered for a
moment and applied together: rows already read are re-read; a new job (or a filter change)
re-counts and resets, keeping the selection by job id (the view does that).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from seedance_studio.jobs.gallery import PAGE_SIZE, GalleryFilter, GalleryQuery, GallerySort
from seedance_studio.jobs.store import JobRecord, JobStore

ModelIndex = QModelIndex | QPersistentModelIndex
RECORD_ROLE = int(Qt.ItemDataRole.UserRole) + 11
JOB_ID_ROLE = RECORD_ROLE + 1
KEEP_PAGES = 64
CHANGE_DELAY_MS = 150


class GalleryModel(QAbstractListModel):
    """Rows are jobs in the query's order; `RECORD_ROLE` gives the JobRecord."""

    reloaded = Signal()

    def __init__(self, store: JobStore, parent: QObject | None = None, *,
                 page_size: int = PAGE_SIZE) -> None:
        super().__init__(parent)
        self.query = GalleryQuery(store)
        self._page_size = page_size
        self._count = self.query.count()
        self._pages: OrderedDict[int, list[JobRecord]] = OrderedDict()
        self._where: dict[int, int] = {}
        """Job id -> row, for rows in pages read so far."""
        self._changed: set[int] = set()
        self._closed = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CHANGE_DELAY_MS)
        self._timer.timeout.connect(self._apply_changes)

    # -- queries -----------------------------------------------------------------------------

    @property
    def filter(self) -> GalleryFilter:
        return self.query.filter

    def set_filter(self, filter_: GalleryFilter) -> None:
        if filter_ != self.query.filter:
            self.query.filter = filter_
            self.reload()

    def set_sort(self, sort: GallerySort) -> None:
        if sort != self.query.sort:
            self.query.sort = sort
            self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._pages.clear()
        self._where.clear()
        self._count = self.query.count()
        self.endResetModel()
        self.reloaded.emit()

    # -- reading -----------------------------------------------------------------------------

    def job_at(self, row: int) -> JobRecord | None:
        if not 0 <= row < self._count:
            return None
        number, offset = divmod(row, self._page_size)
        page = self._pages.get(number)
        if page is None:
            page = self._read_page(number)
        else:
            self._pages.move_to_end(number)
        return page[offset] if offset < len(page) else None

    def row_of(self, job_id: int) -> int | None:
        row = self._where.get(job_id)
        if row is not None:
            return row
        return self.query.position_of(job_id)

    def loaded_pages(self) -> int:
        return len(self._pages)

    def _read_page(self, number: int) -> list[JobRecord]:
        page = self.query.page(number * self._page_size, self._page_size)
        self._pages[number] = page
        base = number * self._page_size
        for i, job in enumerate(page):
            self._where[job.id] = base + i
        while len(self._pages) > KEEP_PAGES:
            old_number, old = self._pages.popitem(last=False)
            for job in old:
                if self._where.get(job.id, -1) // self._page_size == old_number:
                    del self._where[job.id]
        return page

    # -- changes -----------------------------------------------------------------------------

    def job_changed(self, job_id: int) -> None:
        """The engine changed (or made) a job; applied shortly, together with others."""
        if self._closed:
            return
        self._changed.add(job_id)
        if not self._timer.isActive():
            self._timer.start()

    def _apply_changes(self) -> None:
        changed, self._changed = self._changed, set()
        if self._closed:
            return
        if self.query.count() != self._count or any(i not in self._where for i in changed
                                                      if self._is_new(i)):
            self.reload()
            return
        for job_id in changed:
            row = self._where.get(job_id)
            if row is None:
                continue
            number = row // self._page_size
            if number in self._pages:
                fresh = self.query.store.find(job_id)
                if fresh is not None:
                    self._pages[number][row - number * self._page_size] = fresh
                    index = self.index(row)
                    self.dataChanged.emit(index, index)

    def _is_new(self, job_id: int) -> bool:
        """A job newer than any row read so far (it may belong on the first page)."""
        return not self._where or job_id > max(self._where)

    def close(self) -> None:
        self._closed = True
        self._timer.stop()

    # -- Qt model API ------------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        job = self.job_at(index.row())
        if job is None:
            return None
        if role == RECORD_ROLE:
            return job
        if role == JOB_ID_ROLE:
            return job.id
        if role == Qt.ItemDataRole.DisplayRole:
            return f"#{job.id} {job.prompt_text}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return job.prompt_text or None
        return None
