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

Why each rule:
- The row is written before the create goes out, and `create_sent_at` is stamped just before
  sending, so after a crash a row without that stamp was never sent (it is submitted on
  resume) and a row with it is "submit_unknown" (only the user may resend).
- A create answered 429 was not created, so it waits (Retry-After or back-off) and goes again.
- Create limits are the numbers a provider publishes (`rate_limits`), enforced only by the
  store-based gate (jobs/create_gate.py): one count, shared by every process using the store.
- Polls never give up on transient errors; only a long run of "not found" fails a job.
- A lease per row keeps two processes (CLI + GUI) from polling or downloading one job twice.
- A local provider's job (the animatic) costs nothing: one cut short by a process exit is
  rendered again from its stored snapshot, under the same job id, with no one asked.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Unpack

from psygnal import Signal

from seedance_studio.core import capabilities
from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.errors import (
    ContentBlockedError,
    GenerationFailedError,
    MalformedResponseError,
    ProviderError,
    RateLimitedError,
    SeedanceError,
    SubmissionUnknownError,
)
from seedance_studio.core.pricing import Estimate
from seedance_studio.core.provider import (
    Cancelled,
    Cost,
    Failed,
    JobHandle,
    Provider,
    Queued,
    RateLimits,
    Running,
    StatusResult,
    Succeeded,
)
from seedance_studio.core.redact import without_signature
from seedance_studio.core.settings import Settings
from seedance_studio.jobs.capture import capture
from seedance_studio.jobs.create_gate import CreateGate
from seedance_studio.jobs.estimates import split_usd
from seedance_studio.jobs.fetching import RETRY_LATER_S, Fetcher
from seedance_studio.jobs.ledger import Ledger
from seedance_studio.jobs.polling import (
    create_retry_delay,
)
from seedance_studio.jobs.pool import ProviderFactory, ProviderPool, is_local
from seedance_studio.jobs.provider_policy import absence_window, dashboard_advice, policy
from seedance_studio.jobs.settling import Adopt, NotCreated, settle
from seedance_studio.jobs.states import (
    FETCH_STATES,
    POLLED_STATES,
    SETTLED_STATES,
    JobState,
)
from seedance_studio.jobs.store import (
    DEFAULT_LEASE_S,
    JobFields,
    JobRecord,
    JobStore,
    NewJob,
    new_owner_id,
)
from seedance_studio.jobs.store_watch import ADOPT_EVERY_TICKS, SCAN_EVERY_S, StoreWatcher
from seedance_studio.jobs.transitions import Event
from seedance_studio.jobs.watching import (
    Counters,
    Fetch,
    FileGone,
    GiveUp,
    Pause,
    RenderAgain,
    Retry,
    Stop,
    TimeOut,
    before_poll,
    next_step,
)
from seedance_studio.jobs.writer import JobWriter

if TYPE_CHECKING:  # httpx is imported when the first request is made, not at start-up
    import httpx

    from seedance_studio.providers.assets import AssetResolver
    from seedance_studio.providers.base import KeySource

log = logging.getLogger(__name__)


CLOSE_TIMEOUT_S = 5.0
LEASE_S = DEFAULT_LEASE_S


