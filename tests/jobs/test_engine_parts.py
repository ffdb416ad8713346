"""The engine's parts alone, without the JobEngine around them: the task board, the create
rows, the status writer of the watch loop, the canceller and the lookups' advice."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from seedance_studio.core.errors import SeedanceError
from seedance_studio.core.provider import Cost, Failed, Running, Succeeded
from seedance_studio.core.settings import Settings
from seedance_studio.jobs.cancelling import Canceller, CancelNotPossibleError
from seedance_studio.jobs.creating import Creator
from seedance_studio.jobs.fetching import Fetcher
from seedance_studio.jobs.pool import ProviderPool, handle_of
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobRecord, JobStore, NewJob, new_owner_id
from seedance_studio.jobs.tasks import TaskBoard
from seedance_studio.jobs.unknowns import advice
from seedance_studio.jobs.watch_loop import JobWatcher, cost_usd, files_gone
from seedance_studio.jobs.writer import JobWriter
from tests.jobs.conftest import NO_KEYS
from tests.jobs.fakes import FakeProvider, make_snapshot
from tests.jobs.walk import walk_to


class Parts:
    def __init__(self, store: JobStore, fake: FakeProvider, library: Path) -> None:
        self.announced: list[int] = []
        self.writer = JobWriter(store, self.announced.append, lambda *_a: None)
        self.pool = ProviderPool(Settings(), NO_KEYS, factory=lambda *_a, **_k: fake)
        self.tasks = TaskBoard(store)
        self.resumed: list[int] = []
        self.creator = Creator(
            self.writer,
            self.pool,
            self.tasks,
            new_owner_id(),
            Settings(),
            resume=lambda job: self.resumed.append(job.id),
        )
        fetcher = Fetcher(self.writer, self.pool, lambda: library, _no_status)
        self.watcher = JobWatcher(
            self.writer, self.pool, self.creator.gate, fetcher, Settings(), "me", upload=_no_upload
        )


async def _no_status(job: JobRecord) -> Any:
    raise AssertionError("not polled here")


async def _no_upload(*_a: object) -> dict[str, str]:
    return {}


@pytest.fixture
def parts(store: JobStore, fake: FakeProvider, tmp_path: Path) -> Parts:
    return Parts(store, fake, tmp_path / "library")


def _row(store: JobStore, state: JobState, provider: str = "shortapi") -> JobRecord:
    [job_id] = store.insert_jobs(
        [NewJob(snapshot=make_snapshot(provider), group_id="g", batch=f"b-{state}")]
    )
    if state is not JobState.SUBMITTING:
        walk_to(store, job_id, state, provider_job_id="p-1")
    return store.get(job_id)


async def test_the_board_starts_each_batch_once_and_waits_for_it(store: JobStore) -> None:
    board = TaskBoard(store)
    [job_id] = store.insert_jobs([NewJob(snapshot=make_snapshot(), group_id="g", batch="b")])
    board.remember([job_id], ["b"])
    gate = asyncio.Event()
    runs: list[str] = []

    async def work() -> None:
        runs.append("b")
        await gate.wait()

    assert board.start_batch("b", work) and not board.start_batch("b", work)
    await asyncio.sleep(0)
    assert board.busy([job_id]) and runs == ["b"]
    board.start_lookup(job_id, lambda: asyncio.sleep(3600))
    gate.set()
    await asyncio.wait_for(board.wait([job_id]), 5)  # a later lookup is not waited for
    assert not board.busy(None) and job_id in board.lookups
    await board.cancel_all(5)
    assert board.closing and not board.start_batch("c", work)


async def test_native_variants_share_one_create_and_others_get_one_each(
    parts: Parts, store: JobStore
) -> None:
    parts.tasks.closing = True  # rows only: no create goes out
    native = parts.creator.submit(
        make_snapshot("oxen", variants=3), None, retry_of=None, allow_over_budget=True
    )
    single = parts.creator.submit(
        make_snapshot("shortapi", variants=2), None, retry_of=None, allow_over_budget=True
    )
    assert len({store.get(i).batch for i in native}) == 1
    assert len({store.get(i).batch for i in single}) == 2
    assert all(store.get(i).params["variants"] == 1 for i in single)
    assert parts.announced == native + single


def test_statuses_are_written_as_moves_of_the_table(parts: Parts, store: JobStore) -> None:
    job = _row(store, JobState.QUEUED)
    parts.watcher.apply_status(job, Running(raw_status="run", progress=0.5))
    assert store.get(job.id).state is JobState.RUNNING and store.get(job.id).progress == 0.5
    cost = Cost(amount=Decimal("1.50"), unit="usd")
    parts.watcher.apply_status(store.get(job.id), Succeeded(results=[], cost=cost))
    done = store.get(job.id)
    assert done.state is JobState.SUCCEEDED and done.actual_usd == Decimal("1.50")
    other = _row(store, JobState.RUNNING)
    parts.watcher.apply_status(other, Failed(message="face", code="F1", content_blocked=True))
    failed = store.get(other.id)
    assert failed.state is JobState.FAILED and failed.error_type == "ContentBlockedError"


def test_charges_in_credits_use_the_published_rate() -> None:
    assert cost_usd("kinovi", Cost(amount=Decimal(100), unit="credits")) == Decimal("0.500")
    assert cost_usd("fal", None) is None
    assert cost_usd("fal", Cost(amount=Decimal(3), unit="credits", usd=Decimal("0.3"))) == (
        Decimal("0.3")
    )


def test_files_gone_only_when_every_copy_is(store: JobStore, tmp_path: Path) -> None:
    job = _row(store, JobState.QUEUED)
    assert not files_gone(job)  # no results yet: nothing to be gone


async def test_the_canceller_refuses_without_a_server_cancel_unless_accepted(
    parts: Parts, store: JobStore, fake: FakeProvider
) -> None:
    fake.supports_cancel = False
    canceller = Canceller(
        parts.writer, parts.pool, parts.tasks, parts.creator.gate, resume=lambda _j: None
    )
    job = _row(store, JobState.RUNNING)
    with pytest.raises(CancelNotPossibleError):
        await canceller.cancel(job.id)
    assert (await canceller.cancel(job.id, accept_uncancellable=True)).state is (JobState.CANCELLED)
    sent = _row(store, JobState.SUBMITTING)
    store.update(sent.id, create_sent_at=store.now())
    with pytest.raises(SeedanceError, match="being created right now"):
        await canceller.cancel(sent.id)


def test_a_handle_carries_the_stored_extras(store: JobStore, fake: FakeProvider) -> None:
    job = _row(store, JobState.QUEUED)
    store.update(job.id, handle_extra={"status_url": "https://x/s"})
    handle = handle_of(fake, store.get(job.id))
    assert handle.job_id == "p-1" and handle.extra == {"status_url": "https://x/s"}
    with pytest.raises(SeedanceError, match="no provider job id"):
        handle_of(fake, _row(store, JobState.SUBMITTING))


def test_the_dashboard_advice_names_what_to_match(store: JobStore) -> None:
    job = _row(store, JobState.SUBMIT_UNKNOWN, provider="eachlabs")
    text = advice(job)
    assert "eachlabs" in text.lower() and "https://www.eachlabs.ai/dashboard" in text
