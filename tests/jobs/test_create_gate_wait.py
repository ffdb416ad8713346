"""A create waiting for a provider slot stays quiet: its reason is written once, and the
store is read less and less often while only another process can free the slot."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from seedance_studio.core.provider import RateLimits
from seedance_studio.jobs.create_gate import WAIT_MAX_S, CreateGate
from seedance_studio.jobs.store import JobStore

LIMITS = RateLimits(max_unfinished=1)


class FullStore(JobStore):
    """A real store whose one slot is held elsewhere until `full` is cleared."""

    full = True
    reads = 0

    def active_count(self, provider: str) -> int:
        self.reads += 1
        return 1 if self.full else 0


async def test_a_waiting_create_writes_once_and_rereads_less_and_less(tmp_path: Path) -> None:
    store = FullStore(tmp_path / "jobs.sqlite3")
    gate = CreateGate(store, lambda _provider: LIMITS)
    said: list[str] = []
    sent: list[float] = []
    waiting = asyncio.ensure_future(
        gate.pass_through("eachlabs", lambda: sent.append(time.monotonic()), on_wait=said.append)
    )
    await asyncio.sleep(3.7)
    # Re-read after 0.5, 1 and 2 s (plus the first look): not every half second (8 reads).
    assert 3 <= store.reads <= 5, store.reads
    assert len(said) == 1 and "slot" in said[0]
    assert not sent and not waiting.done()
    # A slot freed in this process wakes it at once, whatever the current step.
    store.full = False
    freed_at = time.monotonic()
    gate.slot_freed.set()
    await asyncio.wait_for(waiting, timeout=WAIT_MAX_S)
    assert sent and sent[0] - freed_at < 1.0
    store.close()
