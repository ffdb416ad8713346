"""Every write the engine makes to a job, followed by the announcement front ends listen to.

Why one place: a stored change must always be announced (`job_changed`), a listener that
raises must never undo the bookkeeping (a stored provider job id), and the state changes only
through the transition table (`JobStore.move`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Unpack

from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobFields, JobStore
from seedance_studio.jobs.transitions import Event

log = logging.getLogger(__name__)


class JobWriter:
    """Writes to the store, then calls `announce(job_id)` / `report(job_id, phase, fraction)`;
    a failing listener is logged, never raised."""

    def __init__(
        self,
        store: JobStore,
        announce: Callable[[int], object],
        report: Callable[[int, str, float], object],
    ) -> None:
        self.store = store
        self._announce = announce
        self._report = report

    def move(
        self,
        job_id: int,
        event: Event,
        *,
        note: str | None = None,
        raw: object = None,
        **fields: Unpack[JobFields],
    ) -> bool:
        """Apply a transition of jobs/transitions.py (False when the job had moved on)."""
        changed = self.store.move(job_id, event, note=note, raw=raw, **fields)
        if changed:
            self.announce(job_id)
        return changed

    def update(
        self,
        job_id: int,
        *,
        expect: Iterable[JobState] | None = None,
        event: str | None = None,
        raw: object = None,
        **fields: Unpack[JobFields],
    ) -> bool:
        changed = self.store.update(job_id, expect=expect, event=event, raw=raw, **fields)
        if changed:
            self.announce(job_id)
        return changed

    def update_many(
        self,
        ids: list[int],
        *,
        event: str | None = None,
        raw: object = None,
        **fields: Unpack[JobFields],
    ) -> None:
        for job_id in ids:
            self.update(job_id, event=event, raw=raw, **fields)

    def announce(self, job_id: int) -> None:
        try:
            self._announce(job_id)
        except Exception:
            log.exception("a job_changed listener failed for job %s", job_id)

    def report(self, job_id: int, phase: str, fraction: float) -> None:
        try:
            self._report(job_id, phase, fraction)
        except Exception:
            log.exception("a progress listener failed for job %s", job_id)
