"""Database and disk problems read as one line with the path and what to do."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest

from seedance_studio.cli.messages import message_for
from seedance_studio.jobs.store import SCHEMA_VERSION, JobStore, default_db_path
from tests.cli.conftest import Cli


def test_a_locked_database_names_the_file_and_who_holds_it(cli: Cli, tmp_path: Path) -> None:
    """Before: "unexpected error: OperationalError: database is locked" and a traceback."""
    JobStore().close()
    path = default_db_path()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    waiter = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with pytest.raises(sqlite3.OperationalError) as caught:
            waiter.execute("BEGIN IMMEDIATE")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        waiter.close()
    line = message_for(caught.value)
    assert line == (
        f"the job database {path} is locked: another seedance or Seedance Studio "
        f"process is writing to it; wait for it or close it, then run again"
    )


def test_a_full_disk_is_one_line_with_the_free_space(cli: Cli) -> None:
    """Before: three chained tracebacks."""
    full = OSError(errno.ENOSPC, "No space left on device", str(default_db_path()))
    try:
        try:
            raise full
        except OSError as exc:
            raise RuntimeError("could not write the sidecar") from exc
    except RuntimeError as outer:
        line = message_for(outer)
    assert line.startswith(f"the disk holding {default_db_path()} is full: ")
    assert "MB are free" in line and "\n" not in line


def test_a_database_from_a_newer_version_says_which_version(cli: Cli) -> None:
    JobStore().close()
    path = default_db_path()
    db = sqlite3.connect(path)
    db.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 3,))
    db.commit()
    db.close()
    result = cli("jobs")
    assert result.code == 1
    assert result.err.strip() == (
        f"seedance: {path} was written by a newer Seedance Studio (job database version "
        f"{SCHEMA_VERSION + 3}; this one reads up to {SCHEMA_VERSION}): update the app, or "
        f"point SEEDANCE_STUDIO_HOME at another folder"
    )
