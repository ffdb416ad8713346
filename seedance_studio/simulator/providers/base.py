"""What every simulated provider shares: routing, auth, job creation."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from seedance_studio.simulator.faults import Fault, FaultKind
from seedance_studio.simulator.http import ApiError, Request, Response
from seedance_studio.simulator.jobs import Job, Outcome
from seedance_studio.simulator.state import SimState
from seedance_studio.simulator.validation import file_dims

BAD_KEY = "bad-key"
BROKE_KEY = "broke-key"
NO_ACCESS_KEY = "noaccess-key"
JSON_BODY_LIMIT = 10 * 1024 * 1024
DURATION_MESSAGES = {
    "video_seconds": "Combined video duration must be between 2 and 15 seconds",
    "audio_seconds": "Combined audio duration must not exceed 15 seconds",
}
"""The combined-duration texts Oxen's and eachlabs' pages give, word for word."""
FAULT_OUTCOMES = {
    FaultKind.CONTENT_POLICY: Outcome.CONTENT_BLOCKED,
    FaultKind.JOB_FAILURE: Outcome.FAIL,
    FaultKind.STUCK: Outcome.STUCK,
}


@dataclass
class Ctx:
    """One request on its way through a provider handler."""

    req: Request
    state: SimState
    params: dict[str, str]
    api_key: str = ""
    job_fault: Fault | None = None


Handler = Callable[[Ctx], Response]


@dataclass(frozen=True)
class Route:
    """A documented endpoint: methods, path regex (named groups), counter name."""

    methods: tuple[str, ...]
    pattern: re.Pattern[str]
    endpoint: str
    handler: Handler
    auth: bool = True
    charges: bool = False
    body_limit: int = JSON_BODY_LIMIT


def iso(epoch: float) -> str:
    """An ISO 8601 UTC timestamp with a Z, as the queue APIs write them."""
    return datetime.fromtimestamp(epoch, UTC).isoformat().replace("+00:00", "Z")


def route(
    methods: str,
    pattern: str,
    endpoint: str,
    handler: Handler,
    *,
    auth: bool = True,
    charges: bool = False,
    body_limit: int = JSON_BODY_LIMIT,
) -> Route:
    return Route(
        tuple(methods.split("|")),
        re.compile(f"^{pattern}$"),
        endpoint,
        handler,
        auth,
        charges,
        body_limit,
    )


@dataclass
class Provider:
    """Base class; subclasses define routes and their error body shape."""

    state: SimState
    name: str = ""
    prefix: str = ""
    missing_key_message: str = "Missing API key"
    bad_key_message: str = "Invalid API key"
    broke_message: str = "Insufficient credits"
    moderation_message: str = "Content moderation: the request was blocked by the safety system"
    failure_message: str = "Internal error during generation, please retry"
    _routes: list[Route] = field(default_factory=list)

    def routes(self) -> list[Route]:
        return self._routes

    def owner_of(self, params: dict[str, str]) -> str:
        """Which provider a request counts under (shared file routes override this)."""
        return self.name

    def api_key(self, req: Request) -> str | None:
        auth = req.header("authorization") or ""
        if auth[:7].lower() == "bearer ":
            return auth[7:].strip() or None
        return None

    def authenticate(self, ctx: Ctx, rt: Route) -> None:
        key = self.api_key(ctx.req)
        if not key:
            raise ApiError(401, self.missing_key_message)
        if key == BAD_KEY:
            raise ApiError(401, self.bad_key_message)
        if key == BROKE_KEY and rt.charges:
            raise ApiError(402, self.broke_message)
        ctx.api_key = key

    def render_error(self, err: ApiError) -> Response:
        return Response.json({"error": err.message}, err.status, err.headers)

    def check_concurrency(self, ctx: Ctx, extra: int = 1) -> None:
        limit = self.state.option(self.name, "concurrency_limit")
        if limit is not None and self.state.jobs.unfinished(self.name, ctx.api_key) + extra > limit:
            raise ApiError(
                429,
                "Too many tasks in progress, wait for some to complete",
                headers={"Retry-After": "1"},
            )

    def new_job(
        self,
        ctx: Ctx,
        *,
        model: str,
        duration: int,
        width: int,
        height: int,
        request: dict[str, object],
        cost: float = 0.0,
        credits: int = 0,
        extra: dict[str, object] | None = None,
        id_prefix: str = "",
        job_id: str | None = None,
    ) -> Job:
        """Create, register and return a job with the armed outcome applied."""
        outcome, message = self.state.default_outcome(self.name)
        fault = ctx.job_fault
        if fault is not None:
            outcome = FAULT_OUTCOMES[fault.kind]
            message = fault.message
        fw, fh = file_dims(width, height)
        job = Job(
            id=job_id or f"{id_prefix}{uuid.uuid4().hex[:20]}",
            provider=self.name,
            model=model,
            api_key=ctx.api_key,
            duration=duration,
            width=width,
            height=height,
            file_width=fw,
            file_height=fh,
            timing=self.state.timing,
            request=request,
            outcome=outcome,
            message=message,
            cost=cost,
            credits=credits,
            extra=dict(extra or {}),
        )
        self.state.jobs.add(job)
        return job

    def own_job(self, ctx: Ctx, job_id: str | None, not_found: str) -> Job:
        """The caller's job, or the provider's 404 (other keys' jobs are invisible)."""
        job = self.state.jobs.get(job_id or "")
        if job is None or job.provider != self.name or job.api_key != ctx.api_key:
            raise ApiError(404, not_found)
        fault = ctx.job_fault
        if fault is not None:
            outcome = FAULT_OUTCOMES[fault.kind]
            self.state.jobs.set_outcome(job.id, outcome, fault.message)
        return job

    def failure_text(self, job: Job, blocked: bool) -> str:
        if job.message:
            return job.message
        return self.moderation_message if blocked else self.failure_message

    def result_url(self, job: Job) -> str:
        return f"{self.state.url}/files/{job.id}.mp4"
