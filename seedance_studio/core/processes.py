"""Whether a process is still alive, asked the way each system allows.

The job store's leases and the autosave's session marker both need to tell a crashed
process from a running one. `os.kill(pid, 0)` is the POSIX way, but on Windows it ends the
process it asks about, so Windows asks OpenProcess instead.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path


def pid_alive(pid: int) -> bool:
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
