"""Every injected fault ends in a retry or a clear error, never a lost or doubled job."""

from __future__ import annotations

import socket
from typing import Any

import httpx
import pytest

from seedance_studio.core import capabilities
from seedance_studio.core.errors import (
    MalformedResponseError,
    NetworkError,
    RateLimitedError,
    ServerError,
    SubmissionUnknownError,
)
from seedance_studio.core.provider import Running, Succeeded
from seedance_studio.providers import retry
from seedance_studio.providers.oxen import OxenProvider
from seedance_studio.simulator import Fault, SimTiming, Simulator

from .conftest import MakeProvider, MemoryKeys, SleepRecorder, compose, follow, urls_of

ALL = ["shortapi", "kinovi", "kinovi-legacy", "oxen", "eachlabs", "fal", "byteplus"]


def sim_name(pid: str) -> str:
    return pid.split("-")[0]


def simple(sim: Simulator, pid: str) -> Any:
    source = sim.sample_url("clip_640x640_5s.mp4" if pid == "shortapi" else "image.png")
    return compose(pid, "@Image1 @Video1", [source])


# -- creates: never repeated once sent --------------------------------------------------------


@pytest.mark.parametrize("pid", ALL)
@pytest.mark.parametrize(
    ("fault", "created"),
    [
        (Fault.drop(before_body=True), 0),
        (Fault.drop(before_body=False), 0),
        (Fault.applied_no_response(), 1),
        (Fault.malformed(applied=True), 1),
        (Fault.malformed(applied=False), 0),
    ],
)
async def test_create_with_unknown_outcome_is_reported_not_repeated(
    pid: str, fault: Fault, created: int, sim: Simulator, make_provider: MakeProvider
) -> None:
    sim.inject(sim_name(pid), "create", fault)
    snap = simple(sim, pid)
    with pytest.raises(SubmissionUnknownError):
        await make_provider(pid).submit(snap, urls_of(snap))
    assert sim.count(sim_name(pid), "create") == 1
    assert len(sim.jobs) == created


@pytest.mark.parametrize("pid", ALL)
@pytest.mark.parametrize(
    ("status", "error"),
    [(502, ServerError), (503, ServerError), (504, ServerError), (429, RateLimitedError)],
)
async def test_create_answered_with_an_error_is_retryable_and_not_created(
    pid: str, status: int, error: type[Exception], sim: Simulator, make_provider: MakeProvider
) -> None:
    after = 3 if status == 429 else None
    sim.inject(sim_name(pid), "create", Fault.http(status, retry_after=after))
    snap = simple(sim, pid)
    provider = make_provider(pid)
    with pytest.raises(error) as info:
        await provider.submit(snap, urls_of(snap))
    assert getattr(info.value, "retryable", False)
    if status == 429:
        assert isinstance(info.value, RateLimitedError) and info.value.retry_after == 3
    assert sim.count(sim_name(pid), "create") == 1 and not sim.jobs
    # the engine may submit again: exactly one job then
    await provider.submit(snap, urls_of(snap))
    assert len(sim.jobs) == 1


async def test_a_server_failure_after_the_create_was_read_is_unknown(
    sim: Simulator, make_provider: MakeProvider
) -> None:
    """HTTP 500 comes from the application itself, after it read the request: it may have
    created the job first, so it is never sent again on its own."""
    sim.inject("eachlabs", "create", Fault.http(500))
    snap = simple(sim, "eachlabs")
    with pytest.raises(SubmissionUnknownError, match="500"):
        await make_provider("eachlabs").submit(snap, urls_of(snap))
    assert sim.count("eachlabs", "create") == 1


async def test_create_timing_out_after_sending_is_unknown(
    sim: Simulator, sleeps: SleepRecorder
) -> None:
    sim.inject("kinovi", "create", Fault.slow(2.0))
    caps = capabilities.get("kinovi")
    client = httpx.AsyncClient(timeout=httpx.Timeout(0.3))
    from seedance_studio.providers.kinovi import KinoviProvider

    provider = KinoviProvider(
        caps, sim.base_url("kinovi"), MemoryKeys({"kinovi": "k-123"}), http=client, sleep=sleeps
    )
    snap = simple(sim, "kinovi")
    with pytest.raises(SubmissionUnknownError, match="may or may not"):
        await provider.submit(snap, urls_of(snap))
    assert sim.count("kinovi", "create") == 1
    await client.aclose()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_create_that_cannot_connect_is_retried_then_a_network_error(
    sleeps: SleepRecorder,
) -> None:
    caps = capabilities.get("oxen")
    provider = OxenProvider(
        caps,
        f"http://127.0.0.1:{_closed_port()}/oxen/api",
        MemoryKeys({"oxen": "k-123"}),
        sleep=sleeps,
    )
    snap = compose("oxen", "x", ["http://127.0.0.1:1/a.png"])
    with pytest.raises(NetworkError, match="could not connect"):
        await provider.submit(snap, urls_of(snap))
    assert len(sleeps.delays) == retry.CONNECT_ATTEMPTS - 1
    await provider.aclose()


# -- polls: retried with back-off -------------------------------------------------------------


