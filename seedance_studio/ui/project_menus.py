"""The File and Edit menus: projects, Recent, Undo/Redo with the name of the step.

Built from plain QActions (no dialogs are created until one is asked for), so they cost
nothing measurable at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from seedance_studio.core.i18n import _
from seedance_studio.ui.project_controller import ProjectController

UNDO_KEYS = [QKeySequence("Ctrl+Z")]
REDO_KEYS = [QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")]


@dataclass
class ProjectMenus:
    file: QMenu
    edit: QMenu
    recent: QMenu
    new: QAction
    open: QAction
    save: QAction
    save_as: QAction
    relink: QAction
    undo: QAction
    redo: QAction


def undo_text(name: str | None) -> str:
    return _("Undo {name}").format(name=name) if name else _("Undo")


def redo_text(name: str | None) -> str:
    return _("Redo {name}").format(name=name) if name else _("Redo")


def install_menus(
    window: QMainWindow,
    controller: ProjectController,
    *,
    file_extra: list[QAction],
    edit_extra: list[QAction],
    quit_action: QAction | None = None,
) -> ProjectMenus:
    """Add File and Edit to the window's menu bar; `*_extra` go below the project items."""
    bar = window.menuBar()
    file_menu = bar.addMenu(_("&File"))
    edit_menu = bar.addMenu(_("&Edit"))

    def act(menu: QMenu, text: str, keys: list[QKeySequence], slot: object) -> QAction:
        action = QAction(text, window)
        action.setShortcuts(keys)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    new = act(
        file_menu,
        _("&New project"),
        [QKeySequence(QKeySequence.StandardKey.New)],
        controller.new_project,
    )
    open_ = act(file_menu, _("&Open…"), [QKeySequence("Ctrl+O")], controller.open_dialog)
    recent = file_menu.addMenu(_("Open &Recent"))
    file_menu.addSeparator()
    save = act(file_menu, _("&Save"), [QKeySequence("Ctrl+S")], controller.save)
    save_as = act(file_menu, _("Save &As…"), [QKeySequence("Ctrl+Shift+S")], controller.save_as)
    file_menu.addSeparator()
    relink = act(file_menu, _("Find &Missing Files…"), [], controller.relink.choose_folder)
    if file_extra:
        file_menu.addSeparator()
        file_menu.addActions(file_extra)
    if quit_action is not None:
        file_menu.addSeparator()
        file_menu.addAction(quit_action)

    history = controller.session.history
    undo = act(edit_menu, _("Undo"), UNDO_KEYS, history.undo)
    redo = act(edit_menu, _("Redo"), REDO_KEYS, history.redo)
    if edit_extra:
        edit_menu.addSeparator()
        edit_menu.addActions(edit_extra)
    menus = ProjectMenus(
        file_menu, edit_menu, recent, new, open_, save, save_as, relink, undo, redo
    )

    def fill_recent() -> None:
        recent.clear()
        items = controller.recent()
        for path in items:
            action = recent.addAction(path.name)
            action.setToolTip(str(path))
            action.setStatusTip(str(path))
            action.triggered.connect(lambda _c=False, p=path: controller.open_recent(Path(p)))
        if not items:
            none = recent.addAction(_("No recent projects"))
            none.setEnabled(False)

    def refresh() -> None:
        undo.setText(undo_text(history.undo_name))
        undo.setEnabled(history.can_undo)
        redo.setText(redo_text(history.redo_name))
        redo.setEnabled(history.can_redo)
        relink.setEnabled(bool(controller.session.missing))

    recent.aboutToShow.connect(fill_recent)
    fill_recent()
    controller.changed.connect(refresh)
    refresh()
    return menus
