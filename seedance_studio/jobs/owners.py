"""Who runs a job: an owner id per process, and whether that process is still alive.

Why: a lease whose owner died on this host can be taken over at once (`seedance resume`
right after a crash does not wait for the lease to expire).
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import uuid
from pathlib import Path


def new_owner_id() -> str:
    """host:pid:random — the pid lets another process on this host see that we died."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def owner_is_dead(owner: str) -> bool:
    """True when `owner` ran on this host and its process no longer exists."""
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    return not _pid_alive(pid)


def _pid_alive(pid: int) -> bool:
    """Whether process `pid` exists (os.kill(pid, 0) would send Ctrl+C on Windows)."""
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # QUERY_LIMITED_INFORMATION
        if not handle:
            return kernel32.GetLastError() == 5  # access denied: it exists
        try:
            code = ctypes.c_ulong()
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    """A killed child whose parent has not reaped it yet still answers kill(0)."""
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rpartition(")")[2].split()[0] == "Z"
    return False
