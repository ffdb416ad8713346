"""Validation and price of the live composition, recomputed on every change.

One object computes, several widgets show: the tray badges, the problems list, the estimate
and the submit button all read the same `problems` and `estimate`. What a keystroke re-reads
and what it keeps is core.live_checks's; widgets hear `updated` only when a verdict or the
price changed. Generate asks for a fresh verdict (`recompute(fresh=True)`).
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QObject, Signal

from seedance_studio.core.composition import Composition
from seedance_studio.core.live_checks import LiveChecks
from seedance_studio.core.pricing import Estimate
from seedance_studio.core.settings import Settings
from seedance_studio.core.validation import Problem, is_submittable


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
        self._live = LiveChecks(allow_loopback=allow_loopback)
        composition.changed.connect(self.recompute)
        settings.events.price_overrides.connect(self.recompute)  # the user's rates
        self.recompute()

    def detach(self) -> None:
        self._composition.changed.disconnect(self.recompute)
        self._settings.events.price_overrides.disconnect(self.recompute)

    @property
    def problems(self) -> list[Problem]:
        return self._live.problems

    @property
    def estimate(self) -> Estimate:
        return self._live.estimate

    @property
    def provider_id(self) -> str:
        return self._composition.params.provider

    @property
    def submittable(self) -> bool:
        return is_submittable(self.problems)

    def blank_start(self) -> Problem | None:
        """The "nothing composed yet" problem, when it is the only thing blocking."""
        blocking = [p for p in self.problems if p.is_error]
        if len(blocking) == 1 and blocking[0].is_blank_start:
            return blocking[0]
        return None

    def blocking_reason(self) -> str | None:
        """The first error's message: why Generate is disabled."""
        for p in self.problems:
            if p.is_error:
                return p.message
        return None

    def recompute(self, *, fresh: bool = False) -> None:
        """Check the composition as it is now; `fresh` reads everything again (Generate)."""
        snap = self._composition.snapshot()
        overrides: dict[str, Decimal] = self._settings.price_overrides.get(snap.params.provider, {})
        if self._live.update(snap, overrides, fresh=fresh):
            self.updated.emit()
