"""The playability proof made while a video downloads, and what still refuses a bad one."""

from __future__ import annotations

import asyncio
import os
import threading
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import httpx
import pytest

from seedance_studio.core.errors import MediaError
from seedance_studio.jobs import download as dl
from seedance_studio.jobs import mp4_boxes, playable
from seedance_studio.jobs.states import JobState
from seedance_studio.providers import transfer
from seedance_studio.simulator import Simulator
from tests.jobs.conftest import EngineMaker
from tests.jobs.fakes import ResultServer, exists, make_snapshot, read_bytes
from tests.jobs.test_download_stream import hosted


def noise_clip(path: Path, *, faststart: bool, frames: int = 20) -> bytes:
    """A lossless-noise H.264 MP4, 184 kB a frame (every one a key frame), index first or
    last; 40 frames put more than playable.TAIL_WORTH after the first picture."""
    options = {"movflags": "faststart"} if faststart else {}
    with av.open(str(path), "w", format="mp4", options=options) as out:
        stream = out.add_stream("libx264", rate=24)
        stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
        stream.options = {"preset": "ultrafast", "qp": "0", "g": "1"}
        for index in range(frames):
            frame = av.VideoFrame(320, 240, "yuv420p")
            for plane in frame.planes:
                plane.update(os.urandom(plane.buffer_size))
            frame.pts, frame.time_base = index, Fraction(1, 24)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path.read_bytes()


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("clips")
    return {
        "index first": noise_clip(folder / "first.mp4", faststart=True),
        "index last": noise_clip(folder / "last.mp4", faststart=False, frames=40),
    }


def first_sample(data: bytes, tmp_path: Path) -> tuple[int, int]:
    """(offset, size) of the first video packet of an MP4."""
    path = tmp_path / "probe.mp4"
    path.write_bytes(data)
    with av.open(str(path)) as container:
        packet = next(p for p in container.demux(video=0) if p.size)
        assert packet.pos is not None
        return packet.pos, packet.size


class Gated:
    """A response body that stops at `stop_at` bytes until `gate` opens."""

    def __init__(self, body: Any, gate: threading.Event, stop_at: int) -> None:
        self.body, self.gate, self.stop_at, self.done = body, gate, stop_at, 0

    def readinto(self, buffer: memoryview) -> int:
        if self.done >= self.stop_at:
            assert self.gate.wait(10)
        else:
            buffer = buffer[: self.stop_at - self.done]
        n = int(self.body.readinto(buffer))
        self.done += n
        return n

    def close(self) -> None:
        self.body.close()


@pytest.mark.parametrize("layout", ["index first", "index last"])
async def test_the_first_frame_is_decoded_before_the_last_byte_arrives(
    simulator: Simulator,
    clips: dict[str, bytes],
    layout: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = clips[layout]
    url = hosted(simulator, data)
    gate = threading.Event()
    real_open = transfer.open_url
    # The body stops 100 kB before its end until the test has seen the proof.
    monkeypatch.setattr(
        transfer,
        "open_url",
        lambda *a: (lambda ab: (ab[0], Gated(ab[1], gate, len(data) - 100_000)))(real_open(*a)),
    )
    checks: list[playable.EarlyCheck] = []

    class Seen(playable.EarlyCheck):
        def start(self) -> None:
            checks.append(self)
            super().start()

    monkeypatch.setattr(playable, "EarlyCheck", Seen)
    part = tmp_path / "v.mp4.part"
    async with httpx.AsyncClient(trust_env=False) as http:
        task = asyncio.create_task(playable.fetch_video(http, url, part))
        async with asyncio.timeout(10):
            while not (checks and checks[0].result.done()):  # noqa: ASYNC110 (a thread's future)
                await asyncio.sleep(0.01)
        proof = checks[0].result.result()
        assert proof is not None
        assert part.stat().st_size < len(data)  # proved while the body was still coming
        assert (proof.tail is None) == (layout == "index first")
        gate.set()
        fetched, early = await task
    assert early
    assert fetched.size == len(data) and part.read_bytes() == data


class TailFirst(ResultServer):
    """Sends the first MB of a download, then the rest only once the tail was asked for;
    answers the tail's Range as asked (`whole_only` False) or with the whole file (True)."""

    def __init__(self, video: bytes, *, whole_only: bool = False) -> None:
        super().__init__(video)
        self.whole_only = whole_only
        self.tail_asked = asyncio.Event()

    async def serve(self, request: httpx.Request) -> httpx.Response:
        if request.headers.get("range"):
            self.tail_asked.set()
            if self.whole_only:
                request.headers.pop("range")
            return self.handler(request)
        self.requests.append(request)
        return httpx.Response(
            200,
            headers={"content-type": "video/mp4", "content-length": str(len(self.video))},
            stream=_Paced(self.video, self.tail_asked),
        )

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self.serve))


class _Paced(httpx.AsyncByteStream):
    def __init__(self, data: bytes, event: asyncio.Event) -> None:
        self.data, self.event = data, event

    async def __aiter__(self) -> Any:
        yield self.data[:1_000_000]
        async with asyncio.timeout(10):
            await self.event.wait()
        yield self.data[1_000_000:]


@pytest.mark.parametrize("whole_only", [False, True])
async def test_the_index_at_the_end_is_asked_for_apart(
    clips: dict[str, bytes], whole_only: bool, tmp_path: Path
) -> None:
    """One Range request for what follows the pictures; a server that answers it with the
    whole file is not read, and the index is then read when the download brings it."""
    data = clips["index last"]
    server = TailFirst(data, whole_only=whole_only)
    async with server.client() as http:
        fetched, early = await playable.fetch_video(http, "https://r.example/v.mp4", tmp_path / "p")
    assert early and fetched.size == len(data)
    layout = list(mp4_boxes.top_level(lambda o, n: data[o : o + n], len(data)))
    mdat = next(box for box in layout if box.kind == b"mdat")
    ranges = [r.headers.get("range") for r in server.requests]
    assert ranges == [None, None if whole_only else f"bytes={mdat.end}-"]


