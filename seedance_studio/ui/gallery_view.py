"""The history gallery: every job as a tile (poster frame, hover to scrub, duration,
provider, state, cost badge, pick star) over the lazy GalleryModel, with a filter bar.

Painting reads only what the model already holds and the poster cache already made; a
poster not made yet is asked for and the tile repaints when it arrives.
"""

from __future__ import annotations

import time
from datetime import datetime

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtCore import Signal as QtSignal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListView,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from seedance_studio.core import capabilities
from seedance_studio.core.i18n import _
from seedance_studio.jobs.gallery import SORT_LABELS, GalleryFilter, GallerySort
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobRecord
from seedance_studio.ui import theme
from seedance_studio.ui.gallery_model import RECORD_ROLE, GalleryModel
from seedance_studio.ui.gallery_posters import PosterCache
from seedance_studio.ui.job_format import STATE_LABELS, cost_text, state_label

POSTER = QSize(176, 99)
TILE = QSize(POSTER.width() + 12, POSTER.height() + 64)
DAY_S = 86_400.0

DATE_CHOICES: list[tuple[str, float | None]] = [
    (_("Any time"), None),
    (_("Today"), DAY_S),
    (_("Last 7 days"), 7 * DAY_S),
    (_("Last 30 days"), 30 * DAY_S),
]
STATE_CHOICES: list[tuple[str, frozenset[JobState]]] = [
    (_("Any state"), frozenset()),
    (_("Done"), frozenset({JobState.DONE})),
    (
        _("In progress"),
        frozenset(
            {
                JobState.SUBMITTING,
                JobState.QUEUED,
                JobState.RUNNING,
                JobState.SUCCEEDED,
                JobState.DOWNLOADING,
            }
        ),
    ),
    (_("Needs a decision"), frozenset({JobState.SUBMIT_UNKNOWN, JobState.STUCK})),
    (_("Failed"), frozenset({JobState.FAILED})),
    (_("Cancelled"), frozenset({JobState.CANCELLED})),
]


def duration_text(job: JobRecord, measured: float | None) -> str:
    """The clip's measured length, else the requested duration."""
    if measured:
        return f"{measured:.1f} s"
    wanted = job.params.get("duration")
    return f"{wanted} s" if isinstance(wanted, int) else ""


class TileDelegate(QStyledItemDelegate):
    """Draws one tile; `hover` (row, fraction across the poster) picks the scrub frame."""

    def __init__(self, posters: PosterCache, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.posters = posters
        self.hover: tuple[int, float] | None = None
        self._lines: dict[tuple[int, float, bool], tuple[str, str, QColor, str]] = {}
        """Per job version: the tile's title, state, state colour and cost (made once)."""

    def lines(self, job: JobRecord) -> tuple[str, str, QColor, str]:
        key = (job.id, job.updated_at, job.pick)
        found = self._lines.get(key)
        if found is None:
            try:
                name = capabilities.get(job.provider).name
            except KeyError:
                name = job.provider
            colour = {
                JobState.DONE: theme.OK,
                JobState.FAILED: theme.ERROR,
                JobState.CANCELLED: theme.MUTED,
            }.get(job.state, theme.ACCENT)
            state = state_label(job)  # what it waits for, too (a free slot, the queue)
            if len(self._lines) > 4096:
                self._lines.clear()
            found = self._lines[key] = (f"#{job.id} {name}", state, colour, cost_text(job))
        return found

    @override
    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return TILE

    @override
    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        job = index.data(RECORD_ROLE)
        if not isinstance(job, JobRecord):
            return
        rect: QRect = option.rect.adjusted(3, 3, -3, -3)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(theme.ACCENT if selected else theme.BORDER, 2 if selected else 1))
        painter.setBrush(theme.ALT_BASE if selected else theme.PANEL)
        painter.drawRoundedRect(rect, 6, 6)
        poster_rect = QRect(rect.left() + 3, rect.top() + 3, POSTER.width(), POSTER.height())
        painter.fillRect(poster_rect, QColor("#000000"))
        poster = (
            self.posters.poster(job.result_path)
            if (job.state is JobState.DONE and job.result_path)
            else None
        )
        measured = poster.duration_s if poster is not None else None
        if poster is not None:
            frame_index = 0
            if self.hover is not None and self.hover[0] == index.row():
                frame_index = int(self.hover[1] * poster.frames)
            source = poster.frame_rect(frame_index)
            target = QRect(0, 0, source.width(), source.height())
            target.moveCenter(poster_rect.center())
            painter.drawPixmap(target, poster.strip, source)
        else:
            painter.setPen(theme.MUTED)
            label = STATE_LABELS.get(job.state, job.state.value)
            painter.drawText(poster_rect, int(Qt.AlignmentFlag.AlignCenter), label)
        small = QFont(painter.font())
        small.setPointSizeF(max(small.pointSizeF() - 1, 7))
        painter.setFont(small)
        duration = duration_text(job, measured)
        if duration:
            self._badge(painter, poster_rect, duration, Qt.AlignmentFlag.AlignRight)
        if job.pick:
            self._badge(
                painter, poster_rect, _("★ pick"), Qt.AlignmentFlag.AlignLeft, colour=theme.WARNING
            )
        text_left = rect.left() + 6
        width = rect.width() - 12
        line = poster_rect.bottom() + 4
        title, state, state_colour, cost = self.lines(job)
        left = int(Qt.AlignmentFlag.AlignLeft)
        painter.setPen(theme.TEXT)
        metrics = painter.fontMetrics()
        painter.drawText(
            QRect(text_left, line, width, 16),
            left,
            metrics.elidedText(title, Qt.TextElideMode.ElideRight, width),
        )
        painter.setPen(state_colour)
        painter.drawText(
            QRect(text_left, line + 16, width, 16),
            left,
            metrics.elidedText(state, Qt.TextElideMode.ElideRight, width),
        )
        painter.setPen(theme.MUTED)
        painter.drawText(
            QRect(text_left, line + 32, width, 16),
            left,
            metrics.elidedText(cost, Qt.TextElideMode.ElideRight, width),
        )
        painter.restore()

    @staticmethod
    def _badge(
        painter: QPainter,
        area: QRect,
        text: str,
        side: Qt.AlignmentFlag,
        colour: QColor | None = None,
    ) -> None:
        metrics = painter.fontMetrics()
        w, h = metrics.horizontalAdvance(text) + 10, metrics.height() + 2
        x = area.right() - w - 4 if side == Qt.AlignmentFlag.AlignRight else area.left() + 4
        box = QRect(x, area.bottom() - h - 4, w, h)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(0, 0, 0, 170))
        painter.drawRoundedRect(box, 4, 4)
        painter.setPen(colour or theme.TEXT)
        painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), text)


