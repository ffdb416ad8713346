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
    env = {**os.environ, "SEEDANCE_STUDIO_HOME": str(tmp_path / "home"),
           "QT_QPA_PLATFORM": "offscreen"}
    env.pop("SEEDANCE_STUDIO_SIMULATOR", None)
    out = subprocess.run([sys.executable, "-c", CHILD, mode], env=env, capture_output=True,
                         text=True, timeout=120, check=True)
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
