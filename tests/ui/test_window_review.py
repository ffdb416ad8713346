"""What a demanding user does to the window: clicks twice, closes mid-job, drops too much,
meets provider errors and a missing key, and uses the free local animatic end to end."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from seedance_studio.core.reference import Reference
from seedance_studio.simulator import Simulator
from seedance_studio.simulator.faults import Fault
from tests.ui.test_window_studio import Studio

RunAsync = Any


@pytest.fixture
def review(qtbot: QtBot, simulator: Simulator, tmp_path: Path, run_async: RunAsync,
           qasync_loop: asyncio.AbstractEventLoop) -> Iterator[Studio]:
    s = Studio(qtbot, simulator, tmp_path, run_async)
    yield s
    s.close()


def _ready_to_generate(studio: Studio, simulator: Simulator) -> None:
    comp = studio.window.composition
    comp.tray.add(Reference.from_source(simulator.sample_url("image.png")))
    comp.prompt.set_text("@Image1 turns around", comp.tray)
    assert studio.window.submit_bar.button.isEnabled(), studio.window.submit_bar.reason.text()


def test_double_click_and_ctrl_enter_submit_once(
        review: Studio, simulator: Simulator, qtbot: QtBot) -> None:
    window = review.window
    _ready_to_generate(review, simulator)
    simulator.inject("eachlabs", "create", Fault.slow(1.0))
    button = window.submit_bar.button
    window.activateWindow()
    window.prompt.editor.setFocus()
    submissions: list[list[int]] = []
    window.submitted.connect(submissions.append)
    # Three presses before the event loop turns even once: a double-click and Ctrl+Enter.
    button.click()
    busy_at_once = (button.isEnabled(), button.text())
    button.click()
    QTest.keyClick(window.prompt.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(submissions), timeout=10_000)
    qtbot.waitUntil(lambda: simulator.count("eachlabs", "create") >= 1, timeout=10_000)
    qtbot.wait(300)
    assert submissions == [submissions[0]] and len(submissions[0]) == 1
    assert len(window.bridge.jobs()) == 1
    assert simulator.count("eachlabs", "create") == 1
    assert busy_at_once == (False, "Sending…")  # it showed it was busy at once
    qtbot.waitUntil(button.isEnabled, timeout=5000)
    assert button.text() == "Generate"
