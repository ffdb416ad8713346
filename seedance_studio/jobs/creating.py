"""Creating jobs: rows first, then the create(s), each answer's ids stored before anything else.

Why each rule:
- The row is written before the create goes out, and `create_sent_at` is stamped just before
  sending, so after a crash a row without that stamp was never sent (it is submitted on
  resume) and a row with it is "submit_unknown" (only the user, or a lookup, settles it).
- A create answered 429, a gateway's 502/503/504 or a refused connection was not created, so
  it waits (Retry-After or back-off) and goes again; a 500 after the body was sent is unknown.
- Create limits are the numbers a provider publishes, enforced only by the store-based gate
  (jobs/create_gate.py); variants go out a few at a time (jobs/provider_policy.py).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from seedance_studio.core import capabilities
from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.errors import (
    MalformedResponseError,
    ProviderError,
    RateLimitedError,
    SeedanceError,
    SubmissionUnknownError,
)
from seedance_studio.core.i18n import _
from seedance_studio.core.pricing import Estimate
from seedance_studio.core.provider import JobHandle, Provider
from seedance_studio.core.redact import without_signature
from seedance_studio.core.settings import Settings
from seedance_studio.jobs.capture import capture
from seedance_studio.jobs.create_gate import CreateGate
from seedance_studio.jobs.estimates import split_usd
from seedance_studio.jobs.ledger import Ledger
from seedance_studio.jobs.message_kinds import MessageKind
from seedance_studio.jobs.polling import create_retry_delay
from seedance_studio.jobs.pool import ProviderPool, is_local
from seedance_studio.jobs.provider_policy import policy
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobRecord, NewJob
from seedance_studio.jobs.tasks import LEASE_S, TaskBoard, holding
from seedance_studio.jobs.transitions import Event
from seedance_studio.jobs.writer import JobWriter

if TYPE_CHECKING:
    from seedance_studio.providers.assets import AssetResolver

log = logging.getLogger(__name__)


class Creator:
    """Stores new jobs and sends their creates; `resume(job)` starts watching a created one."""

    def __init__(
        self,
        writer: JobWriter,
        pool: ProviderPool,
        tasks: TaskBoard,
        owner: str,
        settings: Settings,
        *,
        resume: Callable[[JobRecord], None],
        assets: AssetResolver | None = None,
    ) -> None:
        self.writer = writer
        self.store = writer.store
        self.pool = pool
        self.tasks = tasks
        self.owner = owner
        self.settings = settings
        self.assets = assets
        self.ledger = Ledger(self.store)
        self.gate = CreateGate(self.store, lambda pid: pool.provider(pid).rate_limits)
        self._resume = resume
        self._in_flight: dict[str, asyncio.Semaphore] = {}
        """Per provider: how many of this engine's creates may be out at once."""

    # -- rows -------------------------------------------------------------------------------

    def submit(
        self,
        snapshot: CompositionSnapshot,
        estimate: Estimate | None,
        *,
        retry_of: int | None,
        allow_over_budget: bool,
        per_job_usd: Decimal | None = None,
    ) -> list[int]:
        """Store one row per variant (one batch for native variants, else one each) and
        start their creates; BudgetExceeded unless `allow_over_budget`."""
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
        shared = uuid.uuid4().hex
        single = snapshot.model_copy(update={"params": params.model_copy(update={"variants": 1})})
        rows = [
            NewJob(
                snapshot=snapshot if native else single,
                group_id=group,
                batch=shared if native else uuid.uuid4().hex,
                variant=i,
                estimate=estimate,
                estimated_usd=each,
                retry_of=retry_of,
            )
            for i in range(variants)
        ]
        ids = self.store.insert_jobs(rows, owner=self.owner, lease_s=LEASE_S)
        self.tasks.remember(ids, (r.batch for r in rows))
        for job_id in ids:
            self.writer.announce(job_id)
        for batch in dict.fromkeys(r.batch for r in rows):
            self.spawn(batch)
        return ids

    def send_again(self, job_id: int) -> list[int]:
        """Send the create again for a submit_unknown job (the user accepts paying twice)."""
        job = self.store.get(job_id)
        if job.state is not JobState.SUBMIT_UNKNOWN:
            raise SeedanceError(
                _("job {job_id} is {state}, not an unknown submission").format(
                    job_id=job_id, state=job.state.value
                )
            )
        rows = self.store.batch_jobs(job.batch)
        for row in rows:
            self.writer.move(
                row.id,
                Event.SUBMIT_AGAIN,
                message=_("submitted again by the user"),
                lease_owner=self.owner,
                lease_until=self.store.now() + LEASE_S,
            )
        self.spawn(job.batch)
        return [row.id for row in rows]

    # -- the create -------------------------------------------------------------------------

    def spawn(self, batch: str) -> None:
        self.tasks.start_batch(batch, lambda: self._run_batch(batch))

    async def _run_batch(self, batch: str) -> None:
        rows = self.store.batch_jobs(batch)
        ids = [row.id for row in rows]
        async with holding(self.store, self.owner, ids):
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
                self.writer.update_many(ids, message=_("waiting for the creates already in flight"))
            async with slots:
                await self.create_batch(batch)

    async def create_batch(self, batch: str) -> None:
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
            provider = self.pool.provider(first.provider)
            snapshot = first.snapshot()
            urls = await self.upload(snapshot, ids, provider)
            # The record keeps where each reference went, never a presigned URL's credential.
            self.writer.update_many(
                ids, ref_urls={k: without_signature(v) for k, v in urls.items()}
            )
            attempt_errors = 0
            while True:

                def mark() -> None:
                    now = self.store.now()
                    for job_id in ids:
                        self.writer.update(
                            job_id,
                            expect=[JobState.SUBMITTING],
                            create_sent_at=now,
                            attempt=first.attempt + 1,
                            message=_("creating"),
                            message_kind=MessageKind.CREATING,
                            lease_until=now + LEASE_S,
                        )

                await self.gate.pass_through(
                    first.provider,
                    mark,
                    on_wait=lambda why: self.writer.update_many(ids, message=why),
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
                    self.writer.update_many(
                        ids,
                        create_sent_at=None,
                        message=_(
                            "{error} — nothing was created; trying again in {seconds} s"
                        ).format(error=exc, seconds=f"{delay:.0f}"),
                        event=_("create refused (rate limited)")
                        if isinstance(exc, RateLimitedError)
                        else _("create not taken ({error_type})").format(
                            error_type=type(exc).__name__
                        ),
                        raw=answers,
                    )
                    await asyncio.sleep(delay)
                    continue
                break
            sent = False
            self.attach_handles(
                self.store.batch_jobs(batch),
                handles,
                raw={"handles": [h.model_dump(mode="json") for h in handles], "responses": answers},
            )
        except SubmissionUnknownError as exc:
            self.mark_unknown(ids, str(exc), raw=answers)
        except MalformedResponseError as exc:
            # Unreadable after sending: the provider may well have created (and billed) it.
            if sent:
                self.mark_unknown(ids, str(exc), raw=answers)
            else:
                self.fail_many(ids, exc, raw=answers)
        except asyncio.CancelledError:
            if sent and is_local(first.provider):
                # Nothing to pay twice: leave it unsent, the next start renders it.
                self.writer.update_many(ids, create_sent_at=None, message=_("interrupted"))
            elif sent:
                self.mark_unknown(ids, _("interrupted while the create request was out"))
            raise
        except SeedanceError as exc:
            # An answer (or a refusal before sending): nothing unknown about it.
            self.fail_many(ids, exc, raw=answers)
        except Exception as exc:  # a bug must not leave a row "submitting" forever
            log.exception("create failed unexpectedly")
            if handles:
                # Answered (and paid): whatever failed afterwards, the ids must survive.
                self._keep_handles(batch, handles, exc)
            elif sent:
                self.mark_unknown(
                    ids, _("unexpected error while creating: {error}").format(error=exc)
                )
            else:
                self.fail_many(ids, exc)

    async def upload(
        self, snapshot: CompositionSnapshot, ids: list[int], provider: Provider
    ) -> dict[str, str]:
        """Hosted URLs for every reference (local files uploaded, progress on `ids`)."""
        refs = list(snapshot.references)
        local = [r for r in refs if not r.is_url]
        urls = {r.id: r.source for r in refs if r.is_url}
        if not local:
            return urls
        if provider.capabilities.local:
            return {**urls, **{r.id: r.source for r in local}}
        resolver = self.assets or self.pool.resolver(provider.id)

        def report(_name: str, done: int, total: int) -> None:
            for job_id in ids:
                self.writer.report(job_id, "upload", done / total if total else 0.0)

        resolved: dict[str, str] = await resolver.resolve(refs, progress=report)
        return resolved

    # -- what an answer (or its absence) leaves ---------------------------------------------

    def attach_handles(
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
            self.writer.announce(row.id)
        for row in rows[len(handles) :]:
            self.writer.move(
                row.id,
                short,
                raw=raw,
                message=_(
                    "the provider returned {returned} of {requested} requested generations"
                ).format(returned=len(handles), requested=len(rows)),
            )
        for row in rows[: len(handles)]:
            self._resume(self.store.get(row.id))

    def _keep_handles(self, batch: str, handles: list[JobHandle], exc: BaseException) -> None:
        """After an answered create went wrong here: store any id not stored yet, and say
        which ids the provider gave, so nobody sends it again for nothing."""
        rows = self.store.batch_jobs(batch)
        for row, handle in zip(rows, handles, strict=False):
            if row.state is JobState.SUBMITTING:
                self.writer.move(
                    row.id,
                    Event.CREATED,
                    provider_job_id=handle.job_id,
                    handle_extra=dict(handle.extra),
                    message=_("created; recording it hit an error: {error}").format(error=exc),
                )
        for row in self.store.batch_jobs(batch):
            if row.state is JobState.QUEUED:
                self._resume(row)
        still = [r.id for r in self.store.batch_jobs(batch) if r.state is JobState.SUBMITTING]
        ids = ", ".join(h.job_id for h in handles)
        self.mark_unknown(
            still, _("created as {ids}, then an error here: {error}").format(ids=ids, error=exc)
        )

    def mark_unknown(self, ids: list[int], why: str, raw: object = None) -> None:
        for job_id in ids:
            self.writer.move(
                job_id,
                Event.CREATE_UNKNOWN,
                raw=raw or None,
                message=_(
                    "submission outcome unknown ({why}): check again or submit anyway"
                ).format(why=why),
            )

    def fail_many(self, ids: list[int], exc: BaseException, raw: object = None) -> None:
        for job_id in ids:
            # Only rows still being created: one that has its provider id is never failed here.
            self.writer.move(
                job_id,
                Event.CREATE_FAILED,
                message=str(exc),
                error_type=type(exc).__name__,
                raw=raw or None,
                error_code=exc.code if isinstance(exc, ProviderError) else None,
            )
