"""Which failed creates are sent again: only those that cannot have created anything."""

from __future__ import annotations

import pytest

from seedance_studio.core.errors import (
    InvalidInputError,
    NetworkError,
    ServerError,
    SubmissionUnknownError,
)
from seedance_studio.jobs.polling import CREATE_RETRY_LIMIT, create_retry_delay
from seedance_studio.jobs.states import JobState
from tests.jobs.conftest import EngineMaker
from tests.jobs.fakes import FakeProvider, make_snapshot


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("seedance_studio.jobs.polling.CREATE_RETRY_BASE_S", 0.01)


def busy(status: int) -> ServerError:
    return ServerError("Service Unavailable", provider="shortapi", status_code=status)


@pytest.mark.parametrize("status", [502, 503, 504])
async def test_a_gateway_refusal_is_sent_again_and_the_job_runs(
    make_engine: EngineMaker, status: int
) -> None:
    """Before: a 502/503 to a create failed the job for good."""
    fake = FakeProvider(submit_errors=[busy(status), busy(status)])
    engine = make_engine(fake)
    [job_id] = await engine.submit(make_snapshot())
    [job] = await engine.wait([job_id])
    assert job.state is JobState.DONE, job.message
    assert fake.creates == 1


async def test_a_refused_connection_is_sent_again(make_engine: EngineMaker) -> None:
    fake = FakeProvider(submit_errors=[NetworkError("could not connect", provider="shortapi")])
    engine = make_engine(fake)
    [job_id] = await engine.submit(make_snapshot())
    [job] = await engine.wait([job_id])
    assert job.state is JobState.DONE and fake.creates == 1


async def test_a_gateway_that_stays_down_fails_the_job_saying_nothing_was_created(
    make_engine: EngineMaker,
) -> None:
    fake = FakeProvider(submit_errors=[busy(503)] * (CREATE_RETRY_LIMIT + 1))
    engine = make_engine(fake)
    [job_id] = await engine.submit(make_snapshot())
    [job] = await engine.wait([job_id])
    assert job.state is JobState.FAILED and fake.creates == 0
    assert job.create_sent_at is None  # never counted as a possible charge


async def test_a_500_after_the_body_was_sent_is_unknown_never_resent(
    make_engine: EngineMaker,
) -> None:
    fake = FakeProvider(
        submit_errors=[
            SubmissionUnknownError(
                "the server failed (HTTP 500) after the request was sent",
                provider="shortapi",
                status_code=500,
            )
        ]
    )
    engine = make_engine(fake)
    [job_id] = await engine.submit(make_snapshot())
    [job] = await engine.wait([job_id])
    assert job.state is JobState.SUBMIT_UNKNOWN and fake.creates == 0


def test_the_retry_rule() -> None:
    assert create_retry_delay(busy(503), 1) is not None
    assert create_retry_delay(busy(503), CREATE_RETRY_LIMIT + 1) is None
    assert create_retry_delay(busy(500), 1) is None  # an answer after reading the request
    assert create_retry_delay(InvalidInputError("bad", provider="x", status_code=400), 1) is None
    assert create_retry_delay(SubmissionUnknownError("lost", provider="x"), 1) is None


async def test_variants_go_out_at_most_two_creates_at_a_time(make_engine: EngineMaker) -> None:
    """Before: `--variants N` sent all N creates at once; against a small listen queue 18-25
    of 50 ended "unknown" with nothing sent."""
    from seedance_studio.jobs.provider_policy import policy

    fake = FakeProvider(submit_delay=0.05)
    engine = make_engine(fake)
    ids = await engine.submit(make_snapshot(variants=6))  # ShortAPI: one video per create
    records = await engine.wait(ids)
    assert [r.state for r in records] == [JobState.DONE] * 6
    assert fake.creates == 6
    assert fake.most_in_flight == policy("shortapi").max_creates_in_flight == 2


def test_many_variants_or_no_price_need_a_yes() -> None:
    from decimal import Decimal

    from seedance_studio.jobs.provider_policy import confirmation_text, needs_confirmation

    assert not needs_confirmation("kinovi", 1, None)
    assert not needs_confirmation("kinovi", 4, Decimal("3.20"))
    assert needs_confirmation("kinovi", 5, Decimal("4.00"))  # above the provider's count
    assert needs_confirmation("oxen", 2, None)  # no published price: the total is unknown
    assert confirmation_text("Oxen.ai", 100, None) == (
        "100 generations on Oxen.ai: no published price, so the total is unknown"
    )
