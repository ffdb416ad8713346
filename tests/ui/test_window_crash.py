"""Work survives a kill -9 (the real app process, killed, then started again), and SIGTERM
ends the app within a second with the work autosaved."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from seedance_studio.app import build_studio

RunAsync = Callable[..., Any]
ROOT = Path(__file__).resolve().parents[2]


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "SEEDANCE_STUDIO_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}


def _edit_and_kill(home: Path, text: str, url: str, *extra: str) -> None:
    """The real app edited in its own process, then killed with SIGKILL."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.ui.crash_driver", text, url, *extra],
        cwd=ROOT,
        env=_env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = ""
        deadline = time.monotonic() + 90
        while "EDITED" not in line and time.monotonic() < deadline and proc.poll() is None:
            line = proc.stdout.readline()
        assert "EDITED" in line, proc.stdout.read() if proc.poll() is not None else line
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_kill_9_after_edits_then_restart_brings_the_edits_back_and_says_so_once(
    tmp_path: Path,
    qtbot: QtBot,
    run_async: RunAsync,
    qasync_loop: asyncio.AbstractEventLoop,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    home = tmp_path / "home"
    text, url = "@Image1 leaps over the fence", "https://cdn.example.com/fox.png"
    _edit_and_kill(home, text, url)
    monkeypatch.setenv("SEEDANCE_STUDIO_HOME", str(home))
    studio = build_studio()
    qtbot.addWidget(studio.window)
    window = studio.window
    comp = window.composition
    assert comp.prompt.text == text
    assert [r.source for r in comp.tray] == [url]
    assert comp.prompt.live_mentions()[0].ref_id == comp.tray.items[0].id
    assert "did not close normally" in window.statusBar().currentMessage()
    with qtbot.waitSignal(window.closed, timeout=5000):
        window.close()
    run_async(studio.close(), timeout=15)

    again = build_studio()  # a normal exit since: the draft is back, without the notice
    qtbot.addWidget(again.window)
    assert again.window.composition.prompt.text == text
    assert again.window.statusBar().currentMessage() == ""
    again.window.close()
    run_async(again.close(), timeout=15)


@pytest.mark.parametrize("choice", ["restore", "saved", "quit first"])
def test_an_autosave_newer_than_its_project_offers_both(
    choice: str,
    tmp_path: Path,
    qtbot: QtBot,
    run_async: RunAsync,
    qasync_loop: asyncio.AbstractEventLoop,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    home = tmp_path / "home"
    project = tmp_path / "scene.seedance"
    text, url = "@Image1 turns to the light", "https://cdn.example.com/face.png"
    _edit_and_kill(home, text, url, str(project))
    monkeypatch.setenv("SEEDANCE_STUDIO_HOME", str(home))
    studio = build_studio()
    qtbot.addWidget(studio.window)
    window = studio.window
    qtbot.waitUntil(lambda: window.project.box is not None, timeout=5000)
    box = window.project.box
    assert box is not None and "scene.seedance" in box.text() and "newer" in box.text()
    buttons = window.project.box_buttons
    assert [b.text() for b in buttons] == ["Restore autosave", "Open saved file"]
    if choice == "quit first":  # closing before choosing keeps the newer autosave
        window.quit_for_system()
        run_async(studio.close(), timeout=15)
        studio = build_studio()
        qtbot.addWidget(studio.window)
        window = studio.window
        qtbot.waitUntil(lambda: window.project.box is not None, timeout=5000)
        buttons = window.project.box_buttons
    buttons[1 if choice == "saved" else 0].click()
    comp = window.composition
    if choice != "saved":
        assert comp.prompt.text == text and [r.source for r in comp.tray] == [url]
        assert window.isWindowModified()  # restored, not yet saved
    else:
        assert comp.prompt.text == "" and len(comp.tray) == 0
        assert not window.isWindowModified()
    assert window.windowTitle().startswith("scene")
    window.quit_for_system()
    run_async(studio.close(), timeout=15)


def test_sigterm_ends_the_app_within_a_second_with_the_work_autosaved(tmp_path: Path) -> None:
    home = tmp_path / "home"
    proc = subprocess.Popen(
        [sys.executable, "-m", "seedance_studio.app"],
        env=_env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        marker = home / "data" / "session.json"
        db = home / "data" / "jobs.sqlite3"
        deadline = time.monotonic() + 60
        while (
            not (marker.exists() and db.exists())
            and proc.poll() is None
            and time.monotonic() < deadline
        ):
            time.sleep(0.05)
        assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
        time.sleep(1.0)  # let the event loop turn once the window is up
        sent = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
        took = time.monotonic() - sent
        output = proc.stdout.read().decode() if proc.stdout else ""
        assert proc.returncode == 0, output
        assert "Traceback" not in output, output
        assert took < 1.0, f"SIGTERM took {took:.2f} s"
        assert (home / "data" / "autosave.seedance").exists()
        assert '"clean": true' in marker.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
