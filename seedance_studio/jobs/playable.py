"""Proving a downloaded video plays, mostly while it is still downloading.

Why: decoding the first frame after the last byte costs 20-100 ms of FFmpeg on a large
picture, a third of a fast link's whole download. So while the body streams, a thread opens
the growing `.part` with PyAV through a reader that waits for bytes not yet written, and
decodes the first frame as soon as its bytes are there. When the index (`moov`) comes after
the pictures, its bytes are asked for with one Range request, so the frame decodes from the
file's head and that tail long before the middle arrives (a small rest, or a server that
will not send the tail alone, is waited for instead).

After the last byte only a cheap check runs (`settle`): the file holds every box it
announces (not cut short), its index names a video track, and the bytes the early decode
read are the file's (the `.part` was not started over since, and the tail it was given
equals the file's end). When the early decode could not run (not an MP4, an index after the
pictures with no size known) or failed, the full check runs on the complete file as before,
so a corrupt or non-video body is refused exactly as before.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from seedance_studio.core.errors import MediaError
from seedance_studio.core.i18n import _
from seedance_studio.jobs import download as dl
from seedance_studio.jobs import mp4_boxes as boxes

if TYPE_CHECKING:
    import av.container
    import httpx

log = logging.getLogger(__name__)

TAIL_LIMIT = 8 << 20
"""An index after the pictures larger than this is not asked for apart (a 15 s clip's is
a few kB)."""
TAIL_WORTH = 4 << 20
"""The index is asked for apart only while more than this is still to come."""
TAIL_TIMEOUT_S = 30.0
READER_BUFFER = 1 << 16
LEAN_OPEN = {"skip_frame": "all", "probesize": "32"}
"""Opening reads the index and one packet and decodes nothing: FFmpeg would otherwise decode
frames to learn what the decode below finds out anyway."""


class _GoneError(Exception):
    """The download ended without the file, or started it over: what was read is void."""


class GrowingPart:
    """What a download has written to its `.part`, for a reader in another thread.

    The `.part` is only ever appended to, except when the download starts it over (the
    server ignored Range, or the kept part was wrong): then `generation` changes, and every
    proof read from the earlier bytes is void.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self.written = 0
        self.total: int | None = None
        self.generation = 0
        self._state = "open"

    def holds(self, size: int, total: int | None = None) -> None:
        with self._changed:
            if size < self.written:
                self.generation += 1
            self.written = size
            if total is not None:
                self.total = total
            self._changed.notify_all()

    def wrote(self, size: int) -> None:
        with self._changed:
            self.written = size
            self._changed.notify_all()

    def complete(self) -> None:
        """Every byte is written: a read past them is the end of the file."""
        self._end("complete")

    def abandon(self) -> None:
        """The download failed or was cancelled: a waiting reader gives up."""
        self._end("gone")

    def _end(self, state: str) -> None:
        with self._changed:
            self._state = state
            self._changed.notify_all()

    def wait_for(self, end: int, generation: int) -> int:
        """Bytes on disk once `end` of them are (fewer only at the end of the file)."""
        with self._changed:
            while True:
                if self._state == "gone" or self.generation != generation:
                    raise _GoneError
                if self.written >= end or self._state == "complete":
                    return self.written
                self._changed.wait()


class _Reader:
    """The file PyAV reads: the growing `.part`, and past `tail_at` the tail asked apart."""

    def __init__(
        self, file: IO[bytes], part: GrowingPart, generation: int, tail: tuple[int, bytes] | None
    ) -> None:
        self.file, self.part, self.generation, self.tail = file, part, generation, tail
        self.pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = 0) -> int:
        if whence == 1:
            offset += self.pos
        elif whence == 2:
            if self.part.total is None:
                raise OSError("the size is not known yet")
            offset += self.part.total
        self.pos = max(0, offset)
        return self.pos

    def read_at(self, offset: int, count: int) -> bytes:
        if self.tail is not None and offset >= self.tail[0]:
            start = offset - self.tail[0]
            return self.tail[1][start : start + count]
        end = offset + count
        if self.tail is not None:
            end = min(end, self.tail[0])
        available = min(end, self.part.wait_for(end, self.generation))
        if available <= offset:
            return b""
        self.file.seek(offset)
        return self.file.read(available - offset)

    def read(self, count: int = -1) -> bytes:
        data = self.read_at(self.pos, count if count >= 0 else READER_BUFFER)
        self.pos += len(data)
        return data


@dataclass(frozen=True)
class Proof:
    """A first frame decoded early, from the `.part`'s bytes of `generation` (and `tail`)."""

    generation: int
    tail: tuple[int, bytes] | None


TailFetch = Callable[[int], bytes | None]
"""The file's bytes from an offset to its end, asked apart; None when not to be had."""


