"""Downloads over a real loopback connection: the worker-thread streamer, its hash, resume."""

from __future__ import annotations

import asyncio
import hashlib
import os
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from seedance_studio.core.errors import NotFoundError
from seedance_studio.jobs import download as dl
from seedance_studio.providers import transfer
from seedance_studio.simulator import Fault, Simulator
from seedance_studio.simulator.state import StoredObject

SIZE = 5_000_000


def hosted(sim: Simulator, data: bytes) -> str:
    """`data` as an eachlabs upload: a public URL that honours Range, like a CDN."""
    with httpx.Client(trust_env=False, timeout=10) as client:
        answer = client.post(
            f"{sim.base_url('eachlabs')}/upload/presign",
            headers={"X-API-Key": "k"},
            json={"content_type": "video/mp4", "file_type": "video"},
        )
        answer.raise_for_status()
        upload = answer.json()
    sim.state.put_object(("eachlabs", upload["id"]), StoredObject(data, "video/mp4"))
    return str(upload["public_url"])


@pytest.fixture
def payload() -> bytes:
    return os.urandom(SIZE)


async def test_streams_in_a_worker_thread_and_hashes_on_the_way(
    simulator: Simulator, payload: bytes, tmp_path: Path
) -> None:
    url = hosted(simulator, payload)
    part = tmp_path / "v.mp4.part"
    seen: list[tuple[int, int | None, str]] = []

    def progress(done: int, total: int | None) -> None:
        seen.append((done, total, threading.current_thread().name))

    async with httpx.AsyncClient(trust_env=False) as http:
        fetched = await dl.fetch(http, url, part, progress=progress)
    assert part.read_bytes() == payload
    assert fetched == dl.Fetched(SIZE, hashlib.sha256(payload).hexdigest())
    assert seen[-1][:2] == (SIZE, SIZE)
    # Progress arrives on the event loop's thread, never on the worker's.
    assert {name for *_, name in seen} == {threading.current_thread().name}


async def test_a_drop_half_way_resumes_with_range_and_the_hash_covers_both_parts(
    simulator: Simulator, payload: bytes, tmp_path: Path
) -> None:
    url = hosted(simulator, payload)
    before = simulator.count("eachlabs", "public")
    simulator.inject("eachlabs", "public", Fault.truncated(0.5))
    part = tmp_path / "v.mp4.part"
    async with httpx.AsyncClient(trust_env=False) as http:
        fetched = await dl.fetch(http, url, part, sleep=lambda _s: asyncio.sleep(0))
    requests = simulator.requests("eachlabs", "public")[before:]
    assert len(requests) == 2
    assert requests[0].headers.get("range") is None
    first_half = int(requests[1].headers["range"].removeprefix("bytes=").rstrip("-"))
    assert 0 < first_half < SIZE
    assert part.read_bytes() == payload
    assert fetched.sha256 == hashlib.sha256(payload).hexdigest()


async def test_a_part_already_complete_is_kept_and_hashed(
    simulator: Simulator, payload: bytes, tmp_path: Path
) -> None:
    url = hosted(simulator, payload)
    part = tmp_path / "v.mp4.part"
    part.write_bytes(payload)
    async with httpx.AsyncClient(trust_env=False) as http:
        fetched = await dl.fetch(http, url, part)
    assert fetched == dl.Fetched(SIZE, hashlib.sha256(payload).hexdigest())


async def test_an_expired_url_is_not_found(simulator: Simulator, tmp_path: Path) -> None:
    url = f"{simulator.base_url('eachlabs')}/upload/public/nope/gone.mp4"
    async with httpx.AsyncClient(trust_env=False) as http:
        with pytest.raises(NotFoundError):
            await dl.fetch(http, url, tmp_path / "x.part")


class Gated:
    """A response body that waits at its second read until `gate` opens."""

    def __init__(self, body: Any, gate: threading.Event) -> None:
        self.body, self.gate, self.reads = body, gate, 0

    def readinto(self, buffer: memoryview) -> int:
        if self.reads:
            assert self.gate.wait(10)
        self.reads += 1
        return int(self.body.readinto(buffer))

    def close(self) -> None:
        self.body.close()


async def test_cancelling_stops_the_worker(
    simulator: Simulator, payload: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = hosted(simulator, payload)
    gate = threading.Event()
    real_open = transfer.open_url
    monkeypatch.setattr(
        transfer, "open_url", lambda *a: (lambda ab: (ab[0], Gated(ab[1], gate)))(real_open(*a))
    )
    monkeypatch.setattr(transfer, "PROGRESS_EVERY_S", 0.0)
    part = tmp_path / "v.mp4.part"
    started = asyncio.Event()

    async with httpx.AsyncClient(trust_env=False) as http:
        task = asyncio.create_task(dl.fetch(http, url, part, progress=lambda *_: started.set()))
        await started.wait()
        task.cancel()
        # The gate opens on the loop after the task has heard its cancel and told the worker
        # to stop (callbacks run in the order they were scheduled); opened at once, the
        # worker could read the rest of the body before the task ran.
        asyncio.get_running_loop().call_soon(gate.set)
        with pytest.raises(asyncio.CancelledError):
            await task
        size = part.stat().st_size
        assert 0 < size < len(payload)
        # Once the cancelled fetch has returned its worker has stopped: a whole other
        # download later, the cancelled `.part` has not grown.
        monkeypatch.setattr(transfer, "open_url", real_open)
        await dl.fetch(http, url, tmp_path / "other.part")
    assert part.stat().st_size == size
