"""The durable job store: one SQLite file (WAL) shared by every process of the app.

Why SQLite: the CLI and the GUI may run at the same time, a kill -9 may land anywhere, and a
paid job must survive both. Every write is one short transaction; `busy_timeout` makes a
second process wait instead of failing; a lease (owner + expiry) on each row keeps two
runners from polling or downloading the same job at once. A lease whose owner process is
gone (same host, pid no longer alive) can be taken over at once, so `seedance resume` right
after a crash does not wait for the expiry.

A row is inserted *before* its create request is sent (state "submitting"); the provider's
job id is written the moment create returns. Every state change appends an event with the
raw provider answer, passed through the key redactor first.

This module is the connection and the writes (compare-and-set moves of jobs/transitions.py,
leases); the queries are in jobs/store_queries.py, the records in jobs/records.py, the schema
in jobs/store_schema.py, who owns a lease in jobs/owners.py.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Unpack

from seedance_studio.core import paths
from seedance_studio.core.i18n import _
from seedance_studio.core.redact import redact
from seedance_studio.jobs.owners import new_owner_id, owner_is_dead
from seedance_studio.jobs.records import (
    _COLUMNS,
    _JSON_COLUMNS,
    _REDACTED_TEXT,
    _TEXT_DECIMALS,
    JobEvent,
    JobFields,
    JobRecord,
    NewJob,
    dumps,
)
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store_errors import NewerStoreError
from seedance_studio.jobs.store_queries import JobQueries
from seedance_studio.jobs.store_schema import MIGRATIONS, SCHEMA_VERSION
from seedance_studio.jobs.transitions import TABLE, Event

__all__ = [
    "DEFAULT_LEASE_S",
    "SCHEMA_VERSION",
    "JobEvent",
    "JobFields",
    "JobRecord",
    "JobStore",
    "NewJob",
    "default_db_path",
    "dumps",
    "new_owner_id",
]

DB_NAME = "jobs.sqlite3"
log = logging.getLogger(__name__)
BUSY_TIMEOUT_MS = 15_000
DEFAULT_LEASE_S = 30.0


def default_db_path() -> Path:
    return paths.data_dir() / DB_NAME


class JobStore(JobQueries):
    """Jobs and their events in SQLite; safe for several processes at once."""

    def __init__(self, path: Path | None = None, *, clock: Callable[[], float] = time.time) -> None:
        self.path = path or default_db_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._clock = clock
        self._db = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
        self._db.row_factory = sqlite3.Row
        self._db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._migrate()

    # -- plumbing ---------------------------------------------------------------------------

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> JobStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One short write transaction, taken IMMEDIATE so readers never block a writer."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _migrate(self) -> None:
        with self._tx() as db:
            db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = db.execute("SELECT version FROM schema_version").fetchone()
            current = int(row[0]) if row else 0
            if current > SCHEMA_VERSION:
                raise NewerStoreError(self.path, current, SCHEMA_VERSION)
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[version].split(";"):
                    if statement.strip():
                        db.execute(statement)
            if row is None:
                db.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
            else:
                db.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION,))

    @staticmethod
    def _encode(name: str, value: object) -> object:
        if name not in _COLUMNS:
            raise KeyError(f"no job column {name!r}")
        if value is None:
            return None
        if name in _JSON_COLUMNS:
            return redact(dumps(value))
        if name in _TEXT_DECIMALS:
            return str(value)
        if name == "state":
            return JobState(str(value)).value
        if name in _REDACTED_TEXT:
            return redact(str(value))
        return value

    # -- writes -----------------------------------------------------------------------------

    def insert_jobs(
        self, jobs: Sequence[NewJob], *, owner: str | None = None, lease_s: float = DEFAULT_LEASE_S
    ) -> list[int]:
        """Insert rows (leased to `owner`, so no other runner touches them mid-create)."""
        now = self.now()
        ids: list[int] = []
        with self._tx() as db:
            for job in jobs:
                params = job.snapshot.params
                cur = db.execute(
                    "INSERT INTO jobs (group_id, variant, batch, retry_of, state, provider, "
                    "model, snapshot, params, estimate, estimated_usd, created_at, updated_at, "
                    "lease_owner, lease_until) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        job.group_id,
                        job.variant,
                        job.batch,
                        job.retry_of,
                        JobState.SUBMITTING.value,
                        params.provider,
                        params.model,
                        dumps(job.snapshot.model_dump(mode="json")),
                        dumps(params.model_dump(mode="json")),
                        dumps(job.estimate.to_json()) if job.estimate is not None else None,
                        str(job.estimated_usd) if job.estimated_usd is not None else None,
                        now,
                        now,
                        owner,
                        now + lease_s if owner else None,
                    ),
                )
                job_id = int(cur.lastrowid or 0)
                ids.append(job_id)
                db.execute(
                    "INSERT INTO events (job_id, at, state, message, raw) VALUES (?,?,?,?,?)",
                    (job_id, now, JobState.SUBMITTING.value, _("created"), None),
                )
                log.info(
                    "job %s: created (%s, %s)",
                    job_id,
                    JobState.SUBMITTING.value,
                    job.snapshot.params.provider,
                )
        return ids

    def update(
        self,
        job_id: int,
        *,
        expect: Iterable[JobState] | None = None,
        event: str | None = None,
        raw: object = None,
        **fields: Unpack[JobFields],
    ) -> bool:
        """Set `fields` (never the state: see `move`); when `expect` is given, only if the
        row is in one of those states. An explicit `event` appends a history entry with
        `raw`, redacted. False when the row was not in an expected state."""
        if "state" in fields:
            raise TypeError("a job's state changes only by JobStore.move (jobs/transitions.py)")
        states = None if expect is None else [JobState(s) for s in expect]
        return self._write(job_id, None, states, event, raw, dict(fields))

    def move(
        self,
        job_id: int,
        event: Event,
        *,
        note: str | None = None,
        raw: object = None,
        **fields: Unpack[JobFields],
    ) -> bool:
        """Apply the transition `event` (jobs/transitions.py) with `fields`: compare-and-set,
        so only a row still in one of the event's source states moves. Appends an event with
        `raw` (redacted). False when the row is in no source state (another process, or an
        earlier step, moved it): nothing is written then."""
        move = TABLE[event]
        sets: dict[str, Any] = dict(move.sets)
        now = self.now()
        sets.update(dict.fromkeys(move.stamps, now))
        sets.update(fields)
        sets["state"] = move.target
        label = note or fields.get("message") or event.value
        return self._write(job_id, move.target, sorted(move.sources), label, raw, sets)

    def _write(
        self,
        job_id: int,
        target: JobState | None,
        expect: list[JobState] | None,
        event: str | None,
        raw: object,
        fields: dict[str, Any],
    ) -> bool:
        now = self.now()
        if "message" in fields:
            # A new message without a kind must not inherit the old message's kind.
            fields.setdefault("message_kind", None)
        sets = {name: self._encode(name, value) for name, value in fields.items()}
        sets["updated_at"] = now
        assignments = ", ".join(f"{name} = ?" for name in sets)
        sql = f"UPDATE jobs SET {assignments} WHERE id = ?"
        args: list[object] = [*sets.values(), job_id]
        if expect is not None:
            wanted = [s.value for s in expect]
            sql += f" AND state IN ({','.join('?' * len(wanted))})"
            args += wanted
        with self._tx() as db:
            before = db.execute("SELECT state FROM jobs WHERE id = ?", (job_id,)).fetchone()
            if before is None:
                raise KeyError(job_id)
            changed = db.execute(sql, args).rowcount == 1
            if changed and (
                (target is not None and target.value != before["state"]) or event is not None
            ):
                state = target.value if target is not None else before["state"]
                log.info(
                    "job %s: %s -> %s%s",
                    job_id,
                    before["state"],
                    state,
                    f" ({event})" if event else "",
                )
                db.execute(
                    "INSERT INTO events (job_id, at, state, message, raw) VALUES (?,?,?,?,?)",
                    (
                        job_id,
                        now,
                        state,
                        redact(str(event)) if event else None,
                        redact(dumps(raw)) if raw is not None else None,
                    ),
                )
        return changed

    def set_project(self, job_ids: Iterable[int], project: str | None) -> None:
        """Remember the project file the jobs were sent from."""
        ids = list(job_ids)
        if not ids:
            return
        with self._tx() as db:
            db.executemany("UPDATE jobs SET project = ? WHERE id = ?", [(project, i) for i in ids])

    def claim(self, job_id: int, owner: str, lease_s: float = DEFAULT_LEASE_S) -> bool:
        """Take (or renew) the lease on a job; False while another live runner holds it."""
        now = self.now()
        with self._tx() as db:
            row = db.execute(
                "SELECT lease_owner, lease_until FROM jobs WHERE id = ?", (job_id,)
            ).fetchone()
            if row is None:
                raise KeyError(job_id)
            holder, until = row["lease_owner"], row["lease_until"]
            free = (
                holder is None
                or holder == owner
                or until is None
                or until < now
                or owner_is_dead(holder)
            )
            if not free:
                return False
            db.execute(
                "UPDATE jobs SET lease_owner = ?, lease_until = ? WHERE id = ?",
                (owner, now + lease_s, job_id),
            )
        return True

    def release(self, job_id: int, owner: str) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE jobs SET lease_owner = NULL, lease_until = NULL "
                "WHERE id = ? AND lease_owner = ?",
                (job_id, owner),
            )

    def release_all(self, owner: str) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE jobs SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?",
                (owner,),
            )

    def lease_is_free(self, job: JobRecord, owner: str) -> bool:
        """Whether `owner` could claim `job` now (same rule as `claim`, without taking it)."""
        holder = job.lease_owner
        return (
            holder is None
            or holder == owner
            or job.lease_until is None
            or job.lease_until < self.now()
            or owner_is_dead(holder)
        )
