"""Uploads stream from disk in a worker thread (providers/transfer.py), against the simulator
over real HTTP: the bytes, the type and the length arrive; a large file's memory stays flat;
the event loop keeps turning while one is sent."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from seedance_studio.providers import transfer
from seedance_studio.providers.assets.hosts import EachlabsHost
from seedance_studio.simulator import Simulator

from .conftest import PLANTED_KEY, MemoryKeys

ROOT = Path(__file__).resolve().parents[2]


def _file(path: Path, size: int) -> Path:
    block = os.urandom(1 << 20)
    with path.open("wb") as f:
        left = size
        while left > 0:
            f.write(block[: min(len(block), left)])
            left -= min(len(block), left)
    return path


async def test_an_upload_streams_in_a_worker_thread_with_its_type_and_length(
    sim: Simulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _file(tmp_path / "walk.mp4", 5 * (1 << 20) + 123)
    threads: list[str] = []
    real = transfer.put_file

    def recorded(*args: object, **kwargs: object) -> tuple[transfer.Answer, bytes]:
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(transfer, "put_file", recorded)
    monkeypatch.setattr(transfer, "PROGRESS_EVERY_S", 0.0)
    ticks = 0
    stop = asyncio.Event()

    async def heartbeat() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            await asyncio.sleep(0)

    progress: list[tuple[str, int, int]] = []
    async with httpx.AsyncClient() as client:
        host = EachlabsHost(sim.base_url("eachlabs"), MemoryKeys({"eachlabs": PLANTED_KEY}), client)
        beat = asyncio.create_task(heartbeat())
        uploaded = await host.upload(
            path,
            ref_id="r1",
            kind="video",
            content_type="video/mp4",
            size=path.stat().st_size,
            digest="",
            progress=lambda *a: progress.append(a),
        )
        stop.set()
        await beat
        got = await client.get(uploaded.url)
    assert threads and threads[0] != threading.main_thread().name
    assert got.content == path.read_bytes()
    put = sim.requests("eachlabs", "upload")[0]
    assert put.headers["content-type"] == "video/mp4"
    assert put.headers["content-length"] == str(path.stat().st_size)
    assert "transfer-encoding" not in put.headers
    assert progress[-1] == ("r1", path.stat().st_size, path.stat().st_size)
    assert len(progress) > 2  # told along the way, not only at the end
    assert ticks > 10  # the loop kept turning while the file went out


async def test_a_refusal_mid_body_is_told_not_a_broken_pipe(sim: Simulator, tmp_path: Path) -> None:
    path = _file(tmp_path / "a.png", 1 << 20)
    answer, body = await asyncio.to_thread(
        transfer.put_file,
        f"{sim.base_url('eachlabs')}/_storage/no-such-upload?X-Amz-Signature=x",
        {"Content-Type": "image/png"},
        path,
        path.stat().st_size,
        timeout=10.0,
        on_bytes=lambda _n: None,
        stop=threading.Event(),
    )
    assert 400 <= answer.status < 500 and body


CHILD = """
import asyncio, json, sys
from pathlib import Path
import httpx
from seedance_studio.providers.assets.hosts import EachlabsHost

class Keys:
    def get(self, provider_id): return sys.argv[2]

def hwm():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmHWM", "VmRSS")):
            yield line.split()[0], int(line.split()[1])

async def main():
    path = Path(sys.argv[3])
    async with httpx.AsyncClient() as client:
        host = EachlabsHost(sys.argv[1], Keys(), client)
        before = dict(hwm())["VmRSS:"]
        up = await host.upload(path, ref_id="r", kind="video", content_type="video/mp4",
                               size=path.stat().st_size, digest="", progress=None)
        print(json.dumps({"url": up.url, "grew_kb": dict(hwm())["VmHWM:"] - before}))

asyncio.run(main())
"""


@pytest.mark.slow
def test_a_large_upload_keeps_memory_flat(sim: Simulator, tmp_path: Path) -> None:
    """95 MB (eachlabs takes up to 100) sent from a child process (its own interpreter, so the
    simulator's copy is not counted): its peak RSS grows by a few buffers, not by the file."""
    size = 95 * (1 << 20)
    path = _file(tmp_path / "big.mp4", size)
    out = subprocess.run(
        [sys.executable, "-c", CHILD, sim.base_url("eachlabs"), PLANTED_KEY, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["grew_kb"] < 16 * 1024, result  # under 16 MB for a 95 MB file
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    stored = httpx.get(result["url"], timeout=60).content
    assert hashlib.sha256(stored).hexdigest() == digest
