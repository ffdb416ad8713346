"""Pure policies: poll back-off, create limits, estimates, the ledger's arithmetic."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from seedance_studio.core.errors import BudgetExceeded
from seedance_studio.jobs.create_gate import delay_before_create
from seedance_studio.jobs.estimates import split_usd
from seedance_studio.jobs.ledger import Ledger, job_spend
from seedance_studio.jobs.polling import (
    ERROR_MAX_S,
    MAX_STRETCH,
    STRETCH_EVERY,
    budgeted_interval,
    error_delay,
    next_poll_delay,
)
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobStore, NewJob
from seedance_studio.providers.rate_limits import RateLimits
from tests.jobs.fakes import make_snapshot
from tests.jobs.walk import walk_to


def test_poll_interval_stretches_while_nothing_changes() -> None:
    assert next_poll_delay(4.0, 0) == 4.0
    assert next_poll_delay(4.0, STRETCH_EVERY) > 4.0
    assert next_poll_delay(4.0, 10_000) == 4.0 * MAX_STRETCH


def test_error_delay_grows_with_jitter_and_retry_after_wins() -> None:
    rng = random.Random(1)
    delays = [error_delay(n, rng=rng) for n in range(1, 12)]
    assert delays[3] > delays[0]
    assert all(d <= ERROR_MAX_S for d in delays)
    assert error_delay(3, 7.5) == 7.5


@pytest.mark.parametrize(
    ("active", "recent", "expected"),
    [
        (0, [], 0.0),
        (9, [], 0.0),
        (10, [], 0.5),  # every slot taken: look again soon
        (0, [float(t) for t in range(100)], 46.0),  # 100 in the (widened) window: wait
        (0, [float(t) for t in range(1, 100)], 0.0),
    ],
)
def test_delay_before_create(active: int, recent: list[float], expected: float) -> None:
    limits = RateLimits(max_unfinished=10, max_creates=100, window_s=60.0)
    assert delay_before_create(limits, active, recent, now=20.0) == pytest.approx(expected)


def test_no_limits_never_wait() -> None:
    assert delay_before_create(RateLimits(), 10_000, [0.0] * 10_000, 1.0) == 0.0


def test_a_variant_carries_its_share_of_the_estimate() -> None:
    assert split_usd(Decimal("1"), 3) == Decimal("0.3333")
    assert split_usd(Decimal("1.20"), 2) == Decimal("0.6")
    assert split_usd(None, 2) is None


def test_ledger_totals_and_budget(store: JobStore) -> None:
    ids = store.insert_jobs(
        [
            NewJob(
                snapshot=make_snapshot(), group_id="g", batch=f"b{i}", estimated_usd=Decimal("1.00")
            )
            for i in range(4)
        ]
    )
    walk_to(store, ids[0], JobState.DONE, actual_usd=Decimal("0.80"))
    walk_to(store, ids[1], JobState.FAILED)  # not charged
    walk_to(store, ids[2], JobState.SUBMIT_UNKNOWN)  # may have been created: counts
    ledger = Ledger(store)
    assert [job_spend(store.get(i)) for i in ids] == [Decimal("0.80"), 0, 1, 1]
    assert ledger.per_provider() == {"shortapi": Decimal("2.80")}
    assert sum(ledger.per_day().values()) == Decimal("2.80")
    ledger.check_budget(Decimal("3.00"), Decimal("0.20"))
    with pytest.raises(BudgetExceeded) as info:
        ledger.check_budget(Decimal("3.00"), Decimal("0.21"))
    assert info.value.total == Decimal("3.01")
    ledger.check_budget(None, Decimal("100"))


def test_many_watched_jobs_share_one_poll_budget() -> None:
    # Up to five jobs keep the provider's own interval; more are spread so that all of them
    # together poll as often as five would (ten jobs on a 5 s provider: every 10 s).
    assert budgeted_interval(5.0, 1) == 5.0
    assert budgeted_interval(5.0, 5) == 5.0
    assert budgeted_interval(5.0, 10) == 10.0
    assert budgeted_interval(0.5, 40, full_rate=10) == 2.0
    # Never faster than the provider asks, and a budget of 0 turns the rule off.
    assert budgeted_interval(30.0, 2) == 30.0
    assert budgeted_interval(5.0, 100, full_rate=0) == 5.0
