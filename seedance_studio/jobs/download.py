"""Bringing a result home: stream to `.part`, resume with Range, verify, rename (the provenance
sidecar beside it is jobs/sidecar.py).

Result URLs expire (hours to days), so the engine calls this as soon as a job succeeds. The
`.part` file lives next to its final name, so the last step is one atomic rename on the same
file system, and a crash at any point leaves either a resumable `.part` or the finished file.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import re
import shutil
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

from seedance_studio.core import paths
from seedance_studio.core.errors import MediaError, NetworkError, NotFoundError
from seedance_studio.core.i18n import _
from seedance_studio.core.provider import ResultMedia
from seedance_studio.jobs.store import JobRecord
from seedance_studio.providers import transfer
from seedance_studio.providers.transfer import Answer, Hasher

if TYPE_CHECKING:
    import httpx

MAX_ATTEMPTS = 8
"""Connection drops tolerated per download before giving up (each attempt resumes)."""
BACKOFF_S = (0.2, 0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0)
RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
ACCEPTED_TYPES = ("video/", "application/octet-stream", "binary/octet-stream")
STILL_TYPES = ("image/", "application/octet-stream", "binary/octet-stream")
"""What a last-frame still may be served as."""
READ_TIMEOUT_S = 60.0
"""Connecting, or waiting for the next bytes, longer than this is a drop."""

Progress = Callable[[int, int | None], None]
"""(bytes so far, total bytes or None)."""


class Watcher(Protocol):
    """Told what the `.part` holds as it grows (jobs/playable.py reads it meanwhile)."""

    def holds(self, size: int, total: int | None = None) -> None:
        """The file now has `size` bytes, fewer than told before if it was started over."""

    def wrote(self, size: int) -> None:
        """Bytes up to `size` are written (an append; any thread)."""


class DownloadError(NetworkError):
    """The result could not be fetched (expired URL, refused, or kept dropping)."""


def _slug(text: str, limit: int = 40) -> str:
    words = re.sub(r"[^\w\s-]", "", text, flags=re.UNICODE).strip().lower()
    slug = re.sub(r"[\s_-]+", "-", words)[:limit].strip("-")
    return slug or "video"


def library_target(
    library: Path, job: JobRecord, index: int = 0, when: datetime | None = None
) -> Path:
    """`<library>/<YYYY-MM-DD>/<prompt-slug>-<job id>[-<n>].mp4`; never an existing file."""
    day = (when or datetime.now(UTC)).astimezone().strftime("%Y-%m-%d")
    stem = f"{_slug(job.prompt_text)}-job{job.id}" + (f"-{index + 1}" if index else "")
    folder = library / day
    candidate = folder / f"{stem}.mp4"
    n = 2
    while candidate.exists():
        candidate = folder / f"{stem}~{n}.mp4"
        n += 1
    return candidate


def result_target(final: Path, index: int, media: ResultMedia) -> Path:
    """Where result `index` of a job goes beside its video: the video itself, a numbered
    sibling for further videos, `<video stem>.last-frame.<ext>` for the last-frame still."""
    if media.kind == "last_frame":
        suffix = Path(urlsplit(media.url or "").path).suffix.lower()
        return final.with_name(f"{final.stem}.last-frame{suffix if suffix in STILLS else '.png'}")
    return final if index == 0 else final.with_name(f"{final.stem}-{index + 1}{final.suffix}")


STILLS = frozenset({".png", ".jpg", ".jpeg", ".webp"})


def part_path(final: Path) -> Path:
    return final.with_name(final.name + ".part")


def _total_from(answer: Answer, already: int) -> int | None:
    content_range = answer.headers.get("content-range", "")
    if "/" in content_range:
        tail = content_range.rsplit("/", 1)[1]
        if tail.isdigit():
            return int(tail)
    length = answer.headers.get("content-length")
    if length and length.isdigit():
        return int(length) + (already if answer.status == 206 else 0)
    return None


def _backoff(attempt: int) -> float:
    return BACKOFF_S[min(attempt, len(BACKOFF_S) - 1)]


def _retry_after(answer: Answer) -> float | None:
    value = answer.headers.get("retry-after", "")
    try:
        return min(float(value), 60.0)
    except ValueError:
        return None


def _size(path: Path) -> int:
    """Bytes already on disk (a cheap stat; the async code calls it between requests)."""
    return path.stat().st_size if path.exists() else 0


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)


def _check_type(answer: Answer, url: str, accepted: tuple[str, ...]) -> None:
    ctype = answer.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype and not ctype.startswith(accepted):
        what = _("an image") if accepted == STILL_TYPES else _("a video")
        raise DownloadError(
            _("{url} answered with {type}, not {what}").format(url=url, type=repr(ctype), what=what)
        )


@dataclass(frozen=True)
class Fetched:
    """A complete `.part`: its size and the sha256 of its bytes, hashed as they streamed."""

    size: int
    sha256: str


@dataclass(frozen=True)
class _Step:
    """What one attempt ended with: complete (`size`), or try again (after `wait`)."""

    size: int | None = None
    error: Exception | None = None
    wait: float | None = None


_AGAIN_NOW = _Step(wait=0.0)


def _judge(
    answer: Answer, url: str, part: Path, have: int, accepted: tuple[str, ...]
) -> _Step | None:
    """The status's meaning, shared by both transports; None: stream the body."""
    if answer.status == 416 and have:
        total = _total_from(answer, 0)
        if total is None or total == have:
            return _Step(size=have)
        _remove(part)
        return _AGAIN_NOW
    if answer.status in (403, 404, 410):
        raise NotFoundError(
            _("the result URL answered {status}: it may have expired").format(status=answer.status),
            status_code=answer.status,
        )
    if answer.status in RETRYABLE_STATUS:
        return _Step(
            error=DownloadError(_("download answered HTTP {status}").format(status=answer.status)),
            wait=_retry_after(answer),
        )
    if answer.status >= 400:
        raise DownloadError(
            _("download answered HTTP {status}").format(status=answer.status),
            status_code=answer.status,
        )
    _check_type(answer, url, accepted)
    return None


