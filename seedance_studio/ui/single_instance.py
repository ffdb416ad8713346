"""One studio per home folder: a second start hands its project to the first and quits.

Two studios on one home folder would write the same autosave and session marker, each
overwriting the other's unsaved work. The first start holds a lock file in the data folder
and, once its window is up, listens on a local socket named after that folder. A later start
finds the lock held, sends the project it was asked to open (or just "come to the front") and
exits. The lock is a QLockFile: a holder that was killed leaves a lock whose process is gone,
which the next start takes over.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import NamedTuple

from PySide6.QtCore import QLockFile, QObject, Signal

# The lock is taken before the first paint: the catalogue (which reads the settings file) and
# hashlib are imported where a message or the socket's name is needed.

LOCK_FILE = "studio.lock"
ANSWER_WAIT_S = 10.0
"""How long a second start waits for the first to answer: the first listens only once its
window is built, which takes a few seconds on a loaded machine."""
_RETRY_S = 0.1
_OK = b"ok\n"


def server_name(data_dir: Path) -> str:
    """The local socket's name: one per home folder, short enough for a Unix socket path."""
    import hashlib

    digest = hashlib.sha256(str(data_dir.resolve()).encode("utf-8")).hexdigest()[:16]
    return f"seedance-studio-{digest}"


def project_argument(arguments: list[str]) -> Path | None:
    """The project a start was asked to open: the first `.seedance` argument (the others
    are Qt's own options and their values)."""
    from seedance_studio.projects.project_file import PROJECT_SUFFIX

    for raw in arguments:
        if raw.lower().endswith(PROJECT_SUFFIX):
            return Path(raw).expanduser().absolute()
    return None


class InstanceLock:
    """The lock file that makes this process the studio of its home folder."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir = data_dir
        self._lock = QLockFile(str(data_dir / LOCK_FILE))
        # Only a dead holder makes the lock stale, never its age: a studio runs for days.
        self._lock.setStaleLockTime(0)

    def acquire(self) -> bool:
        return bool(self._lock.tryLock(0))

    def holder_pid(self) -> int | None:
        pid, _host, _app = self._lock.getLockInfo()
        return int(pid) if pid > 0 else None

    def release(self) -> None:
        self._lock.unlock()


class Handover(NamedTuple):
    delivered: bool
    message: str


def hand_over(lock: InstanceLock, project: Path | None) -> Handover:
    """Ask the running studio to come to the front (and open `project`); blocks for at most
    ANSWER_WAIT_S, which is fine: this process shows no window and exits next."""
    from PySide6.QtNetwork import QLocalSocket

    from seedance_studio.core.i18n import _

    name = server_name(lock.data_dir)
    line = json.dumps({"open": None if project is None else str(project)}).encode() + b"\n"
    deadline = time.monotonic() + ANSWER_WAIT_S
    while True:
        socket = QLocalSocket()
        socket.connectToServer(name)
        if socket.waitForConnected(500):
            socket.write(line)
            socket.waitForBytesWritten(1000)
            answer = b""
            while _OK not in answer and socket.waitForReadyRead(2000):
                answer += bytes(socket.readAll().data())
            socket.disconnectFromServer()
            if _OK in answer:
                if project is None:
                    return Handover(True, _("already running: its window was brought forward"))
                return Handover(
                    True,
                    _("already running: {name} was passed to its window").format(name=project.name),
                )
        if time.monotonic() >= deadline:
            break
        time.sleep(_RETRY_S)
    pid = lock.holder_pid()
    return Handover(
        False,
        _(
            "another Seedance Studio (process {pid}) is using {folder} but does not answer; "
            "close it or end that process, then start again"
        ).format(pid=pid if pid is not None else "?", folder=lock.data_dir),
    )


class InstanceListener(QObject):
    """Listens for later starts; `requested` carries the project they passed, or None."""

    requested = Signal(object)

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtNetwork import QLocalServer

        name = server_name(data_dir)
        # This process holds the lock, so a socket file left there is a dead studio's.
        QLocalServer.removeServer(name)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.listening = bool(self._server.listen(name))
        self._server.newConnection.connect(self._accept)

    def close(self) -> None:
        self._server.close()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            buffer = bytearray()

            def read(socket: object = socket, buffer: bytearray = buffer) -> None:
                from PySide6.QtNetwork import QLocalSocket

                assert isinstance(socket, QLocalSocket)
                buffer.extend(bytes(socket.readAll().data()))
                if b"\n" not in buffer:
                    return
                socket.write(_OK)
                socket.flush()
                socket.disconnectFromServer()
                self.requested.emit(_requested_project(bytes(buffer)))

            socket.readyRead.connect(read)
            socket.disconnected.connect(socket.deleteLater)


def _requested_project(raw: bytes) -> Path | None:
    try:
        where = json.loads(raw.split(b"\n", 1)[0]).get("open")
    except (ValueError, AttributeError):
        return None
    return Path(where) if isinstance(where, str) and where else None
