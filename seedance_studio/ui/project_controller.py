"""The window's project: New, Open, Save, Save As, Recent, the title with its unsaved mark,
the question on close, and the autosave that survives a kill; relinking moved files is
ui/relink_controller.py's, offered when a project opens with some missing.

The decisions live in projects/ (ProjectSession, plan_start); this adapts them to dialogs,
timers and the status bar. Dialogs are opened with open(), never exec().
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QPushButton,
)

from seedance_studio.core.composition import Composition
from seedance_studio.core.errors import SeedanceError
from seedance_studio.core.i18n import _
from seedance_studio.core.params import GenerationParams
from seedance_studio.jobs.store import JobStore
from seedance_studio.projects.autosave import (
    AUTOSAVE_DELAY_S,
    Autosaver,
    PreviousSession,
    SessionMarker,
    StartKind,
    StartPlan,
    autosave_text,
    plan_start,
    read_autosave,
)
from seedance_studio.projects.project_file import (
    PROJECT_SUFFIX,
    ProjectFile,
    with_project_suffix,
)
from seedance_studio.projects.recent import add_recent, load_recent, remove_recent
from seedance_studio.projects.session import ProjectSession
from seedance_studio.ui.library_recorder import LibraryRecorder
from seedance_studio.ui.relink_controller import RelinkController
from seedance_studio.ui.workers import Worker

PROJECT_FILTER = _("Seedance Studio projects (*{PROJECT_SUFFIX});;All files (*)").format(
    PROJECT_SUFFIX=PROJECT_SUFFIX
)
APP_TITLE = "Seedance Studio"


class ProjectController(QObject):
    changed = Signal()
    """Name, unsaved mark, Undo/Redo names or the recent list changed (menus refresh)."""
    saved = Signal(str)
    """A save finished: the path written."""

    def __init__(
        self,
        window: QMainWindow,
        session: ProjectSession,
        worker: Worker,
        *,
        autosave: bool,
        default_params: Callable[[], GenerationParams],
        title_suffix: str = "",
    ) -> None:
        super().__init__(window)
        self.window = window
        self.session = session
        self.worker = worker
        self._default_params = default_params
        self._title_suffix = title_suffix
        self.box: QMessageBox | None = None
        """The question on screen (tests answer it)."""
        self.box_buttons: list[QPushButton] = []
        """Its buttons, in the order they were offered."""
        self.file_dialog: QFileDialog | None = None
        self.relink = RelinkController(
            window, session, question=self._question, status=self._status
        )
        """Finding moved files again (File ▸ Find Missing Files…, and on open)."""
        self._saving = False
        self._offer_pending = False
        self.library: LibraryRecorder | None = None
        """Told about saved projects and sent jobs ("used in")."""
        self.autosaver: Autosaver | None = Autosaver() if autosave else None
        self.marker: SessionMarker | None = SessionMarker() if autosave else None
        self._autosave_timer = QTimer(self)
        self._autosave_timer.setSingleShot(True)
        self._autosave_timer.setInterval(int(AUTOSAVE_DELAY_S * 1000))
        self._autosave_timer.timeout.connect(self.autosave)
        session.changed.connect(self._on_session_changed)
        session.composition.changed.connect(self._schedule_autosave)
        session.sequence.changed.connect(self._schedule_autosave)
        self._update_title()

    def detach(self) -> None:
        self.session.changed.disconnect(self._on_session_changed)
        self.session.composition.changed.disconnect(self._schedule_autosave)
        self.session.sequence.changed.disconnect(self._schedule_autosave)
        self.session.detach()

    # -- start-up ----------------------------------------------------------------------------

    def start(
        self,
        previous: PreviousSession | None = None,
        *,
        legacy_draft: Callable[[], Composition | None] | None = None,
    ) -> StartPlan:
        """Bring back what the last run left (autosave, draft or project) and mark this run
        as running; the notice, if any, is shown once."""
        assert self.marker is not None
        plan = plan_start(previous or self.marker.read(), read_autosave())
        autosave = plan.autosave
        if plan.kind is StartKind.FRESH and legacy_draft is not None:
            draft = legacy_draft()  # the file earlier versions kept between runs
            if draft is not None:
                self.session.adopt(draft.state(), path=None, note="", modified=False)
        if plan.kind in (StartKind.DRAFT, StartKind.RESTORED) and autosave is not None:
            self.session.adopt(
                autosave.state(),
                path=plan.project_path,
                note=autosave.project.note,
                modified=plan.kind is StartKind.RESTORED or autosave.modified,
                autosaved=autosave.project,
            )
        elif plan.kind is StartKind.PROJECT and plan.project_path is not None:
            self._open_path(plan.project_path, quiet=True)
        elif plan.kind is StartKind.OFFER_BOTH:
            # Until the user chooses, the autosave on disk is the newer work: keep it.
            self._offer_pending = True
            QTimer.singleShot(0, lambda: self._offer_both(plan))
        self.marker.write(clean=False, project_path=self.session.path)
        if plan.notice:
            self._status(plan.notice, 15000)
        return plan

    def _offer_both(self, plan: StartPlan) -> None:
        autosave, where = plan.autosave, plan.project_path
        assert autosave is not None and where is not None
        box, buttons = self._question(
            _("Restore unsaved changes?"),
            _(
                "{plan_notice}.\n\nRestore the autosaved changes, or open {where_name} as it was "
                "last saved?"
            ).format(plan_notice=plan.notice, where_name=where.name),
            [
                (_("Restore autosave"), QMessageBox.ButtonRole.AcceptRole),
                (_("Open saved file"), QMessageBox.ButtonRole.RejectRole),
            ],
        )

        def answered(_result: int) -> None:
            self._offer_pending = False
            if box.clickedButton() is buttons[0]:
                self.session.adopt(
                    autosave.state(),
                    path=where,
                    note=autosave.project.note,
                    modified=True,
                    autosaved=autosave.project,
                )
                self._status(
                    _("Restored the autosaved changes to {where_name}").format(
                        where_name=where.name
                    )
                )
            else:
                self._open_path(where)

        box.finished.connect(answered)
        box.open()

    # -- File menu ---------------------------------------------------------------------------

    def new_project(self) -> None:
        self._then_discard(
            lambda: self.session.new(self._default_params()), _("starting a new one")
        )

    def open_dialog(self) -> None:
        def chosen(path: str) -> None:
            self._then_discard(lambda: self._open_path(Path(path)), _("opening another"))

        self._file_dialog(_("Open project"), QFileDialog.AcceptMode.AcceptOpen, chosen)

    def open_recent(self, path: Path) -> None:
        self.open_project(path)

    def open_project(self, path: Path) -> None:
        """Open `path` (a recent file, or one a later start passed on), asking first about
        unsaved changes as File ▸ Open does."""
        if self.session.path is not None and self.session.path == path:
            return  # already the open project
        self._then_discard(lambda: self._open_path(path), _("opening another"))

    def recent(self) -> list[Path]:
        return load_recent()

    def save(self) -> bool:
        """Save where the project lives, or ask where (Save As) when it is untitled."""
        if self.session.path is None:
            self.save_as()
            return False
        self.save_to(self.session.path)
        return True

    def save_as(self) -> None:
        self._file_dialog(
            _("Save project as"), QFileDialog.AcceptMode.AcceptSave, lambda p: self.save_to(Path(p))
        )

    def save_to(self, path: Path, *, wait: bool = False) -> None:
        """Hash and write on a worker (a large video takes a moment); `wait` for closing."""
        target = with_project_suffix(path)
        state, position = self.session.composition.state(), self.session.history.position
        if wait:
            try:
                project = self.session.write(state, target)
            except (OSError, ValueError) as exc:
                self._failed_save(target, exc)
                return
            self._saved(target, project, position)
            return
        self._saving = True
        self.worker.submit(
            self.session.write,
            state,
            target,
            on_done=lambda project: self._saved(target, project, position),
            on_error=lambda exc: self._failed_save(target, exc),
        )

    def _saved(self, target: Path, project: ProjectFile, position: int) -> None:
        self._saving = False
        self.session.saved_as(target, project, position)
        add_recent(target)
        if self.library is not None:
            self.library.record_project()
        if self.marker is not None:
            self.marker.write(clean=False, project_path=target)
        self.autosave()
        self._status(_("Saved {name}").format(name=target.name))
        self.saved.emit(str(target))
        self.changed.emit()

    def _failed_save(self, target: Path, exc: BaseException) -> None:
        self._saving = False
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        self._status(
            _("Could not save {target_name}: {reason}; nothing was lost").format(
                target_name=target.name, reason=reason
            )
        )

    def _open_path(self, path: Path, *, quiet: bool = False) -> None:
        try:
            loaded = self.session.open(path)
        except SeedanceError as exc:
            self._status(_("Could not open {exc}").format(exc=exc))
            if not path.exists():
                remove_recent(path)
                self.changed.emit()
            return
        add_recent(loaded.path)
        if self.marker is not None:
            self.marker.write(clean=False, project_path=loaded.path)
        self.autosave()
        self.changed.emit()
        if loaded.missing:
            self.relink.offer(loaded.missing)
        elif not quiet:
            self._status(_("Opened {name}").format(name=loaded.path.name))

    # -- autosave ----------------------------------------------------------------------------

    def _schedule_autosave(self) -> None:
        # Not restarted by every keystroke: the first change starts the clock, so steady
        # typing is still on disk within AUTOSAVE_DELAY_S plus the write.
        if self.autosaver is not None and not self._autosave_timer.isActive():
            self._autosave_timer.start()

    def autosave_now_text(self) -> str:
        s = self.session
        return autosave_text(
            s.composition.state(),
            project_path=s.path,
            note=s.note,
            modified=s.modified,
            sequence=s.sequence_encoder(),
        )

    def autosave(self, *, wait: bool = False) -> None:
        if self.autosaver is not None and not self._offer_pending:
            self._autosave_timer.stop()
            text = self.autosave_now_text()
            if wait:
                with contextlib.suppress(OSError):
                    self.autosaver.save_now(text)
            else:
                self.autosaver.save_async(text)

    def finish(self, *, discard: bool = False) -> None:
        """The app is ending normally (or by a signal, a logout): write everything now."""
        self._autosave_timer.stop()
        self.relink.cancel()
        if self.autosaver is not None and not self._offer_pending:
            if discard:
                self.autosaver.discard()
            else:
                with contextlib.suppress(OSError):
                    self.autosaver.save_now(self.autosave_now_text())
        if self.autosaver is not None:
            self.autosaver.shutdown()
        if self.marker is not None:
            self.marker.write(clean=True, project_path=self.session.path)

    # -- closing -----------------------------------------------------------------------------

    def needs_asking(self) -> bool:
        """A saved project with unsaved changes (untitled work is kept for the next start)."""
        return self.session.path is not None and self.session.modified

    def ask_before_close(self, close: Callable[[bool], None]) -> None:
        """Save / Don't Save / Cancel; `close(discard)` runs unless the user cancels."""
        box, buttons = self._question(
            _("Unsaved changes"),
            _("Save the changes to {session_name} before closing?").format(
                session_name=self.session.name
            ),
            [
                (_("Save"), QMessageBox.ButtonRole.AcceptRole),
                (_("Don't Save"), QMessageBox.ButtonRole.DestructiveRole),
                (_("Cancel"), QMessageBox.ButtonRole.RejectRole),
            ],
        )

        def answered(_result: int) -> None:
            clicked = box.clickedButton()
            if clicked is buttons[0]:
                path = self.session.path
                assert path is not None
                self.save_to(path, wait=True)
                if not self.session.modified:
                    close(False)
            elif clicked is buttons[1]:
                close(True)

        box.finished.connect(answered)
        box.open()

    def _then_discard(self, action: Callable[[], None], doing: str) -> None:
        """Run `action`, asking first when it would drop unsaved changes."""
        s = self.session
        if not s.modified or s.is_empty():
            action()
            return
        box, buttons = self._question(
            _("Unsaved changes"),
            _("Save the changes to {s_name} before {doing}?").format(s_name=s.name, doing=doing),
            [
                (_("Save"), QMessageBox.ButtonRole.AcceptRole),
                (_("Don't Save"), QMessageBox.ButtonRole.DestructiveRole),
                (_("Cancel"), QMessageBox.ButtonRole.RejectRole),
            ],
        )

        def answered(_result: int) -> None:
            clicked = box.clickedButton()
            if clicked is buttons[0]:
                if s.path is None:
                    self.saved.connect(lambda _p: action(), Qt.ConnectionType.SingleShotConnection)
                    self.save_as()
                else:
                    self.save_to(s.path, wait=True)
                    if not s.modified:
                        action()
            elif clicked is buttons[1]:
                action()

        box.finished.connect(answered)
        box.open()

    # -- jobs --------------------------------------------------------------------------------

    def jobs_sent(self, job_ids: list[int]) -> None:
        """Jobs remember the project they came from (the library's "used in")."""
        if not job_ids:
            return
        path = self.session.path
        store = self._store()
        if path is not None and store is not None:
            with contextlib.suppress(Exception):  # a locked store must not fail a submit
                store.set_project(job_ids, str(path))
        if self.library is not None:
            self.library.record(
                list(self.session.composition.tray),
                project=str(path) if path else None,
                job_ids=job_ids,
            )

    def _store(self) -> JobStore | None:
        bridge = getattr(self.window, "bridge", None)
        return None if bridge is None or bridge.closed else bridge.store

    # -- helpers -----------------------------------------------------------------------------

    def _question(
        self, title: str, text: str, buttons: list[tuple[str, QMessageBox.ButtonRole]]
    ) -> tuple[QMessageBox, list[QPushButton]]:
        box = QMessageBox(
            QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, self.window
        )
        added = [box.addButton(label, role) for label, role in buttons]
        box.setDefaultButton(added[0])
        self.box_buttons = added
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _r: setattr(self, "box", None))
        self.box = box
        return box, added

    def _file_dialog(
        self, title: str, mode: QFileDialog.AcceptMode, chosen: Callable[[str], None]
    ) -> None:
        dialog = QFileDialog(self.window, title)
        dialog.setAcceptMode(mode)
        dialog.setNameFilter(PROJECT_FILTER)
        dialog.setDefaultSuffix(PROJECT_SUFFIX.lstrip("."))
        if mode is QFileDialog.AcceptMode.AcceptOpen:
            dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        current = self.session.path
        recent = self.recent()
        folder = current.parent if current else (recent[0].parent if recent else None)
        if folder is not None:
            dialog.setDirectory(str(folder))
        if mode is QFileDialog.AcceptMode.AcceptSave:
            dialog.selectFile(current.name if current else f"{self.session.name}{PROJECT_SUFFIX}")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(chosen)
        self.file_dialog = dialog
        dialog.open()

    def _status(self, text: str, timeout_ms: int = 8000) -> None:
        self.window.statusBar().showMessage(text, timeout_ms)

    def _on_session_changed(self) -> None:
        self._update_title()
        self._schedule_autosave()
        self.changed.emit()

    def _update_title(self) -> None:
        # The title ends with the app's name: Qt appends the display name to any that does not
        # ("… — Seedance Studio — Seedance Studio").
        self.window.setWindowTitle(f"{self.session.name}[*]{self._title_suffix} — {APP_TITLE}")
        self.window.setWindowModified(self.session.modified)
