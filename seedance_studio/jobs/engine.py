"""The job runner: submit, poll, download, resume — never lose a paid job, never pay twice.

Loop-agnostic asyncio: the GUI runs it on qasync, the CLI on asyncio.run. Front ends call:

    engine = JobEngine(store, settings, secrets, *, provider_factory=registry.create_provider,
                       assets=None, http=None)
    await engine.start()                 # resume every unfinished job
    settings.base_urls = {...}           # the engine follows its Settings' events: new base
                                         # URLs, hosts, library... for what comes next
    ids = await engine.submit(snapshot, estimate)      # -> list[int], one per variant
    await engine.cancel(job_id)          # server-side cancel where the API has one
    ids = await engine.retry(job_id)     # a new job from the same snapshot (user action)
    rec = await engine.check_again(job_id)   # submit_unknown / stuck: look once more
    ids = await engine.submit_anyway(job_id) # submit_unknown: send the create again
    rec = await engine.download(job_id)  # (re)fetch a finished job's file
    await engine.wait(ids)               # until each job is settled or nothing works on it
    await engine.aclose()                # cancels every task; never hangs

Signals (psygnal): `job_changed(job_id: int)` after any stored change made by this engine;
`progress(job_id: int, phase: str, fraction: float)` with phase "upload" | "queue" |
"download". Job states: see jobs/states.py. Records: jobs/store.py JobRecord.

`submit` raises BudgetExceeded (jobs/ledger.py) when settings.budget_usd would be exceeded
today, unless called with `allow_over_budget=True` after the user agreed.

Each concern lives in its own module, each tested alone: creating (jobs/creating.py),
looking lost creates up (jobs/unknowns.py, the rule in jobs/settling.py), watching
(jobs/watch_loop.py, the policy in jobs/watching.py), fetching (jobs/fetching.py), cancelling
(jobs/cancelling.py), the clients (jobs/pool.py), the store watcher (jobs/store_watch.py) and
the tasks (jobs/tasks.py). This class only wires them and decides which one a job needs.
A local provider's job (the animatic) costs nothing: one cut short by a process exit is
rendered again from its stored snapshot, under the same job id, with no one asked.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING

from psygnal import Signal

from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.errors import SeedanceError
from seedance_studio.core.i18n import _
from seedance_studio.core.pricing import Estimate
from seedance_studio.core.provider import StatusResult
from seedance_studio.core.settings import Settings
from seedance_studio.jobs.cancelling import Canceller, CancelNotPossibleError
from seedance_studio.jobs.creating import Creator
from seedance_studio.jobs.fetching import Fetcher
from seedance_studio.jobs.pool import ProviderFactory, ProviderPool, handle_of, is_local
from seedance_studio.jobs.states import FETCH_STATES, POLLED_STATES, SETTLED_STATES, JobState
from seedance_studio.jobs.store import JobRecord, JobStore, new_owner_id
from seedance_studio.jobs.store_watch import ADOPT_EVERY_TICKS, SCAN_EVERY_S, StoreWatcher
from seedance_studio.jobs.tasks import LEASE_S, TaskBoard
from seedance_studio.jobs.transitions import Event
from seedance_studio.jobs.unknowns import Lookups
from seedance_studio.jobs.watch_loop import JobWatcher, exists
from seedance_studio.jobs.writer import JobWriter

if TYPE_CHECKING:  # httpx is imported when the first request is made, not at start-up
    import httpx

    from seedance_studio.providers.assets import AssetResolver
    from seedance_studio.providers.base import KeySource

__all__ = ["LEASE_S", "CancelNotPossibleError", "JobEngine", "run_until_settled"]

CLOSE_TIMEOUT_S = 5.0


class JobEngine:
    """Runs jobs for one process; see the module docstring for the API."""

    job_changed = Signal(int)
    progress = Signal(int, str, float)

    def __init__(
        self,
        store: JobStore,
        settings: Settings,
        secrets: KeySource,
        *,
        provider_factory: ProviderFactory | None = None,
        assets: AssetResolver | None = None,
        http: httpx.AsyncClient | None = None,
        poll_interval: float | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.secrets = secrets
        self.assets = assets
        self.owner = new_owner_id()
        self.pool = ProviderPool(settings, secrets, factory=provider_factory, http=http)
        self.writer = JobWriter(store, self.job_changed.emit, self.progress.emit)
        self.tasks = TaskBoard(store)
        self.creator = Creator(
            self.writer,
            self.pool,
            self.tasks,
            self.owner,
            settings,
            resume=self._resume,
            assets=assets,
        )
        self.ledger = self.creator.ledger
        self.fetcher = Fetcher(
            self.writer, self.pool, lambda: self.settings.library_path(), self._status_of
        )
        self.watcher = JobWatcher(
            self.writer,
            self.pool,
            self.creator.gate,
            self.fetcher,
            settings,
            self.owner,
            upload=self.creator.upload,
            poll_interval=poll_interval,
        )
        self.lookups = Lookups(self.writer, self.pool, self.tasks, self.creator.attach_handles)
        self.canceller = Canceller(
            self.writer, self.pool, self.tasks, self.creator.gate, resume=self._resume
        )
        self._closed = False
        self._janitor: asyncio.Task[None] | None = None

    # -- public API -------------------------------------------------------------------------

    async def start(self) -> None:
        """Resume every unfinished job found in the store, then keep watching the store:
        `job_changed` also fires for changes other processes make (the CLI beside the GUI),
        and jobs a dead process left behind are taken over."""
        for job in self.store.unfinished():
            self._resume(job)
        for job in self.store.list_jobs(states=[JobState.SUBMIT_UNKNOWN]):
            self.lookups.soon(job)
        if self._janitor is None and not self.tasks.closing:
            self._store_watch = StoreWatcher(
                self.store,
                self.owner,
                announce=self.writer.announce,
                adopt=self._resume,
                busy=lambda job: self.tasks.watching(job.id) or job.batch in self.tasks.batches,
            )
            self._janitor = asyncio.get_running_loop().create_task(self._watch_store())

    async def submit(
        self,
        snapshot: CompositionSnapshot,
        estimate: Estimate | None = None,
        *,
        allow_over_budget: bool = False,
    ) -> list[int]:
        """Store one job per variant, then send the create(s) in the background.

        Returns at once with the job ids; watch `job_changed` or call `wait`.
        """
        return self.creator.submit(
            snapshot, estimate, retry_of=None, allow_over_budget=allow_over_budget
        )

    async def cancel(self, job_id: int, *, accept_uncancellable: bool = False) -> JobRecord:
        """See jobs/cancelling.py: `cancelled` only when it truly is."""
        return await self.canceller.cancel(job_id, accept_uncancellable=accept_uncancellable)

    async def retry(self, job_id: int, *, allow_over_budget: bool = False) -> list[int]:
        """A new job (new create, new charge) from the same snapshot: an explicit user act."""
        job = self.store.get(job_id)
        snapshot = job.snapshot()
        snapshot = snapshot.model_copy(
            update={"params": snapshot.params.model_copy(update={"variants": 1})}
        )
        return self.creator.submit(
            snapshot,
            job.estimate,
            retry_of=job_id,
            allow_over_budget=allow_over_budget,
            per_job_usd=job.estimated_usd,
        )

    async def check_again(self, job_id: int) -> JobRecord:
        """Look once more at a job the runner left alone (submit_unknown, stuck)."""
        job = self.store.get(job_id)
        if job.state is JobState.STUCK and job.provider_job_id:
            if await self.watcher.check_stuck(job):
                self._resume(self.store.get(job_id))
        elif job.state is JobState.SUBMIT_UNKNOWN:
            await self.lookups.look_up(job)
        elif job.state not in SETTLED_STATES:
            self._resume(job)
        return self.store.get(job_id)

    async def submit_anyway(self, job_id: int) -> list[int]:
        """Send the create again for a submit_unknown job (the user accepts paying twice)."""
        return self.creator.send_again(job_id)

    async def download(self, job_id: int) -> JobRecord:
        """Fetch (again) a finished job's file and wait for it."""
        job = self.store.get(job_id)
        if job.state is JobState.DONE and exists(job.result_path):
            return job
        if job.state is JobState.DONE or (job.state is JobState.FAILED and job.results):
            self.writer.move(job_id, Event.DOWNLOAD_AGAIN, message=_("download requested"))
        elif job.state not in FETCH_STATES:
            raise SeedanceError(
                _("job {job_id} is {state}: nothing to download yet").format(
                    job_id=job_id, state=job.state.value
                )
            )
        self._resume(self.store.get(job_id))
        await self.wait([job_id])
        return self.store.get(job_id)

    async def wait(self, job_ids: Iterable[int] | None = None) -> list[JobRecord]:
        """Until each job is settled or no task of this engine works on it any more."""
        wanted = list(job_ids) if job_ids is not None else None
        await self.tasks.wait(wanted)
        ids = wanted if wanted is not None else [j.id for j in self.store.list_jobs()]
        return [self.store.get(i) for i in ids]

    async def aclose(self) -> None:
        """Cancel every task, release leases, close clients; bounded by CLOSE_TIMEOUT_S."""
        if self._closed:
            return
        self._closed = self.tasks.closing = True
        if self._janitor is not None:
            self._janitor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._janitor
        await self.tasks.cancel_all(CLOSE_TIMEOUT_S)
        self.store.release_all(self.owner)  # a clean exit frees its jobs for other runners
        await self.pool.aclose()

    async def _watch_store(self) -> None:
        # Read at call time, so a test may make the scan quicker.
        await self._store_watch.run(SCAN_EVERY_S, ADOPT_EVERY_TICKS)

    # -- helpers used by front ends ---------------------------------------------------------

    def get(self, job_id: int) -> JobRecord:
        return self.store.get(job_id)

    def busy(self) -> bool:
        return bool(self.tasks.busy(None))

    # -- which concern a job needs ----------------------------------------------------------

    def _resume(self, job: JobRecord) -> None:
        if self.tasks.closing:
            return
        if job.state is JobState.SUBMITTING:
            if job.batch in self.tasks.batches:
                return
            if not self.store.claim(job.id, self.owner, LEASE_S):
                return  # another live process is creating it
            if job.create_sent_at is not None and is_local(job.provider):
                # A local render that was starting when the process died: start it again.
                self.writer.update(job.id, create_sent_at=None)
                job = self.store.get(job.id)
            if job.create_sent_at is None:
                self.creator.spawn(job.batch)  # never sent: safe to send now
            else:
                self.creator.mark_unknown([job.id], _("the app stopped before the answer came"))
            return
        if job.state in POLLED_STATES or job.state in FETCH_STATES:
            job_id = job.id
            self.tasks.start_watch(job_id, lambda: self.watcher.watch(job_id))

    async def _status_of(self, job: JobRecord) -> StatusResult:
        provider = self.pool.provider(job.provider)
        return await provider.status(handle_of(provider, job))


async def run_until_settled(
    engine: JobEngine,
    ids: list[int],
    on_tick: Callable[[list[JobRecord]], Awaitable[None] | None] | None = None,
) -> list[JobRecord]:
    """Wait for `ids`, calling `on_tick` with fresh records now and then (CLI progress).

    Each tick re-reads only the rows written since the last one (by any process): fifty
    jobs waiting on a slow provider cost one indexed query per tick, not fifty decodes.
    """
    waiter = asyncio.ensure_future(engine.wait(ids))
    records = {i: engine.get(i) for i in ids} if on_tick else {}
    seen = max((r.updated_at for r in records.values()), default=0.0)
    try:
        while not waiter.done():
            await asyncio.wait([waiter], timeout=0.5)
            if on_tick:
                for job_id, updated in engine.store.changed_since(seen):
                    if job_id in records:
                        records[job_id] = engine.get(job_id)
                    seen = max(seen, updated)
                result = on_tick([records[i] for i in ids])
                if result is not None:
                    await result
        return waiter.result()
    finally:
        waiter.cancel()
