"""The studio window: the composing half (tray, prompt, parameters, checks, Generate) beside the
preview and above the job queue. It wires widgets to the models; it holds no rules."""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QSettings, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
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
from seedance_studio.core.errors import MissingKeyError
from seedance_studio.core.i18n import _
from seedance_studio.core.params import GenerationParams, switch_model
from seedance_studio.core.settings import Settings, save_settings
from seedance_studio.projects.session import ProjectSession
from seedance_studio.providers.keys import SecretStore
from seedance_studio.ui.compose_checks import ComposeChecks
from seedance_studio.ui.conform_actions import ConformActions
from seedance_studio.ui.engine_bridge import EngineBridge
from seedance_studio.ui.generate_controller import GenerateController
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

WINDOW_TITLE = "Seedance Studio"


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
        self._closing = False
        self._system_quit = False
        """Closing because of a signal or a logout: nobody is there to answer a question."""
        self._discard = False
        self.ready = False
        self._key_checked_for = ""
        self.settings_dialog: SettingsDialog | None = None
        self.composition = composition or Composition(initial_params(settings))
        self.setWindowIcon(app_icon())

        comp = self.composition
        self.worker = Worker(max_workers=2, parent=self)
        # Thumbnails decode below the UI thread; probing (a drop waits on it) does not.
        self.thumbnail_worker = Worker(max_workers=2, parent=self, background=True)
        self.thumbnails = ThumbnailCache(self.thumbnail_worker, self)
        self.tray_model = TrayModel(comp.tray, self.thumbnails, self)
        self.ingest = ReferenceIngest(comp.tray, self.worker, self)
        self.tray = TrayWidget(self.tray_model, self.ingest)
        self.prompt = PromptPanel(comp, self.thumbnails)
        self.params = ParamsPanel(comp)
        self.checks = ComposeChecks(comp, self.settings, allow_loopback=simulator, parent=self)
        self.problems = ProblemsPanel(self.checks)
        self.submit_bar = SubmitBar(self.checks)
        self.generate = GenerateController(
            self,
            comp,
            bridge,
            self.checks,
            self.submit_bar,
            status=self._status,
            open_settings=self.open_settings,
            sent=self._sent,
        )
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
        self.generate_action.triggered.connect(self.generate.submit)
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
        self.submit_bar.submit_requested.connect(self.generate.submit)
        self.submit_bar.settings_requested.connect(self.open_settings)
        self.jobs.play_requested.connect(self.play)
        self.review.message.connect(self._status)
        self.review.expand_toggled.connect(lambda on: self.top_splitter.setVisible(not on))
        self.review.sent.connect(lambda result: self.project.jobs_sent(result.job_ids))
        self.quotes.provider_chosen.connect(self._switch_provider)
        self.bridge.error.connect(self._status)
        self.bridge.job_changed.connect(self.generate.on_job_changed)
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

    def _sent(self, job_ids: list[int]) -> None:
        """A Generate went through: the project remembers its jobs, then listeners hear."""
        self.project.jobs_sent(job_ids)
        self.submitted.emit(job_ids)

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
            self.generate.shutdown()
            self.conform.stop()
            self.worker.shutdown()
            self.thumbnail_worker.shutdown()
            self.prompt.detach()
            self.params.detach()
            self.checks.detach()
            self.tray_model.disconnect_tray()
            self.closed.emit()
        super().closeEvent(event)
