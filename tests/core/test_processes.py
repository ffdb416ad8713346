"""Telling a running process from one that has ended (leases and the session marker)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from seedance_studio.core.processes import pid_alive


def test_a_running_process_is_alive_and_an_ended_one_is_not() -> None:
    assert pid_alive(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert pid_alive(child.pid)
        child.kill()
        # Killed but not reaped yet: a zombie still answers kill(0), and must count as ended.
        deadline = time.monotonic() + 10
        while pid_alive(child.pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not pid_alive(child.pid)
        assert child.returncode is None  # not reaped: it was judged as a zombie
    finally:
        child.wait()
    assert not pid_alive(child.pid)