@pytest.mark.parametrize("pid", ALL)
@pytest.mark.parametrize(
    "fault",
    [
        Fault.http(500),
        Fault.http(503),
        Fault.http(408),
        Fault.drop(),
        Fault.drop(before_body=False),
        Fault.malformed(),
    ],
)
async def test_poll_faults_are_retried(
    pid: str, fault: Fault, sim: Simulator, make_provider: MakeProvider, sleeps: SleepRecorder
) -> None:
    provider = make_provider(pid)
    snap = simple(sim, pid)
    [handle] = await provider.submit(snap, urls_of(snap))
    sim.inject(sim_name(pid), "query", fault, times=2)
    status = await provider.status(handle)
    assert status.state in ("queued", "running", "succeeded")
    assert sim.count(sim_name(pid), "query") == 3
    assert len(sleeps.delays) == 2 and sleeps.delays[1] > sleeps.delays[0]
    assert len(sim.jobs) == 1


async def test_poll_honours_retry_after(
    sim: Simulator, make_provider: MakeProvider, sleeps: SleepRecorder
) -> None:
    provider = make_provider("eachlabs")
    snap = simple(sim, "eachlabs")
    [handle] = await provider.submit(snap, urls_of(snap))
    sim.inject("eachlabs", "query", Fault.http(429, retry_after=7))
    await provider.status(handle)
    assert len(sleeps.delays) == 1
    assert 7 <= sleeps.delays[0] <= 7 + retry.RETRY_AFTER_JITTER_S


async def test_poll_gives_up_after_max_attempts_with_a_retryable_error(
    sim: Simulator, make_provider: MakeProvider, sleeps: SleepRecorder
) -> None:
    provider = make_provider("oxen")
    snap = simple(sim, "oxen")
    [handle] = await provider.submit(snap, urls_of(snap))
    sim.inject("oxen", "query", Fault.http(503), times=50)
    with pytest.raises(ServerError) as info:
        await provider.status(handle)
    assert info.value.retryable
    assert sim.count("oxen", "query") == retry.MAX_ATTEMPTS
    sim.reset(keep_jobs=True)
    final = (await follow(provider, handle))[-1]
    assert isinstance(final, Succeeded)  # the paid job is still there to collect


async def test_poll_malformed_forever_is_a_malformed_response(
    sim: Simulator, make_provider: MakeProvider
) -> None:
    provider = make_provider("kinovi")
    snap = simple(sim, "kinovi")
    [handle] = await provider.submit(snap, urls_of(snap))
    sim.inject("kinovi", "query", Fault.malformed(), times=50)
    with pytest.raises(MalformedResponseError):
        await provider.status(handle)


async def test_slow_poll_beyond_the_client_timeout_is_retried(
    sim: Simulator, sleeps: SleepRecorder
) -> None:
    caps = capabilities.get("shortapi")
    client = httpx.AsyncClient(timeout=httpx.Timeout(0.3))
    from seedance_studio.providers.shortapi import ShortApiProvider

    provider = ShortApiProvider(
        caps, sim.base_url("shortapi"), MemoryKeys({"shortapi": "k-123"}), http=client, sleep=sleeps
    )
    snap = simple(sim, "shortapi")
    [handle] = await provider.submit(snap, urls_of(snap))
    sim.inject("shortapi", "query", Fault.slow(1.0))
    status = await provider.status(handle)
    assert status.state in ("queued", "running", "succeeded")
    assert len(sleeps.delays) == 1
    await client.aclose()


@pytest.mark.parametrize("pid", ["oxen", "eachlabs"])
async def test_cancel_survives_a_dropped_connection(
    pid: str, sim: Simulator, make_provider: MakeProvider
) -> None:
    sim.set_timing(SimTiming(queued=5, running=5))
    provider = make_provider(pid)
    snap = simple(sim, pid)
    [handle] = await provider.submit(snap, urls_of(snap))
    sim.inject(pid, "cancel", Fault.drop())
    assert await provider.cancel(handle) is True
    assert (await provider.status(handle)).state == "cancelled"


async def test_stuck_job_stays_running_and_can_be_cancelled(
    sim: Simulator, make_provider: MakeProvider
) -> None:
    sim.inject("oxen", "create", Fault.stuck())
    provider = make_provider("oxen")
    snap = simple(sim, "oxen")
    [handle] = await provider.submit(snap, urls_of(snap))
    import asyncio

    await asyncio.sleep(0.5)
    assert isinstance(await provider.status(handle), Running)
    assert await provider.cancel(handle)
    assert (await provider.status(handle)).state == "cancelled"


@pytest.mark.parametrize("pid", ["kinovi", "eachlabs"])
async def test_job_failure_fault_is_a_failed_status(
    pid: str, sim: Simulator, make_provider: MakeProvider
) -> None:
    sim.inject(pid, "create", Fault.job_failure())
    provider = make_provider(pid)
    snap = simple(sim, pid)
    [handle] = await provider.submit(snap, urls_of(snap))
    final = (await follow(provider, handle))[-1]
    assert final.state == "failed" and not final.content_blocked
