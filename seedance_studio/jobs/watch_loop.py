"""The async loop that watches one job: take its lease, poll, store each status, fetch.

Why thin: what to do after each answer is the pure policy of jobs/watching.py; this loop only
does what it says, holding the job's lease so two processes never poll or fetch it twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from decimal import Decimal
from pathlib import Path

from seedance_studio.core import capabilities
from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.errors import (
    ContentBlockedError,
    GenerationFailedError,
    ProviderError,
    SeedanceError,
)
from seedance_studio.core.i18n import _
from seedance_studio.core.provider import (
    Cancelled,
    Cost,
    Failed,
    Provider,
    Queued,
    Running,
    StatusResult,
    Succeeded,
)
from seedance_studio.core.settings import Settings
from seedance_studio.jobs.capture import capture
from seedance_studio.jobs.create_gate import CreateGate
from seedance_studio.jobs.fetching import RETRY_LATER_S, Fetcher
from seedance_studio.jobs.message_kinds import MessageKind
from seedance_studio.jobs.polling import budgeted_interval
from seedance_studio.jobs.pool import ProviderPool, handle_of, is_local
from seedance_studio.jobs.states import SETTLED_STATES, JobState
from seedance_studio.jobs.store import JobRecord
from seedance_studio.jobs.tasks import LEASE_S, holding
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

log = logging.getLogger(__name__)

Upload = Callable[[CompositionSnapshot, list[int], Provider], Awaitable[dict[str, str]]]


class JobWatcher:
    """Polls and fetches jobs (one `watch` task per job) and stores what the provider says."""

    def __init__(
        self,
        writer: JobWriter,
        pool: ProviderPool,
        gate: CreateGate,
        fetcher: Fetcher,
        settings: Settings,
        owner: str,
        *,
        upload: Upload,
        poll_interval: float | None = None,
    ) -> None:
        self.writer = writer
        self.store = writer.store
        self.pool = pool
        self.gate = gate
        self.fetcher = fetcher
        self.settings = settings
        self.owner = owner
        self._upload = upload
        self._poll_interval = poll_interval
        """Overrides every provider's interval (the simulator runs jobs in a second)."""
        self._polling: set[int] = set()
        """Jobs this process is polling now: they share one poll budget."""

    async def watch(self, job_id: int) -> None:
        """Take the job's lease (waiting while another live runner has it), then poll and
        fetch while holding it."""
        while not self.store.claim(job_id, self.owner, LEASE_S):
            if self.store.get(job_id).state in SETTLED_STATES:
                return
            await asyncio.sleep(LEASE_S / 3)  # another runner has it; take over if it dies
        try:
            async with holding(self.store, self.owner, [job_id]):
                self._polling.add(job_id)
                try:
                    await self._poll_and_fetch(job_id)
                finally:
                    self._polling.discard(job_id)
        except Exception as exc:  # a bug must not end the watch silently: say so, keep the job
            log.exception("watching job %s failed", job_id)
            self.writer.move(job_id, Event.FETCH_FAILED)
            self.writer.update(
                job_id,
                error_type=type(exc).__name__,
                next_poll_at=self.store.now() + RETRY_LATER_S,
                message=_("unexpected error: {error} (resume or download to retry)").format(
                    error=exc
                ),
            )
        finally:
            self.store.release(job_id, self.owner)

    async def _poll_and_fetch(self, job_id: int) -> None:
        counters = Counters()
        # One client for the whole watch: a settings change must not move a job to another
        # server while it is being polled.
        provider: Provider | None = None
        polled = rerendered = False
        while True:
            job = self.store.get(job_id)
            local = is_local(job.provider)
            phase = before_poll(
                job,
                polled=polled,
                now=self.store.now(),
                timeout_s=self.settings.job_timeout_s,
                local=local,
                files_gone=not rerendered and files_gone(job),
            )
            if isinstance(phase, FileGone):
                rerendered = True
                # The render was moved into the library and that file is gone too: render it
                # again (free) rather than fail on a cache file that no longer exists.
                self.writer.move(
                    job_id,
                    Event.RENDER_AGAIN,
                    message=_("rendering again: the video file is gone"),
                )
                await self._render_again(self.store.get(job_id), self.pool.provider(job.provider))
                continue
            if isinstance(phase, Fetch):
                await self.fetcher.fetch(job)
                return
            if isinstance(phase, TimeOut):
                self.writer.move(job_id, Event.TIMED_OUT, message=phase.message)
                return
            if isinstance(phase, Stop):
                return
            provider = provider or self.pool.provider(job.provider)
            polled = True
            answers: Sequence[object] = []
            outcome: StatusResult | SeedanceError
            try:
                with capture() as answers:
                    outcome = await provider.status(handle_of(provider, job))
            except SeedanceError as exc:
                outcome = exc
            step, counters = next_step(
                job,
                outcome,
                counters,
                local=local,
                interval=self._poll_interval
                or (
                    provider.poll_interval  # a local render costs no request
                    if local
                    else budgeted_interval(provider.poll_interval, len(self._polling))
                ),
            )
            if isinstance(step, Retry):
                if step.message is not None:
                    self.writer.update(
                        job_id, message=step.message, message_kind=MessageKind.POLL_TROUBLE
                    )
                await asyncio.sleep(step.wait)
                continue
            if isinstance(step, GiveUp):
                self.writer.move(
                    job_id, Event.LOST, message=step.message, error_type=step.error_type
                )
                return
            if isinstance(step, Pause):
                # Kept as it is (paid, unfinished): polled again after a while, at the next
                # start or `resume`, once the key is put right.
                self.writer.update(
                    job_id,
                    error_type=step.error_type,
                    message=step.message,
                    message_kind=MessageKind.POLL_TROUBLE,
                    next_poll_at=self.store.now() + RETRY_LATER_S,
                )
                return
            if job.message_kind is MessageKind.POLL_TROUBLE:  # the trouble is over
                self.writer.update(
                    job_id, message=None, error_type=None, error_code=None, next_poll_at=None
                )
            if isinstance(step, RenderAgain):
                await self._render_again(job, provider)
                continue
            self.apply_status(job, step.status, answers)
            if step.wait is not None:
                await asyncio.sleep(step.wait)

    async def check_stuck(self, job: JobRecord) -> bool:
        """Ask once more about a stuck job; True when it moved on (the caller resumes it)."""
        provider = self.pool.provider(job.provider)
        try:
            with capture() as answers:
                status = await provider.status(handle_of(provider, job))
        except ProviderError as exc:
            self.writer.update(
                job.id, message=_("still stuck; the provider said: {error}").format(error=exc)
            )
            return False
        if isinstance(status, Queued | Running):
            self.writer.update(
                job.id,
                raw_status=status.raw_status,
                event=_("checked again"),
                raw={"status": status.model_dump(mode="json"), "responses": answers},
                message=_("still unfinished at the provider"),
            )
            return False
        self.apply_status(job, status, answers)
        return True

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
                raise SeedanceError(_("the provider started no render"))
        except SeedanceError as exc:
            self.writer.move(
                job.id,
                Event.RENDER_FAILED,
                message=_("could not render again: {error}").format(error=exc),
                error_type=type(exc).__name__,
            )
            return
        handle = handles[0]
        if not self.writer.move(
            job.id,
            Event.RENDER_AGAIN,
            provider_job_id=handle.job_id,
            handle_extra=dict(handle.extra),
            create_sent_at=self.store.now(),
            attempt=job.attempt + 1,
            note=_("rendering again"),
            message=_("rendering again: the last render was interrupted"),
        ):
            await provider.cancel(handle)  # cancelled meanwhile

    def apply_status(
        self, job: JobRecord, status: StatusResult, answers: Sequence[object] | None = None
    ) -> None:
        """Store what the provider said about `job` (a move of the table where it says one)."""
        raw = {"status": status.model_dump(mode="json"), "responses": answers or []}
        move = self.writer.move
        if isinstance(status, Queued):
            if job.state is not JobState.QUEUED or job.raw_status != status.raw_status:
                move(
                    job.id,
                    Event.REPORTED_QUEUED,
                    raw_status=status.raw_status,
                    raw=raw,
                    queue_position=status.queue_position,
                )
            elif job.queue_position != status.queue_position:
                self.writer.update(
                    job.id, expect=[JobState.QUEUED], queue_position=status.queue_position
                )
            self.writer.report(job.id, "queue", 0.0)
        elif isinstance(status, Running):
            if job.state is not JobState.RUNNING or job.progress != status.progress:
                move(
                    job.id,
                    Event.REPORTED_RUNNING,
                    raw_status=status.raw_status,
                    progress=status.progress,
                    queue_position=None,
                    raw=raw if job.state is not JobState.RUNNING else None,
                )
            self.writer.report(job.id, "queue", status.progress or 0.0)
        elif isinstance(status, Succeeded):
            move(
                job.id,
                Event.REPORTED_SUCCEEDED,
                raw_status=status.raw_status,
                results=status.results,
                actual_cost=status.cost,
                actual_usd=cost_usd(job.provider, status.cost),
                raw=raw,
            )
            self.gate.slot_freed.set()
        elif isinstance(status, Failed):
            move(
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
            self.gate.slot_freed.set()
        elif isinstance(status, Cancelled):
            move(
                job.id,
                Event.REPORTED_CANCELLED,
                raw_status=status.raw_status,
                raw=raw,
                message=_("cancelled at the provider"),
            )
            self.gate.slot_freed.set()


def cost_usd(provider_id: str, cost: Cost | None) -> Decimal | None:
    """A reported charge in USD: as reported, or credits at the provider's published rate."""
    if cost is None:
        return None
    if cost.usd is not None:
        return Decimal(cost.usd)
    if cost.unit == "usd":
        return Decimal(cost.amount)
    rate = capabilities.get(provider_id).pricing.credit_usd
    return Decimal(cost.amount) * rate if rate is not None else None


def exists(path: str | None) -> bool:
    return path is not None and Path(path).exists()


def files_gone(job: JobRecord) -> bool:
    """Neither the library copy nor any file the provider wrote is there any more."""
    paths = [m.path for m in job.results]
    return (
        bool(job.results)
        and not exists(job.result_path)
        and all(p is not None and not Path(p).exists() for p in paths)
    )
