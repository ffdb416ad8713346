"""The Simulator menu of `--simulator` runs: realistic timing, so cancel and resume can be tried.

The choice is a setting of the simulator's own home and applies to jobs submitted after it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow

from seedance_studio.core.i18n import _
from seedance_studio.core.settings import Settings
from seedance_studio.simulator import Simulator
from seedance_studio.simulator.timing import REALISTIC, SimTiming

QUICK = SimTiming()
"""The simulator's own default: jobs finish in under a second."""


def timing_for(settings: Settings) -> SimTiming:
    return REALISTIC if settings.simulator_realistic_timing else QUICK


class SimulatorMenu:
    def __init__(
        self,
        window: QMainWindow,
        sim: Simulator,
        settings: Callable[[], Settings],
        save: Callable[[Settings], object],
    ) -> None:
        self.sim = sim
        self._settings = settings
        self._save = save
        menu = window.menuBar().addMenu(_("&Simulator"))
        self.menu = menu
        self.realistic_action = QAction(
            _("Realistic timing (jobs queue and run for tens of seconds)"), window
        )
        self.realistic_action.setCheckable(True)
        self.realistic_action.setChecked(settings().simulator_realistic_timing)
        self.realistic_action.toggled.connect(self.set_realistic)
        menu.addAction(self.realistic_action)

    def set_realistic(self, on: bool) -> None:
        updated = self._settings().model_copy(update={"simulator_realistic_timing": on})
        self._save(updated)
        self.sim.set_timing(timing_for(updated))
