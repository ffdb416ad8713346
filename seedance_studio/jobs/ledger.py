"""The spend ledger: estimated and actual cost per job, totals per provider and per day.

It reads the job store (one source of truth) rather than keeping its own table, so a crash
can never leave the two disagreeing. A job counts with its actual USD cost when the provider
reported one, else with its estimate; failed and cancelled jobs count only what was actually
charged, and a submit_unknown job counts its estimate (it may have been created).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from seedance_studio.core.errors import BudgetExceeded
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobRecord, JobStore

_UNCHARGED_UNLESS_REPORTED = frozenset({JobState.FAILED, JobState.CANCELLED})


def job_spend(job: JobRecord) -> Decimal:
    """What this job costs (or will): actual when known, else the estimate."""
    if job.actual_usd is not None:
        return job.actual_usd
    if job.state in _UNCHARGED_UNLESS_REPORTED:
        return Decimal(0)
    return job.estimated_usd or Decimal(0)


def job_day(job: JobRecord) -> date:
    """The UTC day a job was submitted (created, when it never reached the provider)."""
    return datetime.fromtimestamp(job.submitted_at or job.created_at, UTC).date()


@dataclass(frozen=True)
class LedgerLine:
    job_id: int
    provider: str
    day: date
    state: JobState
    estimated_usd: Decimal | None
    actual_usd: Decimal | None
    counted_usd: Decimal


class Ledger:
    """Spend views over a JobStore."""

    def __init__(self, store: JobStore) -> None:
        self.store = store

    def lines(self) -> list[LedgerLine]:
        return [
            LedgerLine(
                j.id, j.provider, job_day(j), j.state, j.estimated_usd, j.actual_usd, job_spend(j)
            )
            for j in self.store.list_jobs()
        ]

    def per_provider(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for line in self.lines():
            totals[line.provider] += line.counted_usd
        return dict(totals)

    def per_day(self) -> dict[date, Decimal]:
        totals: dict[date, Decimal] = defaultdict(Decimal)
        for line in self.lines():
            totals[line.day] += line.counted_usd
        return dict(totals)

    def spent_on(self, day: date) -> Decimal:
        return sum((ln.counted_usd for ln in self.lines() if ln.day == day), Decimal(0))

    def today(self) -> date:
        return datetime.fromtimestamp(self.store.now(), UTC).date()

    def check_budget(self, budget: Decimal | None, estimate: Decimal | None) -> None:
        """Raise BudgetExceeded when `estimate` would take today's spend above `budget`."""
        if budget is None or estimate is None:
            return
        spent = self.spent_on(self.today())
        if spent + estimate > budget:
            raise BudgetExceeded(budget=budget, spent=spent, estimate=estimate)
