"""Client-side create limits (eachlabs: ≤ 10 unfinished predictions, ≤ 100 creates a minute).

How it is enforced: the provider's `submit()` waits inside `limiter.create_slot()` until a
create is allowed, so the job engine needs no code of its own to stay within the limits. What
the engine must do is keep polling unfinished jobs: `status()` frees a slot when it sees a job
finish (and re-registers jobs resumed after a restart). The engine may read `delay()` and
`unfinished()` to show "waiting for a free slot".

One limiter is shared by every provider instance that uses the same API key
(`shared_limiter`), because the server counts per key, not per client object.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from seedance_studio.core.errors import RateLimitedError, SubmissionUnknownError

WAIT_STEP_S = 0.25
"""How often a waiting create re-checks for a free slot (no loop-bound primitives, so one
limiter can serve several event loops, as tests and the CLI do)."""
UNKNOWN_HOLD_S = 600.0
"""A create whose outcome is unknown keeps its slot this long: the prediction may be running."""
STALE_AFTER_S = 3 * 3600.0
"""An unfinished job not polled for this long stops holding a slot (it was forgotten)."""
DEFAULT_MAX_WAIT_S = 900.0
"""A create that waited this long for a slot gives up with RateLimitedError."""


@dataclass(frozen=True)
class RateLimits:
    """What a provider documents per API key; None means no limit of that sort."""

    max_unfinished: int | None = None
    """Predictions created but not yet finished."""
    max_creates: int | None = None
    """Create requests per rolling `window_s`."""
    window_s: float = 60.0


class Slot:
    """A permission to send one create; `commit` records the jobs it made."""

    def __init__(self, limiter: CreateLimiter) -> None:
        self._limiter = limiter
        self.committed = False

    def commit(self, job_ids: Iterable[str]) -> None:
        for job_id in job_ids:
            self._limiter.track(job_id)
        self.committed = True


class CreateLimiter:
    """Counts creates in a rolling window and unfinished jobs, and makes creates wait.

    State, all behind `_lock` (touched from any thread or loop):
    `_creates`   monotonic times of the creates sent in the current window (oldest first);
    `_unfinished` job id -> monotonic time after which it no longer holds a slot;
    `_reserved`  slots handed out whose create has not returned yet.
    """

    def __init__(self, limits: RateLimits, *, clock: Callable[[], float] = time.monotonic,
                 stale_after_s: float = STALE_AFTER_S) -> None:
        self.limits = limits
        self._clock = clock
        self._stale_after = stale_after_s
        self._lock = threading.Lock()
        self._creates: deque[float] = deque()
        self._unfinished: dict[str, float] = {}
        self._reserved = 0

    # -- bookkeeping ------------------------------------------------------------------------

    def _prune(self, now: float) -> None:
        window = self.limits.window_s
        while self._creates and self._creates[0] <= now - window:
            self._creates.popleft()
        for job_id in [j for j, until in self._unfinished.items() if until <= now]:
            del self._unfinished[job_id]

    def track(self, job_id: str) -> None:
        """`job_id` exists and is not finished (after a create, or seen while polling)."""
        with self._lock:
            self._unfinished[job_id] = self._clock() + self._stale_after

    def finish(self, job_id: str) -> None:
        """`job_id` reached a final state: its slot is free."""
        with self._lock:
            self._unfinished.pop(job_id, None)

    def unfinished(self) -> int:
        with self._lock:
            self._prune(self._clock())
            return len(self._unfinished) + self._reserved

    def creates_in_window(self) -> int:
        with self._lock:
            self._prune(self._clock())
            return len(self._creates)

    def delay(self) -> float | None:
        """0 when a create may go now; seconds until the window frees one; None when every
        concurrency slot is taken (it frees when a job finishes, at no known time)."""
        with self._lock:
            return self._delay_locked(self._clock())

    def _delay_locked(self, now: float) -> float | None:
        self._prune(now)
        limit = self.limits.max_unfinished
        if limit is not None and len(self._unfinished) + self._reserved >= limit:
            return None
        cap = self.limits.max_creates
        if cap is not None and len(self._creates) >= cap:
            return max(self._creates[0] + self.limits.window_s - now, 0.0)
        return 0.0

    def try_acquire(self) -> Slot | None:
        """A slot if a create may go now (and count it), else None."""
        with self._lock:
            now = self._clock()
            if self._delay_locked(now) != 0.0:
                return None
            self._creates.append(now)
            self._reserved += 1
            return Slot(self)

    def _release(self, slot: Slot, exc: BaseException | None) -> None:
        with self._lock:
            self._reserved -= 1
            if isinstance(exc, SubmissionUnknownError):
                self._unfinished[f"unknown-{uuid.uuid4().hex}"] = self._clock() + UNKNOWN_HOLD_S

    # -- waiting ----------------------------------------------------------------------------

    @asynccontextmanager
    async def create_slot(self, *, max_wait_s: float = DEFAULT_MAX_WAIT_S,
                          sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                          ) -> AsyncIterator[Slot]:
        """Wait for a free slot, hold it while the create runs, release it afterwards.

        The create is counted when the slot is given (the request is about to be sent); a
        create whose outcome is unknown keeps holding a concurrency slot for UNKNOWN_HOLD_S.
        """
        waited = 0.0
        while True:
            slot = self.try_acquire()
            if slot is not None:
                break
            if waited >= max_wait_s:
                wait = self.delay()
                raise RateLimitedError(
                    "Too many predictions in progress for this API key; no slot freed up",
                    retry_after=wait)
            step = WAIT_STEP_S
            pending = self.delay()
            if pending:
                step = max(min(pending, 5.0), WAIT_STEP_S)
            await sleep(step)
            waited += step
        try:
            yield slot
        except BaseException as exc:
            self._release(slot, exc)
            raise
        self._release(slot, None)


_shared_lock = threading.Lock()
_shared: dict[tuple[str, str], CreateLimiter] = {}


def key_fingerprint(api_key: str) -> str:
    """A short hash naming a key without holding it."""
    return hashlib.sha256(api_key.encode()).hexdigest()[:16]


def shared_limiter(provider_id: str, api_key: str, limits: RateLimits) -> CreateLimiter:
    """The one limiter for this provider and key in this process."""
    name = (provider_id, key_fingerprint(api_key))
    with _shared_lock:
        limiter = _shared.get(name)
        if limiter is None or limiter.limits != limits:
            limiter = _shared[name] = CreateLimiter(limits)
        return limiter


def reset_shared_limiters() -> None:
    """Forget every shared limiter (tests; or after the user changed keys)."""
    with _shared_lock:
        _shared.clear()
