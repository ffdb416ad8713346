"""The jobs area: the history gallery (with the take's provenance beside it) and the job
table, as tabs; and the review actions — send to several providers, re-run, load a take
back as the composition, compare takes, mark the pick.

The table (the existing queue panel, unchanged) is the first tab; the gallery is built the
first time its tab is shown (after the window's first paint when it was open last time), so
it never adds to start-up. Logic lives in the core (jobs/fanout, jobs/restore,
jobs/picks); this module opens dialogs and forwards clicks.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QMessageBox,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from seedance_studio.core.composition import Composition, CompositionSnapshot
from seedance_studio.core.errors import BudgetExceeded
from seedance_studio.core.i18n import _, ngettext
from seedance_studio.core.settings import Settings
from seedance_studio.jobs import fanout
from seedance_studio.jobs.gallery import GalleryFilter
from seedance_studio.jobs.picks import mark_pick
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobRecord
from seedance_studio.jobs.transitions import Action, allowed_actions
from seedance_studio.projects.take import load_into, restore
from seedance_studio.ui.compare_view import CompareView
from seedance_studio.ui.engine_bridge import EngineBridge
from seedance_studio.ui.fanout_dialog import FanoutDialog, PlanFn, default_planner
from seedance_studio.ui.gallery_model import GalleryModel
from seedance_studio.ui.gallery_posters import PosterCache
from seedance_studio.ui.gallery_view import POSTER, GalleryPanel
from seedance_studio.ui.jobs_panel import JobsPanel
from seedance_studio.ui.provenance_panel import ProvenancePanel

log = logging.getLogger(__name__)


def cancellable(jobs: list[JobRecord]) -> list[JobRecord]:
    """The jobs whose state allows a cancel (the state table's rule, jobs/transitions)."""
    return [j for j in jobs if Action.CANCEL in allowed_actions(j.state)]


GALLERY_TAB, TABLE_TAB = 0, 1


class ReviewArea(QWidget):
    """Tabs over the jobs; `message(text)` for the status bar."""

    message = Signal(str)
    sent = Signal(object)
    """A FanoutResult once a send to several providers went out."""
    compare_opened = Signal(object)
    expand_toggled = Signal(bool)
    """The user wants the jobs area to take the window's whole height (or back)."""

    def __init__(
        self,
        jobs: JobsPanel,
        bridge: EngineBridge,
        composition: Composition,
        settings: Callable[[], Settings],
        ui_state: QSettings,
        *,
        allow_loopback: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.jobs = jobs
        self.bridge = bridge
        self.composition = composition
        self._settings = settings
        self._ui_state = ui_state
        self._allow_loopback = allow_loopback
        self._tasks: set[asyncio.Task[object]] = set()
        self.gallery: GalleryPanel | None = None
        self.provenance: ProvenancePanel | None = None
        self.model: GalleryModel | None = None
        self.posters: PosterCache | None = None
        self.splitter: QSplitter | None = None
        self.dialog: FanoutDialog | None = None
        self.compare: CompareView | None = None
        self.confirm_box: QMessageBox | None = None
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self._gallery_page = QWidget()
        QVBoxLayout(self._gallery_page).setContentsMargins(0, 0, 0, 0)
        self.tabs.addTab(self._gallery_page, _("Gallery"))
        self.tabs.addTab(jobs, _("Table"))
        self.expand_button = QToolButton(self)
        self.expand_button.setText(_("Expand"))
        self.expand_button.setCheckable(True)
        self.expand_button.setToolTip(
            _("Give the jobs the whole window (again to bring the composer back)")
        )
        self.expand_button.toggled.connect(self._on_expand)
        self.tabs.setCornerWidget(self.expand_button, Qt.Corner.TopRightCorner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        header = ui_state.value("jobs/table-header")
        if isinstance(header, QByteArray) and not header.isEmpty():
            jobs.table.horizontalHeader().restoreState(header)
        tab = ui_state.value("jobs/tab")
        # The queue table first (it is what a fresh start needs, and it costs nothing more);
        # the gallery is opened from its tab, after a send to several, or as last time.
        self.tabs.setCurrentIndex(GALLERY_TAB if str(tab) == "gallery" else TABLE_TAB)
        self.tabs.currentChanged.connect(self._on_tab)
        bridge.job_changed.connect(self._on_job_changed)

    # -- building the gallery lazily ---------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.tabs.currentIndex() == GALLERY_TAB:
            # After this paint: the first frame of the window never waits for the gallery.
            from PySide6.QtCore import QTimer

            QTimer.singleShot(0, self.ensure_gallery)

    def _on_expand(self, on: bool) -> None:
        self.expand_button.setText(_("Restore") if on else _("Expand"))
        self.expand_toggled.emit(on)

    def _on_tab(self, index: int) -> None:
        if index == GALLERY_TAB:
            self.ensure_gallery()

    def show_takes(self, job_ids: list[int], label: str) -> GalleryPanel:
        """The gallery, narrowed to these jobs (a shot's takes), in front."""
        gallery = self.ensure_gallery()
        self.tabs.setCurrentIndex(GALLERY_TAB)
        gallery.show_only(frozenset(job_ids), label)
        return gallery

    def ensure_gallery(self) -> GalleryPanel:
        if self.gallery is not None:
            return self.gallery
        self.posters = PosterCache(POSTER, self)
        self.model = GalleryModel(self.bridge.store, self)
        self.gallery = GalleryPanel(self.model, self.posters)
        self.provenance = ProvenancePanel()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.gallery)
        self.splitter.addWidget(self.provenance)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        sizes = self._ui_state.value("jobs/gallery-splitter")
        if isinstance(sizes, QByteArray) and not sizes.isEmpty():
            self.splitter.restoreState(sizes)
        page_layout = self._gallery_page.layout()
        assert page_layout is not None
        page_layout.addWidget(self.splitter)
        self.gallery.selection_changed.connect(self._on_selection)
        self.gallery.activated.connect(self._on_activated)
        self.gallery.cancel_button.clicked.connect(self.cancel_selected)
        self.provenance.load_requested.connect(self.load_as_composition)
        self.provenance.rerun_requested.connect(self.rerun)
        self.provenance.compare_requested.connect(self.open_compare)
        self.provenance.pick_requested.connect(self.toggle_pick)
        return self.gallery

    def _on_selection(self, jobs: list[JobRecord]) -> None:
        # The store is the truth: a tile may be a moment behind a change still being applied.
        fresh = [self.bridge.job(j.id) or j for j in jobs[:16]] + jobs[16:]
        if self.provenance is not None:
            self.provenance.show_selection(fresh)
        if self.gallery is not None:
            self.gallery.cancel_button.setEnabled(bool(cancellable(fresh)))

    def cancel_selected(self) -> list[int]:
        """Cancel every selected job the state table lets the user cancel (one task each:
        a provider refusing one cancel does not hold up the others)."""
        if self.gallery is None:
            return []
        jobs = cancellable([self.bridge.job(j.id) or j for j in self.gallery.selected_jobs()])
        for job in jobs:
            self.bridge.spawn(self.bridge.cancel(job.id))
        if jobs:
            self.message.emit(
                ngettext("Cancelling {count} job", "Cancelling {count} jobs", len(jobs)).format(
                    count=len(jobs)
                )
            )
            self.gallery.cancel_button.setEnabled(False)
        return [j.id for j in jobs]

    def _on_job_changed(self, job_id: int) -> None:
        if self.model is not None:
            self.model.job_changed(job_id)
        if (
            self.provenance is not None
            and self.provenance.job is not None
            and self.provenance.job.id == job_id
        ):
            self.provenance.show_job(self.bridge.job(job_id))

    def _on_activated(self, job: JobRecord) -> None:
        if job.result_path and Path(job.result_path).is_file():
            self.jobs.play_requested.emit(job.result_path)

    # -- send to several ---------------------------------------------------------------------

    def planner(self) -> PlanFn:
        return default_planner(
            lambda: self._settings().price_overrides, allow_loopback=self._allow_loopback
        )

    def open_fanout(
        self,
        snapshot: CompositionSnapshot | None = None,
        ticked: list[str] | None = None,
        title: str = _("Send to several providers"),
    ) -> FanoutDialog:
        snap = snapshot or self.composition.snapshot()
        dialog = FanoutDialog(
            snap, self.planner(), ticked=ticked or [snap.params.provider], title=title, parent=self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.confirmed.connect(lambda plan: self.send_plan(plan))
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog

    def rerun(self, job: JobRecord) -> FanoutDialog:
        return self.open_fanout(
            job.snapshot(), [job.provider], title=_("Re-run take #{job_id}").format(job_id=job.id)
        )

    def send_plan(
        self, plan: fanout.FanoutPlan, *, allow_over_budget: bool = False
    ) -> asyncio.Task[object]:
        task = asyncio.ensure_future(self._send(plan, allow_over_budget))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _send(
        self, plan: fanout.FanoutPlan, allow_over_budget: bool
    ) -> fanout.FanoutResult | None:
        try:
            result = await fanout.send(
                self.bridge.engine, plan, allow_over_budget=allow_over_budget
            )
        except BudgetExceeded as exc:
            self._confirm_over_budget(plan, exc)
            return None
        sent = len(result.job_ids)
        text = _("Sent {sent} job{value} to ").format(
            sent=sent, value="s" if sent != 1 else ""
        ) + ", ".join(o.provider for o in result.outcomes if o.error is None)
        if result.failures:
            text += _("; not sent: ") + "; ".join(
                f"{o.provider} ({o.error})" for o in result.failures
            )
        self.message.emit(text)
        for job_id in result.job_ids:
            self._on_job_changed(job_id)
        self.tabs.setCurrentIndex(GALLERY_TAB)
        self.ensure_gallery()
        self.sent.emit(result)
        return result

    def _confirm_over_budget(self, plan: fanout.FanoutPlan, exc: BudgetExceeded) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("Over budget"),
            _("Sending all of them would go over your daily budget: {exc}.\n\nSend anyway?").format(
                exc=exc
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(result: int) -> None:
            self.confirm_box = None
            if result == QMessageBox.StandardButton.Yes:
                self.send_plan(plan, allow_over_budget=True)

        box.finished.connect(answered)
        self.confirm_box = box
        box.open()

    def show_fanout(self, fanout_id: str) -> None:
        """Filter the gallery to one send's takes and select them."""
        gallery = self.ensure_gallery()
        assert self.model is not None
        self.model.set_filter(GalleryFilter(fanout=fanout_id))
        ids = [j.id for j in self.model.query.page(0, 16)]
        gallery.select_ids(ids)

    # -- load, compare, pick -----------------------------------------------------------------

    def load_as_composition(self, job: JobRecord) -> None:
        search = [Path(self._settings().library_dir)] if self._settings().library_dir else []
        restored = restore(job, search)
        load_into(self.composition, restored.snapshot)
        self.message.emit(
            _("Loaded take #{job_id} as the composition: {value}").format(
                job_id=job.id, value=restored.summary()
            )
        )

    def open_compare(self, jobs: list[JobRecord]) -> CompareView | None:
        if len(jobs) == 1 and jobs[0].fanout:
            jobs = self.bridge.store.select_jobs("fanout = ?", [jobs[0].fanout], order="id ASC")
        takes = sorted(
            (
                j
                for j in jobs
                if j.state is JobState.DONE and j.result_path and Path(j.result_path).is_file()
            ),
            key=lambda j: j.id,
        )
        if len(takes) < 2:
            self.message.emit(_("Compare needs two to four finished takes with their files"))
            return None
        if self.compare is not None:
            self.compare.close()
        view = CompareView(takes[:4], self)
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        view.pick_marked.connect(self._pick_from_compare)
        view.destroyed.connect(lambda _o=None: setattr(self, "compare", None))
        self.compare = view
        view.show()
        view.start()
        self.compare_opened.emit(view)
        return view

    def _pick_from_compare(self, job_id: int, among: list[int]) -> None:
        mark_pick(self.bridge.store, job_id, among)
        for other in among:
            self._on_job_changed(other)
        self.message.emit(_("Take #{job_id} is the pick").format(job_id=job_id))

    def toggle_pick(self, job: JobRecord) -> None:
        if job.pick:
            from seedance_studio.jobs.picks import clear_pick

            clear_pick(self.bridge.store, job.id)
        else:
            mark_pick(self.bridge.store, job.id)
        self._on_job_changed(job.id)

    # -- closing -----------------------------------------------------------------------------

    def save_state(self) -> None:
        self._ui_state.setValue("jobs/table-header", self.jobs.table.horizontalHeader().saveState())
        self._ui_state.setValue(
            "jobs/tab", "gallery" if self.tabs.currentIndex() == GALLERY_TAB else "table"
        )
        if self.splitter is not None:
            self._ui_state.setValue("jobs/gallery-splitter", self.splitter.saveState())

    def shutdown(self) -> None:
        self.save_state()
        for task in list(self._tasks):
            task.cancel()
        if self.compare is not None:
            self.compare.shutdown()
        if self.model is not None:
            self.model.close()
        if self.posters is not None:
            self.posters.shutdown()
        if self.provenance is not None:
            self.provenance.shutdown()
