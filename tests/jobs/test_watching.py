"""The watch policy as pure functions: what follows each poll, with no clock and no network."""

from __future__ import annotations

from dataclasses import replace

import pytest

from seedance_studio.core.errors import (
    AuthError,
    NetworkError,
    NotFoundError,
    RateLimitedError,
)
from seedance_studio.core.provider import (
    INTERRUPTED_CODE,
    Failed,
    Queued,
    ResultMedia,
    Running,
    Succeeded,
)
from seedance_studio.jobs.polling import AUTH_ERROR_LIMIT, NOT_FOUND_LIMIT
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobRecord, JobStore, NewJob
from seedance_studio.jobs.watching import (
    LOCAL_RERENDERS,
    Apply,
    Counters,
    Fetch,
    FileGone,
    GiveUp,
    Pause,
    Poll,
    RenderAgain,
    Retry,
    Stop,
    TimeOut,
    before_poll,
    next_step,
    wait_text,
)
from tests.jobs.fakes import make_snapshot
from tests.jobs.walk import walk_to


@pytest.fixture
def job(store: JobStore) -> JobRecord:
    [job_id] = store.insert_jobs([NewJob(snapshot=make_snapshot(), group_id="g", batch="b")])
    walk_to(store, job_id, JobState.RUNNING, provider_job_id="p-1", attempt=1)
    return store.get(job_id)


def step(
    job: JobRecord, status: object, counters: Counters | None = None, local: bool = False
) -> tuple[object, Counters]:
    return next_step(
        job,
        status,  # type: ignore[arg-type]
        counters or Counters(),
        interval=2.0,
        local=local,
    )


def test_a_running_job_is_polled_again_after_the_interval(job: JobRecord) -> None:
    action, counters = step(job, Running(raw_status="running", progress=0.5))
    assert action == Apply(Running(raw_status="running", progress=0.5), 2.0)
    assert counters.unchanged == 0 and counters.last_raw == "running"


def test_an_unchanged_status_stretches_the_interval_but_not_forever(job: JobRecord) -> None:
    counters = Counters()
    waits = []
    for _ in range(60):
        action, counters = step(job, Queued(raw_status="IN_QUEUE"), counters)
        assert isinstance(action, Apply)
        assert action.wait is not None
        waits.append(action.wait)
    assert waits[0] == 2.0 and max(waits) > 2.0 and max(waits) <= 8.0  # MAX_STRETCH 4x


def test_a_final_status_ends_the_watch(job: JobRecord) -> None:
    done = Succeeded(results=[ResultMedia(url="https://r.example/a.mp4")])
    assert step(job, done)[0] == Apply(done, None)
    failed = Failed(message="nope")
    assert step(job, failed)[0] == Apply(failed, None)


def test_transient_errors_are_retried_with_a_message_and_never_fail(job: JobRecord) -> None:
    counters = Counters()
    for _ in range(50):
        action, counters = step(job, NetworkError("reset", provider="shortapi"), counters)
        assert isinstance(action, Retry)
        assert action.message == "polling: reset (will keep trying)"
    assert counters.errors == 50


def test_a_good_answer_resets_the_error_counts(job: JobRecord) -> None:
    counters = Counters(errors=4, not_found=3, refused=2)
    _, counters = step(job, Running(raw_status="running"), counters)
    assert (counters.errors, counters.not_found, counters.refused) == (0, 0, 0)


def test_only_a_long_run_of_not_found_gives_the_job_up(job: JobRecord) -> None:
    counters = Counters()
    missing = NotFoundError("no such task", provider="shortapi")
    for _ in range(NOT_FOUND_LIMIT - 1):
        action, counters = step(job, missing, counters)
        assert isinstance(action, Retry) and action.message is None
    action, counters = step(job, missing, counters)
    assert action == GiveUp("no such task", "NotFoundError")


def test_a_refused_key_pauses_the_watch_and_keeps_the_job(job: JobRecord) -> None:
    counters = Counters()
    refused = AuthError("Invalid API key", provider="shortapi", status_code=401)
    for _ in range(AUTH_ERROR_LIMIT - 1):
        action, counters = step(job, refused, counters)
        assert isinstance(action, Retry)
    action, _ = step(job, refused, counters)
    assert isinstance(action, Pause) and "key was refused" in action.message


def test_rate_limited_polls_wait_as_long_as_the_server_says(job: JobRecord) -> None:
    action, _ = step(job, RateLimitedError("slow down", provider="x", retry_after=7.0))
    assert action == Retry(7.0, None)


def test_an_interrupted_local_render_is_rendered_again_a_few_times(job: JobRecord) -> None:
    interrupted = Failed(message="interrupted", code=INTERRUPTED_CODE)
    assert isinstance(step(job, interrupted, local=True)[0], RenderAgain)
    assert isinstance(step(job, interrupted, local=False)[0], Apply)  # a paid one is not
    worn = replace(job, attempt=LOCAL_RERENDERS + 1)
    assert isinstance(step(worn, interrupted, local=True)[0], Apply)


def test_before_poll_fetches_stops_and_times_out(job: JobRecord) -> None:
    start = job.submitted_at or job.created_at

    def at(
        record: JobRecord,
        now: float,
        polled: bool = True,
        local: bool = False,
        files_gone: bool = False,
    ) -> object:
        return before_poll(
            record, polled=polled, now=now, timeout_s=45, local=local, files_gone=files_gone
        )

    assert at(job, start + 999, polled=False) == Poll()  # look once before judging
    assert at(job, start + 10) == Poll()
    assert at(job, start + 46) == TimeOut("unfinished after 45 s: check again or cancel")
    finished = replace(job, state=JobState.SUCCEEDED)
    assert at(finished, start) == Fetch()
    assert at(finished, start, local=True, files_gone=True) == FileGone()
    assert at(replace(job, state=JobState.DONE), start) == Stop()


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (1, "1 s"),
        (45, "45 s"),
        (59, "59 s"),
        (60, "1 min"),
        (600, "10 min"),
        (3600, "1 h"),
        (7500, "2 h 5 min"),
    ],
)
def test_the_time_out_reads_in_words_never_zero_minutes(seconds: int, text: str) -> None:
    """Before: "unfinished after 0 min" for a time-out under a minute."""
    assert wait_text(seconds) == text