class GalleryList(QListView):
    """Tiles in a wrapping grid; moving the mouse over a poster scrubs through the take."""

    def __init__(self, delegate: TileDelegate, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._delegate = delegate
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)  # layout without asking every row for its size
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(2000)
        self.setGridSize(QSize(TILE.width() + 6, TILE.height() + 6))
        self.setSpacing(0)
        self.setWrapping(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalScrollBar().setSingleStep(24)
        self.setMouseTracking(True)
        self.setItemDelegate(delegate)
        self.viewport().installEventFilter(self)

    @override
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.viewport():
            if event.type() == QEvent.Type.MouseMove and isinstance(event, QMouseEvent):
                self._scrub(event)
            elif event.type() == QEvent.Type.Leave:
                self._set_hover(None)
        return super().eventFilter(watched, event)

    def _scrub(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        index = self.indexAt(pos)
        if not index.isValid():
            self._set_hover(None)
            return
        rect = self.visualRect(index)
        fraction = (pos.x() - rect.left() - 6) / max(POSTER.width(), 1)
        inside = pos.y() - rect.top() < POSTER.height() + 6
        self._set_hover((index.row(), min(max(fraction, 0.0), 0.999)) if inside else None)

    def _set_hover(self, hover: tuple[int, float] | None) -> None:
        old = self._delegate.hover
        if old == hover:
            return
        self._delegate.hover = hover
        for state in (old, hover):
            if state is not None:
                self.viewport().update(self.visualRect(self.model().index(state[0], 0)))


class FilterBox(QComboBox):
    """A filter's choices: as wide as its longest choice where there is room, down to a few
    letters (elided) where there is not, so the expanded review never widens the window
    past a 1280-pixel screen."""

    SHORTEST_LETTERS = 6

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        letters = self.fontMetrics().averageCharWidth() * self.SHORTEST_LETTERS
        arrow = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        return QSize(min(hint.width(), letters + arrow + 16), hint.height())


class GalleryPanel(QWidget):
    """Filter bar above the tiles; `selection_changed(list[JobRecord])` for the panel beside."""

    selection_changed = QtSignal(list)
    activated = QtSignal(object)
    """A tile was double-clicked (JobRecord)."""

    def __init__(
        self, model: GalleryModel, posters: PosterCache, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.posters = posters
        self.delegate = TileDelegate(posters, self)
        self.view = GalleryList(self.delegate, self)
        self.view.setAccessibleName(_("Gallery"))
        self.view.setModel(model)
        posters.ready.connect(lambda _p: self.view.viewport().update())

        self.search = QLineEdit(self)
        self.search.setPlaceholderText(_("Search prompts…"))
        self.search.setClearButtonEnabled(True)
        self.provider_box = FilterBox(self)
        self.provider_box.addItem(_("All providers"), "")
        for caps in capabilities.load_all().values():
            self.provider_box.addItem(caps.name, caps.id)
        self.state_box = FilterBox(self)
        for label, _states in STATE_CHOICES:
            self.state_box.addItem(label)
        self.date_box = FilterBox(self)
        for label, _span in DATE_CHOICES:
            self.date_box.addItem(label)
        self.project_box = QLineEdit(self)
        self.project_box.setPlaceholderText(_("Project"))
        self.project_box.setMaximumWidth(110)
        self.picks_box = FilterBox(self)
        self.picks_box.addItems([_("All takes"), _("Picks only")])
        self.sort_box = FilterBox(self)
        for sort, label in SORT_LABELS.items():
            self.sort_box.addItem(_(label), sort.value)
        self.cancel_button = QPushButton(_("Cancel"), self)
        self.cancel_button.setToolTip(_("Cancel every selected job that can still be cancelled"))
        self.cancel_button.setEnabled(False)

        self.only = QPushButton(self)
        """Shown while the gallery shows one shot's takes; a click shows everything again."""
        self.only.setToolTip(_("Show every job again"))
        self.only.hide()
        self.only.clicked.connect(lambda: self.show_only(frozenset(), ""))
        self._only_ids: frozenset[int] = frozenset()
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.only)
        bar.addWidget(self.search, 2)
        for box in (
            self.provider_box,
            self.state_box,
            self.date_box,
            self.project_box,
            self.picks_box,
            self.sort_box,
            self.cancel_button,
        ):
            bar.addWidget(box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)

        self.search.textChanged.connect(self.apply_filter)
        self.project_box.textChanged.connect(self.apply_filter)
        for box in (self.provider_box, self.state_box, self.date_box, self.picks_box):
            box.currentIndexChanged.connect(self.apply_filter)
        self.sort_box.currentIndexChanged.connect(
            lambda _i: self.model.set_sort(GallerySort(self.sort_box.currentData()))
        )
        self.view.selectionModel().selectionChanged.connect(self._emit_selection)
        self.view.doubleClicked.connect(self._activated)
        model.modelAboutToBeReset.connect(self._remember_selection)
        model.modelReset.connect(self._restore_selection)
        self._kept: list[int] = []

    def current_filter(self, now: float | None = None) -> GalleryFilter:
        provider = self.provider_box.currentData()
        span = DATE_CHOICES[self.date_box.currentIndex()][1]
        now = time.time() if now is None else now
        since = None
        if span is not None:
            midnight = (
                datetime.fromtimestamp(now)
                .replace(hour=0, minute=0, second=0, microsecond=0)
                .timestamp()
            )
            since = midnight if span == DAY_S else now - span
        return GalleryFilter(
            providers=frozenset({provider}) if provider else frozenset(),
            states=STATE_CHOICES[self.state_box.currentIndex()][1],
            since=since,
            project=self.project_box.text().strip() or None,
            text=self.search.text().strip(),
            picks_only=self.picks_box.currentIndex() == 1,
            job_ids=self._only_ids,
        )

    def show_only(self, job_ids: frozenset[int], label: str) -> None:
        """Narrow the gallery to `job_ids` (a shot's takes), named by `label`; empty: all."""
        self._only_ids = job_ids
        self.only.setText(f"{label} ✕")
        self.only.setVisible(bool(job_ids))
        self.apply_filter()

    def apply_filter(self, *_args: object) -> None:
        self.model.set_filter(self.current_filter())

    def selected_jobs(self) -> list[JobRecord]:
        rows = sorted(i.row() for i in self.view.selectionModel().selectedIndexes())
        return [job for row in rows if (job := self.model.job_at(row)) is not None]

    def select_ids(self, ids: list[int]) -> None:
        selection = self.view.selectionModel()
        selection.clearSelection()
        for job_id in ids:
            row = self.model.row_of(job_id)
            if row is not None:
                selection.select(self.model.index(row), selection.SelectionFlag.Select)
        if ids and (row := self.model.row_of(ids[0])) is not None:
            self.view.scrollTo(self.model.index(row))

    def _emit_selection(self, *_args: object) -> None:
        self.selection_changed.emit(self.selected_jobs())

    def _activated(self, index: QModelIndex) -> None:
        job = self.model.job_at(index.row())
        if job is not None:
            self.activated.emit(job)

    def _remember_selection(self) -> None:
        self._kept = [j.id for j in self.selected_jobs()]

    def _restore_selection(self) -> None:
        if self._kept:
            self.select_ids(self._kept)
