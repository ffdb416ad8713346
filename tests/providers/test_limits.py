"""The client-side create limiter (eachlabs: 10 unfinished, 100 creates a minute per key)."""

from __future__ import annotations

import asyncio

import pytest

from seedance_studio.core.errors import RateLimitedError, SubmissionUnknownError
from seedance_studio.providers import limits
from seedance_studio.providers.limits import CreateLimiter, RateLimits, shared_limiter
from seedance_studio.simulator import Outcome, SimTiming, Simulator

from .conftest import MakeProvider, compose, urls_of


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_creates_per_window() -> None:
    clock = Clock()
    limiter = CreateLimiter(RateLimits(max_creates=3, window_s=60), clock=clock)
    for _ in range(3):
        slot = limiter.try_acquire()
        assert slot is not None
        limiter._release(slot, None)
        clock.now += 1
    assert limiter.try_acquire() is None
    assert limiter.delay() == pytest.approx(57.0)
    clock.now += 57.01
    assert limiter.try_acquire() is not None
    assert limiter.creates_in_window() == 3


def test_unfinished_jobs_hold_slots_until_finished_or_stale() -> None:
    clock = Clock()
    limiter = CreateLimiter(RateLimits(max_unfinished=2), clock=clock, stale_after_s=100)
    for job in ("a", "b"):
        slot = limiter.try_acquire()
        assert slot is not None
        slot.commit([job])
        limiter._release(slot, None)
    assert limiter.unfinished() == 2 and limiter.delay() is None
    assert limiter.try_acquire() is None
    limiter.finish("a")
    assert limiter.delay() == 0.0
    limiter.track("a")
    clock.now += 101
    assert limiter.unfinished() == 0


async def test_create_slot_waits_then_proceeds() -> None:
    limiter = CreateLimiter(RateLimits(max_unfinished=1))
    async with limiter.create_slot() as slot:
        slot.commit(["one"])
    waited: list[float] = []

    async def sleep(seconds: float) -> None:
        waited.append(seconds)
        if len(waited) == 3:
            limiter.finish("one")

    async with limiter.create_slot(sleep=sleep) as slot:
        slot.commit(["two"])
    assert len(waited) == 3 and all(w == limits.WAIT_STEP_S for w in waited)
    assert limiter.unfinished() == 1


async def test_create_slot_gives_up_after_max_wait() -> None:
    limiter = CreateLimiter(RateLimits(max_unfinished=1))
    limiter.track("busy")

    async def sleep(seconds: float) -> None:
        return None

    with pytest.raises(RateLimitedError):
        async with limiter.create_slot(max_wait_s=1.0, sleep=sleep):
            pass


async def test_unknown_submission_keeps_its_slot() -> None:
    limiter = CreateLimiter(RateLimits(max_unfinished=5))
    with pytest.raises(SubmissionUnknownError):
        async with limiter.create_slot():
            raise SubmissionUnknownError("dropped")
    assert limiter.unfinished() == 1
    with pytest.raises(ValueError):
        async with limiter.create_slot():
            raise ValueError("no request made")
    assert limiter.unfinished() == 1


def test_shared_per_provider_and_key() -> None:
    a = shared_limiter("eachlabs", "key-1", RateLimits(max_unfinished=10))
    assert shared_limiter("eachlabs", "key-1", RateLimits(max_unfinished=10)) is a
    assert shared_limiter("eachlabs", "key-2", RateLimits(max_unfinished=10)) is not a


async def test_eachlabs_eleventh_prediction_waits_for_a_free_slot(
        sim: Simulator, make_provider: MakeProvider) -> None:
    sim.set_timing(SimTiming(queued=0.05, running=30))
    sim.set_outcome("eachlabs", Outcome.STUCK)
    first, second = make_provider("eachlabs"), make_provider("eachlabs")  # same key
    snap = compose("eachlabs", "@Image1", [sim.sample_url("image.png")])
    handles = [h for _ in range(10) for h in await first.submit(snap, urls_of(snap))]
    assert first.limiter().unfinished() == 10
    sim.set_outcome("eachlabs", Outcome.SUCCEED)
    waiting = asyncio.create_task(second.submit(snap, urls_of(snap)))
    await asyncio.sleep(0.6)
    assert not waiting.done()
    assert sim.count("eachlabs", "create") == 10  # never sent into a certain 429
    assert await first.cancel(handles[0])
    [late] = await asyncio.wait_for(waiting, 5)
    assert sim.count("eachlabs", "create") == 11
    sim.set_timing(SimTiming(queued=0.05, running=0.1))
    for handle in handles[1:]:
        await first.cancel(handle)
    assert first.limiter().unfinished() == 1  # only `late` is still running
    assert late.job_id in {j.id for j in sim.jobs}


async def test_unknown_prediction_frees_its_slot(sim: Simulator,
                                                 make_provider: MakeProvider) -> None:
    from seedance_studio.core.errors import NotFoundError

    provider = make_provider("eachlabs")
    provider.limiter().track("ghost")
    with pytest.raises(NotFoundError):
        await provider.status(provider.handle_for("ghost"))
    assert provider.limiter().unfinished() == 0
