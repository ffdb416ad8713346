"""Crash-safe autosave: the current composition written atomically soon after every change,
and a session marker that tells the next start whether the app ended normally.

What the next start does is one pure decision (`plan_start`) over three facts: was the last
session ended cleanly, what does the autosave hold (and for which project), and is the
project file older than the autosave.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from seedance_studio.core import paths
from seedance_studio.core.composition import CompositionState
from seedance_studio.core.i18n import _
from seedance_studio.core.processes import pid_alive
from seedance_studio.core.redact import redact
from seedance_studio.projects.atomic import atomic_write_text
from seedance_studio.projects.digest import DIGESTS
from seedance_studio.projects.project_file import (
    ProjectFile,
    SequenceEncoder,
    decode_composition,
    encode_state,
    parse_project,
)

AUTOSAVE_FILE = "autosave.seedance"
SESSION_FILE = "session.json"
AUTOSAVE_FORMAT = "seedance-studio-autosave"
AUTOSAVE_DELAY_S = 1.0
"""A change is on disk within this plus the write (the promise is two seconds)."""


def autosave_dir() -> Path:
    return paths.data_dir()


@dataclass(frozen=True)
class Autosave:
    project: ProjectFile
    """The composition (absolute paths: it belongs to no folder)."""
    project_path: Path | None
    """The project it is a newer copy of; None for an untitled composition."""
    saved_at: float
    modified: bool
    """Whether it holds changes its project file does not (always True for untitled work
    that was edited)."""

    def state(self) -> CompositionState:
        return decode_composition(self.project.composition, None)[0]


def autosave_text(
    state: CompositionState,
    *,
    project_path: Path | None,
    note: str,
    modified: bool,
    saved_at: float | None = None,
    sequence: SequenceEncoder | None = None,
) -> str:
    """The autosave as written: never reads a media file (hashes only if already known)."""
    composition = encode_state(state, None, digest=DIGESTS.cached)
    saved_sequence = sequence(None, DIGESTS.cached) if sequence is not None else None
    project = ProjectFile(note=redact(note), composition=composition, sequence=saved_sequence)
    return redact(
        json.dumps(
            {
                "format": AUTOSAVE_FORMAT,
                "version": 1,
                "saved_at": time.time() if saved_at is None else saved_at,
                "project_path": None if project_path is None else str(project_path),
                "modified": modified,
                "project": project.model_dump(mode="json", exclude_none=True),
            },
            indent=1,
            ensure_ascii=False,
        )
    )


def read_autosave(folder: Path | None = None) -> Autosave | None:
    """The autosave, or None; one that cannot be read is set aside, never blocks the start."""
    path = (folder or autosave_dir()) / AUTOSAVE_FILE
    try:
        raw = json.loads(path.read_text("utf-8"))
        if raw.get("format") != AUTOSAVE_FORMAT:
            raise ValueError("not an autosave")
        project = parse_project(json.dumps(raw["project"]))
        decode_composition(project.composition, None)
        where = raw.get("project_path")
        return Autosave(
            project,
            Path(where) if where else None,
            float(raw["saved_at"]),
            bool(raw.get("modified", True)),
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        with contextlib.suppress(OSError):
            path.replace(path.with_suffix(".broken.json"))
        return None


class Autosaver:
    """Writes autosaves in order on one background thread; the newest always wins."""

    def __init__(self, folder: Path | None = None) -> None:
        self.path = (folder or autosave_dir()) / AUTOSAVE_FILE
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="autosave")
        self._lock = threading.Lock()
        self._issued = 0
        self._written = 0
        self.last_error: OSError | None = None
        self.writes = 0

    def save_async(self, text: str) -> Future[None]:
        with self._lock:
            self._issued += 1
            seq = self._issued
        return self._executor.submit(self._write, seq, text)

    def save_now(self, text: str) -> None:
        """Write on this thread (closing, a signal): later than anything still queued."""
        with self._lock:
            self._issued += 1
            seq = self._issued
        self._write(seq, text)

    def discard(self) -> None:
        """The user chose to throw the work away: the next start must not bring it back."""
        with self._lock:
            self._issued += 1
            self._written = self._issued
            with contextlib.suppress(OSError):
                self.path.unlink()

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _write(self, seq: int, text: str) -> None:
        with self._lock:
            if seq < self._written:
                return  # a newer autosave is already on disk
            try:
                atomic_write_text(self.path, text)
            except OSError as exc:
                self.last_error = exc
                return
            self._written = seq
            self.last_error = None
            self.writes += 1


# -- the session marker ------------------------------------------------------------------------


@dataclass(frozen=True)
class PreviousSession:
    unclean: bool
    """The app did not end normally (killed, crashed, power lost)."""
    project_path: Path | None


def _pid_alive(pid: int) -> bool:
    """Another process that is still running (this one never counts: it is starting)."""
    return 0 < pid != os.getpid() and pid_alive(pid)


class SessionMarker:
    """`session.json`: written as "running" at start, "ended" on a normal exit."""

    def __init__(self, folder: Path | None = None) -> None:
        self.path = (folder or autosave_dir()) / SESSION_FILE

    def read(self) -> PreviousSession:
        try:
            raw = json.loads(self.path.read_text("utf-8"))
            running = not bool(raw.get("clean", False))
            unclean = running and not _pid_alive(int(raw.get("pid", 0)))
            where = raw.get("project_path")
            return PreviousSession(unclean, Path(where) if where else None)
        except (OSError, ValueError, TypeError, AttributeError):
            return PreviousSession(False, None)

    def write(self, *, clean: bool, project_path: Path | None) -> None:
        with contextlib.suppress(OSError):
            atomic_write_text(
                self.path,
                json.dumps(
                    {
                        "pid": os.getpid(),
                        "clean": clean,
                        "at": time.time(),
                        "project_path": None if project_path is None else str(project_path),
                    }
                ),
            )


# -- what the next start does ----------------------------------------------------------------


class StartKind(Enum):
    FRESH = "fresh"
    """Nothing to restore: an empty composition."""
    DRAFT = "draft"
    """The untitled composition kept from last time (no message)."""
    RESTORED = "restored"
    """Unsaved work brought back from the autosave."""
    PROJECT = "project"
    """The last project, opened from its file."""
    OFFER_BOTH = "offer-both"
    """The autosave holds newer changes than the project file: the user chooses."""


@dataclass(frozen=True)
class StartPlan:
    kind: StartKind
    autosave: Autosave | None = None
    project_path: Path | None = None
    notice: str | None = None
    """Said once, in the status bar, at this start only."""


def _when(epoch: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(epoch))


def plan_start(previous: PreviousSession, autosave: Autosave | None) -> StartPlan:
    """What to open, and what to say, given how the last session ended."""
    crashed = _("Seedance Studio did not close normally last time")
    if autosave is not None and autosave.modified:
        where = autosave.project_path
        if where is None:
            notice = (
                _("{lead}: your unsaved work from {time} was restored").format(
                    lead=crashed, time=_when(autosave.saved_at)
                )
                if previous.unclean
                else None
            )
            return StartPlan(
                StartKind.RESTORED if previous.unclean else StartKind.DRAFT, autosave, None, notice
            )
        try:
            file_time: float | None = where.stat().st_mtime
        except OSError:
            file_time = None
        if file_time is None:
            return StartPlan(
                StartKind.RESTORED,
                autosave,
                where,
                _("{name} is no longer there: its autosaved copy from {time} was restored").format(
                    name=where.name, time=_when(autosave.saved_at)
                ),
            )
        if file_time < autosave.saved_at:
            lead = crashed if previous.unclean else _("Seedance Studio was closed by the system")
            return StartPlan(
                StartKind.OFFER_BOTH,
                autosave,
                where,
                _(
                    "{lead}: the autosave of {name} ({time}) is newer than the file ({file_time})"
                ).format(
                    lead=lead,
                    name=where.name,
                    time=_when(autosave.saved_at),
                    file_time=_when(file_time),
                ),
            )
    project = previous.project_path or (autosave.project_path if autosave else None)
    if project is not None and project.is_file():
        notice = (
            _("{lead}: {name} was opened as last saved").format(lead=crashed, name=project.name)
            if previous.unclean
            else None
        )
        return StartPlan(StartKind.PROJECT, autosave, project, notice)
    if autosave is not None and autosave.project_path is None:
        return StartPlan(StartKind.DRAFT, autosave)
    return StartPlan(StartKind.FRESH)
