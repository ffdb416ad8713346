"""Bringing a finished job's video home: download (resumable, verified), sidecar, done.

Why apart from polling: a paid result must reach the library whatever happened to the watch
that saw it finish; a failed download leaves the job `succeeded` (paid, file still to come)
and is tried again later, never failed.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from seedance_studio.core.errors import MediaError, NotFoundError, SeedanceError
from seedance_studio.core.i18n import _
from seedance_studio.core.provider import ResultMedia, StatusResult, Succeeded
from seedance_studio.jobs import download as dl
from seedance_studio.jobs import playable, sidecar
from seedance_studio.jobs.pool import ProviderPool
from seedance_studio.jobs.store import DEFAULT_LEASE_S, JobRecord
from seedance_studio.jobs.transitions import Event
from seedance_studio.jobs.writer import JobWriter

log = logging.getLogger(__name__)

RETRY_LATER_S = 300.0
"""A job whose download failed is tried again by the store scan after this long (a restart,
`download` or `resume` try at once)."""


class Fetcher:
    """Downloads every result of a `succeeded` job into the library, then marks it done."""

    def __init__(
        self,
        writer: JobWriter,
        pool: ProviderPool,
        library: Callable[[], Path],
        status: Callable[[JobRecord], Awaitable[StatusResult]],
    ) -> None:
        self.writer = writer
        self.store = writer.store
        self.pool = pool
        self._library = library
        self._status = status
        """A fresh status answer for a job (result URLs expire; a new one may carry a fresh
        URL)."""

    async def fetch(self, job: JobRecord) -> None:
        if not job.results:
            self.writer.move(
                job.id, Event.NO_RESULT, message=_("the provider reported success without a result")
            )
            return
        final = (
            Path(job.result_path) if job.result_path else dl.library_target(self._library(), job)
        )
        self.writer.move(job.id, Event.FETCH_STARTED, result_path=str(final))
        job = self.store.get(job.id)
        digest: str | None = None  # of the first result, hashed while it streamed
        try:
            for index, media in enumerate(job.results):
                target = dl.result_target(final, index, media)
                if target.exists():
                    continue  # finished before a crash, sidecar may be missing
                if media.kind == "last_frame":
                    try:
                        await self._fetch_one(job, media, target)
                    except (SeedanceError, OSError) as exc:  # a still never holds the video
                        log.warning("job %s: last frame not kept (%s)", job.id, exc)
                    continue
                fetched = await self._fetch_one(job, media, target)
                if index == 0:
                    digest = fetched
        except (SeedanceError, OSError) as exc:
            self.writer.move(
                job.id,
                Event.FETCH_FAILED,
                error_type=type(exc).__name__,
                next_poll_at=self.store.now() + RETRY_LATER_S,
                message=_("download failed: {error} (download again to retry)").format(error=exc),
            )
            return
        record = self.store.get(job.id)
        # Hashing and writing read the whole file: off the loop, which is the UI thread.
        written = await asyncio.to_thread(
            lambda: sidecar.write_sidecar(
                final, sidecar.provenance(record, final, record.results[0], sha256=digest)
            )
        )
        size = final.stat().st_size
        self.writer.move(
            job.id, Event.FETCHED, sidecar_path=str(written), bytes_done=size, bytes_total=size
        )
        self.writer.report(job.id, "download", 1.0)

    async def _fetch_one(self, job: JobRecord, media: ResultMedia, target: Path) -> str | None:
        """Bring one result to `target`; the sha256 of a download (None for a local file)."""
        if media.path:
            await asyncio.to_thread(dl.adopt_local, Path(media.path), target)
            return None
        if not media.url:
            raise SeedanceError(_("the result has neither a URL nor a file"))
        part = dl.part_path(target)
        last = [0.0]

        def report(done: int, total: int | None) -> None:
            self.writer.report(job.id, "download", done / total if total else 0.0)
            now = self.store.now()
            if now - last[0] > 1.0:  # persist progress for other processes, not every chunk
                last[0] = now
                self.store.update(
                    job.id, bytes_done=done, bytes_total=total, lease_until=now + DEFAULT_LEASE_S
                )

        url = media.url
        for attempt in itertools.count():
            try:
                if media.kind == "video":  # proved playable mostly while it streams
                    fetched, _early = await playable.fetch_video(
                        self.pool.client(), url, part, progress=report
                    )
                else:
                    fetched = await dl.fetch(
                        self.pool.client(),
                        url,
                        part,
                        progress=report,
                        accepted=dl.STILL_TYPES if media.kind == "last_frame" else None,
                    )
            except NotFoundError:
                fresh = await self._fresh_url(job, media) if attempt == 0 else None
                if fresh is None:
                    raise
                url = fresh
                continue
            except MediaError:
                part.unlink(missing_ok=True)  # corrupt: start over once
                if attempt >= 1:
                    raise
                continue
            break
        part.replace(target)
        return fetched.sha256

    async def _fresh_url(self, job: JobRecord, media: ResultMedia) -> str | None:
        try:
            status = await self._status(job)
        except SeedanceError:
            return None
        if isinstance(status, Succeeded):
            index = job.results.index(media) if media in job.results else 0
            if index < len(status.results) and status.results[index].url not in (None, media.url):
                return status.results[index].url
        return None
