"""Hundreds of queued jobs stay within each provider's limits (simulator clock scaled down).

eachlabs allows 10 unfinished predictions and 100 creates per minute per key. The window is
scaled from 60 s to WINDOW_S on both sides (client and simulator) so 500 jobs finish in
seconds; the rule being tested is the same. Kinovi documents only a 429 "too many tasks in
progress": the simulator enforces a cap and every refused create must be sent again later.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from seedance_studio.jobs.engine import JobEngine
from seedance_studio.jobs.states import JobState
from seedance_studio.providers.eachlabs import EachlabsProvider
from seedance_studio.providers.rate_limits import RateLimits
from seedance_studio.simulator import Simulator
from seedance_studio.simulator.faults import Fault
from seedance_studio.simulator.timing import SimTiming
from tests.jobs.fakes import make_snapshot

WINDOW_S = 2.0
MAX_ACTIVE = 10
MAX_CREATES = 100
JOBS = 500


async def test_500_eachlabs_jobs_respect_concurrency_and_create_rate(
    simulator: Simulator, sim_engine: Callable[..., JobEngine], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("seedance_studio.simulator.providers.eachlabs.RATE_WINDOW_S", WINDOW_S)
    monkeypatch.setattr(
        EachlabsProvider,
        "rate_limits",
        RateLimits(max_unfinished=MAX_ACTIVE, max_creates=MAX_CREATES, window_s=WINDOW_S),
    )
    simulator.set_timing(SimTiming(queued=0.02, running=0.05))
    engine = sim_engine()  # no limits of its own: it reads the provider's `rate_limits`
    snap = make_snapshot(
        "eachlabs",
        "@Image1 runs",
        [simulator.sample_url("image.png")],
        duration=4,
        resolution="480p",
    )
    ids: list[int] = []
    for _ in range(JOBS // 100):
        ids += await engine.submit(
            snap.model_copy(update={"params": snap.params.model_copy(update={"variants": 100})})
        )
    jobs = await engine.wait(ids)

    assert [j.state for j in jobs] == [JobState.DONE] * JOBS
    # Every create request made exactly one prediction: none was refused with 429.
    assert simulator.count("eachlabs", "create") == JOBS
    created = sorted(job.created_mono for job in simulator.jobs)
    assert len(created) == JOBS
    for i, t in enumerate(created):
        in_window = sum(1 for u in created[: i + 1] if u > t - WINDOW_S)
        assert in_window <= MAX_CREATES
    for job in simulator.jobs:
        t = job.created_mono
        unfinished = sum(
            1
            for other in simulator.jobs
            if other.created_mono <= t and (other.finished_mono() or float("inf")) > t
        )
        assert unfinished <= MAX_ACTIVE
    span = created[-1] - created[0]
    assert span >= (JOBS / MAX_CREATES - 1) * WINDOW_S  # the window really held creates back


async def test_a_discarded_unknown_submission_holds_no_slot_anywhere(
    simulator: Simulator, sim_engine: Callable[..., JobEngine], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store is the one count of busy slots: once the user discards a submission whose
    outcome was unknown, the next create goes out (nothing else keeps holding its slot)."""
    monkeypatch.setattr(EachlabsProvider, "rate_limits", RateLimits(max_unfinished=1))
    simulator.set_timing(SimTiming(queued=0.02, running=0.05))
    simulator.inject("eachlabs", "create", Fault.drop(before_body=False))  # sent, no answer
    engine = sim_engine()
    snap = make_snapshot(
        "eachlabs",
        "@Image1 runs",
        [simulator.sample_url("image.png")],
        duration=4,
        resolution="480p",
    )
    [first] = await engine.submit(snap)
    [unknown] = await engine.wait([first])
    assert unknown.state is JobState.SUBMIT_UNKNOWN
    assert (await engine.cancel(first)).state is JobState.CANCELLED
    [second] = await engine.submit(snap)
    [job] = await asyncio.wait_for(engine.wait([second]), 15)
    assert job.state is JobState.DONE
    assert simulator.count("eachlabs", "create") == 2


async def test_kinovi_429_creates_are_sent_again_and_made_once(
    simulator: Simulator, sim_engine: Callable[..., JobEngine]
) -> None:
    simulator.configure("kinovi", concurrency_limit=3)
    simulator.set_timing(SimTiming(queued=0.05, running=0.1))
    engine = sim_engine()
    snap = make_snapshot("kinovi", "@Image1 waves", [simulator.sample_url("image.png")], duration=4)
    ids = await engine.submit(
        snap.model_copy(update={"params": snap.params.model_copy(update={"variants": 12})})
    )
    jobs = await engine.wait(ids)
    assert {j.state for j in jobs} == {JobState.DONE}
    assert len(simulator.jobs) == 12
    assert simulator.count("kinovi", "create") > 12  # some were refused, none doubled
    assert len({j.provider_job_id for j in jobs}) == 12
