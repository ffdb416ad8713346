"""App wiring: simulator mode, the draft kept between runs, and a clean exit on Ctrl+C."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from seedance_studio.app import (
    SIMULATOR_KEY,
    build_studio,
    parse_args,
    prefer_xcb_for_embedded_video,
)
from seedance_studio.core import capabilities
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.core.reference import Reference
from seedance_studio.providers.keys import env_var


def test_parse_args_reads_the_flag_and_the_environment(monkeypatch: Any) -> None:
    assert parse_args(["--simulator"]).simulator
    assert not parse_args([]).simulator
    monkeypatch.setenv("SEEDANCE_STUDIO_SIMULATOR", "1")
    assert parse_args([]).simulator
    # Qt's own options (given to QApplication) are not errors here.
    assert parse_args(["-style", "fusion", "--simulator"]).simulator


def test_simulator_mode_points_providers_at_it_and_keeps_the_draft(
    qtbot: QtBot, run_async: Any, qasync_loop: asyncio.AbstractEventLoop
) -> None:
    studio = build_studio(simulator=True)
    window = studio.window
    qtbot.addWidget(window)
    sim = studio.simulator
    assert sim is not None
    for caps in capabilities.load_all().values():
        if not caps.local:
            assert window.settings.base_urls[caps.id] == sim.base_url(caps.id)
            assert window.secrets.get(caps.id) == SIMULATOR_KEY
    assert "simulator" in window.windowTitle()
    # Qt appends the display name to a title not ending with it ("… — Seedance Studio" twice).
    assert window.windowTitle().endswith("Seedance Studio")
    assert window.windowTitle().count("Seedance Studio") == 1
    comp = window.composition
    comp.tray.add(Reference.from_source(sim.sample_url("image.png"), MediaKind.IMAGE))
    comp.prompt.set_text("@Image1 waves", comp.tray)
    with qtbot.waitSignal(window.closed, timeout=5000):
        window.close()
    assert studio.closed.is_set()
    run_async(studio.close(), timeout=15)

    again = build_studio(simulator=True)
    qtbot.addWidget(again.window)
    restored = again.window.composition
    assert restored.prompt.text == "@Image1 waves"
    assert restored.prompt.live_mentions()[0].ref_id == restored.tray.items[0].id
    again.window.close()
    run_async(again.close(), timeout=15)


def test_a_close_while_the_last_session_is_brought_back_still_ends_the_studio(
    qtbot: QtBot, run_async: Any, qasync_loop: asyncio.AbstractEventLoop, monkeypatch: Any
) -> None:
    # A SIGTERM sent as soon as the session marker names the process lands here: the
    # window closes inside `start`, before the studio has gone on to anything else.
    from seedance_studio.ui.main_window import MainWindow
    from seedance_studio.ui.project_controller import ProjectController

    real_start = ProjectController.start

    def start_then_close(self: ProjectController, *args: Any, **kwargs: Any) -> Any:
        plan = real_start(self, *args, **kwargs)
        assert isinstance(self.window, MainWindow)
        self.window.quit_for_system()  # what the signal handler calls
        return plan

    monkeypatch.setattr(ProjectController, "start", start_then_close)
    studio = build_studio(simulator=True)
    qtbot.addWidget(studio.window)
    assert studio.closed.is_set()  # run_studio's wait for it returns
    run_async(studio.close(), timeout=15)


def test_ctrl_c_closes_the_window_and_exits_cleanly(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {
        **os.environ,
        "SEEDANCE_STUDIO_HOME": str(home),
        "QT_QPA_PLATFORM": "offscreen",
        env_var("eachlabs"): "x",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "seedance_studio.app", "--simulator"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        db = home / "data" / "jobs.sqlite3"
        while not db.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
        time.sleep(1.0)  # let the event loop start turning before the signal arrives
        # The job store exists once the app is past its imports and signal handler; one
        # Ctrl+C (a second one during interpreter shutdown would kill it the default way).
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
        output = proc.stdout.read().decode() if proc.stdout else ""
        assert proc.returncode == 0, output
        assert "Traceback" not in output, output
        assert (home / "config" / "ui-state.ini").exists()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize(
    ("environ", "platform", "switched"),
    [
        ({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, "linux", True),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", False),  # no XWayland: nothing to switch to
        ({"DISPLAY": ":0"}, "linux", False),  # plain X11 already embeds
        ({"WAYLAND_DISPLAY": "w", "DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland"}, "linux", False),
        ({"WAYLAND_DISPLAY": "w", "DISPLAY": ":0"}, "darwin", False),
    ],
)
def test_wayland_sessions_run_on_xwayland_for_the_preview(
    environ: dict[str, str], platform: str, switched: bool
) -> None:
    before = dict(environ)
    assert prefer_xcb_for_embedded_video(environ, platform) is switched
    if switched:
        assert environ == {**before, "QT_QPA_PLATFORM": "xcb"}
    else:
        assert environ == before
