""" "Open" where no program can open the file shows its path with a Copy button."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from seedance_studio.ui import open_path
from seedance_studio.ui.open_path import PathDialog, open_or_show


def test_no_launcher_shows_the_path_and_copy_puts_it_on_the_clipboard(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"\0")
    opened: list[str] = []

    def no_launcher(path: str) -> bool:
        opened.append(path)
        return False

    monkeypatch.setattr(open_path, "_system_open", no_launcher)
    dialog = open_or_show(str(clip), None)
    assert opened == [str(clip)]
    assert isinstance(dialog, PathDialog)
    qtbot.addWidget(dialog)
    assert dialog.isVisible()
    assert dialog.path_edit.text() == str(clip)
    QTest.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == str(clip)
    assert dialog.copy_button.text() == "Copied"


def test_a_launcher_that_works_shows_nothing(qtbot: QtBot) -> None:
    assert open_or_show("/x.mp4", None, opener=lambda _p: True) is None


def test_the_players_system_player_button_falls_back_too(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seedance_studio.ui.player import PlayerPanel

    monkeypatch.setattr(open_path, "_system_open", lambda _p: False)
    panel = PlayerPanel()
    qtbot.addWidget(panel)
    clip = tmp_path / "a.mp4"
    panel._path = str(clip)
    assert panel.open_externally() is False
    assert panel.path_dialog is not None
    assert panel.path_dialog.path_edit.text() == str(clip)
