"""Everything the server threads share, each part behind a lock."""

from __future__ import annotations

import copy
import hashlib
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from seedance_studio.simulator.faults import FaultBook
from seedance_studio.simulator.jobs import JobStore, Outcome
from seedance_studio.simulator.media import probe_duration
from seedance_studio.simulator.timing import SimTiming

DEFAULT_OPTIONS: dict[str, dict[str, object]] = {
    # strict_urls: simulator-hosted reference URLs must resolve to something served (results,
    # samples, signed S3 objects, eachlabs uploads); off by default so any own-host URL passes.
    "sim": {"strict_urls": False},
    "shortapi": {"string_status": False, "http_200_errors": False, "concurrency_limit": None},
    "kinovi": {"concurrency_limit": None},
    "oxen": {"concurrency_limit": None},
    "eachlabs": {
        "error_shape": "status",  # "status" | "error" | "alternate"
        "failed_status": "error",  # "error" | "failed"
        "concurrency_limit": 10,
        "creates_per_minute": 100,
    },
    "fal": {"cancelled_status": "COMPLETED", "queue_ahead": 3, "concurrency_limit": None},
    "byteplus": {"concurrency_limit": None, "refuse_code": None},
}


@dataclass(frozen=True)
class RecordedRequest:
    """What a client sent, for asserting exact payloads."""

    provider: str
    endpoint: str
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any
    body_size: int
    time: float

    def to_json(self) -> dict[str, object]:
        return {
            "provider": self.provider,
            "endpoint": self.endpoint,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": self.headers,
            "json": self.json,
            "body_size": self.body_size,
            "time": self.time,
        }


@dataclass
class StoredObject:
    """Uploaded bytes (S3 object or eachlabs upload)."""

    data: bytes
    content_type: str
    _duration: float | None = None
    _probed: bool = False
    _etag: str | None = None

    @property
    def etag(self) -> str:
        """The object's MD5, as S3 reports it; computed once, not on every GET."""
        if self._etag is None:
            self._etag = hashlib.md5(self.data, usedforsecurity=False).hexdigest()
        return self._etag

    def duration(self) -> float | None:
        if not self._probed:
            self._duration = probe_duration(self.data)
            self._probed = True
        return self._duration


@dataclass
class Presign:
    """An eachlabs presigned upload slot."""

    id: str
    api_key: str
    content_type: str
    file_type: str
    filename: str
    required_headers: dict[str, str]
    expires_mono: float
    expires_epoch: float


@dataclass
class SimState:
    """Shared, thread-safe simulator state."""

    host: str
    port: int
    timing: SimTiming
    faults: FaultBook = field(default_factory=FaultBook)
    jobs: JobStore = field(default_factory=JobStore)
    stopping: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    _requests: list[RecordedRequest] = field(default_factory=list)
    _options: dict[str, dict[str, object]] = field(
        default_factory=lambda: copy.deepcopy(DEFAULT_OPTIONS)
    )
    _outcomes: dict[str, tuple[Outcome, str | None]] = field(default_factory=dict)
    _objects: dict[tuple[str, ...], StoredObject] = field(default_factory=dict)
    _presigns: dict[str, Presign] = field(default_factory=dict)

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in {"", "0.0.0.0"} else self.host
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    # -- requests and counters -------------------------------------------------
    def record(self, rec: RecordedRequest) -> None:
        with self._lock:
            self._counts[(rec.provider, rec.endpoint)] += 1
            self._requests.append(rec)

    def count(self, provider: str, endpoint: str) -> int:
        with self._lock:
            return self._counts[(provider, endpoint)]

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        with self._lock:
            for (provider, endpoint), n in self._counts.items():
                out.setdefault(provider, {})[endpoint] = n
        return out

    def requests(self, provider: str | None = None) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self._requests if provider is None or r.provider == provider]

    # -- options and outcomes ----------------------------------------------------
    def option(self, provider: str, name: str) -> Any:
        with self._lock:
            return self._options.get(provider, {}).get(name)

    def configure(self, provider: str, **options: object) -> None:
        with self._lock:
            known = DEFAULT_OPTIONS.get(provider)
            if known is None:
                raise ValueError(f"unknown provider {provider!r}")
            unknown = set(options) - set(known)
            if unknown:
                raise ValueError(f"unknown options for {provider}: {sorted(unknown)}")
            self._options[provider].update(options)

    def set_default_outcome(self, provider: str, outcome: Outcome, message: str | None) -> None:
        with self._lock:
            self._outcomes[provider] = (outcome, message)

    def default_outcome(self, provider: str) -> tuple[Outcome, str | None]:
        with self._lock:
            return (
                self._outcomes.get(provider) or self._outcomes.get("*") or (Outcome.SUCCEED, None)
            )

    # -- stored uploads ----------------------------------------------------------
    def put_object(self, key: tuple[str, ...], obj: StoredObject) -> None:
        with self._lock:
            self._objects[key] = obj

    def get_object(self, key: tuple[str, ...]) -> StoredObject | None:
        with self._lock:
            return self._objects.get(key)

    def delete_object(self, key: tuple[str, ...]) -> bool:
        with self._lock:
            return self._objects.pop(key, None) is not None

    def add_presign(self, presign: Presign) -> None:
        with self._lock:
            self._presigns[presign.id] = presign

    def get_presign(self, presign_id: str) -> Presign | None:
        with self._lock:
            return self._presigns.get(presign_id)

    # -- reset -------------------------------------------------------------------
    def reset(self, keep_jobs: bool = False) -> None:
        self.faults.clear()
        with self._lock:
            self._counts.clear()
            self._requests.clear()
            self._options = copy.deepcopy(DEFAULT_OPTIONS)
            self._outcomes.clear()
            if not keep_jobs:
                self._objects.clear()
                self._presigns.clear()
        if not keep_jobs:
            self.jobs.clear()

    def wait(self, seconds: float) -> bool:
        """Sleep unless the simulator stops first; True when interrupted."""
        return self.stopping.wait(max(0.0, seconds))

    @staticmethod
    def now() -> float:
        return time.monotonic()
