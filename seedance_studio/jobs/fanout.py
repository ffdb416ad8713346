"""One composition sent to several providers (and variants) at once: plan, total, send.

The plan asks the core for each target's validation and price (core/quotes), so a provider
that cannot take the composition is named with its reason before anything is paid. The
send checks the budget once for the whole total (the user confirmed that total once), then
submits each target on its own: a refusal, a moderation block or a 402 at one provider is
that target's outcome and never stops the others. The jobs share a `fanout` id, which the
gallery groups by and the compare view opens.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from seedance_studio.core import capabilities
from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.i18n import _, ngettext
from seedance_studio.core.quotes import Quote, quote

if TYPE_CHECKING:
    from seedance_studio.jobs.engine import JobEngine

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Target:
    """Where to send: a provider, optionally a model, and how many variants."""

    provider: str
    model: str | None = None
    variants: int = 1


@dataclass(frozen=True)
class FanoutPlan:
    quotes: tuple[Quote, ...]

    @property
    def ready(self) -> list[Quote]:
        """The targets that can take the composition (only these are sent)."""
        return [q for q in self.quotes if q.can_take]

    @property
    def refused(self) -> list[Quote]:
        return [q for q in self.quotes if not q.can_take]

    @property
    def unpriced(self) -> list[Quote]:
        """Ready targets with no published price: the total leaves them out and says so."""
        return [q for q in self.ready if q.worst_case_usd is None]

    @property
    def total_usd(self) -> Decimal:
        """The most the ready targets can cost, as far as their prices are published."""
        return sum((q.worst_case_usd or Decimal(0) for q in self.ready), Decimal(0))

    @property
    def job_count(self) -> int:
        return sum(q.snapshot.params.variants for q in self.ready)

    def summary(self) -> str:
        """One line for the confirm button's neighbour: "3 jobs on 3 providers, at most $2.10"."""
        ready = self.ready
        providers = len({q.provider for q in ready})
        jobs = self.job_count
        text = _("{jobs} on {providers}, at most {amount}").format(
            jobs=ngettext("{count} job", "{count} jobs", jobs).format(count=jobs),
            providers=ngettext("{count} provider", "{count} providers", providers).format(
                count=providers
            ),
            amount=f"${self.total_usd:.2f}",
        )
        if self.unpriced:
            text += _(" + {names} (no published price)").format(
                names=", ".join(q.name for q in self.unpriced)
            )
        return text


def plan(
    snapshot: CompositionSnapshot,
    targets: Sequence[Target],
    *,
    overrides: Mapping[str, Mapping[str, Decimal]] | None = None,
    allow_loopback: bool = False,
) -> FanoutPlan:
    overrides = overrides or {}
    quotes = [
        quote(
            snapshot,
            capabilities.get(t.provider),
            overrides=overrides.get(t.provider),
            model_id=t.model,
            variants=t.variants,
            allow_loopback=allow_loopback,
        )
        for t in targets
    ]
    return FanoutPlan(tuple(quotes))


@dataclass(frozen=True)
class Outcome:
    provider: str
    job_ids: list[int] = field(default_factory=list)
    error: str | None = None


@dataclass(frozen=True)
class FanoutResult:
    fanout: str
    outcomes: list[Outcome]

    @property
    def job_ids(self) -> list[int]:
        return [i for o in self.outcomes for i in o.job_ids]

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.error is not None]


async def send(
    engine: JobEngine, fanout_plan: FanoutPlan, *, allow_over_budget: bool = False
) -> FanoutResult:
    """Submit every ready target; raises BudgetExceeded (before sending anything) when the
    whole total would pass today's budget and the user has not agreed to that."""
    if not allow_over_budget:
        engine.ledger.check_budget(engine.settings.budget_usd, fanout_plan.total_usd)
    fanout = uuid.uuid4().hex[:12]
    outcomes: list[Outcome] = []
    for q in fanout_plan.ready:
        try:
            ids = await engine.submit(q.snapshot, q.estimate, allow_over_budget=True)
        except Exception as exc:  # one target's failure is its own outcome
            log.warning("fan-out to %s failed: %s", q.provider, exc)
            outcomes.append(Outcome(q.provider, error=str(exc) or type(exc).__name__))
            continue
        for job_id in ids:
            engine.store.update(job_id, fanout=fanout)
        outcomes.append(Outcome(q.provider, list(ids)))
    return FanoutResult(fanout, outcomes)
