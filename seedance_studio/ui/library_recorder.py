"""Feeds the reference library: every reference that enters the tray, every saved project
and every sent job is recorded (hashing on a worker thread of its own, so thumbnails and
probing never wait behind a large file)."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal

from seedance_studio.core.reference import Reference
from seedance_studio.projects.library import ReferenceLibrary
from seedance_studio.projects.session import ProjectSession
from seedance_studio.ui.workers import Worker


class LibraryRecorder(QObject):
    updated = Signal()
    """Something new was recorded (an open library panel searches again)."""

    def __init__(self, session: ProjectSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.worker = Worker(max_workers=1, parent=self, background=True)
        self._lock = threading.Lock()
        self._library: ReferenceLibrary | None = None
        self._seen: set[tuple[str, str]] = set()
        session.composition.tray.changed.connect(self._on_tray)

    def library(self) -> ReferenceLibrary:
        """Opened on first use, on whichever worker thread asks first."""
        with self._lock:
            if self._library is None:
                self._library = ReferenceLibrary()
            return self._library

    def detach(self) -> None:
        self.session.composition.tray.changed.disconnect(self._on_tray)
        self.worker.shutdown()

    def record(
        self, refs: list[Reference], *, project: str | None = None, job_ids: list[int] | None = None
    ) -> None:
        if not refs:
            return
        ids = list(job_ids or [])
        # From the next turn: the turn a drop lands on lays out and paints the new cards.
        self.worker.submit_soon(
            lambda: self.library().record(refs, project=project, job_ids=ids),
            on_done=lambda _keys: self.updated.emit(),
            on_error=lambda _exc: None,
        )  # the library is a convenience

    def record_project(self) -> None:
        path = self.session.path
        self.record(list(self.session.composition.tray), project=str(path) if path else None)

    def _on_tray(self) -> None:
        fresh = [r for r in self.session.composition.tray if (r.id, r.source) not in self._seen]
        self._seen.update((r.id, r.source) for r in fresh)
        path = self.session.path
        self.record(fresh, project=str(path) if path else None)
