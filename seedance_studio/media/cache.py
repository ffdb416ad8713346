"""Where conformed copies live: named by the source's content hash and the target settings,
so the same file conformed to the same target is made once."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from seedance_studio.core import paths

_CHUNK = 1 << 20
_known: dict[tuple[str, int, int], str] = {}
_lock = threading.Lock()


def conformed_dir() -> Path:
    path = paths.cache_dir() / "conformed"
    path.mkdir(parents=True, exist_ok=True)
    return path


def content_hash(path: Path) -> str:
    """SHA-256 of the file's bytes, remembered per (path, size, mtime) for this session."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    with _lock:
        known = _known.get(key)
    if known is not None:
        return known
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    value = digest.hexdigest()
    with _lock:
        _known[key] = value
    return value


def cached_path(source_hash: str, settings_key: str, extension: str) -> Path:
    """The cache file for a source (by hash) conformed with `settings_key`."""
    key = hashlib.sha256(f"{source_hash}\n{settings_key}".encode()).hexdigest()[:32]
    return conformed_dir() / f"{key}.{extension}"
