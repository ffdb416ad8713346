"""Bringing a result home: stream to `.part`, resume with Range, verify, rename, write provenance.

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
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from seedance_studio.core import capabilities, paths
from seedance_studio.core.errors import MediaError, NetworkError, NotFoundError
from seedance_studio.core.params import with_defaults
from seedance_studio.core.provider import ResultMedia
from seedance_studio.core.reference import Reference
from seedance_studio.jobs.store import JobRecord, dumps

if TYPE_CHECKING:
    import httpx

MAX_ATTEMPTS = 8
"""Connection drops tolerated per download before giving up (each attempt resumes)."""
BACKOFF_S = (0.2, 0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0)
RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
ACCEPTED_TYPES = ("video/", "application/octet-stream", "binary/octet-stream")
STILL_TYPES = ("image/", "application/octet-stream", "binary/octet-stream")
"""What a last-frame still may be served as."""

Progress = Callable[[int, int | None], None]
"""(bytes so far, total bytes or None)."""


class DownloadError(NetworkError):
    """The result could not be fetched (expired URL, refused, or kept dropping)."""


def _slug(text: str, limit: int = 40) -> str:
    words = re.sub(r"[^\w\s-]", "", text, flags=re.UNICODE).strip().lower()
    slug = re.sub(r"[\s_-]+", "-", words)[:limit].strip("-")
    return slug or "video"


def library_target(library: Path, job: JobRecord, index: int = 0,
                   when: datetime | None = None) -> Path:
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


def _total_from(response: httpx.Response, already: int) -> int | None:
    content_range = response.headers.get("content-range", "")
    if "/" in content_range:
        tail = content_range.rsplit("/", 1)[1]
        if tail.isdigit():
            return int(tail)
    length = response.headers.get("content-length")
    if length and length.isdigit():
        return int(length) + (already if response.status_code == 206 else 0)
    return None


def _backoff(attempt: int) -> float:
    return BACKOFF_S[min(attempt, len(BACKOFF_S) - 1)]


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    try:
        return min(float(value), 60.0)
    except ValueError:
        return None


def _size(path: Path) -> int:
    """Bytes already on disk (a cheap stat; the async code calls it between requests)."""
    return path.stat().st_size if path.exists() else 0


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)


def _check_type(response: httpx.Response, url: str, accepted: tuple[str, ...]) -> None:
    ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype and not ctype.startswith(accepted):
        what = "an image" if accepted == STILL_TYPES else "a video"
        raise DownloadError(f"{url} answered with {ctype!r}, not {what}")


async def fetch(http: httpx.AsyncClient, url: str, part: Path, *,
                progress: Progress | None = None, max_attempts: int = MAX_ATTEMPTS,
                sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                accepted: tuple[str, ...] | None = None) -> int:
    """Stream `url` into `part`, resuming what is already there; returns the final size.

    A 206 answer appends; a 200 answer (server ignored Range) starts over. The download is
    complete only when the size matches the server's total; a short read is a drop.
    """
    import httpx  # loaded with the first download, not at start-up

    part.parent.mkdir(parents=True, exist_ok=True)
    last_error: Exception | None = None
    for attempt in range(max_attempts):
        have = _size(part)
        headers = {"Range": f"bytes={have}-"} if have else {}
        try:
            async with http.stream("GET", url, headers=headers, follow_redirects=True,
                                   timeout=httpx.Timeout(30.0, read=60.0)) as response:
                if response.status_code == 416 and have:
                    total = _total_from(response, 0)
                    if total is None or total == have:
                        return have
                    _remove(part)
                    continue
                if response.status_code in (403, 404, 410):
                    raise NotFoundError(
                        f"the result URL answered {response.status_code}: it may have expired",
                        status_code=response.status_code)
                if response.status_code in RETRYABLE_STATUS:
                    last_error = DownloadError(f"download answered HTTP "
                                               f"{response.status_code}")
                    hint = _retry_after(response)
                    if attempt + 1 < max_attempts:
                        await sleep(hint if hint is not None else _backoff(attempt))
                    continue
                if response.status_code >= 400:
                    raise DownloadError(f"download answered HTTP {response.status_code}",
                                        status_code=response.status_code)
                _check_type(response, url, accepted or ACCEPTED_TYPES)
                appending = response.status_code == 206 and have > 0
                total = _total_from(response, have if appending else 0)
                done = have if appending else 0
                with part.open("ab" if appending else "wb") as out:
                    async for chunk in response.aiter_bytes():
                        out.write(chunk)
                        done += len(chunk)
                        if progress:
                            progress(done, total)
                if total is None or done == total:
                    return done
                last_error = DownloadError(f"connection closed at {done} of {total} bytes")
        except (httpx.TransportError, httpx.StreamError) as exc:
            last_error = exc
        if attempt + 1 < max_attempts:
            await sleep(_backoff(attempt))
    raise DownloadError(f"download of {url} kept failing: {last_error}")


def verify_playable(path: Path) -> None:
    """Open with PyAV and decode one video frame; raise MediaError if it cannot."""
    import av  # PyAV bundles FFmpeg; imported here so the CLI starts fast.

    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise MediaError(str(path), "has no video stream")
            for _frame in container.decode(video=0):
                return
    except MediaError:
        raise
    except Exception as exc:  # PyAV raises many FFmpeg error types
        raise MediaError(str(path), f"is not a playable video ({exc})") from exc
    raise MediaError(str(path), "has no decodable video frame")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _iso(ts: float | None) -> str | None:
    return datetime.fromtimestamp(ts, UTC).isoformat() if ts is not None else None


def reference_entries(job: JobRecord) -> list[dict[str, Any]]:
    """Names, tags, sources, hosted URLs and content hashes of the job's references."""
    snapshot = job.snapshot()
    tags = snapshot.tray().tags()
    entries: list[dict[str, Any]] = []
    for ref in snapshot.references:
        entries.append({
            "tag": tags[ref.id].mention if ref.id in tags else None,
            "kind": ref.kind.value,
            "name": ref.display_name,
            "source": ref.source,
            "original_source": ref.original_source,
            "url": job.ref_urls.get(ref.id) or (ref.source if ref.is_url else None),
            "sha256": _local_hash(ref),
        })
    return entries


