"""Finding a project's moved files again: the offer when a project opens with files missing,
the folder to search, and the search itself on a worker thread with progress and Cancel.

The matching by content is projects/relink.py's; the session relinks what it finds. The
question is asked through the project controller's, so tests answer it in one place.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QProgressDialog, QPushButton

from seedance_studio.core.i18n import _, ngettext
from seedance_studio.projects.project_file import MissingFile
from seedance_studio.projects.relink import RelinkResult, find_by_hash
from seedance_studio.projects.session import ProjectSession
from seedance_studio.ui.workers import Worker

Question = Callable[
    [str, str, list[tuple[str, QMessageBox.ButtonRole]]], tuple[QMessageBox, list[QPushButton]]
]
"""(title, text, buttons with their roles) -> the box, opened by the caller, and its buttons."""


class RelinkController(QObject):
    finished = Signal(int, int)
    """(files found, files that were missing) after a search."""
    search_progress = Signal(int, int)
    """(files looked at, found) during a search (emitted from the search thread)."""

    def __init__(
        self,
        window: QMainWindow,
        session: ProjectSession,
        *,
        question: Question,
        status: Callable[[str], None],
    ) -> None:
        super().__init__(window)
        self.window = window
        self.session = session
        self._question = question
        self._status = status
        self.file_dialog: QFileDialog | None = None
        """The folder chooser on screen (tests pick in it)."""
        self.progress: QProgressDialog | None = None
        self._search_cancel: threading.Event | None = None
        self._search_worker: Worker | None = None

    def offer(self, missing: list[MissingFile]) -> None:
        n = len(missing)
        names = ", ".join(m.name for m in missing[:3]) + (" …" if n > 3 else "")
        self._status(
            ngettext("{n} file is missing: {names}", "{n} files are missing: {names}", n).format(
                n=n, names=names
            )
        )
        box, buttons = self._question(
            _("Files are missing"),
            ngettext(
                "{n} file of {session_name} is not where the project says ({names}).\n\n"
                "Search a folder (and every folder in it) for it by its content?",
                "{n} files of {session_name} are not where the project says ({names}).\n\n"
                "Search a folder (and every folder in it) for them by their content?",
                n,
            ).format(n=n, session_name=self.session.name, names=names),
            [
                (_("Find files…"), QMessageBox.ButtonRole.AcceptRole),
                (_("Later"), QMessageBox.ButtonRole.RejectRole),
            ],
        )

        def answered(_result: int) -> None:
            if box.clickedButton() is buttons[0]:
                self.choose_folder()

        box.finished.connect(answered)
        box.open()

    def choose_folder(self) -> None:
        dialog = QFileDialog(self.window, _("Where are the missing files?"))
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda folder: self.search(Path(folder)))
        self.file_dialog = dialog
        dialog.open()

    def search(self, folder: Path) -> None:
        """Search `folder` recursively on a worker thread, with progress and Cancel."""
        missing = self.session.find_missing()
        if not missing:
            self._status(_("No files are missing"))
            self.finished.emit(0, 0)
            return
        self.cancel()
        cancel = threading.Event()
        self._search_cancel = cancel
        progress = QProgressDialog(
            _("Looking for {len_missing} files in {folder}…").format(
                len_missing=len(missing), folder=folder
            ),
            _("Cancel"),
            0,
            0,
            self.window,
        )
        progress.setWindowTitle(_("Find missing files"))
        progress.setMinimumDuration(300)
        progress.canceled.connect(cancel.set)
        self.progress = progress
        self.search_progress.connect(self._show_search_progress)
        worker = self._search_worker or Worker(max_workers=1, parent=self)
        self._search_worker = worker

        def report(scanned: int, found: int) -> None:
            if scanned % 50 == 0 or found:
                self.search_progress.emit(scanned, found)

        def done(result: RelinkResult) -> None:
            self._close_progress()
            count = self.session.relink(result.new_sources(missing))
            still = len(self.session.missing)
            if result.cancelled:
                self._status(
                    _("Search cancelled: relinked {count} of {len_missing} files").format(
                        count=count, len_missing=len(missing)
                    )
                )
            elif still:
                self._status(
                    _("Relinked {count} of {len_missing} files; {still} still missing").format(
                        count=count, len_missing=len(missing), still=still
                    )
                )
            else:
                self._status(
                    _("Relinked {count} file{value}").format(
                        count=count, value="s" if count != 1 else ""
                    )
                )
            self.finished.emit(count, len(missing))

        def failed(exc: BaseException) -> None:
            self._close_progress()
            self._status(_("Could not search {folder}: {exc}").format(folder=folder, exc=exc))
            self.finished.emit(0, len(missing))

        def search() -> RelinkResult:
            return find_by_hash(folder, missing, progress=report, cancel=cancel)

        worker.submit(search, on_done=done, on_error=failed)

    def _show_search_progress(self, scanned: int, found: int) -> None:
        if self.progress is not None:
            self.progress.setLabelText(
                _("Looked at {scanned:,} files, found {found}").format(scanned=scanned, found=found)
            )

    def _close_progress(self) -> None:
        with contextlib.suppress(RuntimeError, TypeError):
            self.search_progress.disconnect(self._show_search_progress)
        if self.progress is not None:
            self.progress.reset()
            self.progress.deleteLater()
            self.progress = None
        self._search_cancel = None

    def cancel(self) -> None:
        if self._search_cancel is not None:
            self._search_cancel.set()
