"""The retry policy alone: which failures repeat, how long to wait, Retry-After parsing."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import httpx
import pytest

from seedance_studio.core.errors import (
    AuthError,
    InvalidInputError,
    MalformedResponseError,
    NetworkError,
    RateLimitedError,
    ServerError,
    SubmissionUnknownError,
)
from seedance_studio.providers import retry


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (408, True),
        (429, True),
        (500, True),
        (502, True),
        (503, True),
        (504, True),
        (400, False),
        (401, False),
        (402, False),
        (404, False),
        (200, False),
        (ServerError("x"), True),
        (NetworkError("x"), True),
        (RateLimitedError("x"), True),
        (MalformedResponseError("x"), True),
        (AuthError("x"), False),
        (InvalidInputError("x"), False),
        (SubmissionUnknownError("x"), False),
        (httpx.ReadTimeout("x"), True),
        (httpx.RemoteProtocolError("x"), True),
        (ValueError("x"), False),
        (True, False),
    ],
)
def test_should_retry_by_failure(failure: BaseException | int, expected: bool) -> None:
    assert retry.should_retry(failure, 1) is expected


def test_should_retry_stops_at_max_attempts() -> None:
    assert retry.should_retry(503, retry.MAX_ATTEMPTS - 1)
    assert not retry.should_retry(503, retry.MAX_ATTEMPTS)
    assert not retry.should_retry(503, 3, max_attempts=3)


def test_retry_delay_grows_exponentially_within_jitter() -> None:
    rng = random.Random(1)
    for attempt in range(1, 8):
        nominal = min(retry.BASE_DELAY_S * 2 ** (attempt - 1), retry.MAX_DELAY_S)
        for _ in range(50):
            delay = retry.retry_delay(attempt, rng=rng)
            assert (
                nominal * (1 - retry.JITTER_FRACTION)
                <= delay
                <= min(nominal * (1 + retry.JITTER_FRACTION), retry.MAX_DELAY_S)
            )


def test_retry_delay_is_capped_and_jittered() -> None:
    rng = random.Random(7)
    delays = {retry.retry_delay(40, rng=rng) for _ in range(20)}
    assert max(delays) <= retry.MAX_DELAY_S
    assert len(delays) > 1


def test_retry_delay_honours_retry_after_but_caps_it() -> None:
    rng = random.Random(3)
    delay = retry.retry_delay(1, retry_after=12, rng=rng)
    assert 12 <= delay <= 12 + retry.RETRY_AFTER_JITTER_S
    huge = retry.retry_delay(1, retry_after=10_000, rng=rng)
    assert huge <= retry.MAX_RETRY_AFTER_S + retry.RETRY_AFTER_JITTER_S
    assert retry.retry_delay(1, retry_after=0, rng=rng) <= retry.RETRY_AFTER_JITTER_S


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("5", 5.0),
        (" 2.5 ", 2.5),
        ("0", 0.0),
        ("-3", 0.0),
        ("", None),
        (None, None),
        ("soon", None),
        ("nan", None),
        ("Sat, 21 Nov 2026 12:00:30 GMT", 30.0),
        ("Sat, 21 Nov 2026 11:59:00 GMT", 0.0),
    ],
)
def test_parse_retry_after(header: str | None, expected: float | None) -> None:
    now = datetime(2026, 11, 21, 12, 0, 0, tzinfo=UTC)
    assert retry.parse_retry_after(header, now=now) == expected
