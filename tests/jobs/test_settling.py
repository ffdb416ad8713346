"""The rule that settles an unknown submission from a lookup, as a table."""

from __future__ import annotations

import pytest

from seedance_studio.core.provider import JobHandle, SubmissionSearch
from seedance_studio.jobs.settling import Adopt, NotCreated, StillUnknown, Verdict, settle

SENT = 1_800_000_000.0
ONE = [JobHandle(provider="fal", job_id="r1")]
TWO = [*ONE, JobHandle(provider="fal", job_id="r2")]


def _search(found: list[JobHandle], covers: bool) -> SubmissionSearch:
    return SubmissionSearch(found=found, covers_send=covers, listing="the list")


@pytest.mark.parametrize(
    ("found", "covers", "rows", "age", "window", "verdict"),
    [
        (ONE, True, 1, 0.0, 60.0, Adopt),  # found at once: adopted whatever the window
        (ONE, False, 1, 0.0, None, Adopt),  # found even in a partial list
        (TWO, True, 1, 999.0, 60.0, StillUnknown),  # more candidates than rows: a person
        (TWO, True, 2, 999.0, 60.0, Adopt),  # native variants: one each
        ([], True, 1, 59.0, 60.0, StillUnknown),  # a miss before the window
        ([], True, 1, 60.0, 60.0, NotCreated),  # a miss once the window passed
        ([], False, 1, 999.0, 60.0, StillUnknown),  # the list did not reach the send
        ([], True, 1, 999.0, None, StillUnknown),  # no window: a miss is never proof
    ],
)
def test_verdicts(
    found: list[JobHandle],
    covers: bool,
    rows: int,
    age: float,
    window: float | None,
    verdict: type[Verdict],
) -> None:
    result = settle(
        _search(found, covers), rows=rows, sent_at=SENT, now=SENT + age, window_s=window
    )
    assert isinstance(result, verdict)


def test_a_miss_before_the_window_says_when_it_is_looked_up_again() -> None:
    result = settle(_search([], True), rows=1, sent_at=SENT, now=SENT + 10, window_s=60.0)
    assert isinstance(result, StillUnknown) and result.look_again_at == SENT + 60.0
    assert "the list" in result.message and "60 s after the send" in result.message


def test_not_created_names_its_evidence() -> None:
    result = settle(_search([], True), rows=1, sent_at=SENT, now=SENT + 90, window_s=60.0)
    assert isinstance(result, NotCreated)
    assert result.message.startswith("not created — nothing charged: the list, reaching back")
    assert "90 s later" in result.message and "a guess" in result.message
