"""The library panel and the removed-reference marker, driven through the window."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from seedance_studio.app import Studio, build_studio
from seedance_studio.ui.main_window import MainWindow
from tests.media_factory import make_image, make_video
from tests.ui.compose_helpers import drop

RunAsync = Callable[..., Any]


@pytest.fixture
def studio(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    qtbot: QtBot,
    run_async: RunAsync,
    qasync_loop: asyncio.AbstractEventLoop,
) -> Iterator[Studio]:
    monkeypatch.setenv("SEEDANCE_STUDIO_HOME", str(tmp_path / "home"))
    s = build_studio()
    qtbot.addWidget(s.window)
    s.window.show()
    qtbot.waitExposed(s.window)
    yield s
    if s.window.isVisible():
        s.window.close()
    run_async(s.close(), timeout=15)


def _add(qtbot: QtBot, window: MainWindow, files: list[Path]) -> None:
    before = len(window.composition.tray)
    drop(window.tray.view.viewport(), files)
    qtbot.waitUntil(lambda: len(window.composition.tray) == before + len(files), timeout=20_000)


def test_the_library_lists_what_was_added_searches_and_adds_back_by_double_click(
    studio: Studio, qtbot: QtBot, tmp_path: Path
) -> None:
    window = studio.window
    still = make_image(tmp_path / "heroine.png", 96, 64)
    clip = make_video(tmp_path / "street.mp4", 320, 240, seconds=1, fps=12)
    _add(qtbot, window, [still, clip])
    window.project.save_to(tmp_path / "opening.seedance", wait=True)
    panel = window.library_panel
    window.left_tabs.setCurrentWidget(panel)
    qtbot.waitUntil(
        lambda: panel.model.rowCount() == 2 and all(panel.model.item(r).projects for r in range(2)),
        timeout=20_000,
    )
    item = next(panel.model.item(r) for r in range(2) if panel.model.item(r).name == "heroine.png")
    assert item.projects == (str(tmp_path / "opening.seedance"),)

    QTest.keyClicks(panel.search, "street")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=5000)
    assert panel.model.item(0).name == "street.mp4"

    window.composition.tray.remove(window.composition.tray.items[1].id)
    rect = panel.view.visualRect(panel.model.index(0))
    # A double-click is a click and then a second press (Qt's views want the first press).
    QTest.mouseClick(
        panel.view.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        rect.center(),
    )
    QTest.mouseDClick(
        panel.view.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        rect.center(),
    )
    qtbot.waitUntil(lambda: len(window.composition.tray) == 2, timeout=20_000)
    assert window.composition.tray.items[1].source == str(clip)


def test_a_file_that_moved_is_shown_missing_not_dropped(
    studio: Studio, qtbot: QtBot, tmp_path: Path
) -> None:
    window = studio.window
    still = make_image(tmp_path / "gone.png", 64, 48)
    _add(qtbot, window, [still])
    panel = window.library_panel
    window.left_tabs.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=20_000)
    still.unlink()
    panel.refresh()
    qtbot.waitUntil(
        lambda: panel.model.rowCount() == 1 and panel.model.item(0).missing, timeout=5000
    )
    label = panel.model.data(panel.model.index(0))
    assert isinstance(label, str) and "missing" in label
    messages: list[str] = []
    panel.message.connect(messages.append)
    panel.add_rows([0])
    assert messages and "gone.png is missing" in messages[0]


def test_the_removed_marker_offers_to_point_it_at_another_reference(
    studio: Studio, qtbot: QtBot, tmp_path: Path
) -> None:
    window = studio.window
    comp = window.composition
    first = make_image(tmp_path / "face.png", 64, 48)
    _add(qtbot, window, [first])
    editor = window.prompt.editor
    editor.setFocus()
    QTest.keyClicks(editor, "@Image1 smiles")
    comp.tray.remove(comp.tray.items[0].id)
    _add(qtbot, window, [make_image(tmp_path / "street.png", 64, 48)])
    assert editor.toPlainText() == "@(removed Image1) smiles"
    problems = [p.message for p in window.checks.problems]
    assert any(
        "Image1 (face.png)" in m and "street.png, another reference" in m for m in problems
    ), problems
    actions = editor.marker_actions(comp.prompt.dangling_mentions()[0])
    assert [a.text() for a in actions] == ["Point it at @Image1 — street.png", "Delete the mention"]
    actions[0].trigger()
    assert editor.toPlainText() == "@Image1 smiles"
    assert comp.prompt.live_mentions()[0].ref_id == comp.tray.items[0].id
    assert window.menus.undo.text() == "Undo Point mention at another reference"
    QTest.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.toPlainText() == "@(removed Image1) smiles"
