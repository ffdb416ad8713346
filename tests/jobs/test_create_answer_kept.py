"""Once a create has been answered, the provider's job ids are kept whatever fails next.

The money is spent the moment the provider answers: an error while recording or announcing
the answer (a listener that raises, a store hiccup) must never turn the job into "failed",
and an answer the client cannot read must never count as a refusal.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from seedance_studio.core.errors import AuthError, MalformedResponseError
from seedance_studio.jobs.polling import AUTH_ERROR_LIMIT
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobStore
from seedance_studio.jobs.transitions import Event
from tests.jobs.conftest import EngineMaker
from tests.jobs.fakes import FakeProvider, make_snapshot


async def test_a_listener_failing_on_created_keeps_the_paid_job(
    make_engine: EngineMaker, fake: FakeProvider, store: JobStore
) -> None:
    engine = make_engine()
    tripped: list[int] = []

    def listener(job_id: int) -> None:
        if store.get(job_id).state is JobState.QUEUED and not tripped:
            tripped.append(job_id)
            raise RuntimeError("a front end's slot is broken")

    engine.job_changed.connect(listener)
    [job_id] = await engine.submit(make_snapshot())
    [job] = await engine.wait([job_id])
    assert tripped == [job_id]
    assert fake.creates == 1
    assert job.provider_job_id == "job-1"
    assert job.state is JobState.DONE, job.message


async def test_every_native_variant_keeps_its_id_when_recording_fails(
    make_engine: EngineMaker, store: JobStore
) -> None:
    oxen = FakeProvider("oxen")
    engine = make_engine(oxen)
    broken = [True]

    def listener(job_id: int) -> None:
        if broken[0] and store.get(job_id).state is JobState.QUEUED:
            broken[0] = False
            raise RuntimeError("boom")

    engine.job_changed.connect(listener)
    ids = await engine.submit(make_snapshot("oxen", "A cat", [], variants=3))
    done = await engine.wait(ids)
    assert oxen.creates == 1
    assert sorted(j.provider_job_id or "" for j in done) == ["job-1", "job-2", "job-3"]
    assert all(j.state is JobState.DONE for j in done), [j.message for j in done]


async def test_an_unreadable_answer_to_a_sent_create_is_unknown_not_failed(
    make_engine: EngineMaker, store: JobStore
) -> None:
    fake = FakeProvider(
        submit_errors=[
            MalformedResponseError("ShortAPI answered with a non-object", provider="shortapi")
        ]
    )
    engine = make_engine(fake)
    [job_id] = await engine.submit(make_snapshot())
    [job] = await engine.wait([job_id])
    assert job.state is JobState.SUBMIT_UNKNOWN, job.message
    assert job.create_sent_at is not None
    await engine.start()  # a restart must not send it again on its own
    assert store.get(job_id).state is JobState.SUBMIT_UNKNOWN
    assert fake.creates == 0


async def test_a_store_error_while_recording_the_id_is_written_again(
    make_engine: EngineMaker, fake: FakeProvider, store: JobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_move = store.move
    failed: list[int] = []

    def flaky_move(job_id: int, event: Event, **fields: Any) -> bool:
        if "provider_job_id" in fields and not failed:
            failed.append(job_id)
            raise sqlite3.OperationalError("database is locked")
        return real_move(job_id, event, **fields)

    monkeypatch.setattr(store, "move", flaky_move)
    engine = make_engine()
    [job_id] = await engine.submit(make_snapshot())
    [job] = await engine.wait([job_id])
    assert failed == [job_id]
    assert fake.creates == 1
    assert job.provider_job_id == "job-1"
    assert job.state is JobState.DONE, job.message


async def test_a_key_refused_while_polling_pauses_the_watch_and_keeps_the_job(
    make_engine: EngineMaker, store: JobStore
) -> None:
    refused = AuthError("Invalid API key", provider="shortapi", status_code=401)
    fake = FakeProvider(status_errors=[refused] * AUTH_ERROR_LIMIT)
    engine = make_engine(fake)
    [job_id] = await engine.submit(make_snapshot())
    [job] = await engine.wait([job_id])  # returns: a waiting front end is not left hanging
    assert job.state is JobState.QUEUED
    assert job.provider_job_id == "job-1"
    assert "key was refused" in (job.message or "")
    assert job.next_poll_at is not None and job.next_poll_at > store.now()
    await engine.start()  # the key was put right; a start polls it at once
    [job] = await engine.wait([job_id])
    assert job.state is JobState.DONE, job.message
    assert job.message is None and fake.creates == 1
