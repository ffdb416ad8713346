"""The job store's queries: every read of the jobs and events tables. JobStore (jobs/store.py)
holds the connection, the writes and the leases, and inherits these, so one store object
answers both.

The reads take no transaction: WAL gives each statement a consistent snapshot while another
process writes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence

from seedance_studio.jobs import summary
from seedance_studio.jobs.records import JobEvent, JobRecord
from seedance_studio.jobs.states import REMOTE_ACTIVE_STATES, SETTLED_STATES, JobState
from seedance_studio.jobs.summary import JobSummary

MAX_CREATE_FLIGHT_S = 600.0
"""No create stays unanswered longer than this (HTTP time-outs end it well before)."""


class JobQueries:
    """The reads of JobStore, over the connection and clock its constructor sets."""

    _db: sqlite3.Connection
    _clock: Callable[[], float]

    def now(self) -> float:
        """The store's clock (a test's own where given), for stamps and time windows."""
        return self._clock()

    def get(self, job_id: int) -> JobRecord:
        row = self._db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise KeyError(job_id)
        return JobRecord.from_row(row)

    def find(self, job_id: int) -> JobRecord | None:
        try:
            return self.get(job_id)
        except KeyError:
            return None

    def project_of(self, job_id: int) -> str | None:
        row = self._db.execute("SELECT project FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return None if row is None else row[0]

    def jobs_of_project(self, project: str) -> list[int]:
        rows = self._db.execute(
            "SELECT id FROM jobs WHERE project = ? ORDER BY id", (project,)
        ).fetchall()
        return [int(r[0]) for r in rows]

    def list_jobs(
        self,
        *,
        states: Iterable[JobState] | None = None,
        provider: str | None = None,
        group_id: str | None = None,
        limit: int | None = None,
    ) -> list[JobRecord]:
        """Newest first."""
        sql = "SELECT * FROM jobs WHERE 1=1"
        args: list[object] = []
        if states is not None:
            wanted = [JobState(s).value for s in states]
            sql += f" AND state IN ({','.join('?' * len(wanted))})"
            args += wanted
        if provider is not None:
            sql += " AND provider = ?"
            args.append(provider)
        if group_id is not None:
            sql += " AND group_id = ?"
            args.append(group_id)
        sql += " ORDER BY id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        return [JobRecord.from_row(r) for r in self._db.execute(sql, args).fetchall()]

    def summaries(self, *, before_id: int | None = None, limit: int = 128) -> list[JobSummary]:
        """A page of the list, newest first: jobs older than `before_id`, display fields only
        (jobs/summary.py); paging by id keeps each page as cheap as the first."""
        sql = f"SELECT {summary.COLUMNS} FROM jobs"
        args: list[object] = []
        if before_id is not None:
            sql += " WHERE id < ?"
            args.append(before_id)
        sql += " ORDER BY id DESC LIMIT ?"
        args.append(limit)
        return [JobSummary.from_row(r) for r in self._db.execute(sql, args).fetchall()]

    def find_summary(self, job_id: int) -> JobSummary | None:
        return self.find_summaries([job_id]).get(job_id)

    def find_summaries(self, job_ids: Iterable[int]) -> dict[int, JobSummary]:
        """The display fields of each stored job in `job_ids` (absent ones left out): one
        query for the changes of a whole frame, in chunks under SQLite's variable limit."""
        ids = list(dict.fromkeys(job_ids))
        found: dict[int, JobSummary] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT {summary.COLUMNS} FROM jobs WHERE id IN ({marks})"
            for row in self._db.execute(sql, chunk).fetchall():
                job = JobSummary.from_row(row)
                found[job.id] = job
        return found

    def select_jobs(
        self,
        where: str,
        args: Sequence[object],
        *,
        order: str = "id DESC",
        limit: int = -1,
        offset: int = 0,
    ) -> list[JobRecord]:
        """One page of jobs matching a WHERE clause built by a query module (jobs/gallery)."""
        rows = self._db.execute(
            f"SELECT * FROM jobs WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
            [*args, limit, offset],
        ).fetchall()
        return [JobRecord.from_row(r) for r in rows]

    def select_ids(
        self, where: str, args: Sequence[object], *, order: str = "id DESC"
    ) -> list[int]:
        rows = self._db.execute(
            f"SELECT id FROM jobs WHERE {where} ORDER BY {order}", list(args)
        ).fetchall()
        return [int(r[0]) for r in rows]

    def count_jobs(self, where: str, args: Sequence[object]) -> int:
        row = self._db.execute(f"SELECT COUNT(*) FROM jobs WHERE {where}", list(args)).fetchone()
        return int(row[0])

    def unfinished(self) -> list[JobRecord]:
        """Every job the runner may still have work on, oldest first."""
        done = [s.value for s in SETTLED_STATES]
        rows = self._db.execute(
            f"SELECT * FROM jobs WHERE state NOT IN ({','.join('?' * len(done))}) ORDER BY id", done
        ).fetchall()
        return [JobRecord.from_row(r) for r in rows]

    def batch_jobs(self, batch: str) -> list[JobRecord]:
        rows = self._db.execute(
            "SELECT * FROM jobs WHERE batch = ? ORDER BY variant", (batch,)
        ).fetchall()
        return [JobRecord.from_row(r) for r in rows]

    def events(self, job_id: int) -> list[JobEvent]:
        rows = self._db.execute(
            "SELECT * FROM events WHERE job_id = ? ORDER BY id", (job_id,)
        ).fetchall()
        return [
            JobEvent(
                r["id"],
                r["job_id"],
                r["at"],
                r["state"],
                r["message"],
                json.loads(r["raw"]) if r["raw"] else None,
            )
            for r in rows
        ]

    def creates_since(self, provider: str, since: float) -> list[float]:
        """When the provider may have counted each create (one per batch) after `since`.

        The server counts a create when it arrives, somewhere between our send and its
        answer. The latest possible moment keeps our window at least as long as the server's:
        the answer time once there is one, "now" while the create is still in flight, and the
        send time for a create that never got an answer.
        """
        now = self.now()
        rows = self._db.execute(
            "SELECT MIN(CASE WHEN submitted_at IS NOT NULL THEN submitted_at "
            "WHEN state = 'submitting' THEN ? ELSE create_sent_at END) AS counted "
            "FROM jobs WHERE provider = ? AND create_sent_at >= ? "
            "GROUP BY batch, attempt HAVING counted >= ?",
            (now, provider, since - MAX_CREATE_FLIGHT_S, since),
        ).fetchall()
        return sorted(float(r[0]) for r in rows)

    def changed_since(self, since: float) -> list[tuple[int, float]]:
        """(id, updated_at) of jobs written after `since`, by any process."""
        rows = self._db.execute(
            "SELECT id, updated_at FROM jobs WHERE updated_at > ? ORDER BY id", (since,)
        ).fetchall()
        return [(int(r[0]), float(r[1])) for r in rows]

    def active_count(self, provider: str) -> int:
        """Jobs holding a provider slot: queued/running, plus creates sent but unanswered."""
        row = self._db.execute(
            "SELECT COUNT(*) FROM jobs WHERE provider = ? AND (state IN (?, ?) "
            "OR (state = ? AND create_sent_at IS NOT NULL))",
            (provider, *sorted(REMOTE_ACTIVE_STATES), JobState.SUBMITTING),
        ).fetchone()
        return int(row[0])
