"""Benchmark: sending one large local reference, the app's uploader against curl.

    .venv/bin/python bench/upload_bench.py [--size-mb 95] [--runs 3]

The in-process simulator takes eachlabs presigned uploads (up to 100 MB) on 127.0.0.1. Each
round presigns a slot per client and PUTs the same file of --size-mb MB of random bytes:
with `curl -s -T FILE` (its required headers, a Content-Length, no 100-continue wait), with
the app's path (providers/assets/hosts.py `put_file`: on the network a worker thread sending through
providers/transfer.py) and, for the figure before it, with httpx's async streaming of the
file in 256 KiB chunks (the path uploads took until then); the order rotates. Every client
runs in its own process; curl is timed around its process, the Python clients inside theirs
(interpreter start-up and imports not counted). Memory is the child's peak RSS above its RSS
before the upload. Figures: median seconds, MB/s (1 MB = 10^6 bytes), the ratio to curl's
speed, and the load average.

The simulator reads each body whole and stores it (a Python server: ~100 MB/s here), which
caps every client alike; `--sink` repeats the rounds against a bare loopback sink in its own
process (reads the body into one buffer and answers 200), where the clients' own speed shows.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from seedance_studio.simulator import Simulator  # noqa: E402

MB = 1_000_000
PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")
KEY = "sk-bench-upload"


def child_env() -> dict[str, str]:
    """Loopback only: no proxy may take the request elsewhere."""
    env = {k: v for k, v in os.environ.items() if k not in PROXY_VARS}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env


def presign(sim: Simulator) -> tuple[str, dict[str, str]]:
    """A fresh slot: its PUT URL and the headers it requires."""
    answer = httpx.post(
        f"{sim.base_url('eachlabs')}/upload/presign",
        headers={"X-API-Key": KEY},
        json={"content_type": "video/mp4", "file_type": "video"},
        timeout=10,
    )
    answer.raise_for_status()
    slot = answer.json()
    return str(slot["presigned_url"]), {str(k): str(v) for k, v in slot["required_headers"].items()}


def curl(url: str, headers: dict[str, str], path: Path) -> float:
    # No `Expect: 100-continue`: neither Python client waits for a go-ahead either.
    args = ["curl", "-s", "-f", "--noproxy", "*", "-o", os.devnull, "-H", "Expect:"]
    args += ["-T", str(path)]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    start = time.perf_counter()
    proc = subprocess.run([*args, url], env=child_env(), check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"curl failed (exit {proc.returncode})")
    return elapsed


def python_client(mode: str, url: str, headers: dict[str, str], path: Path) -> tuple[float, int]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", mode, url, json.dumps(headers), str(path)],
        stdout=subprocess.PIPE,
        env=child_env(),
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"the {mode} upload failed (exit {proc.returncode})")
    out = json.loads(proc.stdout.decode().strip().splitlines()[-1])
    return float(out["seconds"]), int(out["rss_growth_kb"])


def _memory_kb() -> tuple[int, int]:
    values = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return int(values["VmRSS"].split()[0]), int(values["VmHWM"].split()[0])


def child(mode: str, url: str, headers: dict[str, str], path: Path) -> None:
    from seedance_studio.providers import http as http_mod
    from seedance_studio.providers.assets.files import stream_file
    from seedance_studio.providers.assets.hosts import UPLOAD_TIMEOUT, put_file

    size = path.stat().st_size

    async def run() -> float:
        async with httpx.AsyncClient() as client:
            start = time.perf_counter()
            if mode == "app":
                transport = http_mod.Transport("eachlabs", client)
                await put_file(transport, url, headers, path, "r", size, None)
            else:  # httpx's async streaming, 256 KiB chunks: the path before the worker
                answer = await client.put(
                    url,
                    headers={**headers, "Content-Length": str(size)},
                    content=stream_file(path, "r", size, None),
                    timeout=UPLOAD_TIMEOUT,
                )
                answer.raise_for_status()
            return time.perf_counter() - start

    before, _ = _memory_kb()
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    seconds = asyncio.run(run())
    _, peak = _memory_kb()
    print(json.dumps({"seconds": seconds, "rss_growth_kb": peak - before}))


SINK = """
import socket, sys
server = socket.create_server(("127.0.0.1", 0))
print(server.getsockname()[1], flush=True)
buffer = memoryview(bytearray(1 << 20))
while True:
    conn, _ = server.accept()
    with conn:
        head = b""
        while b"\\r\\n\\r\\n" not in head:
            head += conn.recv(65536)
        top, rest = head.split(b"\\r\\n\\r\\n", 1)
        length = 0
        for line in top.split(b"\\r\\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        left = length - len(rest)
        while left > 0:
            n = conn.recv_into(buffer)
            if not n:
                break
            left -= n
        conn.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Length: 0\\r\\nConnection: close\\r\\n\\r\\n")
"""


def make_file(size_mb: int) -> Path:
    folder = Path(tempfile.gettempdir()) / f"seedance-upload-bench-{os.getuid()}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"upload-{size_mb}mb.mp4"
    if not path.exists() or path.stat().st_size != size_mb * MB:
        block = os.urandom(MB)
        with path.open("wb") as f:
            for _ in range(size_mb):
                f.write(block)
    return path


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], json.loads(sys.argv[4]), Path(sys.argv[5]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=95)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sink", action="store_true", help="also against a bare loopback sink")
    options = parser.parse_args()
    path = make_file(options.size_mb)
    size = path.stat().st_size
    with Simulator() as sim:
        rounds(
            f"{size / MB:.0f} MB to the simulator's eachlabs storage",
            lambda: presign(sim),
            path,
            options.runs,
        )
    if options.sink:
        sink = subprocess.Popen(
            [sys.executable, "-c", SINK], stdout=subprocess.PIPE, env=child_env(), text=True
        )
        try:
            assert sink.stdout is not None
            url = f"http://127.0.0.1:{sink.stdout.readline().strip()}/eachlabs/sink"
            rounds(
                f"{size / MB:.0f} MB to a bare loopback sink",
                lambda: (url, {"Content-Type": "video/mp4"}),
                path,
                options.runs,
            )
        finally:
            sink.kill()
            sink.wait()


def rounds(
    title: str, slot: Callable[[], tuple[str, dict[str, str]]], path: Path, runs: int
) -> None:
    size = path.stat().st_size
    times: dict[str, list[float]] = {"curl": [], "app": [], "httpx": []}
    growth: dict[str, list[int]] = {"app": [], "httpx": []}
    loads: list[float] = []

    def run_curl() -> None:
        times["curl"].append(curl(*slot(), path))

    def run_python(mode: str) -> Callable[[], None]:
        def run() -> None:
            seconds, grown = python_client(mode, *slot(), path)
            times[mode].append(seconds)
            growth[mode].append(grown)

        return run

    order = [run_curl, run_python("app"), run_python("httpx")]
    for i in range(runs):
        for step in order[i % 3 :] + order[: i % 3]:
            step()
        loads.append(os.getloadavg()[0])
    curl_s = statistics.median(times["curl"])
    print(f"{title}, {runs} runs, rotating; load average {min(loads):.1f}–{max(loads):.1f}")
    for name, label in (
        ("curl", "curl -T"),
        ("app", "app (put_file, worker thread)"),
        ("httpx", "httpx async stream, 256 KiB"),
    ):
        seconds = statistics.median(times[name])
        extra = (
            f"; peak RSS +{statistics.median(growth[name]) / 1024:.1f} MB" if name in growth else ""
        )
        print(
            f"{label:32s} {seconds:6.3f} s  {size / MB / seconds:7.1f} MB/s  "
            f"{curl_s / seconds:5.2f}x curl's speed{extra}"
        )


if __name__ == "__main__":
    main()