class CancelNotPossibleError(SeedanceError):
    """The provider has no server cancel: only the user may decide to stop watching."""


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
        self.ledger = Ledger(store)
        self._poll_interval = poll_interval
        """Overrides every provider's interval (the simulator runs jobs in a second)."""
        self.pool = ProviderPool(settings, secrets, factory=provider_factory, http=http)
        self.writer = JobWriter(store, self.job_changed.emit, self.progress.emit)
        self.fetcher = Fetcher(
            self.writer, self.pool, lambda: self.settings.library_path(), self._status_of
        )
        self._batch_ids: dict[int, str] = {}
        """Job id -> batch, so `wait` need not read the store for every job it waits on."""
        self._gate = CreateGate(store, self._limits_for)
        self._watchers: dict[int, asyncio.Task[None]] = {}
        self._batches: dict[str, asyncio.Task[None]] = {}
        self._lookups: dict[int, asyncio.Task[None]] = {}
        """Unknown submissions to look up again when their window has passed."""
        self._in_flight: dict[str, asyncio.Semaphore] = {}
        """Per provider: how many of this engine's creates may be out at once."""
        self._closing = False
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
            self._look_up_later(job)
        if self._janitor is None and not self._closing:
            self._store_watch = StoreWatcher(
                self.store,
                self.owner,
                announce=self._announce,
                adopt=self._resume,
                busy=lambda job: job.id in self._watchers or job.batch in self._batches,
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
        return self._submit(snapshot, estimate, retry_of=None, allow_over_budget=allow_over_budget)

    async def cancel(self, job_id: int, *, accept_uncancellable: bool = False) -> JobRecord:
        """Cancel before the create left, discard an unknown submission, or ask the provider
        to stop. A refused or failed server cancel leaves the job watched, with a message
        saying so; with no server cancel, CancelNotPossibleError unless `accept_uncancellable`
        (the user accepted that it may still run and be charged)."""
        job = self.store.get(job_id)
        if job.state in (JobState.DONE, JobState.FAILED, JobState.CANCELLED):
            return job
        if job.state in FETCH_STATES:
            # The provider already charged; stopping would only lose the file.
            raise SeedanceError(f"job {job_id} already finished; its download continues")
        if job.state is JobState.SUBMITTING:
            task = self._batches.get(job.batch)
            if job.create_sent_at is None:
                # One create serves the whole batch (native variants): cancel them together.
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await task
                for row in self.store.batch_jobs(job.batch):
                    self._move(
                        row.id, Event.CANCELLED_UNSENT, message="cancelled before it was sent"
                    )
                return self.store.get(job_id)
            raise SeedanceError(
                f"job {job_id} is being created right now; cancel it once it has a provider id"
            )
        if job.state is JobState.SUBMIT_UNKNOWN:
            self._move(
                job_id,
                Event.DISCARDED,
                message="discarded by the user; if the provider did create it, it may "
                "still run and be charged",
            )
            return self.store.get(job_id)
        # queued / running / stuck: only the provider can stop it.
        provider = self._provider(job.provider)
        name = capabilities.get(job.provider).name
        if not (provider.supports_cancel and job.provider_job_id):
            if not accept_uncancellable:
                raise CancelNotPossibleError(
                    f"{name} has no cancel API: job {job_id} may still run and be charged; "
                    f"cancel it anyway to stop watching it (its video would not be fetched)"
                )
            self._stop_watcher(job_id)
            if not self._move(
                job_id,
                Event.CANCEL_UNSUPPORTED,
                message=(
                    f"cancelled here; {name} has no cancel API, so the job may still run and "
                    f"be charged"
                ),
            ):
                self._resume(self.store.get(job_id))
            self._gate.slot_freed.set()
            return self.store.get(job_id)
        try:
            accepted = await provider.cancel(self._handle(provider, job))
            warning = provider.capabilities.cancel_warning()
            refusal = (
                None
                if accepted
                else f"not cancelled: {warning}"
                if warning
                else f"cancel refused by {name}"
            )
        except ProviderError as exc:
            refusal = f"cancel failed at {name} ({exc})"
        if refusal is not None:
            # Still running there (and charged when it ends): keep watching it, say so.
            current = self.store.get(job_id)
            self._update(
                job_id,
                expect=[current.state],
                event="cancel refused",
                message=f"{refusal}: still running, still polled",
            )
            self._resume(self.store.get(job_id))
            return self.store.get(job_id)
        self._stop_watcher(job_id)
        if not self._move(job_id, Event.CANCEL_CONFIRMED, message="cancelled"):
            # It finished meanwhile (paid for): bring the video home instead.
            self._resume(self.store.get(job_id))
        self._gate.slot_freed.set()
        return self.store.get(job_id)

    async def retry(self, job_id: int, *, allow_over_budget: bool = False) -> list[int]:
        """A new job (new create, new charge) from the same snapshot: an explicit user act."""
        job = self.store.get(job_id)
        snapshot = job.snapshot()
        snapshot = snapshot.model_copy(
            update={"params": snapshot.params.model_copy(update={"variants": 1})}
        )
        return self._submit(
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
            provider = self._provider(job.provider)
            try:
                with capture() as answers:
                    status = await provider.status(self._handle(provider, job))
            except ProviderError as exc:
                self._update(job_id, message=f"still stuck; the provider said: {exc}")
                return self.store.get(job_id)
            if isinstance(status, Queued | Running):
                self._update(
                    job_id,
                    raw_status=status.raw_status,
                    event="checked again",
                    raw={"status": status.model_dump(mode="json"), "responses": answers},
                    message="still unfinished at the provider",
                )
            else:
                self._apply_status(job, status, answers)
                self._resume(self.store.get(job_id))
            return self.store.get(job_id)
        if job.state is JobState.SUBMIT_UNKNOWN:
            await self._look_up(job)
            return self.store.get(job_id)
        if job.state not in SETTLED_STATES:
            self._resume(job)
        return self.store.get(job_id)

    def _look_up_later(self, job: JobRecord) -> None:
        """On start: settle an unknown submission by itself where the provider's job list
        allows (a lookup is free; nothing is resent)."""
        if self._closing or job.batch in self._batches:
            return
        try:
            if not self._provider(job.provider).can_find_submissions:
                return
        except SeedanceError:  # no key, unknown provider: the user settles it later
            return
        task = asyncio.get_running_loop().create_task(self._look_up(job))
        self._batches[job.batch] = task
        task.add_done_callback(lambda _t: self._batches.pop(job.batch, None))

    async def _look_up(self, job: JobRecord) -> None:
        """Settle an unknown submission from the provider's own job list where one is
        documented; otherwise say what a person needs to find it on the dashboard."""
        provider = self._provider(job.provider)
        if not provider.can_find_submissions:
            caps = capabilities.get(job.provider)
            snapshot = job.snapshot()
            refs = [Path(r.source).name or r.source for r in snapshot.references]
            self._update(
                job.id,
                event="checked again",
                message=dashboard_advice(
                    job.provider,
                    caps.name,
                    sent_at=job.create_sent_at,
                    prompt=job.prompt_text,
                    references=refs,
                    estimate_usd=job.estimated_usd,
                ),
            )
            return
        sent_at = job.create_sent_at or job.created_at
        try:
            with capture() as answers:
                search = await provider.find_submission(job.snapshot(), sent_at)
        except ProviderError as exc:
            self._update(job.id, message=f"could not look it up: {exc}")
            return
        rows = [r for r in self.store.batch_jobs(job.batch) if r.state is JobState.SUBMIT_UNKNOWN]
        # A job another row already follows is not this one (the list may show both).
        unfollowed = [
            h
            for h in search.found
            if not self.store.select_ids(
                "provider = ? AND provider_job_id = ?", (job.provider, h.job_id)
            )
        ]
        verdict = settle(
            search.model_copy(update={"found": unfollowed}),
            rows=len(rows),
            sent_at=sent_at,
            now=self._now(),
            window_s=absence_window(job.provider),
        )
        raw = {"responses": answers}
        if isinstance(verdict, Adopt):
            note = f"found in {search.listing}: the lost create had made it"
            self._attach_handles(rows, verdict.handles, raw=raw, found=True, found_note=note)
        elif isinstance(verdict, NotCreated):
            for row in rows:
                self._move(row.id, Event.NOT_CREATED, raw=raw, message=verdict.message)
        else:
            for row in rows:
                self._update(
                    row.id,
                    expect=[JobState.SUBMIT_UNKNOWN],
                    event="checked again",
                    raw=raw,
                    message=verdict.message,
                )
            if verdict.look_again_at is not None:
                self._look_up_at(job.id, verdict.look_again_at)

    def _look_up_at(self, job_id: int, when: float) -> None:
        """Look an unknown submission up once more when its window has passed (while this
        engine runs; `wait` does not wait for it)."""
        if self._closing or job_id in self._lookups:
            return

        async def later() -> None:
            await asyncio.sleep(max(0.0, when - self._now()) + 0.05)
            job = self.store.get(job_id)
            if job.state is JobState.SUBMIT_UNKNOWN:
                await self._look_up(job)

        task = asyncio.get_running_loop().create_task(later())
        self._lookups[job_id] = task
        task.add_done_callback(lambda _t: self._lookups.pop(job_id, None))

    async def submit_anyway(self, job_id: int) -> list[int]:
        """Send the create again for a submit_unknown job (the user accepts paying twice)."""
        job = self.store.get(job_id)
        if job.state is not JobState.SUBMIT_UNKNOWN:
            raise SeedanceError(f"job {job_id} is {job.state.value}, not an unknown submission")
        rows = self.store.batch_jobs(job.batch)
        for row in rows:
            self._move(
                row.id,
                Event.SUBMIT_AGAIN,
                message="submitted again by the user",
                lease_owner=self.owner,
                lease_until=self._now() + LEASE_S,
            )
        self._spawn_batch(job.batch)
        return [row.id for row in rows]

    async def download(self, job_id: int) -> JobRecord:
        """Fetch (again) a finished job's file and wait for it."""
        job = self.store.get(job_id)
        if job.state is JobState.DONE and _exists(job.result_path):
            return job
        if job.state is JobState.DONE or (job.state is JobState.FAILED and job.results):
            self._move(job_id, Event.DOWNLOAD_AGAIN, message="download requested")
        elif job.state not in FETCH_STATES:
            raise SeedanceError(f"job {job_id} is {job.state.value}: nothing to download yet")
        self._resume(self.store.get(job_id))
        await self.wait([job_id])
        return self.store.get(job_id)

    async def wait(self, job_ids: Iterable[int] | None = None) -> list[JobRecord]:
        """Until each job is settled or no task of this engine works on it any more."""
        wanted = list(job_ids) if job_ids is not None else None
        while True:
            busy = self._busy_tasks(wanted)
            if not busy:
                break
            await asyncio.wait(busy, return_when=asyncio.FIRST_COMPLETED)
        ids = wanted if wanted is not None else [j.id for j in self.store.list_jobs()]
        return [self.store.get(i) for i in ids]

    async def aclose(self) -> None:
        """Cancel every task, release leases, close clients; bounded by CLOSE_TIMEOUT_S."""
        if self._closed:
            return
        self._closed = self._closing = True
        if self._janitor is not None:
            self._janitor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._janitor
        tasks = [*self._watchers.values(), *self._batches.values(), *self._lookups.values()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=CLOSE_TIMEOUT_S)
        self.store.release_all(self.owner)  # a clean exit frees its jobs for other runners
        await self.pool.aclose()

    async def _watch_store(self) -> None:
        # Read at call time, so a test may make the scan quicker.
        await self._store_watch.run(SCAN_EVERY_S, ADOPT_EVERY_TICKS)

    # -- helpers used by front ends ---------------------------------------------------------

    def get(self, job_id: int) -> JobRecord:
        return self.store.get(job_id)

    def busy(self) -> bool:
        return bool(self._busy_tasks(None))

    # -- submission -------------------------------------------------------------------------

    def _submit(
        self,
        snapshot: CompositionSnapshot,
        estimate: Estimate | None,
        *,
        retry_of: int | None,
        allow_over_budget: bool,
        per_job_usd: Decimal | None = None,
    ) -> list[int]:
        params = snapshot.params
        caps = capabilities.get(params.provider)
        variants = max(params.variants, 1)
        total_usd = (
            (estimate.worst_case if estimate else None)
            if per_job_usd is None
            else per_job_usd * variants
        )
        if not allow_over_budget:
            self.ledger.check_budget(self.settings.budget_usd, total_usd)
        native = variants > 1 and caps.model(params.model).max_variants >= variants
        group = uuid.uuid4().hex[:12]
        each = per_job_usd if per_job_usd is not None else split_usd(total_usd, variants)
        rows: list[NewJob] = []
        if native:
            batch = uuid.uuid4().hex
            rows = [
                NewJob(
                    snapshot=snapshot,
                    group_id=group,
                    batch=batch,
                    variant=i,
                    estimate=estimate,
                    estimated_usd=each,
                    retry_of=retry_of,
                )
                for i in range(variants)
            ]
        else:
            single = snapshot.model_copy(
                update={"params": params.model_copy(update={"variants": 1})}
            )
            rows = [
                NewJob(
                    snapshot=single,
                    group_id=group,
                    batch=uuid.uuid4().hex,
                    variant=i,
                    estimate=estimate,
                    estimated_usd=each,
                    retry_of=retry_of,
                )
                for i in range(variants)
            ]
        ids = self.store.insert_jobs(rows, owner=self.owner, lease_s=LEASE_S)
        self._batch_ids.update(zip(ids, (r.batch for r in rows), strict=True))
        for job_id in ids:
            self._announce(job_id)
        for batch in dict.fromkeys(r.batch for r in rows):
            self._spawn_batch(batch)
        return ids

    def _spawn_batch(self, batch: str) -> None:
        if self._closing or batch in self._batches:
            return
        task = asyncio.get_running_loop().create_task(self._run_batch(batch))
        self._batches[batch] = task
        task.add_done_callback(lambda _t: self._batches.pop(batch, None))

    async def _run_batch(self, batch: str) -> None:
        rows = self.store.batch_jobs(batch)
        ids = [row.id for row in rows]
        async with self._holding(ids):
            if not rows:
                return
            # Variants go out a few at a time (jobs/provider_policy.py): a burst of creates
            # overflows a small listen queue and ends "unknown" with nothing sent.
            slots = self._in_flight.get(rows[0].provider)
            if slots is None:
                slots = self._in_flight[rows[0].provider] = asyncio.Semaphore(
                    policy(rows[0].provider).max_creates_in_flight
                )
            if slots.locked():
                self._update_many(ids, message="waiting for the creates already in flight")
            async with slots:
                await self._create_batch(batch)

    async def _create_batch(self, batch: str) -> None:
        """Upload local references, wait for the provider's limits, send the one create."""
        rows = self.store.batch_jobs(batch)
        if not rows:
            return
        first = rows[0]
        ids = [r.id for r in rows]
        sent = False
        handles: list[JobHandle] | None = None
        answers: Sequence[object] = []
        try:
            provider = self._provider(first.provider)
            snapshot = first.snapshot()
            urls = await self._upload(snapshot, ids, provider)
            # The record keeps where each reference went, never a presigned URL's credential.
            self._update_many(ids, ref_urls={k: without_signature(v) for k, v in urls.items()})
            attempt_errors = 0
            while True:

                def mark() -> None:
                    now = self._now()
                    for job_id in ids:
                        self._update(
                            job_id,
                            expect=[JobState.SUBMITTING],
                            create_sent_at=now,
                            attempt=first.attempt + 1,
                            message="creating",
                            lease_until=now + LEASE_S,
                        )

                await self._gate.pass_through(
                    first.provider, mark, on_wait=lambda why: self._update_many(ids, message=why)
                )
                sent = True
                try:
                    with capture() as answers:
                        handles = await provider.submit(snapshot, urls)
                except ProviderError as exc:
                    # 429, a gateway's 502/503/504, a refused connection: nothing was
                    # created, so sending it again is safe (bounded, with back-off).
                    attempt_errors += 1
                    delay = create_retry_delay(exc, attempt_errors)
                    if delay is None:
                        raise
                    sent = False
                    self._update_many(
                        ids,
                        create_sent_at=None,
                        message=f"{exc} — nothing was created; trying again in {delay:.0f} s",
                        event="create refused (rate limited)"
                        if isinstance(exc, RateLimitedError)
                        else f"create not taken ({type(exc).__name__})",
                        raw=answers,
                    )
                    await asyncio.sleep(delay)
                    continue
                break
            sent = False
            self._attach_handles(
                self.store.batch_jobs(batch),
                handles,
                raw={"handles": [h.model_dump(mode="json") for h in handles], "responses": answers},
            )
        except SubmissionUnknownError as exc:
            self._mark_unknown(ids, str(exc), raw=answers)
        except MalformedResponseError as exc:
            # Unreadable after sending: the provider may well have created (and billed) it.
            if sent:
                self._mark_unknown(ids, str(exc), raw=answers)
            else:
                self._fail_many(ids, exc, raw=answers)
        except asyncio.CancelledError:
            if sent and self._is_local(first.provider):
                # Nothing to pay twice: leave it unsent, the next start renders it.
                self._update_many(ids, create_sent_at=None, message="interrupted")
            elif sent:
                self._mark_unknown(ids, "interrupted while the create request was out")
            raise
        except SeedanceError as exc:
            # An answer (or a refusal before sending): nothing unknown about it.
            self._fail_many(ids, exc, raw=answers)
        except Exception as exc:  # a bug must not leave a row "submitting" forever
            log.exception("create failed unexpectedly")
            if handles:
                # Answered (and paid): whatever failed afterwards, the ids must survive.
                self._keep_handles(batch, handles, exc)
            elif sent:
                self._mark_unknown(ids, f"unexpected error while creating: {exc}")
            else:
                self._fail_many(ids, exc)

    async def _upload(
        self, snapshot: CompositionSnapshot, ids: list[int], provider: Provider
    ) -> dict[str, str]:
        refs = list(snapshot.references)
        local = [r for r in refs if not r.is_url]
        urls = {r.id: r.source for r in refs if r.is_url}
        if not local:
            return urls
        if provider.capabilities.local:
            return {**urls, **{r.id: r.source for r in local}}
        resolver = self.assets or self._resolver(provider.id)

        def report(_name: str, done: int, total: int) -> None:
            for job_id in ids:
                self._report(job_id, "upload", done / total if total else 0.0)

        resolved: dict[str, str] = await resolver.resolve(refs, progress=report)
        return resolved

    def _attach_handles(
        self,
        rows: list[JobRecord],
        handles: list[JobHandle],
        raw: object,
        *,
        found: bool = False,
        found_note: str | None = None,
    ) -> None:
        """Store each provider id on its row (a create's answer, or a lookup's finding)."""
        event, short = (
            (Event.FOUND, Event.NOT_CREATED) if found else (Event.CREATED, Event.CREATE_FAILED)
        )
        # Every id is stored before anything is announced or started: the create is paid.
        for row, handle in zip(rows, handles, strict=False):
            self.store.move(
                row.id,
                event,
                provider_job_id=handle.job_id,
                handle_extra=dict(handle.extra),
                raw=raw,
                message=found_note,
            )
        for row in rows[: len(handles)]:
            self._announce(row.id)
        for row in rows[len(handles) :]:
            self._move(
                row.id,
                short,
                raw=raw,
                message=f"the provider returned {len(handles)} generation(s) "
                f"for {len(rows)} requested",
            )
        for row in rows[: len(handles)]:
            self._resume(self.store.get(row.id))

    def _keep_handles(self, batch: str, handles: list[JobHandle], exc: BaseException) -> None:
        """After an answered create went wrong here: store any id not stored yet, and say
        which ids the provider gave, so nobody sends it again for nothing."""
        rows = self.store.batch_jobs(batch)
        for row, handle in zip(rows, handles, strict=False):
            if row.state is JobState.SUBMITTING:
                self._move(
                    row.id,
                    Event.CREATED,
                    provider_job_id=handle.job_id,
                    handle_extra=dict(handle.extra),
                    message=f"created; recording it hit an error: {exc}",
                )
        for row in self.store.batch_jobs(batch):
            if row.state is JobState.QUEUED:
                self._resume(row)
        still = [r.id for r in self.store.batch_jobs(batch) if r.state is JobState.SUBMITTING]
        ids = ", ".join(h.job_id for h in handles)
        self._mark_unknown(still, f"created as {ids}, then an error here: {exc}")

    def _mark_unknown(self, ids: list[int], why: str, raw: object = None) -> None:
        for job_id in ids:
            self._move(
                job_id,
                Event.CREATE_UNKNOWN,
                raw=raw or None,
                message=f"submission outcome unknown ({why}): check again or submit anyway",
            )

    def _fail_many(self, ids: list[int], exc: BaseException, raw: object = None) -> None:
        for job_id in ids:
            # Only rows still being created: one that has its provider id is never failed here.
            self._move(
                job_id,
                Event.CREATE_FAILED,
                message=str(exc),
                error_type=type(exc).__name__,
                raw=raw or None,
                error_code=exc.code if isinstance(exc, ProviderError) else None,
            )

    # -- resuming and watching --------------------------------------------------------------

    def _resume(self, job: JobRecord) -> None:
        if self._closing:
            return
        if job.state is JobState.SUBMITTING:
            if job.batch in self._batches:
                return
            if not self.store.claim(job.id, self.owner, LEASE_S):
                return  # another live process is creating it
            if job.create_sent_at is not None and self._is_local(job.provider):
                # A local render that was starting when the process died: start it again.
                self._update(job.id, create_sent_at=None)
                job = self.store.get(job.id)
            if job.create_sent_at is None:
                self._spawn_batch(job.batch)  # never sent: safe to send now
            else:
                self._mark_unknown([job.id], "the app stopped before the answer came")
            return
        if job.state in POLLED_STATES or job.state in FETCH_STATES:
            task = self._watchers.get(job.id)
            if task is None or task.done():
                task = asyncio.get_running_loop().create_task(self._watch(job.id))
                self._watchers[job.id] = task
                task.add_done_callback(functools.partial(self._forget, job.id))

    def _batch_of(self, job_id: int) -> str:
        batch = self._batch_ids.get(job_id)
        if batch is None:
            batch = self._batch_ids[job_id] = self.store.get(job_id).batch
        return batch

    def _forget(self, job_id: int, task: asyncio.Task[None]) -> None:
        if self._watchers.get(job_id) is task:
            del self._watchers[job_id]

    def _stop_watcher(self, job_id: int) -> None:
        task = self._watchers.pop(job_id, None)
        if task is not None and task is not asyncio.current_task():
            task.cancel()

    def _busy_tasks(self, wanted: list[int] | None) -> set[asyncio.Task[None]]:
        busy: set[asyncio.Task[None]] = set()
        for job_id, task in self._watchers.items():
            if not task.done() and (wanted is None or job_id in wanted):
                busy.add(task)
        if self._batches:
            batches = None if wanted is None else {self._batch_of(i) for i in wanted}
            for batch, task in self._batches.items():
                if not task.done() and (batches is None or batch in batches):
                    busy.add(task)
        return busy

    async def _watch(self, job_id: int) -> None:
        """Take the job's lease (waiting while another live runner has it), then poll and
        fetch while holding it."""
        while not self.store.claim(job_id, self.owner, LEASE_S):
            if self.store.get(job_id).state in SETTLED_STATES:
                return
            await asyncio.sleep(LEASE_S / 3)  # another runner has it; take over if it dies
        try:
            async with self._holding([job_id]):
                await self._poll_and_fetch(job_id)
        except Exception as exc:  # a bug must not end the watch silently: say so, keep the job
            log.exception("watching job %s failed", job_id)
            self._move(job_id, Event.FETCH_FAILED)
            self._update(
                job_id,
                error_type=type(exc).__name__,
                next_poll_at=self._now() + RETRY_LATER_S,
                message=f"unexpected error: {exc} (resume or download to retry)",
            )
        finally:
            self.store.release(job_id, self.owner)

    async def _poll_and_fetch(self, job_id: int) -> None:
        """Poll until the provider finishes, then bring the file home (the policy is in
        jobs/watching.py; this loop only does what it says)."""
        counters = Counters()
        # One client for the whole watch: a settings change must not move a job to another
        # server while it is being polled.
        provider: Provider | None = None
        polled = rerendered = False
        while True:
            job = self.store.get(job_id)
            local = self._is_local(job.provider)
            phase = before_poll(
                job,
                polled=polled,
                now=self._now(),
                timeout_s=self.settings.job_timeout_s,
                local=local,
                files_gone=not rerendered and _files_gone(job),
            )
            if isinstance(phase, FileGone):
                rerendered = True
                # The render was moved into the library and that file is gone too: render it
                # again (free) rather than fail on a cache file that no longer exists.
                self._move(
                    job_id, Event.RENDER_AGAIN, message="rendering again: the video file is gone"
                )
                await self._render_again(self.store.get(job_id), self._provider(job.provider))
                continue
            if isinstance(phase, Fetch):
                await self.fetcher.fetch(job)
                return
            if isinstance(phase, TimeOut):
                self._move(job_id, Event.TIMED_OUT, message=phase.message)
                return
            if isinstance(phase, Stop):
                return
            provider = provider or self._provider(job.provider)
            polled = True
            answers: Sequence[object] = []
            outcome: StatusResult | SeedanceError
            try:
                with capture() as answers:
                    outcome = await provider.status(self._handle(provider, job))
            except SeedanceError as exc:
                outcome = exc
            step, counters = next_step(
                job,
                outcome,
                counters,
                local=local,
                interval=self._poll_interval or provider.poll_interval,
            )
            if isinstance(step, Retry):
                if step.message is not None:
                    self._update(job_id, message=step.message)
                await asyncio.sleep(step.wait)
                continue
            if isinstance(step, GiveUp):
                self._move(job_id, Event.LOST, message=step.message, error_type=step.error_type)
                return
            if isinstance(step, Pause):
                # Kept as it is (paid, unfinished): polled again after a while, at the next
                # start or `resume`, once the key is put right.
                self._update(
                    job_id,
                    error_type=step.error_type,
                    message=step.message,
                    next_poll_at=self._now() + RETRY_LATER_S,
                )
                return
            if (job.message or "").startswith("polling"):  # the trouble is over
                self._update(
                    job_id, message=None, error_type=None, error_code=None, next_poll_at=None
                )
            if isinstance(step, RenderAgain):
                await self._render_again(job, provider)
                continue
            self._apply_status(job, step.status, answers)
            if step.wait is not None:
                await asyncio.sleep(step.wait)

    async def _render_again(self, job: JobRecord, provider: Provider) -> None:
        """Start a local job's render again from its stored snapshot; same job id, new
        provider job id. The render is free, so this needs no one's decision."""
        snapshot = job.snapshot()
        snapshot = snapshot.model_copy(
            update={"params": snapshot.params.model_copy(update={"variants": 1})}
        )
        try:
            urls = await self._upload(snapshot, [job.id], provider)
            handles = await provider.submit(snapshot, urls)
            if not handles:
                raise SeedanceError("the provider started no render")
        except SeedanceError as exc:
            self._move(
                job.id,
                Event.RENDER_FAILED,
                message=f"could not render again: {exc}",
                error_type=type(exc).__name__,
            )
            return
        handle = handles[0]
        now = self._now()
        if not self._move(
            job.id,
            Event.RENDER_AGAIN,
            provider_job_id=handle.job_id,
            handle_extra=dict(handle.extra),
            create_sent_at=now,
            attempt=job.attempt + 1,
            note="rendering again",
            message="rendering again: the last render was interrupted",
        ):
            await provider.cancel(handle)  # cancelled meanwhile

    def _apply_status(
        self, job: JobRecord, status: StatusResult, answers: Sequence[object] | None = None
    ) -> None:
        raw = {"status": status.model_dump(mode="json"), "responses": answers or []}
        if isinstance(status, Queued):
            if job.state is not JobState.QUEUED or job.raw_status != status.raw_status:
                self._move(
                    job.id,
                    Event.REPORTED_QUEUED,
                    raw_status=status.raw_status,
                    raw=raw,
                    queue_position=status.queue_position,
                )
            elif job.queue_position != status.queue_position:
                self._update(job.id, expect=[JobState.QUEUED], queue_position=status.queue_position)
            self._report(job.id, "queue", 0.0)
        elif isinstance(status, Running):
            if job.state is not JobState.RUNNING or job.progress != status.progress:
                self._move(
                    job.id,
                    Event.REPORTED_RUNNING,
                    raw_status=status.raw_status,
                    progress=status.progress,
                    queue_position=None,
                    raw=raw if job.state is not JobState.RUNNING else None,
                )
            self._report(job.id, "queue", status.progress or 0.0)
        elif isinstance(status, Succeeded):
            cost = status.cost
            self._move(
                job.id,
                Event.REPORTED_SUCCEEDED,
                raw_status=status.raw_status,
                results=status.results,
                actual_cost=cost,
                actual_usd=self._cost_usd(job, cost),
                raw=raw,
            )
            self._gate.slot_freed.set()
        elif isinstance(status, Failed):
            self._move(
                job.id,
                Event.REPORTED_FAILED,
                message=status.message,
                error_type=(
                    ContentBlockedError if status.content_blocked else GenerationFailedError
                ).__name__,
                error_code=status.code,
                raw_status=status.raw_status,
                raw=raw,
            )
            self._gate.slot_freed.set()
        elif isinstance(status, Cancelled):
            self._move(
                job.id,
                Event.REPORTED_CANCELLED,
                raw_status=status.raw_status,
                raw=raw,
                message="cancelled at the provider",
            )
            self._gate.slot_freed.set()

    def _cost_usd(self, job: JobRecord, cost: Cost | None) -> Decimal | None:
        if cost is None:
            return None
        if cost.usd is not None:
            return Decimal(cost.usd)
        if cost.unit == "usd":
            return Decimal(cost.amount)
        rate = capabilities.get(job.provider).pricing.credit_usd
        return Decimal(cost.amount) * rate if rate is not None else None

    @contextlib.asynccontextmanager
    async def _holding(self, ids: list[int]) -> AsyncIterator[None]:
        """Keep renewing the leases on `ids` while the block runs (long polls, slow
        downloads, a create that takes its time), so no other runner takes them over."""

        async def beat() -> None:
            while True:
                await asyncio.sleep(LEASE_S / 3)
                for job_id in ids:
                    self.store.claim(job_id, self.owner, LEASE_S)

        task = asyncio.get_running_loop().create_task(beat())
        try:
            yield
        finally:
            task.cancel()

    # -- downloading ------------------------------------------------------------------------

    # -- small helpers ----------------------------------------------------------------------

    def _now(self) -> float:
        return self.store.now()

    def _client(self) -> httpx.AsyncClient:
        return self.pool.client()

    def _resolver(self, provider_id: str) -> AssetResolver:
        return self.pool.resolver(provider_id)

    @staticmethod
    def _is_local(provider_id: str) -> bool:
        return is_local(provider_id)

    def _limits_for(self, provider_id: str) -> RateLimits:
        """The create limits the provider publishes: the gate enforces them, nothing else."""
        return self._provider(provider_id).rate_limits

    def _provider(self, provider_id: str) -> Provider:
        return self.pool.provider(provider_id)

    @staticmethod
    def _handle(provider: Provider, job: JobRecord) -> JobHandle:
        if job.provider_job_id is None:
            raise SeedanceError(f"job {job.id} has no provider job id")
        handle = provider.handle_for(job.provider_job_id)
        if job.handle_extra:
            handle = handle.model_copy(update={"extra": {**handle.extra, **job.handle_extra}})
        return handle

    def _update(
        self,
        job_id: int,
        *,
        expect: Iterable[JobState] | None = None,
        event: str | None = None,
        raw: object = None,
        **fields: Unpack[JobFields],
    ) -> bool:
        return self.writer.update(job_id, expect=expect, event=event, raw=raw, **fields)

    def _move(
        self,
        job_id: int,
        event: Event,
        *,
        note: str | None = None,
        raw: object = None,
        **fields: Unpack[JobFields],
    ) -> bool:
        """Apply a transition of jobs/transitions.py (False when the job had moved on)."""
        return self.writer.move(job_id, event, note=note, raw=raw, **fields)

    def _report(self, job_id: int, phase: str, fraction: float) -> None:
        self.writer.report(job_id, phase, fraction)

    def _announce(self, job_id: int) -> None:
        self.writer.announce(job_id)

    def _update_many(
        self,
        ids: list[int],
        *,
        event: str | None = None,
        raw: object = None,
        **fields: Unpack[JobFields],
    ) -> None:
        self.writer.update_many(ids, event=event, raw=raw, **fields)

    async def _status_of(self, job: JobRecord) -> StatusResult:
        provider = self._provider(job.provider)
        return await provider.status(self._handle(provider, job))


def _exists(path: str | None) -> bool:
    return path is not None and Path(path).exists()


def _files_gone(job: JobRecord) -> bool:
    """Neither the library copy nor any file the provider wrote is there any more."""
    paths = [m.path for m in job.results]
    return (
        bool(job.results)
        and not _exists(job.result_path)
        and all(p is not None and not Path(p).exists() for p in paths)
    )


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
