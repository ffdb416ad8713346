"""The runner against a scripted provider: submit, poll, download, resume, limits, budget."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from seedance_studio.core.errors import (
    BudgetExceeded,
    InvalidInputError,
    NetworkError,
    RateLimitedError,
    ServerError,
    SubmissionUnknownError,
)
from seedance_studio.core.pricing import Estimate
from seedance_studio.core.provider import Failed
from seedance_studio.jobs import playable, sidecar
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobStore, NewJob
from seedance_studio.providers.rate_limits import RateLimits
from tests.jobs.conftest import EngineMaker
from tests.jobs.fakes import (
    FakeProvider,
    ResultServer,
    exists,
    make_snapshot,
    read_bytes,
    until,
)
from tests.jobs.walk import walk_to


async def test_submit_polls_downloads_and_writes_provenance(
    make_engine: EngineMaker, fake: FakeProvider, store: JobStore, clip: bytes
) -> None:
    engine = make_engine()
    changed: list[int] = []
    phases: set[str] = set()
    engine.job_changed.connect(changed.append)
    engine.progress.connect(lambda _id, phase, _f: phases.add(phase))
    [job_id] = await engine.submit(make_snapshot(seed=7), Estimate(max=Decimal("0.84")))
    [job] = await engine.wait([job_id])
    assert job.state is JobState.DONE, job.message
    assert fake.creates == 1
    assert job.provider_job_id == "job-1"
    video = Path(job.result_path or "")
    assert read_bytes(job.result_path) == clip
    assert video.parent.parent == Path(engine.settings.library_path())
    assert not exists(f"{job.result_path}.part")
    side = json.loads(read_bytes(job.sidecar_path))
    assert side["prompt_sent"] == "A cat walks like @Video 1"
    assert side["prompt_canonical"] == "A cat walks like @Video1"
    assert side["references"][0]["url"] == "https://example.com/walk.mp4"
    assert side["seed"] == 7 and side["provider"] == "shortapi"
    assert side["job"]["provider_job_id"] == "job-1"
    assert Decimal(side["estimated_usd"]) == Decimal("0.84")
    states = [e.state for e in store.events(job_id)]
    assert states[0] == "submitting" and states[-1] == "done"
    assert "queued" in states and "succeeded" in states and "downloading" in states
    assert job_id in changed and {"queue", "download"} <= phases


async def test_variants_are_one_group_native_or_not(
    make_engine: EngineMaker, store: JobStore
) -> None:
    shortapi = FakeProvider("shortapi")
    engine = make_engine(shortapi)
    ids = await engine.submit(make_snapshot(variants=3))
    done = await engine.wait(ids)
    assert shortapi.creates == 3
    assert len({j.group_id for j in done}) == 1 and len({j.batch for j in done}) == 3
    assert all(j.snapshot().params.variants == 1 for j in done)

    oxen = FakeProvider("oxen")
    engine = make_engine(oxen)
    ids = await engine.submit(make_snapshot("oxen", "A cat", [], variants=3))
    done = await engine.wait(ids)
    assert oxen.creates == 1
    assert [j.variant for j in sorted(done, key=lambda j: j.id)] == [0, 1, 2]
    assert len({j.batch for j in done}) == 1
    assert {j.state for j in done} == {JobState.DONE}
    assert len({j.result_path for j in done}) == 3


async def test_create_refused_with_429_is_sent_again_once_accepted(
    make_engine: EngineMaker, fake: FakeProvider, store: JobStore
) -> None:
    fake.submit_errors = [RateLimitedError("too many tasks in progress", retry_after=0.01)] * 2
    engine = make_engine()
    [job_id] = await engine.submit(make_snapshot())
    [job] = await engine.wait([job_id])
    assert job.state is JobState.DONE
    assert fake.creates == 1
    assert job.attempt == 1
    assert any("rate limited" in (e.message or "") for e in store.events(job_id))


async def test_unknown_submission_waits_for_the_user(
    make_engine: EngineMaker, fake: FakeProvider
) -> None:
    fake.submit_errors = [SubmissionUnknownError("timed out after sending")]
    engine = make_engine()
    [job_id] = await engine.submit(make_snapshot())
    [job] = await engine.wait([job_id])
    assert job.state is JobState.SUBMIT_UNKNOWN
    again = await engine.check_again(job_id)
    assert again.state is JobState.SUBMIT_UNKNOWN and "dashboard" in (again.message or "")
    assert fake.creates == 0
    await engine.submit_anyway(job_id)
    [job] = await engine.wait([job_id])
    assert job.state is JobState.DONE and fake.creates == 1 and job.attempt == 2


async def test_poll_errors_never_lose_the_job(
    make_engine: EngineMaker, fake: FakeProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("seedance_studio.jobs.watching.error_delay", lambda *a, **k: 0.01)
    fake.status_errors = [
        ServerError("502"),
        NetworkError("reset"),
        RateLimitedError("slow down", retry_after=0.01),
        ServerError("503"),
    ]
    engine = make_engine()
    [job_id] = await engine.submit(make_snapshot())
    [job] = await engine.wait([job_id])
    assert job.state is JobState.DONE and fake.creates == 1


async def test_provider_failure_message_is_kept_verbatim(
    make_engine: EngineMaker, fake: FakeProvider
) -> None:
    fake.final = lambda _id: Failed(
        message="Face detected in reference", code="face", content_blocked=True
    )
    engine = make_engine()
    [job_id] = await engine.submit(make_snapshot())
    [job] = await engine.wait([job_id])
    assert job.state is JobState.FAILED
    assert job.message == "Face detected in reference" and job.error_code == "face"
    assert job.error_type == "ContentBlockedError"  # the provider said so: its filter


async def test_dropped_download_resumes_with_range(
    make_engine: EngineMaker, results: ResultServer, clip: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("seedance_studio.jobs.download.BACKOFF_S", (0.0,))
    results.truncate_next = 2
    engine = make_engine()
    [job_id] = await engine.submit(make_snapshot())
    [job] = await engine.wait([job_id])
    assert job.state is JobState.DONE
    assert read_bytes(job.result_path) == clip
    ranges = [r.headers.get("range") for r in results.requests]
    assert ranges[0] is None and ranges[1] is not None and ranges[1] != "bytes=0-"


async def test_not_a_video_is_not_accepted(make_engine: EngineMaker, results: ResultServer) -> None:
    results.video = b"<html>error page</html>" * 50
    results.content_type = "video/mp4"
    engine = make_engine()
    [job_id] = await engine.submit(make_snapshot())
    [job] = await engine.wait([job_id])
    assert job.state is JobState.SUCCEEDED
    assert "playable" in (job.message or "")
    assert not exists(job.result_path)


async def test_restart_resumes_polling_without_a_second_create(
    make_engine: EngineMaker, fake: FakeProvider, store: JobStore
) -> None:
    fake.polls_to_finish = 10_000
    first = make_engine()
    [job_id] = await first.submit(make_snapshot())
    await until(lambda: store.get(job_id).state is not JobState.SUBMITTING)
    await first.aclose()
    fake.polls_to_finish = 0
    second = make_engine()
    await second.start()
    [job] = await second.wait([job_id])
    assert job.state is JobState.DONE and fake.creates == 1


async def test_rows_found_submitting_after_a_crash(
    make_engine: EngineMaker, fake: FakeProvider, store: JobStore
) -> None:
    fake.submit_delay = 10
    crashed = make_engine()
    ids = await crashed.submit(make_snapshot(variants=2))
    # simulate the crash: one create was out, the other never sent; owner gone
    store.update(ids[0], create_sent_at=store.now(), lease_owner="other-host:1:x", lease_until=0)
    store.update(ids[1], create_sent_at=None, lease_owner="other-host:1:x", lease_until=0)
    crashed.tasks.closing = True  # stop the first engine from touching the rows
    for task in list(crashed.tasks.batches.values()):
        task.cancel()
    fake.submit_delay = 0
    engine = make_engine()
    await engine.start()
    done = {j.id: j for j in await engine.wait(ids)}
    assert done[ids[0]].state is JobState.SUBMIT_UNKNOWN
    assert done[ids[1]].state is JobState.DONE
    assert fake.creates == 1


async def test_stuck_then_cancel_asks_the_server(
    make_engine: EngineMaker, fake: FakeProvider, settings: object
) -> None:
    fake.polls_to_finish = 10_000
    engine = make_engine()
    engine.settings.job_timeout_s = 0
    [job_id] = await engine.submit(make_snapshot())
    [job] = await engine.wait([job_id])
    assert job.state is JobState.STUCK
    checked = await engine.check_again(job_id)
    assert checked.state is JobState.STUCK
    cancelled = await engine.cancel(job_id)
    assert cancelled.state is JobState.CANCELLED
    assert fake.cancels == [job.provider_job_id]


async def test_budget_asks_before_exceeding(make_engine: EngineMaker) -> None:
    engine = make_engine()
    engine.settings.budget_usd = Decimal("1.00")
    [first] = await engine.submit(make_snapshot(), Estimate(max=Decimal("0.80")))
    with pytest.raises(BudgetExceeded) as info:
        await engine.submit(make_snapshot(), Estimate(max=Decimal("0.50")))
    assert info.value.spent == Decimal("0.80") and info.value.budget == Decimal("1.00")
    ids = await engine.submit(
        make_snapshot(), Estimate(max=Decimal("0.50")), allow_over_budget=True
    )
    await engine.wait([first, *ids])


async def test_concurrency_limit_holds(make_engine: EngineMaker, store: JobStore) -> None:
    fake = FakeProvider(polls_to_finish=3, rate_limits=RateLimits(max_unfinished=2))
    peak = 0
    real_submit = fake.submit

    async def counting(snapshot, urls):  # type: ignore[no-untyped-def]
        nonlocal peak
        handles = await real_submit(snapshot, urls)
        peak = max(peak, store.active_count("shortapi"))
        return handles

    fake.submit = counting  # type: ignore[method-assign]
    engine = make_engine(fake)
    ids = await engine.submit(make_snapshot(variants=6))
    done = await engine.wait(ids)
    assert {j.state for j in done} == {JobState.DONE}
    assert fake.creates == 6 and peak <= 2


async def test_two_engines_never_poll_one_job_twice(
    make_engine: EngineMaker, fake: FakeProvider, store: JobStore, tmp_path: Path
) -> None:
    fake.polls_to_finish = 4
    a = make_engine()
    [job_id] = await a.submit(make_snapshot())
    other_store = JobStore(store.path)
    b = make_engine(job_store=other_store)
    await b.start()
    await a.wait([job_id])
    await b.wait([job_id])
    assert store.get(job_id).state is JobState.DONE
    assert fake.polls["job-1"] == 4  # one runner polled; the other stood by
    await b.aclose()
    other_store.close()


async def test_a_refused_create_fails_and_is_not_sent_again(
    make_engine: EngineMaker, fake: FakeProvider
) -> None:
    fake.submit_errors = [InvalidInputError("prompt too long", provider="shortapi")]
    engine = make_engine()
    [job_id] = await engine.submit(make_snapshot())
    [job] = await engine.wait([job_id])
    assert job.state is JobState.FAILED
    assert job.message == "prompt too long" and job.error_type == "InvalidInputError"
    assert fake.creates == 0


async def test_cancel_while_waiting_for_a_slot_sends_nothing(
    make_engine: EngineMaker, fake: FakeProvider, store: JobStore
) -> None:
    fake.polls_to_finish = 10_000
    fake.rate_limits = RateLimits(max_unfinished=1)
    engine = make_engine()
    first, second = await engine.submit(make_snapshot(variants=2))
    await until(lambda: "slot" in (store.get(second).message or ""))
    cancelled = await engine.cancel(second)
    assert cancelled.state is JobState.CANCELLED
    await engine.cancel(first)
    await engine.wait([first, second])
    assert fake.creates == 1


async def test_started_engine_hears_other_processes_and_adopts_orphans(
    make_engine: EngineMaker, fake: FakeProvider, store: JobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("seedance_studio.jobs.engine.SCAN_EVERY_S", 0.02)
    monkeypatch.setattr("seedance_studio.jobs.engine.ADOPT_EVERY_TICKS", 2)
    engine = make_engine()
    await engine.start()
    heard: list[int] = []
    engine.job_changed.connect(heard.append)
    # Another process (its own connection) stores a job, then dies holding it.
    other = JobStore(store.path)
    [job_id] = other.insert_jobs(
        [NewJob(snapshot=make_snapshot(), group_id="g", batch="x")],
        owner="other-host:1:dead",
        lease_s=0.01,
    )
    walk_to(other, job_id, JobState.QUEUED, provider_job_id="job-77", submitted_at=store.now())
    other.close()
    await until(lambda: job_id in heard)
    await until(lambda: store.get(job_id).state is JobState.DONE)
    assert fake.creates == 0 and fake.polls["job-77"] >= 2


async def test_file_work_runs_off_the_event_loop_thread(
    make_engine: EngineMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Verifying, hashing and moving whole videos must not block the loop (the UI thread)."""
    seen: dict[str, str] = {}
    loop_thread = threading.current_thread().name

    def spy(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            seen[name] = threading.current_thread().name
            return real(*args, **kwargs)

        return wrapper

    for name in ("provenance", "write_sidecar"):
        monkeypatch.setattr(sidecar, name, spy(name, getattr(sidecar, name)))
    for name in ("settle", "check_layout"):  # the check after the last byte
        monkeypatch.setattr(playable, name, spy(name, getattr(playable, name)))
    engine = make_engine()
    [job_id] = await engine.submit(make_snapshot(), Estimate(max=Decimal("0.84")))
    [job] = await engine.wait([job_id])
    assert job.state is JobState.DONE, job.message
    assert set(seen) == {"settle", "check_layout", "provenance", "write_sidecar"}
    assert loop_thread not in seen.values(), seen
