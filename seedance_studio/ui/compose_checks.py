"""Validation and price of the live composition, recomputed on every change.

One object computes, several widgets show: the tray badges, the problems list, the estimate
and the submit button all read the same `problems` and `estimate`.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QObject, Signal

from seedance_studio.core import capabilities
from seedance_studio.core.composition import Composition
from seedance_studio.core.pricing import Estimate, estimate
from seedance_studio.core.settings import Settings
from seedance_studio.core.validation import Problem, is_submittable, validate


class ComposeChecks(QObject):
    updated = Signal()

    def __init__(
        self,
        composition: Composition,
        settings: Settings,
        *,
        allow_loopback: bool = False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._composition = composition
        self._settings = settings
        self._allow_loopback = allow_loopback
        self.problems: list[Problem] = []
        self.estimate: Estimate = Estimate(published=False)
        composition.changed.connect(self.recompute)
        settings.events.price_overrides.connect(self.recompute)  # the user's rates
        self.recompute()

    def detach(self) -> None:
        self._composition.changed.disconnect(self.recompute)
        self._settings.events.price_overrides.disconnect(self.recompute)

    @property
    def provider_id(self) -> str:
        return self._composition.params.provider

    @property
    def submittable(self) -> bool:
        return is_submittable(self.problems)

    def blocking_reason(self) -> str | None:
        """The first error's message: why Generate is disabled."""
        for p in self.problems:
            if p.is_error:
                return p.message
        return None

    def recompute(self) -> None:
        snap = self._composition.snapshot()
        try:
            caps = capabilities.get(snap.params.provider)
        except KeyError:
            caps = None
        self.problems = validate(snap, caps, allow_loopback=self._allow_loopback)
        overrides: dict[str, Decimal] = self._settings.price_overrides.get(snap.params.provider, {})
        self.estimate = (
            estimate(snap, caps, overrides) if caps is not None else Estimate(published=False)
        )
        self.updated.emit()
