"""The verdict and the price of a composition being edited, kept current keystroke by keystroke.

A keystroke changes the prompt and nothing else: `Validation` keeps what the references' and
the parameters' checks found while they stay the same objects (all immutable), and the price,
which does not read the prompt, is kept while the parameters, references and rates are. Whoever
shows these hears of a change only when a verdict or the price did change. `update(fresh=True)`
reads everything again: Generate asks for that, so nothing kept can let a submission through.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from seedance_studio.core import capabilities
from seedance_studio.core.capabilities import ProviderCapabilities
from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.params import GenerationParams
from seedance_studio.core.pricing import Estimate, estimate
from seedance_studio.core.reference import Reference
from seedance_studio.core.validation import Problem, Validation

FILES_EVERY_S = 1.0
"""How stale the live checks let a local file's presence be (a submission looks again)."""


@dataclass(frozen=True)
class _Priced:
    caps: ProviderCapabilities | None
    params: GenerationParams
    refs: tuple[Reference, ...]
    rates: tuple[tuple[str, Decimal], ...]

    def same(self, other: _Priced | None) -> bool:
        """The very same capabilities, parameters and references, and equal rates."""
        return (
            other is not None
            and self.caps is other.caps
            and self.params is other.params
            and len(self.refs) == len(other.refs)
            and all(a is b for a, b in zip(self.refs, other.refs, strict=True))
            and self.rates == other.rates
        )


class LiveChecks:
    def __init__(self, *, allow_loopback: bool = False) -> None:
        self.allow_loopback = allow_loopback
        self.problems: list[Problem] = []
        self.estimate: Estimate = Estimate(published=False)
        self.provider_id = ""
        self._validation = Validation(files_every_s=FILES_EVERY_S)
        self._priced: _Priced | None = None
        self._shown: tuple[object, ...] | None = None

    def update(
        self,
        snap: CompositionSnapshot,
        overrides: Mapping[str, Decimal] | None = None,
        *,
        fresh: bool = False,
    ) -> bool:
        """Check `snap`; True when the problems, the price or the provider changed (always
        with `fresh`, which reads everything again)."""
        try:
            caps: ProviderCapabilities | None = capabilities.get(snap.params.provider)
        except KeyError:
            caps = None
        if fresh:
            self._validation = Validation(files_every_s=FILES_EVERY_S)
        self.problems = self._validation.run(snap, caps, allow_loopback=self.allow_loopback)
        rates = dict(overrides or {})
        priced = _Priced(caps, snap.params, tuple(snap.references), tuple(sorted(rates.items())))
        if fresh or not priced.same(self._priced):
            self.estimate = (
                estimate(snap, caps, rates) if caps is not None else Estimate(published=False)
            )
            self._priced = priced
        self.provider_id = snap.params.provider
        shown = (self.provider_id, self.estimate, *self.problems)
        if fresh or shown != self._shown:
            self._shown = shown
            return True
        return False
