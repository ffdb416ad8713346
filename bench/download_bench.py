"""Benchmark: bringing one large result home, the app's downloader against curl.

    .venv/bin/python bench/download_bench.py [--size-mb 150] [--runs 5] [--clips hard,typical]
        [--link-mbit N]

The in-process simulator hosts real, playable H.264 MP4s of about --size-mb MB (encoded once
with PyAV and cached in the temp folder) as eachlabs uploads, public URLs on 127.0.0.1 that
honour Range. Two clips: "hard", 1280x720 lossless noise (529 Mbit/s, every frame a 2 MB key
frame, the index at the end of the file as FFmpeg writes it by default), the worst case for
the playability check; and "typical", H.264 High at 1280x720 24 fps, about 8 Mbit/s, B-frames,
a key frame every 2 s, the index first ("fast start"), the shape of a generated video (a
6 s segment repeated up to the size). Each round downloads a clip with `curl -s -o FILE URL`,
with the path the engine takes for a finished job (jobs/playable.py `fetch_video`: `fetch`
into `.part` through the engine's client while the first frame is decoded from the growing
file, the cheap check after the last byte; then rename, `provenance` + `write_sidecar`),
with the path before that ("serial": `fetch`, then `verify_playable` on the whole file) and,
as the floor of that HTTP stack, with a bare httpx stream-to-file loop; the order rotates.
Every client runs in its own process so none shares the server's interpreter; curl is timed
around its process, the app inside its process (interpreter start-up and imports are not
counted; httpx's first-request imports are done before the clock starts, as the engine's
pool does at start-up). Memory is the child's peak RSS (VmHWM) above its RSS before the
download. Figures: median seconds, MB/s (1 MB = 10^6 bytes), the ratio to curl (of the
medians, and the median of each round's own ratio); RSS growth for a tenth of the file and
for all of it (equal growth: it streams); and a resume case where the server drops the
connection half way through.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import httpx

from seedance_studio.jobs.download import BACKOFF_S, sha256_file
from seedance_studio.simulator import Fault, Simulator
from seedance_studio.simulator.state import StoredObject

MB = 1_000_000
WIDTH, HEIGHT, FPS = 1280, 720, 30
PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


# -- the test file -------------------------------------------------------------------------


def cache_folder() -> Path:
    folder = Path(tempfile.gettempdir()) / f"seedance-download-bench-{os.getuid()}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _noise_frame() -> av.VideoFrame:
    frame = av.VideoFrame(WIDTH, HEIGHT, "yuv420p")
    for plane in frame.planes:
        plane.update(os.urandom(plane.buffer_size))
    return frame


def make_video(size_mb: int) -> tuple[Path, str, float]:
    """A playable MP4 of at least `size_mb` MB, its sha256 and the seconds spent (0: cached).

    Lossless H.264 of random pictures does not compress, so a few seconds of 720p reach the
    size quickly; every frame is a key frame so repeating six pictures stays incompressible.
    """
    path = cache_folder() / f"noise_{WIDTH}x{HEIGHT}_{size_mb}mb.mp4"
    digest_file = path.with_suffix(".sha256")
    if path.exists() and digest_file.exists():
        return path, digest_file.read_text().strip(), 0.0
    start = time.perf_counter()
    pictures = [_noise_frame() for _ in range(6)]
    tmp = path.with_name(path.name + ".tmp")
    with av.open(str(tmp), "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        stream.options = {"preset": "ultrafast", "qp": "0", "g": "1"}
        written = index = 0
        while written < size_mb * MB:
            frame = pictures[index % len(pictures)]
            frame.pts, frame.time_base = index, Fraction(1, FPS)
            for packet in stream.encode(frame):
                written += packet.size
                out.mux(packet)
            index += 1
        for packet in stream.encode(None):
            out.mux(packet)
    tmp.replace(path)
    digest = sha256_file(path)
    digest_file.write_text(digest)
    return path, digest, time.perf_counter() - start


TYPICAL_W, TYPICAL_H, TYPICAL_FPS, TYPICAL_SEGMENT_S = 1280, 720, 24, 6
_GRAIN = bytes(112 + (i % 32) for i in range(256))


def _typical_frames(count: int) -> list[av.VideoFrame]:
    """Bars moving across the picture over a fine colour grain: motion for the encoder to
    follow and detail that costs bits in every frame, as a generated scene's does."""
    frames = []
    for index in range(count):
        frame = av.VideoFrame(TYPICAL_W, TYPICAL_H, "yuv420p")
        luma, *chroma = frame.planes
        row = bytes(((x + index * 6) // 80 % 8) * 28 + 16 for x in range(luma.line_size))
        grain = os.urandom(luma.buffer_size).translate(_GRAIN)
        half = luma.buffer_size // 2
        luma.update((row * TYPICAL_H)[:half] + grain[half:])
        for plane in chroma:
            plane.update(os.urandom(plane.buffer_size).translate(_GRAIN))
        frames.append(frame)
    return frames


def make_typical(size_mb: int) -> tuple[Path, str, float]:
    """An H.264 MP4 shaped like a generated video, of at least `size_mb` MB (see the top)."""
    path = cache_folder() / f"typical_{TYPICAL_W}x{TYPICAL_H}_{size_mb}mb.mp4"
    digest_file = path.with_suffix(".sha256")
    if path.exists() and digest_file.exists():
        return path, digest_file.read_text().strip(), 0.0
    start = time.perf_counter()
    segment = path.with_name(path.name + ".segment.mp4")
    with av.open(str(segment), "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=TYPICAL_FPS)
        stream.width, stream.height, stream.pix_fmt = TYPICAL_W, TYPICAL_H, "yuv420p"
        stream.bit_rate = 8_000_000
        stream.options = {"preset": "veryfast", "g": str(2 * TYPICAL_FPS), "bufsize": "16M"}
        for index, frame in enumerate(_typical_frames(TYPICAL_SEGMENT_S * TYPICAL_FPS)):
            frame.pts, frame.time_base = index, Fraction(1, TYPICAL_FPS)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    tmp = path.with_name(path.name + ".tmp")
    with (
        av.open(str(segment)) as source,
        av.open(str(tmp), "w", format="mp4", options={"movflags": "faststart"}) as out,
    ):
        video = source.streams.video[0]
        copy = out.add_stream_from_template(video)
        packets = [p for p in source.demux(video) if p.size and p.pts is not None]
        stamps = [(p.pts or 0, p.dts if p.dts is not None else p.pts or 0) for p in packets]
        base = video.time_base or Fraction(1, TYPICAL_FPS)
        span = round(TYPICAL_SEGMENT_S / base)  # one segment in stream ticks
        written = loop = 0
        while written < size_mb * MB:  # closed GOPs: one segment follows another cleanly
            for packet, (pts, dts) in zip(packets, stamps, strict=True):
                packet.pts, packet.dts = pts + loop * span, dts + loop * span
                packet.time_base = base
                packet.stream = copy
                out.mux(packet)
                written += packet.size
            loop += 1
    segment.unlink()
    tmp.replace(path)
    digest = sha256_file(path)
    digest_file.write_text(digest)
    return path, digest, time.perf_counter() - start


def describe(path: Path) -> str:

    with av.open(str(path)) as container:
        video = container.streams.video[0]
        seconds = (container.duration or 0) / 1_000_000
        return (
            f"{path.stat().st_size / MB:.1f} MB, {video.codec_context.name} "
            f"{video.width}x{video.height}, {video.frames} frames, {seconds:.1f} s, "
            f"{path.stat().st_size * 8 / MB / max(seconds, 1e-9):.0f} Mbit/s"
        )


def host(sim: Simulator, data: bytes) -> str:
    """Host `data` as an eachlabs upload; returns its public URL (served with Range, like a CDN).

    The upload is presigned over HTTP and its bytes go straight into the simulator's storage:
    eachlabs refuses PUTs over 100 MiB. The simulator's S3 GET is not used because it hashes
    the whole object for its ETag on every request, ~0.4 s per 150 MB added to every client.
    """
    with httpx.Client(trust_env=False, timeout=30) as client:
        answer = client.post(
            f"{sim.base_url('eachlabs')}/upload/presign",
            headers={"X-API-Key": "bench-key"},
            json={"content_type": "video/mp4", "file_type": "video"},
        )
        answer.raise_for_status()
        upload = answer.json()
    sim.state.put_object(("eachlabs", upload["id"]), StoredObject(data, "video/mp4"))
    return str(upload["public_url"])


# -- the clients ---------------------------------------------------------------------------


def child_env() -> dict[str, str]:
    """Loopback only: no proxy may take the request elsewhere."""
    env = {k: v for k, v in os.environ.items() if k not in PROXY_VARS}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env


def run_child(argv: Sequence[str]) -> tuple[float, int, str]:
    """(wall seconds, exit code, stdout) of one child process."""
    start = time.perf_counter()
    proc = subprocess.run(argv, stdout=subprocess.PIPE, env=child_env(), check=False)
    return time.perf_counter() - start, proc.returncode, proc.stdout.decode()


def curl(url: str, dest: Path, *extra: str) -> tuple[float, int]:
    """(seconds, exit code) of `curl -s -o dest url`, its process start included."""
    elapsed, code, _ = run_child(["curl", "-s", "--noproxy", "*", *extra, "-o", str(dest), url])
    return elapsed, code


@dataclass
class AppRun:
    fetch_s: float
    verify_s: float
    finish_s: float
    size: int
    sha256: str | None
    rss_growth_fetch_kb: int
    rss_growth_total_kb: int
    early: bool | None = None
    """Whether the first frame was decoded while the body streamed (the engine's path)."""

    @property
    def total_s(self) -> float:
        return self.fetch_s + self.verify_s + self.finish_s


def app(url: str, folder: Path, mode: str = "full") -> AppRun:
    """The app's download of `url` into `folder` in a fresh child process.

    mode "full": the engine's path (`fetch_video`: fetch with the early check, the check
    after the last byte), rename, sidecar; "serial": `fetch`, then `verify_playable`, rename,
    sidecar (the path before the early check); "fetch": `fetch` only; "plain": a bare httpx
    stream-to-file loop, the floor any downloader on the same async stack starts from.
    """
    _, code, out = run_child(
        [sys.executable, __file__, "--child", url, "--folder", str(folder), "--mode", mode]
    )
    if code != 0:
        raise SystemExit(f"the app's download failed (exit {code}): {out}")
    return AppRun(**json.loads(out))


def _memory_kb() -> tuple[int, int]:
    """(resident now, peak resident since the last `_reset_peak`) in kB.

    getrusage's ru_maxrss would not do: a child inherits the peak of the process that forked
    it (here the bench, holding the file twice), so Linux's VmRSS/VmHWM are read instead.
    """
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak, peak
    values = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return int(values["VmRSS"].split()[0]), int(values["VmHWM"].split()[0])


def _reset_peak() -> None:
    """Start VmHWM afresh from the current RSS (Linux >= 4.0), so imports do not count."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


async def plain_fetch(http: httpx.AsyncClient, url: str, path: Path) -> int:
    """httpx alone: stream the body into a file, nothing else."""
    size = 0
    async with http.stream("GET", url) as response:
        with path.open("wb") as out:
            async for chunk in response.aiter_bytes():
                out.write(chunk)
                size += len(chunk)
    return size


def candidate_fetch(mode: str, url: str, path: Path) -> int:
    """One candidate client for the worker thread, each hashing as it writes (sha256 inline)."""
    import hashlib

    digest = hashlib.sha256()
    size = 0
    buffer = bytearray(1 << 20)
    view = memoryview(buffer)
    with path.open("wb", buffering=0) as out:
        if mode == "httpx-sync":  # httpx's sync client, 1 MiB reads
            with httpx.Client(trust_env=False) as client, client.stream("GET", url) as r:
                for chunk in r.iter_bytes(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
        elif mode == "urllib3":  # urllib3's pool, readinto a 1 MiB buffer
            import urllib3

            pool = urllib3.PoolManager()
            r = pool.request("GET", url, preload_content=False)
            while n := r.readinto(view):
                digest.update(view[:n])
                out.write(view[:n])
                size += n
            r.release_conn()
        elif mode == "http.client":  # the standard library, readinto a 1 MiB buffer
            import urllib.request

            with urllib.request.urlopen(url) as r:
                while n := r.readinto(view):
                    digest.update(view[:n])
                    out.write(view[:n])
                    size += n
        else:
            raise SystemExit(f"unknown candidate {mode}")
    return size


CANDIDATES = ("httpx-sync", "urllib3", "http.client")


def child(url: str, folder: Path, mode: str) -> None:
    """What the engine does for one finished job's result, timed step by step (prints JSON)."""
    from seedance_studio.core.composition import Composition
    from seedance_studio.core.params import GenerationParams
    from seedance_studio.core.prompt import PromptDocument
    from seedance_studio.core.provider import ResultMedia
    from seedance_studio.core.tray import ReferenceTray
    from seedance_studio.jobs import download as dl
    from seedance_studio.jobs import playable
    from seedance_studio.jobs.capture import capturing_client
    from seedance_studio.jobs.pool import FIRST_REQUEST_MODULES
    from seedance_studio.jobs.sidecar import provenance, write_sidecar
    from seedance_studio.jobs.store import JobStore, NewJob
    from seedance_studio.providers.http import DEFAULT_TIMEOUT

    tray = ReferenceTray([])
    snapshot = Composition(
        GenerationParams(provider="eachlabs"), tray, PromptDocument("a long noisy clip", tray)
    ).snapshot()
    store = JobStore(folder / "jobs.sqlite3")
    [job_id] = store.insert_jobs([NewJob(snapshot=snapshot, group_id="bench", batch="b")])
    job = store.get(job_id)
    final = dl.library_target(folder / "library", job)
    part = dl.part_path(final)
    part.parent.mkdir(parents=True, exist_ok=True)
    seen = [0]
    digests: list[str | None] = [None]
    last_byte = [0.0]
    early: list[bool | None] = [None]

    def progress(done: int, total: int | None) -> None:  # the engine reports every chunk too
        seen[0] = done
        if done == total:
            last_byte[0] = time.perf_counter()

    async def fetch() -> tuple[int, int, float, float]:
        """(size, RSS before, seconds to the last byte, seconds to the end of the check)."""
        # What httpx imports at its first request: the engine's pool imports it when it
        # starts (`prepare_client`), and a result is fetched only after a status request.
        for name in FIRST_REQUEST_MODULES:
            importlib.import_module(name)
        async with capturing_client(timeout=DEFAULT_TIMEOUT) as http:  # the engine's client
            _reset_peak()
            before = _memory_kb()[0]
            start = time.perf_counter()
            if mode == "plain":
                size = await plain_fetch(http, url, part)
                return size, before, time.perf_counter() - start, 0.0
            if mode == "full":
                fetched, early[0] = await playable.fetch_video(http, url, part, progress=progress)
            else:
                fetched = await dl.fetch(http, url, part, progress=progress)
            end = time.perf_counter()
            size, digests[0] = fetched.size, fetched.sha256
            if mode == "serial":
                last_byte[0] = end
                await asyncio.to_thread(dl.verify_playable, part)
                end = time.perf_counter()
            return size, before, last_byte[0] - start, end - last_byte[0]

    verify_s = finish_s = 0.0
    if mode in CANDIDATES:
        _reset_peak()
        before = _memory_kb()[0]
        start = time.perf_counter()
        size = candidate_fetch(mode, url, part)
        fetch_s = time.perf_counter() - start
    else:
        size, before, fetch_s, verify_s = asyncio.run(fetch())
    after_fetch = _memory_kb()[1]
    digest = None
    if mode in ("full", "serial"):
        start = time.perf_counter()
        part.replace(final)
        sidecar = write_sidecar(
            final, provenance(job, final, ResultMedia(url=url), sha256=digests[0])
        )
        finish_s = time.perf_counter() - start
        digest = json.loads(sidecar.read_text("utf-8"))["sha256"]
    store.close()
    print(
        json.dumps(
            {
                "fetch_s": fetch_s,
                "verify_s": verify_s,
                "finish_s": finish_s,
                "size": size,
                "sha256": digest,
                "rss_growth_fetch_kb": after_fetch - before,
                "rss_growth_total_kb": _memory_kb()[1] - before,
                "early": early[0],
            }
        )
    )


# -- the benchmark -------------------------------------------------------------------------


def clear(folder: Path) -> None:
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_dir():
            path.rmdir()
        else:
            path.unlink()


def mb_s(size: int, seconds: float) -> float:
    return size / MB / seconds


def line(label: str, seconds: float, size: int, curl_s: float | None = None) -> str:
    ratio = (
        f"  {seconds / curl_s:.2f}x curl's time = {curl_s / seconds:.2f}x its speed"
        if curl_s
        else ""
    )
    return f"  {label:<36} median {seconds:6.3f} s {mb_s(size, seconds):7.1f} MB/s{ratio}"


def compare(
    url: str, size: int, digest: str, runs: int, work: Path, *, candidates: bool = True
) -> None:
    """`runs` rounds of curl, the app (now and serial) and bare httpx; the order rotates."""
    curl_s: list[float] = []
    apps: list[AppRun] = []
    serial: list[AppRun] = []
    plain: list[AppRun] = []

    def run_curl() -> None:
        dest = work / "curl.mp4"
        seconds, code = curl(url, dest)
        got = dest.stat().st_size if dest.exists() else 0
        if code != 0 or got != size:
            raise SystemExit(f"curl failed: exit {code}, {got} of {size} bytes")
        curl_s.append(seconds)

    def run_app(mode: str, into: list[AppRun]) -> Callable[[], None]:
        def run() -> None:
            result = app(url, work, mode)
            if result.size != size or result.sha256 != digest:
                raise SystemExit(f"the app ({mode}) brought back wrong bytes: {result}")
            into.append(result)

        return run

    def run_plain() -> None:
        plain.append(app(url, work, "plain"))

    names = CANDIDATES if candidates else ()
    others: dict[str, list[float]] = {name: [] for name in names}

    def candidate(name: str) -> Callable[[], None]:
        def run() -> None:
            result = app(url, work, name)
            if result.size != size:
                raise SystemExit(f"{name} brought {result.size} of {size} bytes")
            others[name].append(result.fetch_s)

        return run

    tools = [
        run_curl,
        run_app("full", apps),
        run_app("serial", serial),
        run_plain,
        *(candidate(name) for name in names),
    ]
    for run in range(runs):
        turn = run % len(tools)
        for tool in tools[turn:] + tools[:turn]:
            tool()
            clear(work)
        result, before = apps[-1], serial[-1]
        print(
            f"  run {run + 1}: curl {curl_s[-1]:.3f} s | app {result.total_s:.3f} s = to the "
            f"last byte {result.fetch_s:.3f} + check after it {result.verify_s:.3f} (early: "
            f"{result.early}) + rename/sidecar {result.finish_s:.3f} | serial "
            f"{before.total_s:.3f} s = {before.fetch_s:.3f} + verify {before.verify_s:.3f} + "
            f"{before.finish_s:.3f} | bare httpx {plain[-1].fetch_s:.3f} s"
            + "".join(f" | {name} {others[name][-1]:.3f} s" for name in names)
        )
    c = statistics.median(curl_s)
    print(f"medians over {runs} runs, {size / MB:.1f} MB:")
    print(line("curl -s -o FILE URL", c, size))
    print(line("app, whole (engine's path)", statistics.median(r.total_s for r in apps), size, c))
    print(line("app, to the last byte", statistics.median(r.fetch_s for r in apps), size, c))
    print(
        line(
            "serial, whole (fetch, then check)",
            statistics.median(r.total_s for r in serial),
            size,
            c,
        )
    )
    print(line("serial, fetch() into .part", statistics.median(r.fetch_s for r in serial), size, c))
    print(
        line(
            "bare httpx AsyncClient stream loop",
            statistics.median(r.fetch_s for r in plain),
            size,
            c,
        )
    )
    for name in names:
        print(line(f"candidate {name} + sha256, 1 MiB", statistics.median(others[name]), size, c))
    paired = statistics.median(c_s / r.total_s for c_s, r in zip(curl_s, apps, strict=True))
    paired_serial = statistics.median(
        c_s / r.total_s for c_s, r in zip(curl_s, serial, strict=True)
    )
    print(
        f"  whole job x curl's speed, median of each round's ratio: app {paired:.2f}, "
        f"serial {paired_serial:.2f}"
    )
    fastest = min(curl_s), min(r.total_s for r in apps), min(r.total_s for r in serial)
    print(
        f"  fastest round of each (the least disturbed by other work): curl {fastest[0]:.3f} s,"
        f" app whole {fastest[1]:.3f} s = {fastest[0] / fastest[1]:.2f}x curl's speed, serial "
        f"whole {fastest[2]:.3f} s = {fastest[0] / fastest[2]:.2f}x"
    )
    print(
        f"  app: check after the last byte median {statistics.median(r.verify_s for r in apps):.3f}"
        f" s (early decode used in {sum(bool(r.early) for r in apps)} of {len(apps)} runs); "
        f"serial verify_playable median {statistics.median(r.verify_s for r in serial):.3f} s; "
        f"rename+sidecar (sha256 from the stream) median "
        f"{statistics.median(r.finish_s for r in apps):.3f} s"
    )
    growth = max(r.rss_growth_fetch_kb for r in apps) / 1024
    whole = max(r.rss_growth_total_kb for r in apps) / 1024
    print(
        f"  app peak RSS growth (worst run): fetch +{growth:.1f} MB, whole +{whole:.1f} MB, "
        f"for a {size / MB:.1f} MB file"
    )


def memory_scaling(sim: Simulator, data: bytes, url: str, work: Path) -> None:
    """RSS growth of `fetch` for a tenth of the file and for all of it: streaming keeps it flat."""
    small = host(sim, data[: len(data) // 10])
    figures = []
    for target, size in ((small, len(data) // 10), (url, len(data))):
        result = app(target, work, "fetch")
        clear(work)
        if result.size != size:
            raise SystemExit(f"fetch of {target} brought {result.size} of {size} bytes")
        figures.append(f"{size / MB:.1f} MB file +{result.rss_growth_fetch_kb / 1024:.1f} MB")
    print("app fetch() peak RSS growth by file size: " + ", ".join(figures))


def resume(sim: Simulator, url: str, size: int, digest: str, work: Path, repeats: int = 3) -> None:
    """The server sends half the bytes and closes; the download must resume, not restart."""
    times: list[AppRun] = []
    for _ in range(repeats):
        before = sim.count("eachlabs", "public")
        sim.inject("eachlabs", "public", Fault.truncated(0.5))
        result = app(url, work)
        clear(work)
        requests = sim.requests("eachlabs", "public")[before:]
        ranges = [r.headers.get("range") or "none" for r in requests]
        if result.size != size or result.sha256 != digest:
            raise SystemExit(f"the resumed download brought back wrong bytes: {result}")
        times.append(result)
    print(
        f"resume, connection dropped at 50% ({repeats} tries): every try complete and its "
        f"sha256 matches; requests per try {len(requests)} (Range: {', '.join(ranges)})"
    )
    print(
        f"  app whole median {statistics.median(r.total_s for r in times):.3f} s = fetch "
        f"{statistics.median(r.fetch_s for r in times):.3f} s (incl. the {BACKOFF_S[0]:g} s "
        f"backoff) + verify/sidecar "
        f"{statistics.median(r.verify_s + r.finish_s for r in times):.3f} s"
    )
    sim.inject("eachlabs", "public", Fault.truncated(0.5))
    dest = work / "curl.mp4"
    first, code = curl(url, dest)
    second, code2 = curl(url, dest, "-C", "-")
    got = dest.stat().st_size if dest.exists() else 0
    clear(work)
    print(
        f"  curl for reference: first call exit {code} after {first:.3f} s, then "
        f"'curl -C -' exit {code2} in {second:.3f} s, {got} of {size} bytes"
    )


def _load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size-mb", type=int, default=150)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--clips", default="hard,typical", help="which clips, in order: hard, typical"
    )
    parser.add_argument(
        "--link-mbit",
        type=float,
        help="send bodies no faster than this (a network link: the client's spare CPU is "
        "then idle, as it is when a provider is not on the same two cores); default loopback",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="full", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, Path(args.folder), args.mode)
        return 0

    clips = [name.strip() for name in args.clips.split(",") if name.strip()]
    makers = {"hard": make_video, "typical": make_typical}
    if not clips or any(name not in makers for name in clips):
        parser.error(f"--clips takes a list of {', '.join(makers)}")
    print(f"machine: {os.cpu_count()} CPUs, load average {_load()} (other work skews the figures)")
    with tempfile.TemporaryDirectory(prefix="seedance-download-bench-") as tmp:
        work = Path(tmp) / "work"
        work.mkdir()
        os.environ.setdefault("SEEDANCE_STUDIO_HOME", str(Path(tmp) / "home"))
        link = f"{args.link_mbit:g} Mbit/s link" if args.link_mbit else "loopback"
        print(f"the simulator sends over: {link}")
        with Simulator(host="127.0.0.1", link_mbit=args.link_mbit) as sim:
            for name in clips:
                path, digest, made = makers[name](args.size_mb)
                print(
                    f"\n== {name} clip: {describe(path)}; "
                    + (f"encoded in {made:.1f} s" if made else f"cached in {path.parent}")
                )
                data = path.read_bytes()
                start = time.perf_counter()
                url = host(sim, data)
                print(f"hosted as an eachlabs upload in {time.perf_counter() - start:.2f} s: {url}")
                print(f"{args.runs} rounds of curl, the app and bare httpx (order rotates):")
                compare(url, len(data), digest, args.runs, work, candidates=name == "hard")
                print(f"  load average after: {_load()}")
                if name == "hard":
                    memory_scaling(sim, data, url, work)
                    resume(sim, url, len(data), digest, work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
