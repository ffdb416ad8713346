"""Watching the job store for what other processes do (the CLI beside the GUI).

Why: `job_changed` must fire for any change to a job, whoever wrote it, and a job whose runner
died (its lease is free) must be taken over without waiting for a restart.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable

from seedance_studio.jobs.store import JobRecord, JobStore

log = logging.getLogger(__name__)

SCAN_EVERY_S = 2.0
"""How often a started engine looks for changes made by other processes."""
ADOPT_EVERY_TICKS = 5
"""Scans between looks for jobs whose runner died (their lease is then free)."""


class StoreWatcher:
    """Announces other processes' writes; now and then adopts jobs left by a dead runner."""

    def __init__(
        self,
        store: JobStore,
        owner: str,
        *,
        announce: Callable[[int], None],
        adopt: Callable[[JobRecord], None],
        busy: Callable[[JobRecord], bool],
    ) -> None:
        self.store = store
        self.owner = owner
        self._announce = announce
        self._adopt = adopt
        self._busy = busy
        self._last_scan = store.now()
        self._seen: dict[int, float] = {}
        """Job id -> the updated_at last announced."""

    async def run(
        self, every_s: float = SCAN_EVERY_S, adopt_every: int = ADOPT_EVERY_TICKS
    ) -> None:
        for tick in itertools.count(1):
            await asyncio.sleep(every_s)
            try:
                self.scan(every_s, adopt=tick % adopt_every == 0)
            except Exception:  # a locked or closing database: try again next tick
                log.exception("store scan failed")

    def scan(self, every_s: float = SCAN_EVERY_S, *, adopt: bool = False) -> None:
        # Look back one extra period: a write stamped just before the last scan may have
        # committed just after it.
        changed = self.store.changed_since(self._last_scan - every_s)
        self._last_scan = max((at for _id, at in changed), default=self._last_scan)
        for job_id, at in changed:
            if self._seen.get(job_id) != at:
                self._seen[job_id] = at
                self._announce(job_id)
        if adopt:
            now = self.store.now()
            for job in self.store.unfinished():
                later = job.next_poll_at is not None and job.next_poll_at > now
                if not self._busy(job) and not later and self.store.lease_is_free(job, self.owner):
                    self._adopt(job)
