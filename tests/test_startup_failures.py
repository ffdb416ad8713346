"""Starting where the window cannot open says what to do in one line, with no traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from seedance_studio import preflight

APP = [sys.executable, "-m", "seedance_studio.app"]


def _env(**overrides: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}
    }
    env.update(overrides)
    return env


def _one_line_failure(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode not in (0, 134), result
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11/Wayland checks")
def test_no_display_is_one_line_with_what_to_do() -> None:
    result = subprocess.run(APP, env=_env(), capture_output=True, text=True, timeout=60)
    line = _one_line_failure(result)
    assert "no display" in line
    assert "xvfb-run" in line


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11/Wayland checks")
def test_a_display_nobody_serves_is_one_line(tmp_path: Path) -> None:
    # A display number with no socket behind it (Qt would abort with exit 134 here).
    unused = next(n for n in range(917, 999) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    result = subprocess.run(
        APP, env=_env(DISPLAY=f":{unused}"), capture_output=True, text=True, timeout=60
    )
    line = _one_line_failure(result)
    assert f"DISPLAY=:{unused}" in line


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11/Wayland checks")
def test_wayland_without_xwayland_is_one_line() -> None:
    result = subprocess.run(
        APP, env=_env(WAYLAND_DISPLAY="wayland-0"), capture_output=True, text=True, timeout=60
    )
    line = _one_line_failure(result)
    assert "XWayland" in line
    assert "QT_QPA_PLATFORM=wayland" in line


def test_missing_xcb_libraries_name_them_and_their_packages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A real display (a listening socket where X servers listen) but a library the loader
    # cannot find: the same check the app makes, with one soname that does not exist.
    sock_dir = tmp_path / "x11"
    sock_dir.mkdir()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(sock_dir / "X5"))
    server.listen(1)
    monkeypatch.setattr(preflight, "X11_SOCKET_DIR", sock_dir)
    monkeypatch.setitem(preflight.XCB_LIBRARIES, "libxcb-not-here.so.9", "libxcb-not-here9")
    env = _env(DISPLAY=":5")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DISPLAY", env["DISPLAY"])
    from seedance_studio.app import STARTUP_FAILED, main

    try:
        status = main(["seedance-studio"])
    finally:
        server.close()
    err = capsys.readouterr().err.strip().splitlines()
    assert status == STARTUP_FAILED
    assert len(err) == 1
    assert "libxcb-not-here.so.9" in err[0]
    assert "libxcb-not-here9" in err[0]
    # Only the missing one is named: the others load on this machine.
    assert "libxcb-icccm4" not in err[0]


def test_the_checks_let_offscreen_and_other_platforms_through() -> None:
    assert preflight.startup_problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert preflight.startup_problem({}, platform="win32") is None
    assert (
        preflight.startup_problem({"QT_QPA_PLATFORM": "wayland", "WAYLAND_DISPLAY": "wayland-0"})
        is None
    )


def test_a_taken_simulator_port_is_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "seedance_studio.simulator", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    line = _one_line_failure(result)
    assert f"port {port}" in line
    assert "--port 0" in line
