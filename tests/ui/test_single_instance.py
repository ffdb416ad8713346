"""One studio per home folder: a second start passes its project to the running studio.

Two studios on one home would autosave over each other's unsaved work. These start the real
app as a person would (a process, then a second one with a project file) and read what the
first did from its session marker on disk.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from seedance_studio.core.composition import Composition
from seedance_studio.core.params import GenerationParams
from seedance_studio.projects.project_file import save_project
from seedance_studio.ui.single_instance import project_argument


def _env(home: Path) -> dict[str, str]:
    env = {**os.environ, "SEEDANCE_STUDIO_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("SEEDANCE_STUDIO_SIMULATOR", None)
    return env


def _start(home: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "seedance_studio.app", *args],
        env=_env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _marker(home: Path) -> dict[str, object]:
    try:
        data = json.loads((home / "data" / "session.json").read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _wait(condition: object, seconds: float = 60.0) -> bool:
    assert callable(condition)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def _project(path: Path, prompt: str) -> Path:
    comp = Composition(GenerationParams(provider="animatic"))
    comp.prompt.set_text(prompt, comp.tray)
    save_project(comp.state(), path)
    return path


def _stop(proc: subprocess.Popen[str]) -> str:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.stdout.read() if proc.stdout else ""


def test_a_second_start_hands_its_project_to_the_running_studio(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = _start(home)
    try:
        assert _wait(lambda: _marker(home).get("pid") == first.pid), _stop(first)
        project = _project(tmp_path / "Storyboard.seedance", "a lighthouse at dawn")
        second = subprocess.run(
            [sys.executable, "-m", "seedance_studio.app", str(project)],
            env=_env(home),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert second.returncode == 0, second.stderr
        assert "Storyboard.seedance" in second.stderr and "Traceback" not in second.stderr
        assert len(second.stderr.strip().splitlines()) == 1  # one line, no window
        # The running studio opened it (its marker names the open project).
        assert _wait(lambda: _marker(home).get("project_path") == str(project), 30)
        assert first.poll() is None
    finally:
        output = _stop(first)
    assert first.returncode == 0, output


def test_a_killed_studio_does_not_keep_the_next_one_out(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = _start(home)
    try:
        assert _wait(lambda: _marker(home).get("pid") == first.pid), _stop(first)
        first.kill()  # kill -9: the lock file and the socket file stay behind
        first.wait()
        second = _start(home)
        try:
            assert _wait(lambda: _marker(home).get("pid") == second.pid), _stop(second)
            assert second.poll() is None
        finally:
            output = _stop(second)
        assert second.returncode == 0, output
    finally:
        _stop(first)


def test_only_a_project_file_among_the_arguments_is_opened(tmp_path: Path) -> None:
    # Qt's own options and their values ("-platform offscreen") pass through argparse too.
    assert project_argument(["offscreen", str(tmp_path / "a.SEEDANCE")]) == tmp_path / "a.SEEDANCE"
    assert project_argument(["offscreen", "notes.txt"]) is None
