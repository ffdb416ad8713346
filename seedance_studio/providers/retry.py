"""Retry policy as named constants and pure functions, so it can be tested on its own.

Polls, downloads and cancels are safe to repeat; a create is not (a second create can be a
second charge), so `should_retry` never approves a SubmissionUnknownError.
"""

from __future__ import annotations

import email.utils
import random
from datetime import UTC, datetime

import httpx

from seedance_studio.core.errors import ProviderError, SubmissionUnknownError

MAX_ATTEMPTS = 5
"""Tries of one poll/cancel request (the first one included) before the error goes up."""
CONNECT_ATTEMPTS = 3
"""Tries of a create that could not connect at all (nothing was sent, so it cannot double)."""
BASE_DELAY_S = 0.5
"""The first back-off; it doubles with every attempt."""
MAX_DELAY_S = 20.0
"""No computed back-off waits longer than this."""
MAX_RETRY_AFTER_S = 120.0
"""A server's Retry-After is honoured up to this; longer waits are the job engine's call."""
JITTER_FRACTION = 0.25
"""Back-offs are spread by up to ±25 % so many clients do not retry in lock step."""
RETRY_AFTER_JITTER_S = 0.25
"""Retry-After waits get up to this much extra, never less than the server asked."""
RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
"""HTTP answers worth repeating a safe request for."""


def should_retry(
    exc_or_status: BaseException | int, attempt: int, *, max_attempts: int = MAX_ATTEMPTS
) -> bool:
    """Whether a safe (idempotent) request that failed on try `attempt` (1-based) is repeated."""
    if attempt >= max_attempts:
        return False
    if isinstance(exc_or_status, bool):
        return False
    if isinstance(exc_or_status, int):
        return exc_or_status in RETRYABLE_STATUS
    if isinstance(exc_or_status, SubmissionUnknownError):
        return False
    if isinstance(exc_or_status, ProviderError):
        return exc_or_status.retryable
    return isinstance(exc_or_status, httpx.TransportError)


def retry_delay(
    attempt: int, retry_after: float | None = None, rng: random.Random | None = None
) -> float:
    """Seconds to wait after failed try `attempt` (1-based).

    Exponential back-off with jitter, capped at MAX_DELAY_S; when the server sent Retry-After,
    at least that long (capped at MAX_RETRY_AFTER_S).
    """
    rng = rng or random.Random()
    if retry_after is not None and retry_after >= 0:
        return min(retry_after, MAX_RETRY_AFTER_S) + rng.uniform(0, RETRY_AFTER_JITTER_S)
    exponent = max(attempt - 1, 0)
    base: float = min(BASE_DELAY_S * float(2 ** min(exponent, 30)), MAX_DELAY_S)
    spread = base * JITTER_FRACTION
    return max(0.0, min(base + rng.uniform(-spread, spread), MAX_DELAY_S))


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds from `now`: it is either delta-seconds or an HTTP date."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(seconds, 0.0) if seconds == seconds else None  # NaN is not a wait
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max((when - now).total_seconds(), 0.0)
