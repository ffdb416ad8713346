"""The Shots dock of the main window: the shot list of the open project, hidden until the
user asks for it (View the sequence from the toolbar), docked under the composer."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget

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
    dock = QDockWidget(_("Shots"), window)
    dock.setObjectName("shots-dock")
    dock.setWidget(controller.panel)
    dock.setAllowedAreas(
        Qt.DockWidgetArea.BottomDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea
    )
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    dock.hide()
    toggle = dock.toggleViewAction()
    toggle.setText(_("Shots"))
    toggle.setShortcut(QKeySequence("Ctrl+Alt+S"))
    toggle.setToolTip(_("The sequence: several shots, their takes, one cut (Ctrl+Alt+S)"))
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