@pytest.mark.parametrize("layout", ["index first", "index last"])
async def test_a_corrupt_first_picture_is_refused(
    clips: dict[str, bytes], layout: str, tmp_path: Path
) -> None:
    data = bytearray(clips[layout])
    offset, size = first_sample(bytes(data), tmp_path)
    data[offset : offset + size] = os.urandom(size)
    server = ResultServer(bytes(data))
    async with server.client() as http:
        with pytest.raises(MediaError, match="not a playable video"):
            await playable.fetch_video(http, "https://r.example/v.mp4", tmp_path / "p")


async def test_a_cut_file_served_whole_is_refused(clips: dict[str, bytes], tmp_path: Path) -> None:
    """Its first frame decodes (the index is first), but its `mdat` runs past the end."""
    data = clips["index first"]
    server = ResultServer(data[: len(data) * 2 // 3])
    async with server.client() as http:
        with pytest.raises(MediaError, match="cut short"):
            await playable.fetch_video(http, "https://r.example/v.mp4", tmp_path / "p")


async def test_a_part_started_over_is_checked_in_full(
    clips: dict[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the early decode read may be gone: the whole check runs on the file as it is."""

    class NoRange(ResultServer):
        def handler(self, request: httpx.Request) -> httpx.Response:
            request.headers.pop("range", None)
            return super().handler(request)

    data = clips["index first"]
    part = tmp_path / "v.mp4.part"
    part.write_bytes(b"\0" * 500_000)  # a stale part the server will not continue
    full: list[Path] = []
    monkeypatch.setattr(dl, "verify_playable", lambda path: full.append(path))
    async with NoRange(data).client() as http:
        fetched, early = await playable.fetch_video(http, "https://r.example/v.mp4", part)
    assert part.read_bytes() == data and fetched.size == len(data)
    assert not early and full == [part]


async def test_a_body_that_is_not_a_video_gets_the_full_check(tmp_path: Path) -> None:
    server = ResultServer(b"<html>error page</html>" * 50)
    async with server.client() as http:
        with pytest.raises(MediaError, match="not a playable video"):
            await playable.fetch_video(http, "https://r.example/v.mp4", tmp_path / "p")


def test_layout_refuses_a_cut_file_and_one_without_a_video_track(
    clips: dict[str, bytes], tmp_path: Path
) -> None:
    whole = tmp_path / "whole.mp4"
    whole.write_bytes(clips["index last"])
    playable.check_layout(whole)
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(clips["index last"][:-200])
    with pytest.raises(MediaError, match="cut short"):
        playable.check_layout(cut)
    sound = tmp_path / "sound.mp4"
    with av.open(str(sound), "w", format="mp4") as out:
        stream = out.add_stream("aac", rate=48_000)
        frame = av.AudioFrame(format="fltp", layout="mono", samples=1024)
        frame.planes[0].update(bytes(frame.planes[0].buffer_size))
        frame.sample_rate, frame.pts = 48_000, 0
        out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    with pytest.raises(MediaError, match="no video track"):
        playable.check_layout(sound)
    html = tmp_path / "page.mp4"
    html.write_bytes(b"<html>error page</html>")
    playable.check_layout(html)  # not boxes: FFmpeg's to judge


async def test_the_engine_tries_a_corrupt_video_twice_then_keeps_the_job_succeeded(
    make_engine: EngineMaker, results: ResultServer, clips: dict[str, bytes], tmp_path: Path
) -> None:
    data = bytearray(clips["index first"])
    offset, size = first_sample(bytes(data), tmp_path)
    data[offset : offset + size] = os.urandom(size)
    results.video = bytes(data)
    engine = make_engine()
    [job_id] = await engine.submit(make_snapshot())
    [job] = await engine.wait([job_id])
    assert job.state is JobState.SUCCEEDED  # paid: the file is tried again later
    assert "playable" in (job.message or "")
    assert not exists(job.result_path)
    assert [r.headers.get("range") for r in results.requests] == [None, None]


async def test_the_engine_keeps_a_good_video_checked_early(
    make_engine: EngineMaker,
    results: ResultServer,
    clips: dict[str, bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    full: list[Path] = []
    real = dl.verify_playable

    def verify(path: Path) -> None:
        full.append(path)
        real(path)

    monkeypatch.setattr(dl, "verify_playable", verify)
    results.video = clips["index first"]
    engine = make_engine()
    [job_id] = await engine.submit(make_snapshot())
    [job] = await engine.wait([job_id])
    assert job.state is JobState.DONE, job.message
    assert read_bytes(job.result_path) == clips["index first"]
    assert full == []  # the early decode stood for the file; no second decode after it


async def test_without_a_thread_for_it_the_full_check_runs(
    clips: dict[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class NoThread(threading.Thread):
        def start(self) -> None:
            raise RuntimeError("can't start new thread")

    class Starved(playable.EarlyCheck):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            self._thread = NoThread()

    monkeypatch.setattr(playable, "EarlyCheck", Starved)
    data = clips["index first"]
    async with ResultServer(data).client() as http:
        fetched, early = await playable.fetch_video(http, "https://r.example/v.mp4", tmp_path / "p")
    assert not early and fetched.size == len(data)
