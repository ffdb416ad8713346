"""Database and disk failures of the job store in one line, with the path and what to do.

Why: "unexpected error: OperationalError: database is locked" said neither which file nor
what to do; a full disk printed three chained tracebacks.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

from seedance_studio.core.errors import SeedanceError
from seedance_studio.core.i18n import _


class NewerStoreError(SeedanceError):
    """The job database was written by a newer version of the app."""

    def __init__(self, path: Path, found: int, known: int) -> None:
        super().__init__(
            _(
                "{path} was written by a newer Seedance Studio (job database version {found}; "
                "this one reads up to {known}): update the app, or point {variable} at "
                "another folder"
            ).format(path=path, found=found, known=known, variable="SEEDANCE_STUDIO_HOME")
        )
        self.path = path


def _free_text(path: Path) -> str:
    try:
        free = shutil.disk_usage(path.parent if path.parent.exists() else Path.home()).free
    except OSError:
        return _("free some space")
    return _("{free} MB are free; free at least 50 MB").format(free=f"{free / 1e6:.0f}")


def describe_store_error(exc: BaseException, path: Path) -> str | None:
    """One line for a database or disk failure of the store at `path`, or None."""
    text = str(exc).lower()
    if isinstance(exc, sqlite3.OperationalError | sqlite3.DatabaseError):
        if "locked" in text or "busy" in text:
            return _(
                "the job database {path} is locked: another seedance or Seedance Studio "
                "process is writing to it; wait for it or close it, then run again"
            ).format(path=path)
        if "full" in text:
            return _("the disk holding {path} is full: {free}, then run again").format(
                path=path, free=_free_text(path)
            )
        if "malformed" in text or "not a database" in text:
            return _(
                "the job database {path} is damaged: move it aside (your videos in the "
                "library are kept), then run again"
            ).format(path=path)
        if "readonly" in text or "unable to open" in text:
            return _(
                "the job database {path} cannot be written: check the folder's permissions"
            ).format(path=path)
        return _("the job database {path} failed: {error}").format(path=path, error=exc)
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        where = exc.filename or path
        return _("the disk holding {path} is full: {free}, then run again").format(
            path=where, free=_free_text(Path(str(where)))
        )
    return None
