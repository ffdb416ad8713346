"""Projects through the window, as a user works: compose, save, quit, move the files away,
open, relink, and find the same composition; Undo and Redo from the keyboard and the Edit
menu; the question on closing with unsaved changes."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from seedance_studio.app import Studio, build_studio
from seedance_studio.core.composition import CompositionState
from seedance_studio.ui.main_window import MainWindow
from seedance_studio.ui.project_controller import ProjectController
from seedance_studio.ui.relink_controller import RelinkController
from tests.media_factory import make_image, make_video
from tests.ui.compose_helpers import drop

RunAsync = Callable[..., Any]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home of its own: autosave, session marker, recent list and job store."""
    folder = tmp_path / "home"
    monkeypatch.setenv("SEEDANCE_STUDIO_HOME", str(folder))
    return folder


class Run:
    """Starts and ends studios like the app does, so every test leaves none running."""

    def __init__(self, qtbot: QtBot, run_async: RunAsync) -> None:
        self.qtbot = qtbot
        self.run_async = run_async
        self.open: list[Studio] = []

    def start(self) -> MainWindow:
        studio = build_studio()
        self.open.append(studio)
        self.qtbot.addWidget(studio.window)
        studio.window.show()
        self.qtbot.waitExposed(studio.window)
        return studio.window

    def quit(self, window: MainWindow) -> None:
        studio = next(s for s in self.open if s.window is window)
        with self.qtbot.waitSignal(window.closed, timeout=5000):
            window.close()
        self.run_async(studio.close(), timeout=15)
        self.open.remove(studio)

    def end_all(self) -> None:
        for studio in list(self.open):
            if studio.window.isVisible():
                studio.window.close()
            self.run_async(studio.close(), timeout=15)
        self.open.clear()


@pytest.fixture
def run(
    qtbot: QtBot, run_async: RunAsync, qasync_loop: asyncio.AbstractEventLoop, home: Path
) -> Iterator[Run]:
    r = Run(qtbot, run_async)
    yield r
    r.end_all()


def _settle(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.worker.pending == 0 and not window.ingest.busy, timeout=20_000)


def _choose(qtbot: QtBot, dialogs: ProjectController | RelinkController, path: Path) -> None:
    """Pick `path` in the file dialog `dialogs` has open, and press its default button."""
    qtbot.waitUntil(
        lambda: dialogs.file_dialog is not None and dialogs.file_dialog.isVisible(),
        timeout=5000,
    )
    dialog = dialogs.file_dialog
    assert isinstance(dialog, QFileDialog)
    dialog.selectFile(str(path))
    dialog.accept()


def _comparable(state: CompositionState) -> tuple[object, ...]:
    """The composition without where its files are (they moved)."""
    refs = tuple((r.id, r.kind, r.name, r.facts) for r in state.references)
    return refs, state.prompt, state.params, state.remembered


def test_compose_save_quit_move_open_relink_gives_the_same_composition(
    run: Run, qtbot: QtBot, tmp_path: Path
) -> None:
    media = tmp_path / "shoot"
    media.mkdir()
    still = make_image(media / "heroine.png", 96, 64)
    clip = make_video(media / "street.mp4", 320, 240, seconds=1, fps=12)
    window = run.start()
    assert window.windowTitle().startswith("Untitled")
    drop(window.tray.view.viewport(), [still, clip])
    _settle(qtbot, window)
    assert len(window.composition.tray) == 2
    editor = window.prompt.editor
    editor.setFocus()
    QTest.keyClicks(editor, "@Image1 walks down @Video1")
    window.params.provider.setCurrentIndex(window.params.provider.findData("kinovi"))
    window.params.resolution.setCurrentIndex(window.params.resolution.findData("480p"))
    window.params.provider.setCurrentIndex(window.params.provider.findData("animatic"))
    composed = window.composition.state()
    assert composed.prompt["text"] == "@Image1 walks down @Video1"

    window.menus.save.trigger()  # untitled: Save asks where, like Save As
    target = tmp_path / "projects" / "opening"
    target.parent.mkdir()
    with qtbot.waitSignal(window.project.saved, timeout=10_000):
        _choose(qtbot, window.project, target)
    assert (tmp_path / "projects" / "opening.seedance").is_file()
    assert window.windowTitle().startswith("opening")
    assert not window.isWindowModified()
    run.quit(window)

    moved = tmp_path / "archive" / "2026" / "shoot-renamed"
    moved.parent.mkdir(parents=True)
    shutil.move(str(media), str(moved))

    again = run.start()  # the last project opens by itself, and says what is missing
    assert again.windowTitle().startswith("opening")
    qtbot.waitUntil(lambda: again.project.box is not None, timeout=5000)
    box = again.project.box
    assert box is not None and "2 files" in box.text()
    assert len(again.composition.tray) == 2  # missing files are kept, never dropped
    again.project.box_buttons[0].click()  # Find files…
    with qtbot.waitSignal(again.project.relink.finished, timeout=20_000) as found:
        _choose(qtbot, again.project.relink, tmp_path / "archive")
    assert found.args == [2, 2]
    restored = again.composition.state()
    assert _comparable(restored) == _comparable(composed)
    assert [Path(r.source) for r in restored.references] == [
        moved / "heroine.png",
        moved / "street.mp4",
    ]
    assert again.composition.prompt.text == "@Image1 walks down @Video1"
    again.composition.switch_provider("kinovi")
    assert again.composition.params.resolution == "480p"  # the project kept kinovi's choice
    assert again.menus.undo.text() == "Undo Switch to Kinovi"


