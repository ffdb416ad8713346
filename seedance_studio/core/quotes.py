"""Every provider's price for one composition, or the one line why it cannot take it.

Nothing here knows a rule: each provider's answer is the core's own `validate` and
`estimate` run on the composition moved to that provider (`switch_model`), the same calls
the live estimate makes for the chosen provider.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from seedance_studio.core import capabilities
from seedance_studio.core.capabilities import ProviderCapabilities
from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.params import switch_model
from seedance_studio.core.pricing import Estimate, estimate, format_estimate
from seedance_studio.core.validation import Problem, errors, validate


@dataclass(frozen=True)
class Quote:
    """One provider's answer for a composition."""

    provider: str
    name: str
    snapshot: CompositionSnapshot
    """The composition as it would be sent there (its model and defaults)."""
    estimate: Estimate
    problems: tuple[Problem, ...]

    @property
    def blockers(self) -> list[Problem]:
        return errors(self.problems)

    @property
    def can_take(self) -> bool:
        return not self.blockers

    @property
    def reason(self) -> str | None:
        """Why it cannot take the composition, in one line (the first blocker, and a count)."""
        blockers = self.blockers
        if not blockers:
            return None
        more = f" (+{len(blockers) - 1} more)" if len(blockers) > 1 else ""
        return blockers[0].message + more

    @property
    def worst_case_usd(self) -> Decimal | None:
        return self.estimate.worst_case if self.estimate.published else None

    def price_text(self) -> str:
        return format_estimate(self.estimate)


def moved_to(
    snapshot: CompositionSnapshot,
    caps: ProviderCapabilities,
    model_id: str | None = None,
    variants: int | None = None,
) -> CompositionSnapshot:
    """`snapshot` with its parameters moved to `caps` (options the new model lacks reset)."""
    params = snapshot.params
    if params.provider != caps.id or (model_id is not None and model_id != params.model):
        params = switch_model(params, caps, model_id)
    if variants is not None:
        params = params.model_copy(update={"variants": max(1, variants)})
    return snapshot.model_copy(update={"params": params})


def quote(
    snapshot: CompositionSnapshot,
    caps: ProviderCapabilities,
    *,
    overrides: Mapping[str, Decimal] | None = None,
    model_id: str | None = None,
    variants: int | None = None,
    allow_loopback: bool = False,
) -> Quote:
    moved = moved_to(snapshot, caps, model_id, variants)
    problems = validate(moved, caps, allow_loopback=allow_loopback)
    return Quote(caps.id, caps.name, moved, estimate(moved, caps, overrides), tuple(problems))


def quote_all(
    snapshot: CompositionSnapshot,
    *,
    overrides: Mapping[str, Mapping[str, Decimal]] | None = None,
    providers: Iterable[ProviderCapabilities] | None = None,
    allow_loopback: bool = False,
) -> list[Quote]:
    """One quote per provider, in the registry's order."""
    chosen = list(providers) if providers is not None else list(capabilities.load_all().values())
    overrides = overrides or {}
    return [
        quote(snapshot, caps, overrides=overrides.get(caps.id), allow_loopback=allow_loopback)
        for caps in chosen
    ]
