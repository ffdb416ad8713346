"""The Shots tab of the main window: the shot list of the open project, beside the jobs'
gallery and table under the composer (so it takes no height of its own), brought to the
front by the toolbar's Shots (Ctrl+Alt+S)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

from seedance_studio.core.i18n import _
from seedance_studio.ui.sequence_controller import SequenceController

if TYPE_CHECKING:
    from seedance_studio.ui.main_window import MainWindow


def install_sequence_dock(window: MainWindow) -> tuple[SequenceController, QAction]:
    """Build the controller for the window's project and its dock; returns the controller
    and the toggle action (for the toolbar and the View menu)."""

    def overrides(provider: str) -> dict[str, Decimal] | None:
        return window.settings.price_overrides.get(provider)

    session = window.session
    controller = SequenceController(
        session.sequence,
        window.composition,
        window.bridge,
        window.worker,
        overrides=overrides,
        reset_history=session.history.reset,
        parent=window,
    )
    tabs = window.review.tabs
    index = tabs.addTab(controller.panel, _("Shots"))
    toggle = QAction(_("Shots"), window)
    toggle.setShortcut(QKeySequence("Ctrl+Alt+S"))
    toggle.setToolTip(_("The sequence: several shots, their takes, one cut (Ctrl+Alt+S)"))
    toggle.triggered.connect(lambda: tabs.setCurrentIndex(index))
    controller.message.connect(lambda text: window.statusBar().showMessage(text, 8000))
    controller.play_requested.connect(window.play)

    def show_takes(shot_id: str) -> None:
        seq = session.sequence.sequence
        shot = seq.shot(shot_id)
        ids = [*shot.takes, *([shot.animatic] if shot.animatic is not None else [])]
        window.review.show_takes(
            ids, _("{shot}'s takes").format(shot=shot.label(seq.index(shot_id)))
        )

    controller.panel.takes_requested.connect(show_takes)
    return controller, toggle