def test_ctrl_z_and_the_edit_menu_undo_and_redo_each_kind_of_edit(
    run: Run, qtbot: QtBot, tmp_path: Path
) -> None:
    still = make_image(tmp_path / "a.png", 64, 48)
    clip = make_video(tmp_path / "b.mp4", 320, 240, seconds=1, fps=12)
    window = run.start()
    comp = window.composition
    drop(window.tray.view.viewport(), [still, clip])
    _settle(qtbot, window)
    assert window.menus.undo.text() == "Undo Add 2 references"
    editor = window.prompt.editor
    editor.setFocus()
    QTest.keyClicks(editor, "@Video1 spins fast")
    assert window.menus.undo.text() == "Undo Typing"
    QTest.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert comp.prompt.text == "@Video1 spins "  # one word at a time
    QTest.keyClick(
        editor,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert editor.toPlainText() == "@Video1 spins fast"

    view = window.tray.view
    view.setFocus()
    view.setCurrentIndex(window.tray_model.index(1))
    QTest.keyClick(view, Qt.Key.Key_Delete)
    assert len(comp.tray) == 1
    assert comp.prompt.text == "@(removed Video1) spins fast"
    assert window.menus.undo.text() == "Undo Remove Video1"
    QTest.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(comp.tray) == 2 and comp.prompt.text == "@Video1 spins fast"
    assert window.menus.redo.text() == "Redo Remove Video1"
    window.menus.redo.trigger()
    assert len(comp.tray) == 1
    window.menus.undo.trigger()

    comp.tray.move(comp.tray.items[1].id, 0)  # as a drag inside the tray does
    assert window.menus.undo.text() == "Undo Reorder references"
    window.menus.undo.trigger()
    assert [r.kind.value for r in comp.tray] == ["image", "video"]

    params = window.params
    params.provider.setCurrentIndex(params.provider.findData("kinovi"))
    assert window.menus.undo.text() == "Undo Switch to Kinovi"
    params.resolution.setCurrentIndex(params.resolution.findData("720p"))
    assert window.menus.undo.text() == "Undo Change Resolution"
    window.menus.undo.trigger()
    assert comp.params.resolution != "720p"
    assert params.resolution.currentData() == comp.params.resolution
    window.menus.undo.trigger()
    assert comp.params.provider != "kinovi"
    assert params.provider.currentData() == comp.params.provider
    window.menus.redo.trigger()
    window.menus.redo.trigger()
    assert comp.params.provider == "kinovi" and comp.params.resolution == "720p"


def test_a_fix_swap_is_undone_back_to_the_original(run: Run, qtbot: QtBot, tmp_path: Path) -> None:
    small = make_video(tmp_path / "small.mp4", 320, 240, seconds=1, fps=12)
    window = run.start()
    comp = window.composition
    window.params.provider.setCurrentIndex(window.params.provider.findData("eachlabs"))
    drop(window.tray.view.viewport(), [small])
    _settle(qtbot, window)
    ref_id = comp.tray.items[0].id
    task = window.conform.fix(ref_id)
    assert task is not None
    qtbot.waitUntil(task.done, timeout=60_000)
    assert comp.tray.get(ref_id).original_source == str(small.absolute())
    assert window.menus.undo.text() == "Undo Fix Video1"
    window.menus.undo.trigger()
    assert comp.tray.get(ref_id).source == str(small.absolute())
    assert comp.tray.get(ref_id).original_source is None


def test_closing_a_project_with_unsaved_changes_asks(
    run: Run, qtbot: QtBot, tmp_path: Path
) -> None:
    window = run.start()
    window.project.save_to(tmp_path / "ask.seedance", wait=True)
    assert not window.isWindowModified()
    editor = window.prompt.editor
    editor.setFocus()
    QTest.keyClicks(editor, "a change")
    assert window.isWindowModified()
    window.close()
    assert window.isVisible()  # it asks first
    box = window.project.box
    assert box is not None and "ask" in box.text()
    window.project.box_buttons[2].click()  # Cancel: nothing happens
    assert window.isVisible()
    window.close()
    with qtbot.waitSignal(window.closed, timeout=5000):
        window.project.box_buttons[0].click()  # Save
    assert "a change" in (tmp_path / "ask.seedance").read_text("utf-8")
    run.end_all()


def test_shots_made_in_the_window_come_back_with_the_project(
    run: Run, qtbot: QtBot, tmp_path: Path
) -> None:
    window = run.start()
    window.shots_action.trigger()
    panel = window.sequence.panel
    assert panel.isVisible()
    editor = window.prompt.editor
    editor.setFocus()
    QTest.keyClicks(editor, "A lighthouse at dawn")
    QTest.mouseClick(panel.buttons["add"], Qt.MouseButton.LeftButton)
    editor.setFocus()
    QTest.keyClicks(editor, "The keeper climbs the stairs")
    shots = window.session.sequence.sequence.shots
    assert [s.composition.canonical_prompt() for s in shots] == [
        "A lighthouse at dawn",
        "The keeper climbs the stairs",
    ]
    assert "*" in window.windowTitle()  # unsaved

    target = tmp_path / "projects" / "lighthouse"
    target.parent.mkdir()
    with qtbot.waitSignal(window.project.saved, timeout=10_000):
        window.project.save_to(target)
    run.quit(window)

    again = run.start()
    again.project.open_recent(target.with_suffix(".seedance"))
    qtbot.waitUntil(lambda: len(again.session.sequence.sequence.shots) == 2, timeout=10_000)
    # The composer shows the shot that was current (the second), and a click shows the first.
    assert again.composition.prompt.text == "The keeper climbs the stairs"
    again.shots_action.trigger()
    view = again.sequence.panel.view
    view.clicked.emit(again.sequence.panel.model.index(0, 1))
    assert again.composition.prompt.text == "A lighthouse at dawn"


def test_a_shots_takes_show_in_the_gallery(run: Run, qtbot: QtBot, tmp_path: Path) -> None:
    window = run.start()
    window.shots_action.trigger()
    panel = window.sequence.panel
    drop(window.tray.view.viewport(), [make_image(tmp_path / "hero.png", 96, 64)])
    _settle(qtbot, window)
    window.params.provider.setCurrentIndex(window.params.provider.findData("animatic"))
    QTest.keyClicks(window.prompt.editor, "@Image1 at dawn")
    QTest.mouseClick(panel.buttons["add"], Qt.MouseButton.LeftButton)
    first = window.session.sequence.sequence.shots[0].id
    assert not panel.buttons["takes"].isEnabled()  # shot 2 has nothing yet
    QTest.mouseClick(panel.buttons["animatics"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: all(s.animatic is not None for s in window.session.sequence.sequence.shots),
        timeout=10_000,
    )
    panel.view.clicked.emit(panel.model.index(0, 1))
    assert window.session.sequence.current == first
    QTest.mouseClick(panel.buttons["takes"], Qt.MouseButton.LeftButton)
    gallery = window.review.gallery
    assert gallery is not None and gallery.only.isVisible()
    assert gallery.only.text() == "Shot 1's takes ✕"
    animatic = window.session.sequence.sequence.shot(first).animatic
    qtbot.waitUntil(lambda: gallery.model.rowCount() == 1, timeout=5000)
    job = gallery.model.job_at(0)
    assert job is not None and job.id == animatic
    QTest.mouseClick(gallery.only, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: gallery.model.rowCount() == 2, timeout=5000)
