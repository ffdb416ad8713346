"""Documented per-key create limits, published by a provider as data (`rate_limits`).

Providers only publish their limits; they do not enforce them. The job engine's gate
(jobs/create_gate.py) does, counting in the job store: only the store sees every create and every
finished job across processes (a CLI batch beside the GUI share one key) and after restarts.
A second in-process counter would be a second source of truth that drifts from the store (a
job the engine already settled would still hold a slot), so there is none.
"""

from __future__ import annotations

from seedance_studio.core.provider import NO_LIMITS, RateLimits

__all__ = ["NO_LIMITS", "RateLimits"]
