"""Tray edits without surprises: removing a selected clip on Kinovi's older API, and Add
references starting in the folder used last time."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from seedance_studio.app import build_studio
from tests.media_factory import make_audio, make_image
from tests.ui.compose_helpers import drop

RunAsync = Callable[..., Any]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    monkeypatch.setenv("SEEDANCE_STUDIO_HOME", str(folder))
    return folder


def test_removing_a_selected_audio_clip_on_kinovi_legacy_refreshes_cleanly(
    home: Path,
    tmp_path: Path,
    qtbot: QtBot,
    run_async: RunAsync,
    qasync_loop: asyncio.AbstractEventLoop,
    capsys: pytest.CaptureFixture[str],
) -> None:
    studio = build_studio()
    window = studio.window
    qtbot.addWidget(window)
    window.show()
    params = window.params
    params.provider.setCurrentIndex(params.provider.findData("kinovi-legacy"))
    beat = make_audio(tmp_path / "beat.wav", seconds=2.0)
    still = make_image(tmp_path / "a.png", 64, 48)
    drop(window.tray.view.viewport(), [still, beat])
    qtbot.waitUntil(lambda: len(window.composition.tray) == 2, timeout=20_000)
    view = window.tray.view
    view.setFocus()
    view.setCurrentIndex(window.tray_model.index(1))
    QTest.keyClick(view, Qt.Key.Key_Delete)
    assert [r.kind.value for r in window.composition.tray] == ["image"]
    assert window.tray._count.text() == "1"  # the refresh ran to the end
    assert not window.tray.trim_button.isVisibleTo(window.tray)
    assert "KeyError" not in capsys.readouterr().err
    window.close()
    run_async(studio.close(), timeout=15)


def test_add_references_opens_in_the_folder_used_last(
    home: Path,
    tmp_path: Path,
    qtbot: QtBot,
    run_async: RunAsync,
    qasync_loop: asyncio.AbstractEventLoop,
) -> None:
    shoot = tmp_path / "shoot"
    shoot.mkdir()
    still = make_image(shoot / "face.png", 64, 48)
    studio = build_studio()
    window = studio.window
    qtbot.addWidget(window)
    window.show()
    window.add_action.trigger()
    dialog = window.tray.file_dialog
    assert isinstance(dialog, QFileDialog)
    dialog.selectFile(str(still))
    dialog.accept()
    qtbot.waitUntil(lambda: len(window.composition.tray) == 1, timeout=20_000)
    window.add_action.trigger()
    again = window.tray.file_dialog
    assert again is not None and again is not dialog
    assert Path(again.directory().absolutePath()) == shoot
    again.reject()
    window.close()
    run_async(studio.close(), timeout=15)
