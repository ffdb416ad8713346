"""A normal start leaves out what only some sessions use: the simulator, PyAV, provider clients.

Each of these costs a noticeable part of the start-up time (bench/startup_bench.py), and one
eager import anywhere on the way to the window brings it back, so a fresh process builds the
studio and reports which of them got loaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

CHILD = r"""
import asyncio, json, sys
import qasync
from seedance_studio.app import build_studio, make_application

app = make_application(sys.argv[:1])
asyncio.set_event_loop(qasync.QEventLoop(app))
studio = build_studio(simulator=sys.argv[1] == "simulator")
studio.window.show()
app.processEvents()
print(json.dumps(sorted(sys.modules)))
if studio.simulator is not None:
    studio.simulator.stop()
"""

DEFERRED = (
    "seedance_studio.simulator",
    "av",
    "httpx",
    "seedance_studio.providers.animatic",
    "seedance_studio.media.animatic",
    "seedance_studio.media.conform",
    "seedance_studio.providers.shortapi",
    "seedance_studio.providers.kinovi",
    "seedance_studio.providers.oxen",
    "seedance_studio.providers.eachlabs",
)
"""Modules (and their submodules) a start without --simulator must not import."""


def modules_after_start(tmp_path: Path, mode: str) -> set[str]:
    env = {
        **os.environ,
        "SEEDANCE_STUDIO_HOME": str(tmp_path / "home"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    env.pop("SEEDANCE_STUDIO_SIMULATOR", None)
    out = subprocess.run(
        [sys.executable, "-c", CHILD, mode],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("[")][-1]
    return set(json.loads(line))


def loaded(modules: set[str], name: str) -> bool:
    return any(m == name or m.startswith(name + ".") for m in modules)


def test_a_normal_start_imports_no_simulator_pyav_or_provider_client(tmp_path: Path) -> None:
    modules = modules_after_start(tmp_path, "normal")
    assert "seedance_studio.ui.main_window" in modules
    assert [name for name in DEFERRED if loaded(modules, name)] == []


def test_simulator_mode_still_loads_the_simulator(tmp_path: Path) -> None:
    # The other half of the check: the lazy import is reached when the flag asks for it.
    modules = modules_after_start(tmp_path, "simulator")
    assert loaded(modules, "seedance_studio.simulator")


FIRST_PAINT_CHILD = r"""
import json, os, sys
from PySide6.QtWidgets import QLabel
from seedance_studio import app
app.QLabel = QLabel
from seedance_studio.ui import startup_shell

import logging
from seedance_studio.ui import theme

seen = {"asked_scheme_before_paint": False}
ask = theme.system_scheme

def spy(*args, **kwargs):
    seen["asked_scheme_before_paint"] |= "first_paint" not in seen
    return ask(*args, **kwargs)

theme.system_scheme = spy

def window_color():
    return app.QApplication.instance().palette().window().color().name()

def watch(shell):
    def painted():
        seen["first_paint"] = sorted(sys.modules)
        seen["title"] = shell.windowTitle()
        seen["headings"] = [label.text() for label in shell.findChildren(app.QLabel)]
        seen["first_paint_window"] = window_color()
        seen["style"] = app.QApplication.instance().style().name()
        seen["log_handlers_at_paint"] = [type(h).__name__ for h in logging.getLogger().handlers]
    def ready():
        seen["interactive"] = type(shell._studio).__name__
        seen["visible"] = [type(w).__name__ for w in app.QApplication.topLevelWidgets()
                           if w.isVisible()]
        seen["interactive_window"] = window_color()
        seen["log_handlers"] = [type(h).__name__ for h in logging.getLogger().handlers]
        seen["stylesheet"] = bool(app.QApplication.instance().styleSheet())
        store = app.ui_state_store()
        store.sync()
        seen["remembered"] = store.value(app.SCHEME_KEY)
        print(json.dumps(seen), flush=True)
        shell._studio.close()
    shell.first_painted.connect(painted)
    shell.ready.connect(ready)

