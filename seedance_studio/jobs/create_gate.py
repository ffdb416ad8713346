"""Per-provider concurrency and create-rate limits, counted in the job store.

This gate is the one place the limits are enforced. The numbers are the provider's own data
(`rate_limits`, providers/rate_limits.py); the counting is in the store, not in memory, so the
limits hold across processes (a CLI batch and the GUI share one eachlabs key, and both see
every create either of them sent) and a job the store calls settled never holds a slot. Inside
one process a lock per provider makes "check the window, then mark a create as sent" atomic.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from seedance_studio.core.i18n import _
from seedance_studio.jobs.store import JobStore
from seedance_studio.providers.rate_limits import RateLimits

WAIT_STEP_S = 0.5
"""How soon a waiting create first re-reads the store when only another process can free a
slot (a slot this process frees wakes it at once, through `slot_freed`)."""
WAIT_MAX_S = 5.0
"""The re-reads stretch up to this while nothing changes: forty creates waiting on a slot for
an hour must not keep the process busy."""


WINDOW_MARGIN = 0.1
"""Extra fraction of the rate window kept free of creates (jitter between us and the server)."""


def delay_before_create(limits: RateLimits, active: int, recent: list[float], now: float) -> float:
    """Seconds to wait before the next create may go out (0 = now). Pure, for tests.

    `active` counts jobs holding a slot; `recent` are send times inside the window.
    """
    if limits.max_unfinished is not None and active >= limits.max_unfinished:
        return WAIT_STEP_S
    if limits.max_creates is not None:
        # The server counts arrivals, we count departures: network jitter can bring two
        # creates closer together on arrival, so our window is a little longer than its.
        window = limits.window_s * (1 + WINDOW_MARGIN)
        inside = [t for t in recent if t > now - window]
        if len(inside) >= limits.max_creates:
            oldest = sorted(inside)[len(inside) - limits.max_creates]
            return max(oldest + window - now, 0.001)
    return 0.0


class CreateGate:
    """Waits until one more create for a provider fits its limits, then marks it sent."""

    def __init__(self, store: JobStore, limits_for: Callable[[str], RateLimits]) -> None:
        self._store = store
        self.limits_for = limits_for
        """Provider id -> its published limits (the engine reads them off the provider)."""
        self._locks: dict[str, asyncio.Lock] = {}
        self.slot_freed = asyncio.Event()
        """Set by the engine when a job leaves queued/running, to wake waiting creates early."""

    async def pass_through(
        self,
        provider: str,
        mark_sent: Callable[[], None],
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        """Return once a create fits; `mark_sent` runs under the lock (stamps create_sent_at).

        Waiters queue on the per-provider lock (FIFO), so only the head of the queue reads
        the store when a slot frees, however many creates are waiting.
        """
        limits = self.limits_for(provider)
        lock = self._locks.setdefault(provider, asyncio.Lock())
        if lock.locked() and on_wait:
            on_wait(_("waiting for its turn to be sent"))
        async with lock:
            said: str | None = None
            step = WAIT_STEP_S
            while True:
                now = self._store.now()
                active = (
                    self._store.active_count(provider) if limits.max_unfinished is not None else 0
                )
                recent = (
                    self._store.creates_since(provider, now - limits.window_s * (1 + WINDOW_MARGIN))
                    if limits.max_creates is not None
                    else []
                )
                delay = delay_before_create(limits, active, recent, now)
                if delay <= 0:
                    mark_sent()
                    return
                full = limits.max_unfinished is not None and active >= limits.max_unfinished
                why = (
                    _("waiting for a free slot ({active} of {most} in use)").format(
                        active=active, most=limits.max_unfinished
                    )
                    if full
                    else _("waiting for the rate limit")
                )
                if on_wait and why != said:  # written once, not at every re-read
                    on_wait(why)
                    said = why
                if full:  # only a freed slot helps: re-read less and less often
                    delay, step = step, min(step * 2, WAIT_MAX_S)
                self.slot_freed.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.slot_freed.wait(), timeout=delay)
