"""The engine's background tasks, kept by what they work on, and the lease heartbeat.

Why one board: one create per batch, one watch per job and one later lookup per unknown job
at most, and `wait` / `aclose` must see every one of them. Lookups scheduled for later are
not waited for (a window may be half an hour long).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator, Callable, Coroutine, Iterable
from typing import Any

from seedance_studio.jobs.store import DEFAULT_LEASE_S, JobStore

LEASE_S = DEFAULT_LEASE_S

Work = Callable[[], Coroutine[Any, Any, None]]


class TaskBoard:
    """Starts each piece of work once, and knows which are still running."""

    def __init__(self, store: JobStore) -> None:
        self.store = store
        self.batches: dict[str, asyncio.Task[None]] = {}
        self.watchers: dict[int, asyncio.Task[None]] = {}
        self.lookups: dict[int, asyncio.Task[None]] = {}
        self.closing = False
        self._batch_ids: dict[int, str] = {}
        """Job id -> batch, so `busy` need not read the store for every job it waits on."""

    def remember(self, ids: Iterable[int], batches: Iterable[str]) -> None:
        self._batch_ids.update(zip(ids, batches, strict=True))

    def start_batch(self, batch: str, work: Work) -> bool:
        """Run `work` for `batch` unless closing or already running (False then)."""
        if self.closing or batch in self.batches:
            return False
        task = asyncio.get_running_loop().create_task(work())
        self.batches[batch] = task
        task.add_done_callback(lambda _t: self.batches.pop(batch, None))
        return True

    def start_watch(self, job_id: int, work: Work) -> None:
        task = self.watchers.get(job_id)
        if self.closing or (task is not None and not task.done()):
            return
        task = asyncio.get_running_loop().create_task(work())
        self.watchers[job_id] = task
        task.add_done_callback(functools.partial(self._forget, job_id))

    def start_lookup(self, job_id: int, work: Work) -> None:
        if self.closing or job_id in self.lookups:
            return
        task = asyncio.get_running_loop().create_task(work())
        self.lookups[job_id] = task
        task.add_done_callback(lambda _t: self.lookups.pop(job_id, None))

    def watching(self, job_id: int) -> bool:
        return job_id in self.watchers

    def stop_watch(self, job_id: int) -> None:
        task = self.watchers.pop(job_id, None)
        if task is not None and task is not asyncio.current_task():
            task.cancel()

    def _forget(self, job_id: int, task: asyncio.Task[None]) -> None:
        if self.watchers.get(job_id) is task:
            del self.watchers[job_id]

    def batch_of(self, job_id: int) -> str:
        batch = self._batch_ids.get(job_id)
        if batch is None:
            batch = self._batch_ids[job_id] = self.store.get(job_id).batch
        return batch

    def busy(self, wanted: list[int] | None) -> set[asyncio.Task[None]]:
        """The tasks still working on `wanted` (None: on anything); later lookups aside."""
        busy: set[asyncio.Task[None]] = set()
        for job_id, task in self.watchers.items():
            if not task.done() and (wanted is None or job_id in wanted):
                busy.add(task)
        if self.batches:
            batches = None if wanted is None else {self.batch_of(i) for i in wanted}
            for batch, task in self.batches.items():
                if not task.done() and (batches is None or batch in batches):
                    busy.add(task)
        return busy

    async def wait(self, wanted: list[int] | None) -> None:
        while busy := self.busy(wanted):
            await asyncio.wait(busy, return_when=asyncio.FIRST_COMPLETED)

    async def cancel_all(self, timeout_s: float) -> None:
        self.closing = True
        tasks = [*self.watchers.values(), *self.batches.values(), *self.lookups.values()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=timeout_s)


@contextlib.asynccontextmanager
async def holding(store: JobStore, owner: str, ids: list[int]) -> AsyncIterator[None]:
    """Keep renewing the leases on `ids` while the block runs (long polls, slow downloads,
    a create that takes its time), so no other runner takes them over."""

    async def beat() -> None:
        while True:
            await asyncio.sleep(LEASE_S / 3)
            for job_id in ids:
                store.claim(job_id, owner, LEASE_S)

    task = asyncio.get_running_loop().create_task(beat())
    try:
        yield
    finally:
        task.cancel()