class EarlyCheck:
    """Decodes the first frame of a growing `.part` in a thread of its own.

    Not the shared executor: the check waits for the download's bytes, and the download's
    own worker may be queued behind it there.
    """

    def __init__(self, path: Path, part: GrowingPart, tail: TailFetch) -> None:
        self.path, self.part, self._tail = path, part, tail
        self.result: concurrent.futures.Future[Proof | None] = concurrent.futures.Future()
        self._thread = threading.Thread(target=self._run, name="early-video-check", daemon=True)

    def start(self) -> None:
        try:
            self._thread.start()
        except RuntimeError:  # no thread to be had: the full check runs after the download
            self.result.set_result(None)

    def _run(self) -> None:
        try:
            proof = self._prove()
        except _GoneError:
            proof = None
        except Exception as exc:  # any failure here only means the full check runs
            log.debug("early check of %s did not prove it: %s", self.path, exc)
            proof = None
        self.result.set_result(proof)

    def _prove(self) -> Proof | None:
        import av  # PyAV loads here while the body streams (0.15-0.4 s in a fresh process)

        generation = self.part.generation
        self.part.wait_for(16, generation)
        with self.path.open("rb") as file:
            reader = _Reader(file, self.part, generation, None)
            total = self.part.total
            for box in boxes.top_level(reader.read_at, total):
                if box.kind == b"moov":
                    break
                if box.kind == b"mdat":  # the index comes later: ask for it, or wait for it
                    reader.tail = self._ask_tail(box.end, total)
                    break
            else:
                return None
            with av.open(
                reader, "r", format="mov", options=LEAN_OPEN, buffer_size=READER_BUFFER
            ) as container:
                if not container.streams.video:
                    return None
                return Proof(generation, reader.tail) if _first_frame(container) else None

    def _ask_tail(self, start: int, total: int | None) -> tuple[int, bytes] | None:
        if total is None or not 8 <= total - start <= TAIL_LIMIT:
            return None
        if total - self.part.written < TAIL_WORTH:
            return None  # the rest, index included, comes about as soon as an answer would
        data = self._tail(start)
        if data is None or len(data) != total - start:
            return None
        return start, data


def _first_frame(container: av.container.InputContainer) -> bool:
    """Whether the first video packet decodes to a picture: it is sent, then the decoder is
    drained, so one picture is decoded however many frames its reordering holds back."""
    stream = container.streams.video[0]
    decoder = stream.codec_context
    decoder.thread_count = 1  # one core: the download's thread needs the other
    for packet in container.demux(stream):
        if packet.size:
            return bool(decoder.decode(packet) or decoder.decode(None))
    return False


def check_layout(path: Path) -> None:
    """Refuse an MP4 that is cut short (a box runs past the end) or whose index has no video
    track; a file that is not made of boxes is FFmpeg's to judge."""
    size = path.stat().st_size
    with path.open("rb") as file:

        def read_at(offset: int, count: int) -> bytes:
            file.seek(offset)
            return file.read(count)

        index: boxes.Box | None = None
        try:
            for box in boxes.top_level(read_at, size):
                if box.offset == 0 and box.kind not in boxes.FIRST_KINDS:
                    return
                if box.end > size:
                    raise MediaError(
                        str(path),
                        _("is cut short ({size} of {total} bytes)").format(
                            size=size, total=box.end
                        ),
                    )
                if box.kind == b"moov" and index is None:
                    index = box
        except boxes.NotBoxesError:
            if index is None:
                return
        if index is None or index.size > boxes.INDEX_LIMIT:
            return
        payload = read_at(index.offset + index.header, index.size - index.header)
    if not boxes.has_video_track(payload):
        raise MediaError(str(path), _("has no video track"))


def settle(path: Path, part: GrowingPart, check: EarlyCheck) -> bool:
    """After the last byte: the cheap check when the early decode stands for this file,
    else the full one. True when the early decode was used."""
    proof = check.result.result()
    used = proof is not None and proof.generation == part.generation and _tail_is(path, proof)
    if not used:
        dl.verify_playable(path)
    check_layout(path)
    return used


def _tail_is(path: Path, proof: Proof) -> bool:
    if proof.tail is None:
        return True
    start, data = proof.tail
    with path.open("rb") as file:
        file.seek(start)
        return file.read(len(data) + 1) == data


async def _get_tail(http: httpx.AsyncClient, url: str, start: int) -> bytes | None:
    """`url`'s bytes from `start` to the end, if the server sends just those."""
    async with http.stream(
        "GET", url, headers={"Range": f"bytes={start}-"}, follow_redirects=True
    ) as response:
        if response.status_code != 206:
            return None
        if not response.headers.get("content-range", "").startswith(f"bytes {start}-"):
            return None
        data = bytearray()
        async for chunk in response.aiter_bytes():
            data += chunk
            if len(data) > TAIL_LIMIT:
                return None
        return bytes(data)


async def fetch_video(
    http: httpx.AsyncClient, url: str, part: Path, *, progress: dl.Progress | None = None
) -> tuple[dl.Fetched, bool]:
    """`download.fetch` of a video, its playability proved; MediaError if it does not play.

    Also says whether the proof came from the early decode (the check after the last byte
    was the cheap one)."""
    loop = asyncio.get_running_loop()
    growing = GrowingPart()

    def tail(start: int) -> bytes | None:  # in the check's thread; the request on the loop
        future = asyncio.run_coroutine_threadsafe(_get_tail(http, url, start), loop)
        try:
            return future.result(TAIL_TIMEOUT_S)
        except Exception:  # no tail only means the full check runs
            future.cancel()
            return None

    check = EarlyCheck(part, growing, tail)
    check.start()
    try:
        fetched = await dl.fetch(http, url, part, progress=progress, watcher=growing)
    except BaseException:
        growing.abandon()
        raise
    growing.complete()
    early = await asyncio.to_thread(settle, part, growing, check)
    return fetched, early
