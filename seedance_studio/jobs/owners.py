"""Who runs a job: an owner id per process, and whether that process is still alive.

Why: a lease whose owner died on this host can be taken over at once (`seedance resume`
right after a crash does not wait for the lease to expire).
"""

from __future__ import annotations

import os
import socket
import uuid

from seedance_studio.core.processes import pid_alive


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
    return not pid_alive(pid)
