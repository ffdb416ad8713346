"""Ending the studio from outside: Ctrl+C, SIGTERM and a logout close its windows at once,
autosaved, without questions.

Apart from app.py, which runs before the first paint; this imports nothing heavy either (the
main window's module is looked up only if it was loaded).
"""

from __future__ import annotations

import contextlib
import signal
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from seedance_studio.ui.main_window import MainWindow

_requested = False
"""Ctrl+C arrived, possibly before the window existed: close it as soon as it is up."""
_wakeup_keep: list[object] = []


def requested() -> bool:
    """Whether a signal or a logout asked the studio to end."""
    return _requested


def listen(app: QApplication) -> None:
    """Ctrl+C in the terminal and SIGTERM close the windows at once, autosaved."""
    signal.signal(signal.SIGINT, lambda *_: close_windows(app))
    signal.signal(signal.SIGTERM, lambda *_: close_windows(app))


def wake_on_signals(app: QApplication) -> None:
    """Run Python's signal handlers as soon as a signal arrives, not at the next tick: the
    C handler writes to a socket that the Qt loop watches."""
    import socket

    from PySide6.QtCore import QSocketNotifier

    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    signal.set_wakeup_fd(writer.fileno())
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, app)

    def drain() -> None:
        with contextlib.suppress(OSError):
            reader.recv(256)

    notifier.activated.connect(drain)
    _wakeup_keep.extend([reader, writer, notifier])


def studio_windows(app: QApplication) -> list[MainWindow]:
    """The built studio windows (none while the first-paint shell still stands alone)."""
    module = sys.modules.get("seedance_studio.ui.main_window")
    if module is None:
        return []
    return [
        w
        for w in app.topLevelWidgets()
        if isinstance(w, module.MainWindow) and getattr(w, "ready", False)
    ]


def close_windows(app: QApplication) -> None:
    global _requested
    _requested = True  # a studio still being built closes as soon as it is up
    for widget in studio_windows(app):
        widget.quit_for_system()


def autosave_windows(app: QApplication) -> None:
    """The session is ending (logout): write the autosave now, before anything else."""
    for widget in studio_windows(app):
        widget.project.autosave(wait=True)
