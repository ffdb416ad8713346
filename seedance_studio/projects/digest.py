"""Content hashes of local files, computed once per (path, size, modification time)."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

CHUNK = 1 << 20


@dataclass(frozen=True)
class FileDigest:
    sha256: str
    size: int


def sha256_of(path: Path, cancel: threading.Event | None = None) -> str | None:
    """The file's sha256 in hex; None when `cancel` was set while reading."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            if cancel is not None and cancel.is_set():
                return None
            h.update(chunk)
    return h.hexdigest()


class DigestCache:
    """Thread-safe memo of file hashes; a file that changed on disk is hashed again."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._known: dict[tuple[str, int, int], str] = {}

    def cached(self, path: Path) -> FileDigest | None:
        """The hash if known for the file as it is now (never reads the file)."""
        try:
            st = path.stat()
        except OSError:
            return None
        with self._lock:
            digest = self._known.get((str(path), st.st_size, st.st_mtime_ns))
        return None if digest is None else FileDigest(digest, st.st_size)

    def digest(self, path: Path) -> FileDigest | None:
        """The hash, reading the file when it is not known (None if it cannot be read)."""
        try:
            st = path.stat()
            key = (str(path), st.st_size, st.st_mtime_ns)
            with self._lock:
                known = self._known.get(key)
            if known is None:
                known = sha256_of(path)
                assert known is not None
                with self._lock:
                    self._known[key] = known
        except OSError:
            return None
        return FileDigest(known, st.st_size)

    def remember(self, path: Path, sha256: str) -> None:
        """A hash learnt elsewhere (relinking found this file by it)."""
        try:
            st = path.stat()
        except OSError:
            return
        with self._lock:
            self._known[(str(path), st.st_size, st.st_mtime_ns)] = sha256


DIGESTS = DigestCache()
"""The process-wide memo (saves, autosaves and the library share it)."""
