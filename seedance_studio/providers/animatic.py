"""The "Animatic (local)" provider: renders a draft on this computer, free and offline.

It goes through the same job queue, downloads folder and preview as the cloud providers: submit
starts a render on a background thread and returns a handle; status reports its progress and,
when done, the file it wrote. Renders run one at a time (they use both cores).

After a restart the in-memory job is gone: status then reports the finished file if the render
completed, and otherwise Failed with code INTERRUPTED_CODE; the job engine then renders the
job again from the snapshot it stored (free and local: nobody needs to decide).
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import ClassVar

from seedance_studio.core import capabilities as capabilities_mod
from seedance_studio.core import paths
from seedance_studio.core.capabilities import ProviderCapabilities
from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.errors import MediaError, SeedanceError
from seedance_studio.core.i18n import _
from seedance_studio.core.probe import probe_file
from seedance_studio.core.provider import (
    INTERRUPTED_CODE,
    NO_LIMITS,
    Cancelled,
    Cost,
    Failed,
    JobHandle,
    Queued,
    RateLimits,
    RequestSpec,
    ResultMedia,
    Running,
    StatusResult,
    SubmissionSearch,
    Succeeded,
)
from seedance_studio.core.settings import Settings
from seedance_studio.media.animatic import AnimaticSpec, render_animatic, spec_from_snapshot
from seedance_studio.media.progress import MediaCancelledError

PROVIDER_ID = "animatic"
INTERRUPTED = "interrupted, resubmit"
"""What status says of a job this process never ran and that left no file (app restarted)."""


@dataclass
class _Job:
    spec: AnimaticSpec
    dest: Path
    cancel: threading.Event = field(default_factory=threading.Event)
    state: str = "queued"
    progress: float = 0.0
    message: str = ""


class AnimaticProvider:
    """The local animatic behind the Provider protocol."""

    def __init__(
        self,
        caps: ProviderCapabilities | None = None,
        *,
        output_dir: Path | None = None,
        download: bool = True,
    ) -> None:
        self._caps = caps or capabilities_mod.get(PROVIDER_ID)
        self._output_dir = output_dir
        self._download = download
        self._jobs: dict[str, _Job] = {}
        self._lock = threading.Lock()
        self._one_at_a_time = threading.Semaphore(1)
        self._threads: list[threading.Thread] = []

    @property
    def id(self) -> str:
        return self._caps.id

    @property
    def capabilities(self) -> ProviderCapabilities:
        return self._caps

    @property
    def poll_interval(self) -> float:
        return 0.5

    @property
    def supports_cancel(self) -> bool:
        return True

    rate_limits: ClassVar[RateLimits] = NO_LIMITS
    can_find_submissions: ClassVar[bool] = False
    """A render cut short is rendered again (free), so nothing is ever looked up."""

    async def find_submission(
        self, snapshot: CompositionSnapshot, sent_at: float
    ) -> SubmissionSearch:
        raise NotImplementedError(_("the animatic renders again instead of looking up"))

    def output_dir(self) -> Path:
        folder = self._output_dir or paths.cache_dir() / "animatic"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def output_path(self, job_id: str) -> Path:
        return self.output_dir() / f"{job_id}.mp4"

    def build_request(self, snapshot: CompositionSnapshot, urls: dict[str, str]) -> RequestSpec:
        """What would be rendered: nothing is sent anywhere, so this is a description."""
        spec = spec_from_snapshot(snapshot, self._caps)
        return RequestSpec(
            method="RENDER",
            url=self._caps.base_url,
            headers={},
            body={
                "duration_s": spec.duration_s,
                "width": spec.width,
                "height": spec.height,
                "fps": spec.fps,
                "prompt": spec.prompt,
                "references": [
                    {"tag": spec.tags.get(r.id, ""), "source": r.source} for r in spec.references
                ],
            },
        )

    async def submit(self, snapshot: CompositionSnapshot, urls: dict[str, str]) -> list[JobHandle]:
        spec = spec_from_snapshot(snapshot, self._caps)
        handles: list[JobHandle] = []
        for _variant in range(max(1, snapshot.params.variants)):
            job_id = uuid.uuid4().hex
            job = _Job(spec=spec, dest=self.output_path(job_id))
            with self._lock:
                self._jobs[job_id] = job
            thread = threading.Thread(
                target=self._run, args=(job,), daemon=True, name=f"animatic-{job_id[:8]}"
            )
            self._threads.append(thread)
            thread.start()
            handles.append(self.handle_for(job_id))
        return handles

    async def status(self, handle: JobHandle) -> StatusResult:
        with self._lock:
            job = self._jobs.get(handle.job_id)
            state = (job.state, job.progress, job.message) if job else None
        if state is None or state[0] == "succeeded":
            dest = self.output_path(handle.job_id)
            if dest.is_file():
                return await asyncio.to_thread(_succeeded, dest)
            return Failed(message=INTERRUPTED, code=INTERRUPTED_CODE)
        name, progress, message = state
        if name == "queued":
            return Queued(raw_status="queued")
        if name == "running":
            return Running(raw_status="rendering", progress=progress)
        if name == "cancelled":
            return Cancelled(raw_status="cancelled")
        return Failed(message=message, code="render_failed")

    async def cancel(self, handle: JobHandle) -> bool:
        with self._lock:
            job = self._jobs.get(handle.job_id)
        if job is None:
            return False
        job.cancel.set()
        return True

    def handle_for(self, job_id: str) -> JobHandle:
        return JobHandle(provider=self.id, job_id=job_id)

    async def aclose(self) -> None:
        """Stop unfinished renders and wait (briefly) for their threads."""
        with self._lock:
            for job in self._jobs.values():
                job.cancel.set()
        for thread in self._threads:
            await asyncio.to_thread(thread.join, 5.0)
        self._threads.clear()

    def _run(self, job: _Job) -> None:
        with self._one_at_a_time:
            if job.cancel.is_set():
                self._set(job, "cancelled")
                return
            self._set(job, "running")
            try:
                render_animatic(
                    job.spec, job.dest, self._progress(job), job.cancel, download=self._download
                )
            except MediaCancelledError:
                self._set(job, "cancelled")
            except SeedanceError as exc:
                self._set(job, "failed", str(exc))
            except Exception as exc:  # a render bug must fail the job, not kill the thread
                self._set(
                    job,
                    "failed",
                    _("the animatic could not be rendered: {error}").format(error=exc),
                )
            else:
                self._set(job, "succeeded")

    def _progress(self, job: _Job) -> Callable[[float], None]:
        def report(value: float) -> None:
            with self._lock:
                job.progress = value

        return report

    def _set(self, job: _Job, state: str, message: str = "") -> None:
        with self._lock:
            job.state, job.message = state, message


def _succeeded(dest: Path) -> Succeeded:
    try:
        facts = probe_file(dest)
        width, height = facts.width, facts.height
    except MediaError:
        width = height = None
    return Succeeded(
        results=[ResultMedia(path=str(dest), width=width, height=height)],
        cost=Cost(amount=Decimal(0), unit="usd", usd=Decimal(0)),
        raw_status="rendered",
    )


def create(settings: Settings, secrets: object, http: object) -> AnimaticProvider:
    """The registry factory: no key, no HTTP client, no base URL to override."""
    return AnimaticProvider()
