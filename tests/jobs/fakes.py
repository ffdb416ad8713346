"""A scripted in-memory Provider and a result server (httpx MockTransport) for engine tests."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from seedance_studio.core import capabilities
from seedance_studio.core.capabilities import ProviderCapabilities
from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.errors import SubmissionUnknownError
from seedance_studio.core.params import GenerationParams
from seedance_studio.core.prompt import PromptDocument
from seedance_studio.core.provider import (
    JobHandle,
    RequestSpec,
    ResultMedia,
    Running,
    StatusResult,
    SubmissionSearch,
    Succeeded,
)
from seedance_studio.core.reference import Reference
from seedance_studio.core.tray import ReferenceTray
from seedance_studio.providers.rate_limits import RateLimits

RESULT_HOST = "https://results.example"


@dataclass
class FakeProvider:
    """Jobs walk queued -> running -> succeeded after `polls_to_finish` polls, unless scripted."""

    provider_id: str = "shortapi"
    polls_to_finish: int = 2
    poll_interval: float = 0.01
    supports_cancel: bool = True
    rate_limits: RateLimits = field(default_factory=RateLimits)
    """Published like a real provider's; the engine's gate reads them."""
    submit_errors: list[BaseException] = field(default_factory=list)
    status_errors: list[BaseException] = field(default_factory=list)
    final: Callable[[str], StatusResult] | None = None
    submit_delay: float = 0.0
    can_find_submissions: bool = False
    """Like fal / BytePlus: a job list to look lost creates up in."""
    lose_answers: int = 0
    """Creates that make their job and then lose the answer (SubmissionUnknownError)."""
    unanswered: list[str] = field(default_factory=list)
    """Jobs made by creates whose answer was lost: what the provider's list shows."""
    cancel_accepts: bool = True
    cancel_errors: list[BaseException] = field(default_factory=list)
    creates: int = 0
    in_flight: int = 0
    most_in_flight: int = 0
    """The most creates that were out at once."""
    cancels: list[str] = field(default_factory=list)
    polls: dict[str, int] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def id(self) -> str:
        return self.provider_id

    @property
    def capabilities(self) -> ProviderCapabilities:
        return capabilities.get(self.provider_id)

    def build_request(self, snapshot: CompositionSnapshot, urls: dict[str, str]) -> RequestSpec:
        return RequestSpec(
            method="POST",
            url="https://fake/create",
            headers={},
            body={"prompt": snapshot.compiled_prompt(), "urls": urls},
        )

    async def submit(self, snapshot: CompositionSnapshot, urls: dict[str, str]) -> list[JobHandle]:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            if self.submit_delay:
                await asyncio.sleep(self.submit_delay)
        finally:
            self.in_flight -= 1
        if self.submit_errors:
            raise self.submit_errors.pop(0)
        self.creates += 1
        count = (
            snapshot.params.variants
            if self.capabilities.model(snapshot.params.model).max_variants > 1
            else 1
        )
        handles = [
            JobHandle(provider=self.id, job_id=f"job-{next(self._ids)}") for _ in range(count)
        ]
        if self.lose_answers:
            self.lose_answers -= 1
            self.unanswered.extend(h.job_id for h in handles)
            raise SubmissionUnknownError(
                "the connection dropped before the answer", provider=self.id
            )
        return handles

    async def find_submission(
        self, snapshot: CompositionSnapshot, sent_at: float
    ) -> SubmissionSearch:
        if not self.can_find_submissions:
            raise NotImplementedError
        found, self.unanswered = self.unanswered, []
        return SubmissionSearch(
            found=[JobHandle(provider=self.id, job_id=i) for i in found],
            covers_send=True,
            listing="the fake's whole job list",
        )

    async def status(self, handle: JobHandle) -> StatusResult:
        if self.status_errors:
            raise self.status_errors.pop(0)
        n = self.polls[handle.job_id] = self.polls.get(handle.job_id, 0) + 1
        if n < self.polls_to_finish:
            return Running(raw_status="running", progress=n / self.polls_to_finish)
        if self.final is not None:
            return self.final(handle.job_id)
        return Succeeded(
            results=[ResultMedia(url=f"{RESULT_HOST}/{handle.job_id}.mp4")], raw_status="2"
        )

    async def cancel(self, handle: JobHandle) -> bool:
        self.cancels.append(handle.job_id)
        if self.cancel_errors:
            raise self.cancel_errors.pop(0)
        return self.cancel_accepts

    def handle_for(self, job_id: str) -> JobHandle:
        return JobHandle(provider=self.id, job_id=job_id)

    async def aclose(self) -> None:
        return None


@dataclass
class ResultServer:
    """Serves `video` for any path, honouring Range; can drop or corrupt on request."""

    video: bytes
    truncate_next: int = 0
    """Answer this many requests with only half of what they asked for."""
    requests: list[httpx.Request] = field(default_factory=list)
    content_type: str = "video/mp4"
    gone: bool = False

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.gone:
            return httpx.Response(410)
        start = 0
        rng = request.headers.get("range")
        if rng:
            start = int(rng.split("=")[1].split("-")[0])
        body = self.video[start:]
        headers = {"content-type": self.content_type, "content-length": str(len(body))}
        status = 200
        if rng:
            status = 206
            headers["content-range"] = f"bytes {start}-{len(self.video) - 1}/{len(self.video)}"
        if self.truncate_next:
            self.truncate_next -= 1
            return httpx.Response(
                status, headers=headers, stream=_Short(body[: len(body) // 2], len(body))
            )
        return httpx.Response(status, headers=headers, content=body)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self.handler))


class _Short(httpx.AsyncByteStream):
    """A body that claims `length` bytes but ends early, like a dropped connection."""

    def __init__(self, data: bytes, length: int) -> None:
        self.data = data
        self.length = length

    async def __aiter__(self) -> Any:
        yield self.data
        raise httpx.RemoteProtocolError("peer closed connection")


def make_snapshot(
    provider: str = "shortapi",
    text: str = "A cat walks like @Video1",
    sources: list[str] | None = None,
    **params: Any,
) -> CompositionSnapshot:
    refs = [
        Reference.from_source(s)
        for s in (sources if sources is not None else ["https://example.com/walk.mp4"])
    ]
    tray = ReferenceTray(refs)
    doc = PromptDocument(text, tray)
    return CompositionSnapshot(
        references=refs, prompt=doc.to_data(), params=GenerationParams(provider=provider, **params)
    )


def video_bytes() -> bytes:
    from seedance_studio.simulator.media import clip_path

    return Path(clip_path(64, 64, 1)).read_bytes()


def read_bytes(path: str | None) -> bytes:
    """Sync file reads for async tests (kept out of the coroutines on purpose)."""
    return Path(path or "").read_bytes()


def exists(path: str | None) -> bool:
    return path is not None and Path(path).exists()


async def until(condition: Callable[[], bool], limit_s: float = 10.0) -> None:
    """Wait until `condition()` holds (polling: the engine runs in the same loop)."""
    async with asyncio.timeout(limit_s):
        while not condition():  # noqa: ASYNC110 (the condition reads the store)
            await asyncio.sleep(0.01)
