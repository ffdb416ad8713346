"""Unknown submissions on fal and BytePlus settled from their own job lists, over real HTTP
against the simulator: found → adopted; a miss before the window → still unknown, saying
when; a miss after it → not created, nothing charged; a listing that does not reach back to
the send → still unknown."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from seedance_studio.jobs.engine import JobEngine
from seedance_studio.jobs.provider_policy import SETTLE_ENV, absence_window, policy
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobStore
from seedance_studio.jobs.transitions import Action, allowed_actions
from seedance_studio.simulator import Fault, Simulator
from tests.jobs.fakes import make_snapshot, until

PROVIDERS = ("fal", "byteplus")
Maker = Callable[..., JobEngine]


async def _lost(
    simulator: Simulator, engine: JobEngine, pid: str, fault: Fault, text: str = "turns"
) -> int:
    """A create whose answer never came: `fault` decides whether the job was made."""
    simulator.inject(pid, "create", fault)
    image = simulator.sample_url("image.png")
    [job_id] = await engine.submit(make_snapshot(pid, f"@Image1 {text}", [image], duration=6))
    await engine.wait([job_id])
    assert engine.get(job_id).state is JobState.SUBMIT_UNKNOWN
    return job_id


@pytest.mark.parametrize("pid", PROVIDERS)
async def test_a_made_job_is_adopted_by_the_next_start(
    pid: str, simulator: Simulator, sim_engine: Maker, store: JobStore
) -> None:
    first = sim_engine()
    job_id = await _lost(simulator, first, pid, Fault.applied_no_response())
    await first.aclose()  # the process ends
    later = sim_engine()  # the next start of the app, or `seedance resume`
    await later.start()
    await until(lambda: store.get(job_id).state is JobState.DONE, limit_s=20)
    assert (store.get(job_id).message or "") == ""  # the unknown notice is gone
    [made] = [j for j in simulator.jobs if j.provider == pid]
    assert store.get(job_id).provider_job_id == made.id
    assert simulator.count(pid, "create") == 1  # found, never resent


@pytest.mark.parametrize("pid", PROVIDERS)
async def test_a_miss_before_the_window_stays_unknown_and_says_when(
    pid: str, simulator: Simulator, sim_engine: Maker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SETTLE_ENV, "3600")
    engine = sim_engine()
    job_id = await _lost(simulator, engine, pid, Fault.drop(before_body=False))
    job = await engine.check_again(job_id)
    assert job.state is JobState.SUBMIT_UNKNOWN
    text = job.message or ""
    assert text.startswith("not found yet in ") and "read to its end" in text
    assert "only 3600 s after the send, at 20" in text and "looked up again then" in text
    assert not [j for j in simulator.jobs if j.provider == pid]


@pytest.mark.parametrize("pid", PROVIDERS)
async def test_a_miss_after_the_window_is_not_created_and_may_be_retried(
    pid: str, simulator: Simulator, sim_engine: Maker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SETTLE_ENV, "0")
    engine = sim_engine()
    job_id = await _lost(simulator, engine, pid, Fault.drop(before_body=False))
    job = await engine.check_again(job_id)
    assert job.state is JobState.FAILED, job.message
    text = job.message or ""
    assert text.startswith("not created — nothing charged: ")
    assert "read to its end" in text and "reaching back past the send at 20" in text
    assert Action.RETRY in allowed_actions(job.state)
    [again] = await engine.retry(job_id)
    [done] = await engine.wait([again])
    assert done.state is JobState.DONE
    assert len([j for j in simulator.jobs if j.provider == pid]) == 1


@pytest.mark.parametrize("pid", PROVIDERS)
async def test_the_engine_settles_a_miss_by_itself_once_the_window_passes(
    pid: str,
    simulator: Simulator,
    sim_engine: Maker,
    store: JobStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(SETTLE_ENV, "1.5")
    first = sim_engine()
    job_id = await _lost(simulator, first, pid, Fault.drop(before_body=False))
    await first.aclose()
    later = sim_engine()
    await later.start()  # looks it up by itself: too early, so it looks again at the window
    await until(lambda: store.get(job_id).state is JobState.FAILED, limit_s=20)
    assert (store.get(job_id).message or "").startswith("not created — nothing charged")
    assert simulator.count(pid, "create") == 1  # the lost one; nothing was resent


@pytest.mark.parametrize("pid", PROVIDERS)
async def test_a_listing_that_does_not_reach_the_send_proves_nothing(
    pid: str, simulator: Simulator, sim_engine: Maker, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seedance_studio.providers import byteplus, fal

    monkeypatch.setenv(SETTLE_ENV, "0")
    engine = sim_engine()
    job_id = await _lost(simulator, engine, pid, Fault.drop(before_body=False))
    for word in ("one", "two", "three"):  # newer jobs of the same model fill the first page
        [other] = await engine.submit(
            make_snapshot(pid, f"@Image1 {word}", [simulator.sample_url("image.png")])
        )
        await engine.wait([other])
    if pid == "fal":
        monkeypatch.setattr(fal, "HISTORY_PAGE_SIZE", 1)
        monkeypatch.setattr(fal, "HISTORY_PAGES", 2)
    else:
        monkeypatch.setattr(byteplus, "LIST_PAGE_SIZE", 1)
        monkeypatch.setattr(byteplus, "LIST_PAGES", 2)
    job = await engine.check_again(job_id)
    assert job.state is JobState.SUBMIT_UNKNOWN
    assert "which does not reach back to the send at 20" in (job.message or "")


def test_the_windows_are_data_with_their_reasons(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SETTLE_ENV, raising=False)
    for pid in PROVIDERS:
        assert absence_window(pid) == policy(pid).absence_proves_after_s
        assert "guess" in (policy(pid).absence_note or "").lower()
    assert absence_window("eachlabs") is None  # no job list: a miss is never proof
    monkeypatch.setenv(SETTLE_ENV, "2")
    assert absence_window("fal") == 2.0 and absence_window("eachlabs") is None
