"""The history gallery's model: a lazy list over the job store, one page read at a time.

Only the ordered ids are read up front (one indexed query of ints); a row's JobRecord is read
with its page the first time a view asks for it (a primary-key lookup of one screenful), the
pages next to it are read in the following idle moments, and pages are forgotten again past
a limit, so ten thousand jobs cost one id list and a page per screenful. Changes from the
engine are gathered for a moment and applied together: rows already read are re-read; a new
job (or a filter change) re-reads the ids and resets, keeping the selection by job id (the
view does that).
"""

from __future__ import annotations

import gc
from collections import OrderedDict

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from seedance_studio.jobs.gallery import GalleryFilter, GalleryQuery, GallerySort
from seedance_studio.jobs.store import JobRecord, JobStore

ModelIndex = QModelIndex | QPersistentModelIndex
RECORD_ROLE = int(Qt.ItemDataRole.UserRole) + 11
JOB_ID_ROLE = RECORD_ROLE + 1
PAGE_SIZE = 32
"""Rows per read: about one screenful of tiles, a few milliseconds to decode."""
KEEP_PAGES = 96
CHANGE_DELAY_MS = 150


class GalleryModel(QAbstractListModel):
    """Rows are jobs in the query's order; `RECORD_ROLE` gives the JobRecord."""

    reloaded = Signal()

    def __init__(
        self, store: JobStore, parent: QObject | None = None, *, page_size: int = PAGE_SIZE
    ) -> None:
        super().__init__(parent)
        self.query = GalleryQuery(store)
        self._page_size = page_size
        self._ids: list[int] = self.query.ids()
        self._rows: dict[int, int] | None = None
        """Job id -> row, built when first asked."""
        self._pages: OrderedDict[int, list[JobRecord | None]] = OrderedDict()
        self._prefetch: list[int] = []
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
        self._ids = self.query.ids()
        self._rows = None
        self.endResetModel()
        self.reloaded.emit()

    @property
    def _count(self) -> int:
        return len(self._ids)

    # -- reading -----------------------------------------------------------------------------

    def job_at(self, row: int) -> JobRecord | None:
        if not 0 <= row < self._count:
            return None
        number, offset = divmod(row, self._page_size)
        page = self._pages.get(number)
        if page is None:
            page = self._read_page(number)
            self._want_neighbours(number)
        else:
            self._pages.move_to_end(number)
        return page[offset] if offset < len(page) else None

    def row_of(self, job_id: int) -> int | None:
        if self._rows is None:
            self._rows = {job_id: row for row, job_id in enumerate(self._ids)}
        return self._rows.get(job_id)

    def loaded_pages(self) -> int:
        return len(self._pages)

    def _read_page(self, number: int) -> list[JobRecord | None]:
        base = number * self._page_size
        ids = self._ids[base : base + self._page_size]
        found = {j.id: j for j in self.query.jobs(ids)}
        page: list[JobRecord | None] = [found.get(i) for i in ids]
        # A page is a few thousand small objects that live until scrolled far away (freed by
        # reference counting, they hold no cycles). Left in the young generations they make
        # the cycle collector walk every page read so far, a 50-80 ms stall mid-scroll;
        # frozen, a collection only looks at what is new.
        gc.freeze()
        self._pages[number] = page
        while len(self._pages) > KEEP_PAGES:
            self._pages.popitem(last=False)
        return page

    def _want_neighbours(self, number: int) -> None:
        """Read the pages either side in the next idle moments (one per event, so a frame
        never pays for more than the page it shows)."""
        for near in (number + 1, number - 1):
            if 0 <= near * self._page_size < self._count and near not in self._pages:
                self._prefetch.append(near)
        if self._prefetch:
            QTimer.singleShot(0, self._prefetch_one)

    def _prefetch_one(self) -> None:
        while self._prefetch and not self._closed:
            number = self._prefetch.pop(0)
            if number not in self._pages and number * self._page_size < self._count:
                self._read_page(number)
                if self._prefetch:
                    QTimer.singleShot(0, self._prefetch_one)
                return

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
        if self.query.ids() != self._ids:  # a new job, or one that left or joined the filter
            self.reload()
            return
        for job_id in changed:
            row = self.row_of(job_id)
            if row is None:
                continue
            number = row // self._page_size
            if number in self._pages:
                fresh = self.query.store.find(job_id)
                if fresh is not None:
                    self._pages[number][row - number * self._page_size] = fresh
                    index = self.index(row)
                    self.dataChanged.emit(index, index)

    def close(self) -> None:
        self._closed = True
        self._timer.stop()

    # -- Qt model API ------------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
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