startup_shell.on_created.append(watch)
sys.exit(app.main(["seedance-studio"]))
"""

FIRST_PAINT_EXCLUDED = (
    "pydantic",
    "asyncio",
    "qasync",
    "keyring",
    "vlc",
    "httpx",
    "av",
    "sqlite3",
    "psygnal",
    "seedance_studio.core.capabilities",
    "seedance_studio.core.composition",
    "seedance_studio.core.settings",
    "seedance_studio.jobs",
    "seedance_studio.providers",
    "seedance_studio.ui.main_window",
    "seedance_studio.ui.engine_bridge",
    # The log file, the translations and the preflight's library and socket checks (which
    # offscreen needs none of) come after the first paint too.
    "logging.handlers",
    "seedance_studio.core.logs",
    "seedance_studio.core.i18n",
    "ctypes",
    "socket",
    "platformdirs",
    "hashlib",
    "dataclasses",
    "seedance_studio.ui.tinted_icon",
)
"""What the first paint must not wait for: the core, pydantic, the job store, keyring, the
event loop, libVLC and every panel load after it (ui/startup_shell.py)."""


def first_paint_run(home: Path, **extra_env: str) -> dict[str, Any]:
    env = {
        **os.environ,
        "SEEDANCE_STUDIO_HOME": str(home),
        "QT_QPA_PLATFORM": "offscreen",
    }
    env.pop("SEEDANCE_STUDIO_SIMULATOR", None)
    env.pop("SEEDANCE_STUDIO_THEME", None)
    env.update(extra_env)
    out = subprocess.run(
        [sys.executable, "-c", FIRST_PAINT_CHILD],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    seen: dict[str, Any] = json.loads(
        [ln for ln in out.stdout.splitlines() if ln.startswith("{")][-1]
    )
    return seen


def test_the_first_paint_imports_only_qt_the_theme_and_the_window_state(tmp_path: Path) -> None:
    seen = first_paint_run(tmp_path / "home")
    first = set(seen["first_paint"])
    assert "seedance_studio.ui.startup_shell" in first
    assert [name for name in FIRST_PAINT_EXCLUDED if loaded(first, name)] == []
    assert seen["title"] == "Seedance Studio"
    assert seen["headings"] == ["References", "Prompt", "Preview", "Jobs"]
    # Asking Qt for the colour scheme builds the Qt namespace's enums: after the paint.
    assert seen["asked_scheme_before_paint"] is False
    assert "_AppLogHandler" not in seen["log_handlers_at_paint"]
    # Then the studio is built and takes the frame's place (a first run also greets).
    assert seen["interactive"] == "MainWindow"
    assert "MainWindow" in seen["visible"] and "StartupShell" not in seen["visible"]
    assert seen["style"].lower() == "fusion"
    # with what the first paint left out: the log file and the stylesheet.
    assert "_AppLogHandler" in seen["log_handlers"]
    assert seen["stylesheet"] is True


CHINESE = {"LANG": "zh_CN.UTF-8", "LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": ""}


def test_the_first_paint_is_worded_in_the_users_language(tmp_path: Path) -> None:
    """Before: the frame said References, Prompt, Preview and Jobs in English under a Chinese
    locale until the studio replaced it."""
    seen = first_paint_run(tmp_path / "home", **CHINESE)
    assert seen["headings"] == ["参考素材", "提示词", "预览", "任务"]
    # with four look-ups, not the catalogue: that still loads after the paint
    assert not loaded(set(seen["first_paint"]), "seedance_studio.core.i18n")
    assert seen["interactive"] == "MainWindow"
    # The language chosen in Settings wins over the system's, as it does for the studio.
    home = tmp_path / "english"
    (home / "config").mkdir(parents=True)
    (home / "config" / "settings.json").write_text('{"interface_language": "en"}')
    assert first_paint_run(home, **CHINESE)["headings"] == [
        "References",
        "Prompt",
        "Preview",
        "Jobs",
    ]


def test_the_frame_titles_the_simulator_in_the_language_asked_for(qapp: Any) -> None:
    from seedance_studio.ui.startup_shell import StartupShell

    chinese = StartupShell(simulator=True, language="zh_CN")
    english = StartupShell(simulator=True, language="en")
    try:
        assert chinese.windowTitle() == "Seedance Studio — 模拟器"
        assert english.windowTitle() == "Seedance Studio — simulator"
    finally:
        chinese.deleteLater()
        english.deleteLater()


def test_the_first_paint_uses_the_remembered_scheme_and_the_system_then_wins(
    tmp_path: Path,
) -> None:
    from seedance_studio.ui import theme

    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "ui-state.ini").write_text("[theme]\nscheme=light\n")
    # Offscreen Qt reports no scheme, which the app takes as dark.
    seen = first_paint_run(home)
    assert seen["first_paint_window"] == theme.LIGHT["WINDOW"]
    assert seen["interactive_window"] == theme.DARK["WINDOW"]
    assert seen["remembered"] == "dark"
    # The next start paints dark at once; the override beats what was remembered.
    assert first_paint_run(home)["first_paint_window"] == theme.DARK["WINDOW"]
    forced = first_paint_run(home, SEEDANCE_STUDIO_THEME="light")
    assert forced["first_paint_window"] == theme.LIGHT["WINDOW"]
    assert forced["interactive_window"] == theme.LIGHT["WINDOW"]


def test_the_frame_lays_out_with_the_splitter_sizes_the_studio_saved(qapp: Any) -> None:
    from PySide6.QtCore import QByteArray, Qt
    from PySide6.QtWidgets import QSplitter, QWidget

    from seedance_studio.ui.startup_shell import splitter_sizes

    splitter = QSplitter(Qt.Orientation.Vertical)
    for _ in range(2):
        splitter.addWidget(QWidget())
    splitter.setSizes([530, 240])
    assert splitter_sizes(splitter.saveState(), 2) == [530, 240]
    assert splitter_sizes(splitter.saveState(), 3) is None  # another layout's state
    assert splitter_sizes(QByteArray(b"\x00garbage"), 2) is None
    assert splitter_sizes(None, 2) is None
