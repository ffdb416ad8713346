"""When to poll next: pure functions, so the policy is tested without a clock.

A job that keeps the same status is polled less and less often (up to MAX_STRETCH times the
provider's interval); errors back off exponentially with jitter; a server's Retry-After hint
always wins. A job is never dropped for failing polls: a paid video must not be lost.
"""

from __future__ import annotations

import random

from seedance_studio.core.errors import (
    NetworkError,
    ProviderError,
    RateLimitedError,
    SubmissionUnknownError,
)

STRETCH_EVERY = 5
"""Unchanged polls before the interval grows one step."""
STRETCH_FACTOR = 1.5
MAX_STRETCH = 4.0
ERROR_BASE_S = 1.0
ERROR_MAX_S = 60.0
CREATE_RETRY_BASE_S = 5.0
"""A create refused with 429 and no hint is tried again after this, doubling, up to ERROR_MAX_S."""
NOT_FOUND_LIMIT = 8
"""Consecutive "no such job" answers before a polled job is given up as failed."""
AUTH_ERROR_LIMIT = 3
"""Consecutive refused-key answers before a watch pauses (the job is kept, unfinished): only
a new key helps, and a front end waiting on the job should hear so rather than wait on."""


FULL_RATE_JOBS = 5
"""A process polls about this many jobs' worth at each provider's own interval, however many
it watches: ten running jobs on a 5 s provider are each asked every 10 s (a finished video is
noticed a few seconds later, minutes into its render), and idle CPU does not grow with the
queue. Counted in jobs, not seconds, so a provider (or the simulator) that asks for fast polls
keeps them fast relative to its own pace."""


def budgeted_interval(base: float, watched: int, full_rate: int = FULL_RATE_JOBS) -> float:
    """The provider's interval, stretched so `watched` jobs together poll no more often than
    `full_rate` jobs at that interval; never shorter than the provider asks."""
    if full_rate <= 0:
        return base
    return base * max(1.0, watched / full_rate)


def next_poll_delay(base: float, unchanged: int) -> float:
    """Delay after a successful poll that saw the same status `unchanged` times in a row."""
    steps = min(unchanged // STRETCH_EVERY, 32)  # bounded: no overflow for a job polled forever
    stretch = min(STRETCH_FACTOR**steps, MAX_STRETCH)
    return base * stretch


def error_delay(
    errors: int,
    retry_after: float | None = None,
    *,
    base: float = ERROR_BASE_S,
    rng: random.Random | None = None,
) -> float:
    """Delay after the `errors`-th consecutive failure (1-based); Retry-After wins."""
    if retry_after is not None and retry_after >= 0:
        return float(retry_after)
    ceiling = min(base * 2.0 ** max(errors - 1, 0), ERROR_MAX_S)
    jitter = (rng or random).uniform(0.5, 1.0)
    return float(ceiling * jitter)


CREATE_RETRY_LIMIT = 5
"""Creates refused by a gateway (502/503/504) or never connected, tried again this many times
before the job fails; a 429 waits as long as it takes (the server counts it as an answer)."""
CREATE_NOT_TAKEN_STATUS = frozenset({502, 503, 504})
"""Answers from a gateway or an overloaded front: the request never reached the part that
creates jobs, so nothing was created."""


def create_retry_delay(exc: ProviderError, attempt: int) -> float | None:
    """Seconds before the `attempt`-th (1-based) retry of a create that failed with `exc`,
    or None when it must not be sent again (it may exist, or it was refused for good)."""
    if isinstance(exc, SubmissionUnknownError):
        return None
    if isinstance(exc, RateLimitedError):
        if exc.retry_after is not None:
            return float(exc.retry_after)
        return float(min(CREATE_RETRY_BASE_S * 2.0 ** (attempt - 1), ERROR_MAX_S))
    taken = isinstance(exc, NetworkError) or exc.status_code in CREATE_NOT_TAKEN_STATUS
    if not taken or attempt > CREATE_RETRY_LIMIT:
        return None
    return float(min(CREATE_RETRY_BASE_S * 2.0 ** (attempt - 1), ERROR_MAX_S))
