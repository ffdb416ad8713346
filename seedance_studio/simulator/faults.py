"""Injected failures: what a flaky provider or network does to a client."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, fields, replace
from enum import StrEnum
from typing import Any


class FaultKind(StrEnum):
    """Every way the simulator can misbehave on purpose."""

    HTTP_STATUS = "http_status"  # answer `status` in the provider's error shape
    SLOW = "slow"  # wait `delay` seconds, then answer normally
    DROP_BEFORE_BODY = "drop_before_body"  # close the socket before reading the request body
    DROP_AFTER_BODY = "drop_after_body"  # read the body, close without processing or answering
    MALFORMED_JSON = "malformed_json"  # 200 with a broken JSON body (`applied`: request processed)
    TRUNCATED_DOWNLOAD = "truncated_download"  # full Content-Length, `fraction` of bytes, close
    CONTENT_POLICY = "content_policy"  # the job ends failed with the moderation message
    JOB_FAILURE = "job_failure"  # the job ends failed with a generic server error
    APPLIED_NO_RESPONSE = "applied_no_response"  # request processed (job created), socket closed
    STUCK = "stuck"  # the job stays running forever


JOB_FAULTS = frozenset({FaultKind.CONTENT_POLICY, FaultKind.JOB_FAILURE, FaultKind.STUCK})


@dataclass(frozen=True)
class Fault:
    """One injected failure; build with the classmethods for readability."""

    kind: FaultKind
    status: int = 500
    retry_after: float | None = None
    delay: float = 0.0
    message: str | None = None
    fraction: float = 0.5
    applied: bool = False

    @classmethod
    def http(
        cls, status: int, retry_after: float | None = None, message: str | None = None
    ) -> Fault:
        if status == 429 and retry_after is None:
            retry_after = 1
        return cls(FaultKind.HTTP_STATUS, status=status, retry_after=retry_after, message=message)

    @classmethod
    def slow(cls, delay: float) -> Fault:
        return cls(FaultKind.SLOW, delay=delay)

    @classmethod
    def drop(cls, before_body: bool = True) -> Fault:
        return cls(FaultKind.DROP_BEFORE_BODY if before_body else FaultKind.DROP_AFTER_BODY)

    @classmethod
    def malformed(cls, applied: bool = False) -> Fault:
        return cls(FaultKind.MALFORMED_JSON, applied=applied)

    @classmethod
    def truncated(cls, fraction: float = 0.5) -> Fault:
        return cls(FaultKind.TRUNCATED_DOWNLOAD, fraction=fraction)

    @classmethod
    def content_policy(cls, message: str | None = None) -> Fault:
        return cls(FaultKind.CONTENT_POLICY, message=message)

    @classmethod
    def job_failure(cls, message: str | None = None) -> Fault:
        return cls(FaultKind.JOB_FAILURE, message=message)

    @classmethod
    def applied_no_response(cls) -> Fault:
        return cls(FaultKind.APPLIED_NO_RESPONSE)

    @classmethod
    def stuck(cls) -> Fault:
        return cls(FaultKind.STUCK)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["kind"] = self.kind.value
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fault:
        """Parse the `/_sim/inject` form; unknown keys are rejected to catch typos."""
        names = {f.name for f in fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"unknown fault fields: {sorted(unknown)}")
        kind = FaultKind(data["kind"])
        fault = cls(**{**data, "kind": kind})
        if kind is FaultKind.HTTP_STATUS and fault.status == 429 and fault.retry_after is None:
            fault = replace(fault, retry_after=1)
        return fault


@dataclass
class _Armed:
    fault: Fault
    remaining: int


class FaultBook:
    """Thread-safe queue of armed faults per (provider, endpoint); `*` matches anything."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._armed: dict[tuple[str, str], list[_Armed]] = {}

    def add(self, provider: str, endpoint: str, fault: Fault, times: int = 1) -> None:
        if times < 1:
            raise ValueError("times must be >= 1")
        with self._lock:
            self._armed.setdefault((provider, endpoint), []).append(_Armed(fault, times))

    def take(self, provider: str, endpoint: str) -> Fault | None:
        keys = [(provider, endpoint), (provider, "*"), ("*", endpoint), ("*", "*")]
        with self._lock:
            for key in keys:
                queue = self._armed.get(key)
                if not queue:
                    continue
                head = queue[0]
                head.remaining -= 1
                if head.remaining <= 0:
                    queue.pop(0)
                return head.fault
        return None

    def pending(self) -> list[dict[str, Any]]:
        with self._lock:
            return [
                {"provider": p, "endpoint": e, "times": a.remaining, "fault": a.fault.to_json()}
                for (p, e), queue in self._armed.items()
                for a in queue
            ]

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()
