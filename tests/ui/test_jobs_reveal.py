"""Reveal in folder on Linux: the freedesktop FileManager1 D-Bus call selects the file.

The call needs a session bus, so it runs in a child process under `dbus-run-session`, next
to a stand-in file manager that records what it was asked to show.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(
    sys.platform != "linux" or shutil.which("dbus-run-session") is None,
    reason="needs Linux and dbus-run-session (package dbus)",
)
def test_reveal_asks_the_file_manager_to_select_the_file(tmp_path: Path) -> None:
    clip = tmp_path / "two words" / "clip.mp4"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        ["dbus-run-session", "--", sys.executable, "-m", "tests.ui.test_jobs_reveal", str(clip)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    assert shown == [[clip.as_uri()]]


def _child(path: str) -> None:
    from PySide6.QtCore import ClassInfo, QObject, Slot
    from PySide6.QtDBus import QDBusConnection
    from PySide6.QtWidgets import QApplication

    from seedance_studio.ui.open_path import FILE_MANAGER_SERVICE, reveal_in_folder

    app = QApplication([])

    # PySide6's stub types ClassInfo as neither taking a dict nor being a decorator.
    @ClassInfo({"D-Bus Interface": FILE_MANAGER_SERVICE})  # type: ignore[call-arg]
    class FileManager(QObject):  # type: ignore[operator]
        def __init__(self) -> None:
            super().__init__()
            self.shown: list[list[str]] = []

        @Slot("QStringList", str)
        def ShowItems(self, uris: list[str], _startup_id: str) -> None:
            self.shown.append(list(uris))

    bus = QDBusConnection.sessionBus()
    manager = FileManager()
    assert bus.registerService(FILE_MANAGER_SERVICE)
    assert bus.registerObject(
        "/org/freedesktop/FileManager1", manager, QDBusConnection.RegisterOption.ExportAllSlots
    )
    assert reveal_in_folder(path)
    deadline = time.monotonic() + 5
    while not manager.shown and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    print(json.dumps(manager.shown))


if __name__ == "__main__":
    _child(sys.argv[1])
