"""The studio window: the composing half (tray, prompt, parameters, checks, Generate) beside the
preview and above the job queue. It wires widgets to the models; it holds no rules."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine

from PySide6.QtCore import QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from seedance_studio.core import capabilities
from seedance_studio.core.advice import advise
from seedance_studio.core.composition import Composition
from seedance_studio.core.errors import (
    BudgetExceeded,
    MissingKeyError,
    SeedanceError,
    SubmissionUnknownError,
)
from seedance_studio.core.i18n import _
from seedance_studio.core.params import GenerationParams, switch_model
from seedance_studio.core.settings import Settings, save_settings
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobRecord
from seedance_studio.projects.session import ProjectSession
from seedance_studio.providers.keys import SecretStore
from seedance_studio.ui.compose_checks import ComposeChecks
from seedance_studio.ui.conform_actions import ConformActions
from seedance_studio.ui.engine_bridge import EngineBridge
from seedance_studio.ui.error_messages import job_advice, provider_name
from seedance_studio.ui.icons import app_icon, icon
from seedance_studio.ui.jobs_panel import JobsPanel
from seedance_studio.ui.library_panel import LibraryPanel
from seedance_studio.ui.library_recorder import LibraryRecorder
from seedance_studio.ui.params_panel import ParamsPanel
from seedance_studio.ui.player import PlayerPanel
from seedance_studio.ui.problems_panel import ProblemsPanel
from seedance_studio.ui.project_controller import ProjectController
from seedance_studio.ui.project_menus import install_menus
from seedance_studio.ui.prompt_editor import PromptPanel
from seedance_studio.ui.quotes_button import QuotesButton
from seedance_studio.ui.review_area import ReviewArea
from seedance_studio.ui.sequence_dock import install_sequence_dock
from seedance_studio.ui.settings_dialog import SettingsDialog
from seedance_studio.ui.submit_bar import SubmitBar
from seedance_studio.ui.thumbnail_cache import ThumbnailCache
from seedance_studio.ui.tray_ingest import ReferenceIngest
from seedance_studio.ui.tray_model import TrayModel
from seedance_studio.ui.tray_widget import TrayWidget
from seedance_studio.ui.ui_state import restore_window, save_window, ui_state_store
from seedance_studio.ui.workers import Worker

log = logging.getLogger(__name__)

WINDOW_TITLE = "Seedance Studio"
SENDING_HOLD_S = 20.0
"""Generate stays busy while its uploads and create run, but never longer than this."""


def initial_params(settings: Settings) -> GenerationParams:
    """The last used provider (if still known), else the first one, with its defaults."""
    known = capabilities.load_all()
    provider = (
        settings.default_provider if settings.default_provider in known else next(iter(known))
    )
    return switch_model(GenerationParams(provider=provider), known[provider])


def _panel(*widgets: QWidget, margins: tuple[int, int, int, int] = (12, 10, 12, 10)) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(*margins)
    layout.setSpacing(10)
    for w in widgets:
        layout.addWidget(w)
    return box


class MainWindow(QMainWindow):
    closed = Signal()
    """The window was closed; the app shuts the engine down and quits."""
    submitted = Signal(list)
    """Job ids of a submission that went through."""

    def __init__(
        self,
        settings: Settings,
        secrets: SecretStore,
        bridge: EngineBridge,
        *,
        composition: Composition | None = None,
        simulator: bool = False,
        ui_state: QSettings | None = None,
        keep_draft: bool = False,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.secrets = secrets
        self.bridge = bridge
        self.simulator = simulator
        self.keep_draft = keep_draft
        """Autosave the composition (and mark the session), for the next start to pick up."""
        self._ui_state = ui_state or ui_state_store()
        self._tasks: set[asyncio.Task[object]] = set()
        self._closing = False
        self._system_quit = False
        """Closing because of a signal or a logout: nobody is there to answer a question."""
        self._discard = False
        self._sending = False
        """A Generate is on its way: further presses are ignored until it is answered."""
        self._sending_ids: set[int] = set()
        """Jobs of that Generate still being uploaded or created."""
        self._send_seq = 0
        self._watched: set[int] = set()
        """Jobs sent from this window that have not yet been created: a failure is told."""
        self.ready = False
        self._key_checked_for = ""
        self.settings_dialog: SettingsDialog | None = None
        self.confirm_box: QMessageBox | None = None
        self.composition = composition or Composition(initial_params(settings))
        self.setWindowIcon(app_icon())

        comp = self.composition
        self.worker = Worker(max_workers=2, parent=self)
        self.thumbnails = ThumbnailCache(self.worker, self)
        self.tray_model = TrayModel(comp.tray, self.thumbnails, self)
        self.ingest = ReferenceIngest(comp.tray, self.worker, self)
        self.tray = TrayWidget(self.tray_model, self.ingest)
        self.prompt = PromptPanel(comp, self.thumbnails)
        self.params = ParamsPanel(comp)
        self.checks = ComposeChecks(comp, self.settings, allow_loopback=simulator, parent=self)
        self.problems = ProblemsPanel(self.checks)
        self.submit_bar = SubmitBar(self.checks)
        self.conform = ConformActions(comp, self)
        self.tray.set_fix_available(True)
        self.player = PlayerPanel()
        self.jobs = JobsPanel(bridge)
        self.review = ReviewArea(
            self.jobs, bridge, comp, lambda: self.settings, self._ui_state, allow_loopback=simulator
        )
        self.quotes = QuotesButton(comp, lambda: self.settings, allow_loopback=simulator)
        self.submit_bar.add_beside_estimate(self.quotes)
        self.send_several = QPushButton(_("Send to several…"))
        self.send_several.setToolTip(
            _(
                "Send this composition to several providers at once; "
                "the total is shown before anything is sent"
            )
        )
        self.send_several.clicked.connect(lambda: self.review.open_fanout())
        self.submit_bar.add_beside_button(self.send_several)
        self.session = ProjectSession(comp)
        self.conform.history = self.session.history
        self.project = ProjectController(
            self,
            self.session,
            self.worker,
            autosave=keep_draft,
            default_params=lambda: initial_params(self.settings),
            title_suffix=(" — " + _("simulator")) if simulator else "",
        )
        self.library = LibraryRecorder(self.session, self)
        self.project.library = self.library
        self.library_panel = LibraryPanel(
            self.library.library, self.library.worker, self.thumbnails
        )

        self._build_layout()
        self.sequence, self.shots_action = install_sequence_dock(self)
        self._build_toolbar()
        self.quit_action = QAction(_("&Quit"), self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        self.menus = install_menus(
            self,
            self.project,
            file_extra=[self.add_action],
            edit_extra=[self.paste_action, self.settings_action],
            quit_action=self.quit_action,
        )
        self._wire()
        self._on_checks()
        self.check_key()
        self.resize(1280, 800)
        restore_window(self._ui_state, self, self.splitters)
        self.ready = True
        """Fully built (a Ctrl+C handler must not close a window halfway through __init__)."""

    # -- layout ------------------------------------------------------------------------------

    def _build_layout(self) -> None:
        lower = QWidget()
        row = QHBoxLayout(lower)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(16)
        row.addWidget(self.params, 3)
        row.addWidget(self.problems, 4)
        compose = _panel(self.prompt, lower, self.submit_bar)
        compose_layout = compose.layout()
        assert isinstance(compose_layout, QVBoxLayout)
        compose_layout.setStretch(0, 1)

        preview_heading = QLabel(_("Preview"))
        preview_heading.setProperty("role", "heading")
        preview = _panel(preview_heading, self.player)
        preview_layout = preview.layout()
        assert isinstance(preview_layout, QVBoxLayout)
        preview_layout.setStretch(1, 1)

        jobs_heading = QLabel(_("Jobs"))
        jobs_heading.setProperty("role", "heading")
        jobs = _panel(jobs_heading, self.review, margins=(12, 8, 12, 8))
        jobs_layout = jobs.layout()
        assert isinstance(jobs_layout, QVBoxLayout)
        jobs_layout.setStretch(1, 1)

        self.top_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.left_tabs = QTabWidget()
        self.left_tabs.setDocumentMode(True)
        self.left_tabs.addTab(self.tray, _("References"))
        self.left_tabs.addTab(self.library_panel, _("Library"))
        self.top_splitter.addWidget(self.left_tabs)
        self.top_splitter.addWidget(compose)
        self.top_splitter.addWidget(preview)
        self.top_splitter.setSizes([310, 560, 410])
        self.top_splitter.setChildrenCollapsible(False)
        self.main_splitter = QSplitter(Qt.Orientation.Vertical)
        self.main_splitter.addWidget(self.top_splitter)
        self.main_splitter.addWidget(jobs)
        self.main_splitter.setSizes([560, 220])
        self.main_splitter.setStretchFactor(0, 1)
        self.setCentralWidget(self.main_splitter)
        # There from the start: made by the first message, it would shrink every panel then
        # (a layout and paint of the whole window on the turn a drop of files lands).
        self.statusBar()
        self.splitters = {"top": self.top_splitter, "main": self.main_splitter}

    def _build_toolbar(self) -> None:
        bar = QToolBar(_("Main"))
        bar.setObjectName("main-toolbar")
        bar.setMovable(False)
        bar.setIconSize(QSize(18, 18))
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.add_action = QAction(icon("add"), _("Add references…"), self)
        self.add_action.setShortcut(QKeySequence("Ctrl+I"))  # Ctrl+O opens a project
        self.add_action.triggered.connect(self.tray.open_file_dialog)
        self.paste_action = QAction(icon("paste"), _("Paste"), self)
        self.paste_action.triggered.connect(self.tray.paste)
        self.settings_action = QAction(icon("settings"), _("Settings"), self)
        self.settings_action.setShortcut(QKeySequence.StandardKey.Preferences)
        self.settings_action.triggered.connect(self.open_settings)
        self.generate_action = QAction(icon("generate"), _("Generate"), self)
        self.generate_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.generate_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.generate_action.triggered.connect(self.submit)
        self.addAction(self.generate_action)
        bar.addAction(self.add_action)
        bar.addAction(self.paste_action)
        bar.addAction(self.shots_action)
        spacer = QWidget()
        spacer.setSizePolicy(
            spacer.sizePolicy().Policy.Expanding, spacer.sizePolicy().Policy.Preferred
        )
        bar.addWidget(spacer)
        if self.simulator:
            badge = QLabel(_("Simulator: no account, no charges"))
            badge.setProperty("role", "badge")  # the scheme's colours (theme.stylesheet)
            bar.addWidget(badge)
        bar.addAction(self.settings_action)
        self.addToolBar(bar)

    def _wire(self) -> None:
        self.prompt.editor.set_media_handler(self.ingest.add_mime)
        self.tray.view.setAccessibleName(_("References"))
        self.prompt.editor.setAccessibleName(_("Prompt"))
        self.submit_bar.button.setAccessibleName(_("Generate"))
        self.tray.message.connect(self._status)
        self.library_panel.message.connect(self._status)
        self.library_panel.add_requested.connect(self.ingest.add_sources)
        self.library.updated.connect(self.library_panel.refresh_if_shown)
        self.tray.fix_requested.connect(self.conform.fix)
        self.tray.fix_all_requested.connect(self.conform.fix_all)
        self.conform.message.connect(self._status)
        self.conform.busy_changed.connect(self.tray.set_fixing)
        self.conform.progress.connect(self.tray.set_fix_progress)
        self.tray.fix_cancel_requested.connect(self.conform.cancel)
        self.tray.trim_requested.connect(lambda ref_id: self.conform.open_trim(ref_id, self))
        self.problems.reference_activated.connect(self.show_reference)
        self.checks.updated.connect(self._on_checks)
        self.submit_bar.submit_requested.connect(self.submit)
        self.submit_bar.settings_requested.connect(self.open_settings)
        self.jobs.play_requested.connect(self.play)
        self.review.message.connect(self._status)
        self.review.expand_toggled.connect(lambda on: self.top_splitter.setVisible(not on))
        self.review.sent.connect(lambda result: self.project.jobs_sent(result.job_ids))
        self.quotes.provider_chosen.connect(self._switch_provider)
        self.bridge.error.connect(self._status)
        self.bridge.job_changed.connect(self._on_job_changed)
        self.composition.params_changed.connect(self._remember_provider)

    # -- behaviour ---------------------------------------------------------------------------

    def _status(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _on_checks(self) -> None:
        self.tray_model.set_problems(self.checks.problems)

    def _remember_provider(self, params: GenerationParams) -> None:
        self.settings.default_provider = params.provider
        if params.provider != self._key_checked_for:
            self.check_key()

    def check_key(self) -> None:
        """Block Generate while the chosen cloud provider has no key (read off the UI thread:
        a keyring may take seconds to answer)."""
        provider = self.composition.params.provider
        self._key_checked_for = provider
        caps = capabilities.get(provider)
        if caps.local:
            self.submit_bar.set_blocker(None)
            return

        def found(key: str | None) -> None:
            if self.composition.params.provider != provider:
                return  # the user switched again meanwhile
            if key:
                self.submit_bar.set_blocker(None)
            else:
                advice = advise(MissingKeyError, provider=caps.name)
                self.submit_bar.set_blocker(advice.text, open_settings=advice.open_settings)

        self.worker.submit(self.secrets.get, provider, on_done=found)

    def _switch_provider(self, provider_id: str) -> None:
        """A provider picked from the list of every provider's price."""
        self.composition.params = switch_model(
            self.composition.params, capabilities.get(provider_id)
        )

    def show_reference(self, ref_id: str) -> None:
        try:
            row = self.tray_model.row_of(ref_id)
        except KeyError:
            return
        self.tray.view.setCurrentIndex(self.tray_model.index(row))
        self.tray.view.setFocus()

    def play(self, path: str) -> None:
        self.player.play(path)

    def spawn(self, coro: Coroutine[object, object, object]) -> asyncio.Task[object]:
        """Run a coroutine on the loop, keeping a reference so it is not collected."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def submit(self) -> asyncio.Task[object] | None:
        """Generate (the button or Ctrl+Enter), unless something blocks it or a Generate is
        already on its way (a double-click or a second Ctrl+Enter must not pay twice)."""
        if self._sending:
            return None
        # The verdict Generate follows is read afresh, never a cached one (the live checks
        # keep the references' findings while only the prompt changes).
        self.checks.recompute(fresh=True)
        blocked = self.submit_bar.blocked_reason()
        if blocked is not None:
            # Ctrl+Enter on a blocked composition: say why, and open where it is fixed.
            reason, in_settings = blocked
            self._status(_("Cannot generate: {reason}").format(reason=reason))
            if in_settings:
                self.open_settings()
            return None
        if self._confirm_variants():
            return None
        return self._send(allow_over_budget=False)

    def _confirm_variants(self) -> bool:
        """Many variants at once, or several where no price is published: ask first (the
        same rule as the CLI's --yes); True while the question is open."""
        from seedance_studio.jobs.provider_policy import confirmation_text, needs_confirmation

        params = self.composition.params
        variants = max(params.variants, 1)
        estimate = self.checks.estimate
        total = estimate.worst_case if estimate is not None else None
        if not needs_confirmation(params.provider, variants, total):
            return False
        name = capabilities.get(params.provider).name
        box = QMessageBox(
            QMessageBox.Icon.Question,
            _("Generate several?"),
            _("{what}.\n\nSend them?").format(what=confirmation_text(name, variants, total)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(result: int) -> None:
            self.confirm_box = None
            if result == QMessageBox.StandardButton.Yes and not self._sending:
                self._send(allow_over_budget=False)

        box.finished.connect(answered)
        self.confirm_box = box
        box.open()
        return True

    def _send(self, *, allow_over_budget: bool) -> asyncio.Task[object]:
        # Busy now, before the task first runs: presses queued behind this one see it.
        self._sending = True
        self._send_seq += 1
        self.submit_bar.set_busy(True)
        return self.spawn(self._submit(allow_over_budget=allow_over_budget))

    def _on_job_changed(self, job_id: int) -> None:
        if job_id not in self._sending_ids and job_id not in self._watched:
            return
        job = self.bridge.job(job_id)
        if job_id in self._watched and (job is None or job.state is not JobState.SUBMITTING):
            self._watched.discard(job_id)
            if job is not None and job.state is JobState.FAILED:
                self._tell_failure(job)
            elif job is not None and job.state is JobState.SUBMIT_UNKNOWN:
                self._tell_unknown(job)
        if job_id not in self._sending_ids:
            return
        if job is None or job.state is not JobState.SUBMITTING:
            self._sending_ids.discard(job_id)
            if not self._sending_ids:
                self._done_sending()

    def _tell_failure(self, job: JobRecord) -> None:
        """A job sent from here failed before it was created: say why where the user looks,
        with the fix (the composition stays as it was; the job keeps Retry)."""
        advice = job_advice(job)
        text = f"Job #{job.id} failed: {advice.text}"
        self.submit_bar.show_notice(text, open_settings=advice.open_settings)
        self._status(text)

    def _tell_unknown(self, job: JobRecord) -> None:
        """A create whose outcome is unknown (an HTTP 500 after the request was read, a lost
        answer): it may exist and be charged, so it is never sent again by itself; say so
        and where it is settled."""
        advice = advise(SubmissionUnknownError, provider=provider_name(job.provider))
        detail = f" ({job.message})" if job.message else ""
        text = _(
            "Job #{job_id} may have been created{detail}. {advice}: Check again or "
            "Submit anyway in the jobs list"
        ).format(job_id=job.id, detail=detail, advice=advice.text)
        self.submit_bar.show_notice(text)
        self._status(text)

    def _release_sending(self, seq: int) -> None:
        if seq == self._send_seq and self._sending_ids and not self._closing:
            self._sending_ids.clear()
            self._done_sending()

    def _done_sending(self) -> None:
        self._sending = False
        self.submit_bar.set_busy(False)

    async def _submit(self, *, allow_over_budget: bool) -> list[int]:
        snapshot = self.composition.snapshot()
        ids: list[int] = []
        try:
            ids = await self.bridge.submit(
                snapshot, self.checks.estimate, allow_over_budget=allow_over_budget
            )
        except BudgetExceeded as exc:
            self._confirm_over_budget(exc)
            return []
        except SeedanceError as exc:
            advice = advise(exc, provider=capabilities.get(snapshot.params.provider).name)
            self.submit_bar.show_notice(
                _("Not submitted: {advice_text}").format(advice_text=advice.text),
                open_settings=advice.open_settings,
            )
            self._status(_("Not submitted: {advice_text}").format(advice_text=advice.text))
            return []
        except Exception as exc:  # e.g. the job store on a full or locked disk: say so
            log.exception("submit failed unexpectedly")
            self.submit_bar.show_notice(_("Not submitted: {exc}").format(exc=exc))
            self._status(_("Not submitted: {exc}").format(exc=exc))
            return []
        finally:
            # Busy until the uploads and the create are answered (job_changed says when).
            self._sending_ids = {
                i
                for i in ids
                if (job := self.bridge.job(i)) is not None and job.state is JobState.SUBMITTING
            }
            if not self._sending_ids:
                self._done_sending()
            else:  # a long upload or a queue gate must not lock Generate: the queue shows it
                seq = self._send_seq
                QTimer.singleShot(int(SENDING_HOLD_S * 1000), lambda: self._release_sending(seq))
        self.submit_bar.clear_notice()
        self._watched.update(ids)
        for job_id in ids:  # a create refused at once may have failed already
            self._on_job_changed(job_id)
        if not self.submit_bar.notice.isVisible():
            self._status(
                _("Sent to {name}: job{value} {value2}").format(
                    name=capabilities.get(snapshot.params.provider).name,
                    value="s" if len(ids) != 1 else "",
                    value2=", ".join(f"#{i}" for i in ids),
                )
            )
        self.project.jobs_sent(ids)
        self.submitted.emit(ids)
        return ids

    def _confirm_over_budget(self, exc: BudgetExceeded) -> None:
        """Ask with open() (never exec() inside a coroutine); submit again on Yes."""
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("Over budget"),
            _("This would go over your daily budget: {exc}.\n\nSubmit anyway?").format(exc=exc),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(result: int) -> None:
            self.confirm_box = None
            if result == QMessageBox.StandardButton.Yes and not self._sending:
                self._send(allow_over_budget=True)

        box.finished.connect(answered)
        self.confirm_box = box
        box.open()

    def open_settings(self) -> SettingsDialog:
        if self.settings_dialog is not None:
            self.settings_dialog.raise_()
            return self.settings_dialog
        dialog = SettingsDialog(self.settings, self.secrets, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self.settings_saved)
        dialog.finished.connect(lambda _r: setattr(self, "settings_dialog", None))
        self.settings_dialog = dialog
        dialog.open()
        return dialog

    def settings_saved(self) -> None:
        """The dialog changed the one Settings in place (the engine and the checks follow
        its events); keys are not settings, so the chosen provider's key is looked up again."""
        self._key_checked_for = ""
        self.check_key()
        self._status(_("Settings saved"))

    # -- closing -----------------------------------------------------------------------------

    def quit_for_system(self) -> None:
        """SIGTERM, SIGINT or a logout: close without questions (the autosave keeps the
        unsaved changes and the next start offers them)."""
        self._system_quit = True
        self.close()

    def _close_answered(self, discard: bool) -> None:
        self._discard = discard
        self._system_quit = True  # answered: do not ask again
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closing and not self._system_quit and self.project.needs_asking():
            event.ignore()
            self.project.ask_before_close(self._close_answered)
            return
        if not self._closing:
            self._closing = True
            save_window(self._ui_state, self, self.splitters)
            with contextlib.suppress(OSError):
                save_settings(self.settings)
            self.project.finish(discard=self._discard)
            self.project.detach()
            self.library.detach()
            self.player.shutdown()
            self.review.shutdown()
            self.sequence.shutdown()
            self.jobs.shutdown()
            for task in list(self._tasks):
                task.cancel()
            self.conform.stop()
            self.worker.shutdown()
            self.prompt.detach()
            self.params.detach()
            self.checks.detach()
            self.tray_model.disconnect_tray()
            self.closed.emit()
        super().closeEvent(event)