def _prepare(
    answer: Answer, part: Path, have: int, hasher: Hasher, watcher: Watcher | None
) -> tuple[bool, int | None]:
    """(appending, total) for a body about to stream; the hash restarts with what is kept."""
    appending = answer.status == 206 and have > 0
    kept = have if appending else 0
    if hasher.count != kept:
        hasher.resume_from(part, kept)
    total = _total_from(answer, kept)
    if watcher is not None:
        watcher.holds(kept, total)
    return appending, total


def _ended(done: int, total: int | None) -> _Step:
    if total is None or done == total:
        return _Step(size=done)
    return _Step(
        error=DownloadError(
            _("connection closed at {done} of {total} bytes").format(done=done, total=total)
        )
    )


async def fetch(
    http: httpx.AsyncClient,
    url: str,
    part: Path,
    *,
    progress: Progress | None = None,
    max_attempts: int = MAX_ATTEMPTS,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    accepted: tuple[str, ...] | None = None,
    watcher: Watcher | None = None,
) -> Fetched:
    """Stream `url` into `part`, resuming what is already there; returns size and sha256.

    A 206 answer appends; a 200 answer (server ignored Range) starts over. The download is
    complete only when the size matches the server's total; a short read is a drop. On the
    network the body streams in a worker thread (providers/transfer.py, the line rate); a client
    with its own transport (a test's, an app's mock) is read through that client instead.
    `watcher` hears every write as it lands (the file is written unbuffered) and every start
    over.
    """
    import httpx  # loaded with the first download, not at start-up

    part.parent.mkdir(parents=True, exist_ok=True)
    threaded = transfer.on_the_network(http)
    kinds = accepted or ACCEPTED_TYPES
    hasher = Hasher()
    last_error: Exception | None = None
    for attempt in range(max_attempts):
        have = _size(part)
        if watcher is not None:
            watcher.holds(have)
        headers = {"Range": f"bytes={have}-"} if have else {}
        step: _Step | None = None
        try:
            if threaded:
                step = await _attempt_in_thread(
                    url, part, have, headers, hasher, progress, kinds, watcher
                )
            else:
                step = await _attempt_httpx(
                    http, url, part, have, headers, hasher, progress, kinds, watcher
                )
        except (httpx.TransportError, httpx.StreamError, OSError) as exc:
            if isinstance(exc, FileNotFoundError | PermissionError | IsADirectoryError):
                raise
            last_error = exc
        if step is not None:
            if step.size is not None:
                if hasher.count != step.size:  # complete already (416): hash what is there
                    await asyncio.to_thread(hasher.resume_from, part, step.size)
                return Fetched(step.size, hasher.hexdigest())
            if step is _AGAIN_NOW:
                continue
            last_error = step.error
        if attempt + 1 < max_attempts:
            wait = step.wait if step is not None and step.wait is not None else _backoff(attempt)
            await sleep(wait)
    raise DownloadError(
        _("download of {url} kept failing: {error}").format(url=url, error=last_error)
    )


