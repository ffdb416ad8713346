"""Documented per-key create limits, published by a provider as data (`rate_limits`).

Providers only publish their limits; they do not enforce them. The job engine's gate
(jobs/create_gate.py) does, counting in the job store: only the store sees every create and every
finished job across processes (a CLI batch beside the GUI share one key) and after restarts.
A second in-process counter would be a second source of truth that drifts from the store (a
job the engine already settled would still hold a slot), so there is none.
"""

from __future__ import annotations

from dataclasses import dataclass


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


def rate_limits_of(provider: object) -> RateLimits:
    """The limits `provider` publishes in its `rate_limits`; none when it documents none."""
    limits = getattr(provider, "rate_limits", None)
    return limits if isinstance(limits, RateLimits) else NO_LIMITS
