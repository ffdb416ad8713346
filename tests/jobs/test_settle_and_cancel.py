"""Cancelling truthfully and settling unknown submissions (no paid job left in limbo)."""

from __future__ import annotations

import pytest

from seedance_studio.core.errors import ProviderError, SubmissionUnknownError
from seedance_studio.jobs.engine import CancelNotPossibleError
from seedance_studio.jobs.provider_policy import SETTLE_ENV
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobStore
from tests.jobs.conftest import EngineMaker
from tests.jobs.fakes import FakeProvider, make_snapshot, until


async def test_a_refused_server_cancel_keeps_the_job_watched(
    make_engine: EngineMaker, store: JobStore
) -> None:
    """Before: marked cancelled, polling stopped; the job ran on, was charged, never fetched."""
    fake = FakeProvider(polls_to_finish=6, cancel_accepts=False)
    engine = make_engine(fake)
    [job_id] = await engine.submit(make_snapshot())
    await until(lambda: store.get(job_id).state in (JobState.QUEUED, JobState.RUNNING))
    job = await engine.cancel(job_id)
    assert job.state is not JobState.CANCELLED
    assert job.message == "cancel refused by ShortAPI: still running, still polled"
    [job] = await engine.wait([job_id])
    assert job.state is JobState.DONE  # polled to the end and fetched: nothing paid is lost


async def test_a_failed_server_cancel_says_so_and_keeps_polling(
    make_engine: EngineMaker, store: JobStore
) -> None:
    fake = FakeProvider(
        polls_to_finish=6, cancel_errors=[ProviderError("connection reset", provider="shortapi")]
    )
    engine = make_engine(fake)
    [job_id] = await engine.submit(make_snapshot())
    await until(lambda: store.get(job_id).state in (JobState.QUEUED, JobState.RUNNING))
    job = await engine.cancel(job_id)
    assert "cancel failed at ShortAPI" in (job.message or "")
    assert "still polled" in (job.message or "")
    [job] = await engine.wait([job_id])
    assert job.state is JobState.DONE


async def test_a_confirmed_cancel_is_cancelled(make_engine: EngineMaker, store: JobStore) -> None:
    fake = FakeProvider(polls_to_finish=50)
    engine = make_engine(fake)
    [job_id] = await engine.submit(make_snapshot())
    await until(lambda: store.get(job_id).state in (JobState.QUEUED, JobState.RUNNING))
    job = await engine.cancel(job_id)
    assert job.state is JobState.CANCELLED and fake.cancels


async def test_no_server_cancel_needs_the_users_consent(
    make_engine: EngineMaker, store: JobStore
) -> None:
    fake = FakeProvider(polls_to_finish=50, supports_cancel=False)
    engine = make_engine(fake)
    [job_id] = await engine.submit(make_snapshot())
    await until(lambda: store.get(job_id).state in (JobState.QUEUED, JobState.RUNNING))
    with pytest.raises(CancelNotPossibleError, match="no cancel API"):
        await engine.cancel(job_id)
    assert store.get(job_id).state in (JobState.QUEUED, JobState.RUNNING)
    job = await engine.cancel(job_id, accept_uncancellable=True)
    assert job.state is JobState.CANCELLED
    assert "may still run and be charged" in (job.message or "")


async def test_an_unknown_create_that_was_made_is_found_on_resume(
    make_engine: EngineMaker, store: JobStore
) -> None:
    """Where the provider lists its jobs, a start settles the unknown by itself."""
    fake = FakeProvider(can_find_submissions=True, lose_answers=1)
    engine = make_engine(fake)
    [job_id] = await engine.submit(make_snapshot())
    await until(lambda: store.get(job_id).state is JobState.SUBMIT_UNKNOWN)
    await engine.wait([job_id])
    await engine.start()  # as on the next start of the app
    await until(lambda: store.get(job_id).state is JobState.DONE)
    job = store.get(job_id)
    assert job.provider_job_id == "job-1" and fake.creates == 1  # found, never resent


async def test_an_unknown_create_that_made_nothing_is_settled_as_not_created(
    make_engine: EngineMaker, store: JobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SETTLE_ENV, "0")  # the window since the send has passed
    fake = FakeProvider(
        provider_id="byteplus",
        can_find_submissions=True,
        submit_errors=[SubmissionUnknownError("the connection dropped", provider="shortapi")],
    )
    engine = make_engine(fake)
    [job_id] = await engine.submit(make_snapshot("byteplus"))
    await until(lambda: store.get(job_id).state is JobState.SUBMIT_UNKNOWN)
    job = await engine.check_again(job_id)
    assert job.state is JobState.FAILED, job.message
    assert (job.message or "").startswith("not created — nothing charged: the fake's whole")
    assert fake.creates == 0


async def test_without_a_job_list_check_again_says_what_to_look_for(
    make_engine: EngineMaker, store: JobStore
) -> None:
    fake = FakeProvider(
        submit_errors=[SubmissionUnknownError("the connection dropped", provider="shortapi")]
    )
    engine = make_engine(fake)
    [job_id] = await engine.submit(make_snapshot(text="A cat walks like @Video1 at dusk"))
    await until(lambda: store.get(job_id).state is JobState.SUBMIT_UNKNOWN)
    job = await engine.check_again(job_id)
    assert job.state is JobState.SUBMIT_UNKNOWN
    text = job.message or ""
    assert "ShortAPI has no API to find a job without its id" in text
    assert '"A cat walks like @Video1 at dusk"' in text and "walk.mp4" in text
    assert "sent 20" in text  # the send time, to match on the dashboard
