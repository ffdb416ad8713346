"""The provider protocol and the job status union that every provider client returns.

A handle holds only what can be stored and rebuilt (provider id + its job id), so polling
resumes after a restart from the job store alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from seedance_studio.core.capabilities import ProviderCapabilities
from seedance_studio.core.composition import CompositionSnapshot


class JobHandle(BaseModel):
    """A provider's job id, plus any small extras the provider needs to poll it."""

    model_config = ConfigDict(frozen=True)

    provider: str
    job_id: str
    extra: dict[str, str] = Field(default_factory=dict)


class SubmissionSearch(BaseModel):
    """What a lookup of a lost create saw in the provider's own job list.

    Why `covers_send`: absence is evidence only where the listing was read back past the
    send time (to its end, or to an entry older than the send); a listing cut short by its
    page limit says nothing about the jobs it did not reach.
    """

    model_config = ConfigDict(frozen=True)

    found: list[JobHandle] = Field(default_factory=list)
    covers_send: bool = False
    listing: str = ""
    """What was read, in words for the job's message ("fal's request history since
    12:00:03, read to its end: 4 requests")."""


class Cost(BaseModel):
    """A charge as the provider reported it, with its USD value when known."""

    model_config = ConfigDict(frozen=True)

    amount: Decimal
    unit: Literal["usd", "credits"]
    usd: Decimal | None = None


class ResultMedia(BaseModel):
    """One generated file: a URL to download, or a file the client already wrote."""

    model_config = ConfigDict(frozen=True)

    url: str | None = None
    path: str | None = None
    width: int | None = None
    height: int | None = None
    kind: Literal["video", "last_frame"] = "video"
    """A still of the video's last frame (BytePlus' return_last_frame) is kept beside it."""


class Queued(BaseModel):
    model_config = ConfigDict(frozen=True)
    state: Literal["queued"] = "queued"
    raw_status: str | None = None
    queue_position: int | None = None
    """Requests ahead of this one, where the provider says (fal's IN_QUEUE)."""


class Running(BaseModel):
    model_config = ConfigDict(frozen=True)
    state: Literal["running"] = "running"
    raw_status: str | None = None
    progress: float | None = None
    """0..1 where the provider reports it."""


class Succeeded(BaseModel):
    model_config = ConfigDict(frozen=True)
    state: Literal["succeeded"] = "succeeded"
    results: list[ResultMedia]
    cost: Cost | None = None
    raw_status: str | None = None


class Failed(BaseModel):
    model_config = ConfigDict(frozen=True)
    state: Literal["failed"] = "failed"
    message: str
    code: str | None = None
    content_blocked: bool = False
    raw_status: str | None = None


class Cancelled(BaseModel):
    model_config = ConfigDict(frozen=True)
    state: Literal["cancelled"] = "cancelled"
    raw_status: str | None = None


StatusResult = Queued | Running | Succeeded | Failed | Cancelled
"""What `Provider.status` returns: the one definition of the status union."""
INTERRUPTED_CODE = "interrupted"
"""`Failed.code` of a local provider's job that no live process is working on any more (the
process that ran it exited, no file was left). Nothing was charged, so the job engine renders
it again from the stored snapshot instead of failing it."""


class RequestSpec(BaseModel):
    """An HTTP request as it would be sent; `seedance request` prints it (keys redacted)."""

    model_config = ConfigDict(frozen=True)

    method: str
    url: str
    headers: dict[str, str]
    body: Any = None


@dataclass(frozen=True)
class RateLimits:
    """What a provider documents per API key; None means no limit of that sort (its 429s
    decide)."""

    max_unfinished: int | None = None
    """Jobs created but not yet finished, at once."""
    max_creates: int | None = None
    """Create requests per rolling `window_s`."""
    window_s: float = 60.0


NO_LIMITS = RateLimits()


@runtime_checkable
class Provider(Protocol):
    """What the job engine needs of a provider; one module per provider implements it."""

    @property
    def id(self) -> str: ...

    @property
    def capabilities(self) -> ProviderCapabilities: ...

    @property
    def poll_interval(self) -> float:
        """Seconds between polls when the server gives no hint."""
        ...

    @property
    def supports_cancel(self) -> bool: ...

    def build_request(self, snapshot: CompositionSnapshot, urls: dict[str, str]) -> RequestSpec:
        """The create request for `snapshot`; `urls` maps reference ids to hosted URLs.

        Pure: no I/O, used for dry runs and to submit.
        """
        ...

    async def submit(self, snapshot: CompositionSnapshot, urls: dict[str, str]) -> list[JobHandle]:
        """Create the job(s); one handle per generation. Raises SubmissionUnknownError when
        the request was sent but its outcome is unknown."""
        ...

    async def status(self, handle: JobHandle) -> StatusResult: ...

    async def cancel(self, handle: JobHandle) -> bool:
        """Ask the server to cancel; False when the API has no cancel."""
        ...

    def handle_for(self, job_id: str) -> JobHandle:
        """Rebuild a handle from a stored job id alone."""
        ...

    @property
    def rate_limits(self) -> RateLimits:
        """The create limits the provider documents per key (the engine's gate enforces
        them); NO_LIMITS when it documents none."""
        ...

    @property
    def can_find_submissions(self) -> bool:
        """Whether a documented endpoint lists this key's jobs, so a create whose answer was
        lost can be looked up (`find_submission`)."""
        ...

    async def find_submission(
        self, snapshot: CompositionSnapshot, sent_at: float
    ) -> SubmissionSearch:
        """The job(s) the create of `snapshot` sent at `sent_at` (epoch seconds) made, from
        the provider's own list, and whether that list reached back past the send. Only where
        `can_find_submissions`; otherwise raises NotImplementedError."""
        ...

    async def aclose(self) -> None: ...