async def _attempt_httpx(
    http: httpx.AsyncClient,
    url: str,
    part: Path,
    have: int,
    headers: dict[str, str],
    hasher: Hasher,
    progress: Progress | None,
    accepted: tuple[str, ...],
    watcher: Watcher | None,
) -> _Step:
    import httpx

    async with http.stream(
        "GET", url, headers=headers, follow_redirects=True, timeout=httpx.Timeout(30.0, read=60.0)
    ) as response:
        answer = Answer.of(response.status_code, response.headers.items())
        step = _judge(answer, url, part, have, accepted)
        if step is not None:
            return step
        appending, total = _prepare(answer, part, have, hasher, watcher)
        done = have if appending else 0
        with part.open("ab" if appending else "wb", buffering=0) as out:
            async for chunk in response.aiter_bytes():
                out.write(chunk)
                hasher.update(chunk)
                done += len(chunk)
                if watcher is not None:
                    watcher.wrote(done)
                if progress:
                    progress(done, total)
        return _ended(done, total)


async def _attempt_in_thread(
    url: str,
    part: Path,
    have: int,
    headers: dict[str, str],
    hasher: Hasher,
    progress: Progress | None,
    accepted: tuple[str, ...],
    watcher: Watcher | None,
) -> _Step:
    loop = asyncio.get_running_loop()
    stop = threading.Event()
    total: list[int | None] = [None]

    def on_bytes(done: int) -> None:
        if progress is not None and not stop.is_set():
            loop.call_soon_threadsafe(progress, done, total[0])

    def attempt() -> _Step:
        answer, body = transfer.open_url(url, headers, READ_TIMEOUT_S)
        with contextlib.closing(body):
            step = _judge(answer, url, part, have, accepted)
            if step is not None:
                return step
            appending, total[0] = _prepare(answer, part, have, hasher, watcher)
            with part.open("ab" if appending else "wb", buffering=0) as out:
                done = transfer.pump(
                    body,
                    out,
                    hasher,
                    have if appending else 0,
                    on_bytes=on_bytes,
                    stop=stop,
                    on_write=watcher.wrote if watcher is not None else None,
                )
            return _ended(done, total[0])

    worker = loop.run_in_executor(None, attempt)
    try:
        return await asyncio.shield(worker)
    except asyncio.CancelledError:
        # Stop the worker at its next buffer and wait for it: once a cancelled fetch has
        # returned, nothing writes to the `.part` any more (a new attempt may open it).
        stop.set()
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await worker
        raise


def verify_playable(path: Path) -> None:
    """Open with PyAV and decode one video frame; raise MediaError if it cannot."""
    import av  # PyAV bundles FFmpeg; imported here so the CLI starts fast.

    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise MediaError(str(path), _("has no video stream"))
            for _frame in container.decode(video=0):
                return
    except MediaError:
        raise
    except Exception as exc:  # PyAV raises many FFmpeg error types
        raise MediaError(
            str(path), _("is not a playable video ({error})").format(error=exc)
        ) from exc
    raise MediaError(str(path), _("has no decodable video frame"))


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def adopt_local(media_path: Path, final: Path, *, cache: Path | None = None) -> None:
    """Bring a file the provider wrote (animatic render, b64 result) into the library.

    A file in the app's cache (`cache`, by default paths.cache_dir()) is moved: it was
    written for this job, and a second copy would only fill the disk. Anything else is
    copied, since it is not the app's to take away.
    """
    final.parent.mkdir(parents=True, exist_ok=True)
    part = part_path(final)
    if not media_path.exists() and part.exists():
        verify_playable(part)  # moved before a crash cut the last rename short
        part.replace(final)
        return
    if _inside(media_path, cache if cache is not None else paths.cache_dir()):
        verify_playable(media_path)
        shutil.move(media_path, part)  # a rename on one file system
    else:
        shutil.copyfile(media_path, part)
        verify_playable(part)
    part.replace(final)


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False
