"""eachlabs' documented limits (10 unfinished, 100 creates a minute per key) are data here.

The client publishes them as `rate_limits` and holds no slots of its own: the job engine's
store-based gate is the only thing that enforces them (tests/jobs/test_rate_limits.py).
"""

from __future__ import annotations

import asyncio

import pytest

from seedance_studio.core.errors import RateLimitedError
from seedance_studio.core.provider import Provider
from seedance_studio.providers.rate_limits import NO_LIMITS
from seedance_studio.simulator import Outcome, SimTiming, Simulator

from .conftest import MakeProvider, compose, urls_of


@pytest.mark.parametrize("pid", ["shortapi", "kinovi", "kinovi-legacy", "oxen"])
def test_providers_without_documented_limits_publish_none(
    pid: str, make_provider: MakeProvider
) -> None:
    assert make_provider(pid).rate_limits == NO_LIMITS


def test_eachlabs_publishes_the_per_key_limits_the_simulator_enforces(
    make_provider: MakeProvider,
) -> None:
    from seedance_studio.simulator.providers import eachlabs as sim_eachlabs

    limits = make_provider("eachlabs").rate_limits
    assert limits.max_unfinished == 10 and limits.max_creates == 100
    assert limits.window_s == sim_eachlabs.RATE_WINDOW_S


@pytest.mark.parametrize("pid", ["shortapi", "kinovi", "kinovi-legacy", "oxen", "eachlabs"])
def test_every_client_implements_the_whole_provider_protocol(
    pid: str, make_provider: MakeProvider
) -> None:
    """`rate_limits` and `find_submission` are part of the protocol, not optional hooks."""
    provider = make_provider(pid)
    assert isinstance(provider, Provider)
    assert provider.can_find_submissions is False  # none of these pages documents a job list


async def test_eachlabs_client_holds_no_slot_the_server_would_not(
    sim: Simulator, make_provider: MakeProvider
) -> None:
    """Ten unfinished predictions: the eleventh create goes out at once and the server's 429
    comes back as RateLimitedError (the engine's gate, not the client, keeps it from going)."""
    sim.set_timing(SimTiming(queued=0.05, running=30))
    sim.set_outcome("eachlabs", Outcome.STUCK)
    provider = make_provider("eachlabs")
    snap = compose("eachlabs", "@Image1", [sim.sample_url("image.png")])
    handles = [h for _ in range(10) for h in await provider.submit(snap, urls_of(snap))]
    with pytest.raises(RateLimitedError):
        await asyncio.wait_for(provider.submit(snap, urls_of(snap)), 5)
    assert sim.count("eachlabs", "create") == 11
    assert len(sim.jobs) == 10
    # Once the server frees a slot, the very next create is made: nothing held on this side.
    assert await provider.cancel(handles[0])
    sim.set_outcome("eachlabs", Outcome.SUCCEED)
    [late] = await asyncio.wait_for(provider.submit(snap, urls_of(snap)), 5)
    assert late.job_id in {j.id for j in sim.jobs}
    for handle in handles[1:]:
        await provider.cancel(handle)
