"""Cancelling truthfully: `cancelled` only when nothing was sent, the provider confirms it, or
the provider has no server cancel and the user accepted that the job may still run.

Why: a refused or failed server cancel that counted as cancelled stopped the polling of a job
that ran on, was charged and never fetched.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from seedance_studio.core import capabilities
from seedance_studio.core.errors import ProviderError, SeedanceError
from seedance_studio.core.i18n import _
from seedance_studio.jobs.create_gate import CreateGate
from seedance_studio.jobs.message_kinds import MessageKind
from seedance_studio.jobs.pool import ProviderPool, handle_of
from seedance_studio.jobs.states import FETCH_STATES, JobState
from seedance_studio.jobs.store import JobRecord
from seedance_studio.jobs.tasks import TaskBoard
from seedance_studio.jobs.transitions import Event
from seedance_studio.jobs.writer import JobWriter


class CancelNotPossibleError(SeedanceError):
    """The provider has no server cancel: only the user may decide to stop watching."""


class Canceller:
    def __init__(
        self,
        writer: JobWriter,
        pool: ProviderPool,
        tasks: TaskBoard,
        gate: CreateGate,
        *,
        resume: Callable[[JobRecord], None],
    ) -> None:
        self.writer = writer
        self.store = writer.store
        self.pool = pool
        self.tasks = tasks
        self.gate = gate
        self._resume = resume

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
            raise SeedanceError(
                _("job {job_id} already finished; its download continues").format(job_id=job_id)
            )
        if job.state is JobState.SUBMITTING:
            await self._cancel_unsent(job)
            return self.store.get(job_id)
        if job.state is JobState.SUBMIT_UNKNOWN:
            self.writer.move(
                job_id,
                Event.DISCARDED,
                message=_(
                    "discarded by the user; if the provider did create it, it may still run "
                    "and be charged"
                ),
                message_kind=MessageKind.MAY_BE_CHARGED,
            )
            return self.store.get(job_id)
        # queued / running / stuck: only the provider can stop it.
        provider = self.pool.provider(job.provider)
        name = capabilities.get(job.provider).name
        if not (provider.supports_cancel and job.provider_job_id):
            if not accept_uncancellable:
                raise CancelNotPossibleError(
                    _(
                        "{name} has no cancel API: job {job_id} may still run and be charged; "
                        "cancel it anyway to stop watching it (its video would not be fetched)"
                    ).format(name=name, job_id=job_id)
                )
            self.tasks.stop_watch(job_id)
            if not self.writer.move(
                job_id,
                Event.CANCEL_UNSUPPORTED,
                message=_(
                    "cancelled here; {name} has no cancel API, so the job may still run and "
                    "be charged"
                ).format(name=name),
                message_kind=MessageKind.MAY_BE_CHARGED,
            ):
                self._resume(self.store.get(job_id))
            self.gate.slot_freed.set()
            return self.store.get(job_id)
        try:
            accepted = await provider.cancel(handle_of(provider, job))
            warning = provider.capabilities.cancel_warning()
            refusal = (
                None
                if accepted
                else _("not cancelled: {warning}").format(warning=warning)
                if warning
                else _("cancel refused by {name}").format(name=name)
            )
        except ProviderError as exc:
            refusal = _("cancel failed at {name} ({error})").format(name=name, error=exc)
        if refusal is not None:
            # Still running there (and charged when it ends): keep watching it, say so.
            current = self.store.get(job_id)
            self.writer.update(
                job_id,
                expect=[current.state],
                event=_("cancel refused"),
                message=_("{refusal}: still running, still polled").format(refusal=refusal),
                message_kind=MessageKind.CANCEL_REFUSED,
            )
            self._resume(self.store.get(job_id))
            return self.store.get(job_id)
        self.tasks.stop_watch(job_id)
        if not self.writer.move(
            job_id,
            Event.CANCEL_CONFIRMED,
            message=_("cancelled"),
            message_kind=MessageKind.CANCELLED,
        ):
            # It finished meanwhile (paid for): bring the video home instead.
            self._resume(self.store.get(job_id))
        self.gate.slot_freed.set()
        return self.store.get(job_id)

    async def _cancel_unsent(self, job: JobRecord) -> None:
        if job.create_sent_at is not None:
            raise SeedanceError(
                _(
                    "job {job_id} is being created right now; cancel it once it has a provider id"
                ).format(job_id=job.id)
            )
        # One create serves the whole batch (native variants): cancel them together.
        task = self.tasks.batches.get(job.batch)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for row in self.store.batch_jobs(job.batch):
            self.writer.move(
                row.id, Event.CANCELLED_UNSENT, message=_("cancelled before it was sent")
            )
