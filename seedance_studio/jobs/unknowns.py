"""Looking an unknown submission up: the provider's own job list, or the dashboard advice.

Why apart from creating: a lookup is free and resends nothing, so the engine runs it by
itself (at start, and again when a window has passed); what a lookup proves is the pure rule
of jobs/settling.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from seedance_studio.core import capabilities
from seedance_studio.core.errors import ProviderError, SeedanceError
from seedance_studio.core.i18n import _
from seedance_studio.core.provider import JobHandle
from seedance_studio.jobs.capture import capture
from seedance_studio.jobs.pool import ProviderPool
from seedance_studio.jobs.provider_policy import absence_window, dashboard_advice
from seedance_studio.jobs.settling import Adopt, NotCreated, settle
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobRecord
from seedance_studio.jobs.tasks import TaskBoard
from seedance_studio.jobs.transitions import Event
from seedance_studio.jobs.writer import JobWriter

Attach = Callable[..., None]
"""Creator.attach_handles(rows, handles, raw, *, found, found_note)."""


class Lookups:
    """Settles unknown submissions where a documented list allows, else says how to."""

    def __init__(
        self, writer: JobWriter, pool: ProviderPool, tasks: TaskBoard, attach: Attach
    ) -> None:
        self.writer = writer
        self.store = writer.store
        self.pool = pool
        self.tasks = tasks
        self._attach = attach

    def soon(self, job: JobRecord) -> None:
        """On start: look it up by itself where the provider's job list allows (`wait`
        waits for this first look)."""
        try:
            if not self.pool.provider(job.provider).can_find_submissions:
                return
        except SeedanceError:  # no key, unknown provider: the user settles it later
            return
        self.tasks.start_batch(job.batch, lambda: self.look_up(job))

    def at(self, job_id: int, when: float) -> None:
        """Look once more when the window has passed (while this engine runs)."""

        async def later() -> None:
            await asyncio.sleep(max(0.0, when - self.store.now()) + 0.05)
            job = self.store.get(job_id)
            if job.state is JobState.SUBMIT_UNKNOWN:
                await self.look_up(job)

        self.tasks.start_lookup(job_id, later)

    async def look_up(self, job: JobRecord) -> None:
        """Settle an unknown submission from the provider's own job list where one is
        documented; otherwise say what a person needs to find it on the dashboard."""
        provider = self.pool.provider(job.provider)
        if not provider.can_find_submissions:
            self.writer.update(job.id, event=_("checked again"), message=advice(job))
            return
        sent_at = job.create_sent_at or job.created_at
        try:
            with capture() as answers:
                search = await provider.find_submission(job.snapshot(), sent_at)
        except ProviderError as exc:
            self.writer.update(job.id, message=_("could not look it up: {error}").format(error=exc))
            return
        rows = [r for r in self.store.batch_jobs(job.batch) if r.state is JobState.SUBMIT_UNKNOWN]
        verdict = settle(
            search.model_copy(update={"found": self._unfollowed(job.provider, search.found)}),
            rows=len(rows),
            sent_at=sent_at,
            now=self.store.now(),
            window_s=absence_window(job.provider),
        )
        raw = {"responses": answers}
        if isinstance(verdict, Adopt):
            note = _("found in {listing}: the lost create had made it").format(
                listing=search.listing
            )
            self._attach(rows, verdict.handles, raw=raw, found=True, found_note=note)
        elif isinstance(verdict, NotCreated):
            for row in rows:
                self.writer.move(row.id, Event.NOT_CREATED, raw=raw, message=verdict.message)
        else:
            for row in rows:
                self.writer.update(
                    row.id,
                    expect=[JobState.SUBMIT_UNKNOWN],
                    event=_("checked again"),
                    raw=raw,
                    message=verdict.message,
                )
            if verdict.look_again_at is not None:
                self.at(job.id, verdict.look_again_at)

    def _unfollowed(self, provider_id: str, found: list[JobHandle]) -> list[JobHandle]:
        """A job another row already follows is not this one (the list may show both)."""
        return [
            h
            for h in found
            if not self.store.select_ids(
                "provider = ? AND provider_job_id = ?", (provider_id, h.job_id)
            )
        ]


def advice(job: JobRecord) -> str:
    """What a person needs to match `job` on its provider's dashboard."""
    refs = [Path(r.source).name or r.source for r in job.snapshot().references]
    return dashboard_advice(
        job.provider,
        capabilities.get(job.provider).name,
        sent_at=job.create_sent_at,
        prompt=job.prompt_text,
        references=refs,
        estimate_usd=job.estimated_usd,
    )
