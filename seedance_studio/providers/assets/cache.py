"""Which local files are already hosted where: content hash + host -> URL, with expiry.

A small JSON file in the cache folder; eachlabs URLs never expire, presigned S3 URLs do, and an
entry is only reused while enough of its life is left for a provider to fetch it.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from seedance_studio.core import paths

CACHE_FILE = "uploads.json"
CACHE_VERSION = 1
MIN_REMAINING_S = 3600.0
"""An expiring URL is reused only if it stays valid this much longer (or half its life,
whichever is shorter): a queued job may fetch its references minutes after submission."""


@dataclass(frozen=True)
class HostedFile:
    url: str
    expires_at: float | None
    """Epoch seconds; None for permanent URLs."""
    uploaded_at: float
    size: int


class UploadCache:
    """Thread-safe, persisted map of (host id, sha256) to the URL a file was uploaded to."""

    def __init__(self, path: Path | None = None, *, clock: Callable[[], float] = time.time) -> None:
        self.path = path or paths.cache_dir() / CACHE_FILE
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[str, HostedFile] = {}
        self._load()

    @staticmethod
    def key(host_id: str, digest: str) -> str:
        return f"{host_id}|{digest}"

    def _load(self) -> None:
        try:
            raw = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            return
        if not isinstance(raw, dict) or raw.get("version") != CACHE_VERSION:
            return
        for key, value in (raw.get("entries") or {}).items():
            with contextlib.suppress(KeyError, TypeError, ValueError):
                self._entries[key] = HostedFile(
                    url=str(value["url"]),
                    expires_at=None
                    if value.get("expires_at") is None
                    else float(value["expires_at"]),
                    uploaded_at=float(value.get("uploaded_at", 0.0)),
                    size=int(value.get("size", 0)),
                )

    def _usable(self, entry: HostedFile, now: float) -> bool:
        if entry.expires_at is None:
            return True
        life = entry.expires_at - entry.uploaded_at
        margin = min(MIN_REMAINING_S, max(life, 0.0) / 2)
        return entry.expires_at - now > margin

    def get(self, host_id: str, digest: str) -> HostedFile | None:
        with self._lock:
            entry = self._entries.get(self.key(host_id, digest))
            if entry is None or not self._usable(entry, self._clock()):
                return None
            return entry

    def hosts_of(self, digest: str) -> dict[str, HostedFile]:
        """Every host holding a still-usable copy of the file with this hash (the reference
        library shows them)."""
        now = self._clock()
        with self._lock:
            return {
                key.rsplit("|", 1)[0]: entry
                for key, entry in self._entries.items()
                if key.endswith(f"|{digest}") and self._usable(entry, now)
            }

    def put(
        self, host_id: str, digest: str, url: str, *, lifetime_s: float | None, size: int
    ) -> HostedFile:
        """Remember an upload whose URL stays valid `lifetime_s` from now (None: forever)."""
        now = self._clock()
        expires_at = None if lifetime_s is None else now + lifetime_s
        entry = HostedFile(url=url, expires_at=expires_at, uploaded_at=now, size=size)
        with self._lock:
            self._entries[self.key(host_id, digest)] = entry
            self._save_locked()
        return entry

    def _save_locked(self) -> None:
        now = self._clock()
        live = {
            k: v for k, v in self._entries.items() if v.expires_at is None or v.expires_at > now
        }
        self._entries = live
        data: dict[str, object] = {
            "version": CACHE_VERSION,
            "entries": {
                k: {
                    "url": v.url,
                    "expires_at": v.expires_at,
                    "uploaded_at": v.uploaded_at,
                    "size": v.size,
                }
                for k, v in live.items()
            },
        }
        tmp = self.path.with_suffix(".tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(data, indent=1), "utf-8")
            tmp.replace(self.path)
        except OSError:
            pass  # the cache is an optimisation; failing to save only costs a re-upload
