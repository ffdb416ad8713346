"""Local files for upload: hashing, content types, streaming bodies with progress."""

from __future__ import annotations

import asyncio
import hashlib
import mimetypes
import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from seedance_studio.core.reference import Reference, format_from_name

CHUNK_BYTES = 256 * 1024
FORMAT_TYPES = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
    "mp4": "video/mp4",
    "mov": "video/quicktime",
    "webm": "video/webm",
    "mp3": "audio/mpeg",
    "wav": "audio/x-wav",
    "m4a": "audio/mp4",
    "aac": "audio/aac",
    "ogg": "audio/ogg",
    "flac": "audio/flac",
}
"""Each the type the standard MIME table maps back to the format's extension: a host that
names an upload from its type (eachlabs' presign takes only the type) then keeps `.wav`
(`audio/wav` has no extension there, and a local .wav was stored as `….bin`)."""

Progress = Callable[[str, int, int], None]
"""(reference id, bytes sent, total bytes)."""


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def file_size(path: Path) -> int | None:
    """The size of a regular file, or None when it is missing or not a file."""
    try:
        return path.stat().st_size if path.is_file() else None
    except OSError:
        return None


async def sha256_of(path: Path) -> str:
    return await asyncio.to_thread(_hash_file, path)


def content_type_of(ref: Reference, path: Path) -> str:
    """The MIME type for the upload: from probed facts first, then the file name."""
    if ref.facts is not None and ref.facts.format in FORMAT_TYPES:
        return FORMAT_TYPES[ref.facts.format]
    by_name = format_from_name(path.name)
    if by_name in FORMAT_TYPES:
        return FORMAT_TYPES[by_name]
    guessed, _ = mimetypes.guess_type(path.name)
    if guessed:
        return guessed
    return {"image": "image/png", "video": "video/mp4", "audio": "audio/mpeg"}.get(
        ref.kind.value, "application/octet-stream"
    )


def safe_name(name: str) -> str:
    """A file name fit for an object key or URL path (letters, digits, . _ -)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "file"
    return cleaned[-100:]


async def stream_file(
    path: Path, ref_id: str, total: int, progress: Progress | None
) -> AsyncIterator[bytes]:
    """The file's bytes in chunks, reporting progress after each one."""
    sent = 0
    with path.open("rb") as f:
        while True:
            chunk = await asyncio.to_thread(f.read, CHUNK_BYTES)
            if not chunk:
                break
            sent += len(chunk)
            yield chunk
            if progress is not None:
                progress(ref_id, sent, total)