def _local_hash(ref: Reference) -> str | None:
    if ref.is_url:
        return None
    with contextlib.suppress(OSError):
        return sha256_file(Path(ref.source))
    return None


def provenance(job: JobRecord, video: Path, media: ResultMedia) -> dict[str, Any]:
    """The sidecar's content: everything needed to know how this video was made (no keys)."""
    snapshot = job.snapshot()
    try:
        sent = snapshot.compiled_prompt()
    except Exception:  # a snapshot that compiled at submit time; never fail the sidecar
        sent = job.prompt_text
    return {
        "format": 1,
        "file": video.name,
        "sha256": sha256_file(video),
        "size_bytes": video.stat().st_size,
        "prompt_sent": sent,
        "prompt_canonical": snapshot.canonical_prompt(),
        "references": reference_entries(job),
        "provider": job.provider,
        "model": _model_id(job),
        "parameters": job.params,
        "parameters_applied": _applied(job),
        "seed": job.params.get("seed"),
        "estimate": job.estimate,
        "estimated_usd": job.estimated_usd,
        "actual_cost": job.actual_cost,
        "actual_usd": job.actual_usd,
        "job": {"id": job.id, "provider_job_id": job.provider_job_id,
                "group_id": job.group_id, "variant": job.variant, "batch": job.batch,
                "retry_of": job.retry_of},
        "result_url": media.url,
        "last_frame": _last_frame(job, video),
        "timestamps": {"created": _iso(job.created_at), "submitted": _iso(job.submitted_at),
                       "succeeded": _iso(job.succeeded_at),
                       "downloaded": datetime.now(UTC).isoformat()},
    }


def _last_frame(job: JobRecord, video: Path) -> str | None:
    """The file name of the last-frame still kept beside `video`, if one was."""
    for index, media in enumerate(job.results):
        if media.kind == "last_frame":
            still = result_target(video, index, media)
            if still.exists():
                return still.name
    return None


def _model_id(job: JobRecord) -> str | None:
    """The model that made the video: the user's pick, else the provider's default (the one
    the request named or the provider fell back to), never a bare null."""
    try:
        return capabilities.get(job.provider).model(job.model).id
    except KeyError:
        return job.model


def _applied(job: JobRecord) -> dict[str, object] | None:
    """`parameters` with every unset option filled with the provider's documented default:
    what the video was made with, as far as the documents say."""
    try:
        snapshot = job.snapshot()
        return with_defaults(snapshot.params, capabilities.get(job.provider)).model_dump(
            mode="json")
    except (KeyError, ValueError):
        return None


def write_sidecar(video: Path, data: Mapping[str, object]) -> Path:
    """`<video>.json`, written to a temp name then renamed (never half a sidecar)."""
    sidecar = video.with_suffix(".json")
    tmp = sidecar.with_name(sidecar.name + ".tmp")
    tmp.write_text(dumps(data), "utf-8")
    tmp.replace(sidecar)
    return sidecar


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
