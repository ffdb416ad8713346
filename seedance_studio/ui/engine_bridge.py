"""The job engine seen from Qt: its psygnal signals re-emitted as queued Qt signals.

The engine is Qt-free asyncio code running on the qasync loop. Its psygnal callbacks may come
from a worker thread (an asset host uploading in a thread reports progress from there), so
every callback goes through a private Qt signal with a queued connection: widgets are only
ever touched on the UI thread, after the engine's own call has returned.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine, Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal

from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.errors import SeedanceError
from seedance_studio.core.i18n import _
from seedance_studio.core.pricing import Estimate
from seedance_studio.core.settings import Settings
from seedance_studio.jobs.engine import JobEngine
from seedance_studio.jobs.pool import ProviderFactory
from seedance_studio.jobs.store import JobEvent, JobRecord, JobStore
from seedance_studio.jobs.summary import JobSummary

if TYPE_CHECKING:
    import httpx

    from seedance_studio.providers.assets import AssetResolver
    from seedance_studio.providers.base import KeySource

log = logging.getLogger(__name__)


class EngineBridge(QObject):
    """Owns a JobEngine for the window's lifetime; `start()` resumes earlier jobs."""

    job_changed = Signal(int)
    """A stored job changed (state, progress, result...); read it again with `job(id)`."""
    progress = Signal(int, str, float)
    """(job id, phase "upload" | "queue" | "download", fraction 0..1)."""
    error = Signal(str)
    """A user-facing message for an action that failed (spawned actions only)."""

    _queued_job_changed = Signal(int)
    _queued_progress = Signal(int, str, float)

    def __init__(
        self, engine: JobEngine, parent: QObject | None = None, *, owns_store: bool = False
    ) -> None:
        super().__init__(parent)
        self.engine = engine
        self._owns_store = owns_store
        self._tasks: set[asyncio.Task[object]] = set()
        self._started = False
        self._closed = False
        queued = Qt.ConnectionType.QueuedConnection
        self._queued_job_changed.connect(self._relay_job_changed, queued)
        self._queued_progress.connect(self._relay_progress, queued)
        engine.job_changed.connect(self._on_job_changed)
        engine.progress.connect(self._on_progress)

    @classmethod
    def create(
        cls,
        settings: Settings,
        secrets: KeySource,
        *,
        store: JobStore | None = None,
        assets: AssetResolver | None = None,
        provider_factory: ProviderFactory | None = None,
        http: httpx.AsyncClient | None = None,
        poll_interval: float | None = None,
        owns_store: bool | None = None,
        parent: QObject | None = None,
    ) -> EngineBridge:
        """An engine over the user's job store (or `store`), wrapped in a bridge.

        `poll_interval` overrides every provider's (the simulator finishes in seconds). The
        bridge closes the store on shutdown when it opened it (or `owns_store` says so).
        """
        own = store is None if owns_store is None else owns_store
        engine = JobEngine(
            store or JobStore(),
            settings,
            secrets,
            assets=assets,
            provider_factory=provider_factory,
            http=http,
            poll_interval=poll_interval,
        )
        return cls(engine, parent, owns_store=own)

    # -- reading -----------------------------------------------------------------------------

    @property
    def store(self) -> JobStore:
        return self.engine.store

    @property
    def closed(self) -> bool:
        """After shutdown() began: no more signals, and the store may be closed."""
        return self._closed

    def jobs(self) -> list[JobRecord]:
        """Every stored job, newest first (earlier runs included)."""
        return [] if self._closed else self.engine.store.list_jobs()

    def job(self, job_id: int) -> JobRecord | None:
        return None if self._closed else self.engine.store.find(job_id)

    def summaries(self, *, before_id: int | None = None, limit: int = 256) -> list[JobSummary]:
        """A page of the job list, newest first, display fields only."""
        return [] if self._closed else self.engine.store.summaries(before_id=before_id, limit=limit)

    def summary(self, job_id: int) -> JobSummary | None:
        return None if self._closed else self.engine.store.find_summary(job_id)

    def summaries_of(self, job_ids: Iterable[int]) -> dict[int, JobSummary]:
        """The listed jobs among `job_ids`, read in one query (absent ones left out)."""
        return {} if self._closed else self.engine.store.find_summaries(job_ids)

    def events(self, job_id: int) -> list[JobEvent]:
        return [] if self._closed else self.engine.store.events(job_id)

    # -- actions (awaitable; exceptions propagate to the caller) -----------------------------

    async def start(self) -> None:
        """Resume every unfinished job from earlier runs (once), after the HTTP client is
        built in a worker thread (off the UI thread: `ProviderPool.prepare_client`)."""
        if not self._started and not self._closed:
            self._started = True
            loop = asyncio.get_running_loop()
            with contextlib.suppress(Exception):  # the first request builds it then
                await loop.run_in_executor(None, self.engine.pool.prepare_client)
            if not self._closed:
                await self.engine.start()

    async def submit(
        self,
        snapshot: CompositionSnapshot,
        estimate: Estimate | None = None,
        *,
        allow_over_budget: bool = False,
    ) -> list[int]:
        """Store and send a composition; one job id per variant. Raises BudgetExceeded."""
        return await self.engine.submit(snapshot, estimate, allow_over_budget=allow_over_budget)

    async def cancel(self, job_id: int, *, accept_uncancellable: bool = False) -> JobRecord:
        return await self.engine.cancel(job_id, accept_uncancellable=accept_uncancellable)

    async def retry(self, job_id: int, *, allow_over_budget: bool = False) -> list[int]:
        return await self.engine.retry(job_id, allow_over_budget=allow_over_budget)

    async def check_again(self, job_id: int) -> JobRecord:
        return await self.engine.check_again(job_id)

    async def submit_anyway(self, job_id: int) -> list[int]:
        return await self.engine.submit_anyway(job_id)

    async def download(self, job_id: int) -> JobRecord:
        return await self.engine.download(job_id)

    def spawn(self, coro: Coroutine[object, object, object]) -> asyncio.Task[object] | None:
        """Run an action in the background; a SeedanceError becomes `error(message)`.

        Buttons use this: a slot must not block, and a failure is shown, not raised.
        """
        if self._closed:
            coro.close()
            return None
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    @property
    def busy(self) -> bool:
        """Spawned actions still running."""
        return any(not t.done() for t in self._tasks)

    async def shutdown(self) -> None:
        """Stop every task of the engine (never hangs; bounded by the engine's close time-out).

        Jobs stay in the store and resume on the next start.
        """
        if self._closed:
            return
        self._closed = True
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=2.0)
        self.engine.job_changed.disconnect(self._on_job_changed)
        self.engine.progress.disconnect(self._on_progress)
        await self.engine.aclose()
        if self._owns_store:
            self.engine.store.close()

    # -- internals ---------------------------------------------------------------------------

    def _on_job_changed(self, job_id: int) -> None:
        self._queued_job_changed.emit(job_id)

    def _on_progress(self, job_id: int, phase: str, fraction: float) -> None:
        self._queued_progress.emit(job_id, phase, float(fraction))

    def _relay_job_changed(self, job_id: int) -> None:
        if not self._closed:  # a change queued just before shutdown finds the store closed
            self.job_changed.emit(job_id)

    def _relay_progress(self, job_id: int, phase: str, fraction: float) -> None:
        if not self._closed:
            self.progress.emit(job_id, phase, fraction)

    def _task_done(self, task: asyncio.Task[object]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if isinstance(exc, SeedanceError):
            self.error.emit(str(exc))
        elif exc is not None:
            log.error("job action failed", exc_info=exc)
            self.error.emit(_("Unexpected error: {exc}").format(exc=exc))
