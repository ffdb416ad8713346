"""Watching a job: what to do after each poll, as pure functions (the loop in the engine is
thin: it polls, asks `next_step`, and does what the step says).

Why pure: the policy (never give up on transient errors, fail only after a long run of "no such
job", pause on a refused key, stretch the interval while nothing changes, render a free local
job again when its render was interrupted) is tested here without a clock or a network.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from seedance_studio.core.errors import AuthError, NotFoundError, RateLimitedError, SeedanceError
from seedance_studio.core.i18n import _
from seedance_studio.core.provider import (
    INTERRUPTED_CODE,
    Failed,
    Queued,
    Running,
    StatusResult,
)
from seedance_studio.jobs.polling import (
    AUTH_ERROR_LIMIT,
    NOT_FOUND_LIMIT,
    error_delay,
    next_poll_delay,
)
from seedance_studio.jobs.states import FETCH_STATES, POLLED_STATES
from seedance_studio.jobs.store import JobRecord

LOCAL_RERENDERS = 3
"""Times a local job is rendered again after interruptions before it is left failed (a guard
against a provider that forgets its jobs at once, not a limit users should meet)."""


@dataclass(frozen=True)
class Counters:
    """What one watch remembers between polls."""

    unchanged: int = 0
    """Polls in a row that saw the same status."""
    errors: int = 0
    not_found: int = 0
    refused: int = 0
    last_raw: str | None = None


@dataclass(frozen=True)
class Apply:
    """Store what the provider said; poll again after `wait` seconds (None: it ended)."""

    status: StatusResult
    wait: float | None


@dataclass(frozen=True)
class Retry:
    """The poll failed for now: say so (unless `message` is None) and poll after `wait`."""

    wait: float
    message: str | None


@dataclass(frozen=True)
class GiveUp:
    """The provider has kept saying it knows no such job: the job failed."""

    message: str
    error_type: str


@dataclass(frozen=True)
class Pause:
    """Only a new key helps: stop watching (the job is kept), poll again later."""

    message: str
    error_type: str


@dataclass(frozen=True)
class RenderAgain:
    """A free local render was interrupted: start it again under the same job."""


Step = Apply | Retry | GiveUp | Pause | RenderAgain


def next_step(
    job: JobRecord,
    status: StatusResult | SeedanceError,
    counters: Counters,
    *,
    interval: float,
    local: bool,
) -> tuple[Step, Counters]:
    """What to do after a poll of `job` answered `status` (or failed with it)."""
    if isinstance(status, SeedanceError):
        return _after_error(status, replace(counters, errors=counters.errors + 1))
    counters = replace(counters, errors=0, not_found=0, refused=0)
    if (
        isinstance(status, Failed)
        and status.code == INTERRUPTED_CODE
        and local
        and job.attempt <= LOCAL_RERENDERS
    ):
        return RenderAgain(), counters
    raw = status.raw_status or status.state
    unchanged = counters.unchanged + 1 if raw == counters.last_raw else 0
    counters = replace(counters, unchanged=unchanged, last_raw=raw)
    wait = next_poll_delay(interval, unchanged) if isinstance(status, Queued | Running) else None
    return Apply(status, wait), counters


def _after_error(exc: SeedanceError, counters: Counters) -> tuple[Step, Counters]:
    if isinstance(exc, NotFoundError):
        counters = replace(counters, not_found=counters.not_found + 1)
        if counters.not_found >= NOT_FOUND_LIMIT:
            return GiveUp(str(exc), type(exc).__name__), counters
        return Retry(error_delay(counters.errors), None), counters
    if isinstance(exc, RateLimitedError):
        return Retry(error_delay(counters.errors, exc.retry_after), None), counters
    if isinstance(exc, AuthError):
        counters = replace(counters, refused=counters.refused + 1)
        if counters.refused >= AUTH_ERROR_LIMIT:
            return Pause(
                _("polling paused, the key was refused: {error} (fix the key, then resume)").format(
                    error=exc
                ),
                type(exc).__name__,
            ), counters
    retry = _("polling: {error} (will keep trying)").format(error=exc)
    return Retry(error_delay(counters.errors), retry), counters


@dataclass(frozen=True)
class Fetch:
    """The provider finished: bring the file home."""


@dataclass(frozen=True)
class Poll:
    """Ask the provider again."""


@dataclass(frozen=True)
class Stop:
    """Nothing for this watch to do (settled, or another runner's)."""


@dataclass(frozen=True)
class TimeOut:
    message: str


@dataclass(frozen=True)
class FileGone:
    """A local render's file is gone from the library and its cache: render it again."""


Phase = Fetch | Poll | Stop | TimeOut | FileGone


def before_poll(
    job: JobRecord, *, polled: bool, now: float, timeout_s: int, local: bool, files_gone: bool
) -> Phase:
    """What a watch does with `job` as it stands now, before (another) poll."""
    if job.state in FETCH_STATES:
        return FileGone() if local and files_gone else Fetch()
    if job.state not in POLLED_STATES:
        return Stop()
    # Look once before judging the time-out: a job resumed after a long break may have
    # finished meanwhile (or be a local render to start again).
    start = job.submitted_at or job.created_at
    if polled and now - start > timeout_s:
        return TimeOut(
            _("unfinished after {wait}: check again or cancel").format(wait=wait_text(timeout_s))
        )
    return Poll()


def wait_text(seconds: float) -> str:
    """ "45 s", "1 min", "2 h 5 min": a time-out in words (never "0 min")."""
    whole = int(seconds)
    if whole < 60:
        return f"{whole} s"
    hours, minutes = divmod(whole // 60, 60)
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"
