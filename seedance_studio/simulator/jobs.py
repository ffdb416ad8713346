"""Simulated generation jobs that advance by wall clock, per SimTiming."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from seedance_studio.simulator.timing import SimTiming


class Outcome(StrEnum):
    """How a job will end once its running phase is over."""

    SUCCEED = "succeed"
    FAIL = "fail"
    CONTENT_BLOCKED = "content_blocked"
    STUCK = "stuck"


class Phase(StrEnum):
    """Provider-neutral state; each provider maps it to its own status words."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    BLOCKED = "blocked"
    CANCELLED = "cancelled"


TERMINAL = frozenset({Phase.SUCCEEDED, Phase.FAILED, Phase.BLOCKED, Phase.CANCELLED})


@dataclass
class Job:
    """One created job; `request` is the create body exactly as received."""

    id: str
    provider: str
    model: str
    api_key: str
    duration: int
    width: int
    height: int
    file_width: int
    file_height: int
    timing: SimTiming
    request: dict[str, Any]
    outcome: Outcome = Outcome.SUCCEED
    message: str | None = None
    cost: float = 0.0
    credits: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    created_mono: float = field(default_factory=time.monotonic)
    created_epoch: float = field(default_factory=time.time)
    outcome_changed_mono: float = 0.0
    cancelled_mono: float | None = None

    def phase(self, now: float | None = None) -> Phase:
        now = time.monotonic() if now is None else now
        elapsed = now - self.created_mono
        if self.cancelled_mono is not None:
            return Phase.CANCELLED
        if elapsed < self.timing.queued_s:
            return Phase.QUEUED
        if self.outcome is Outcome.STUCK or elapsed < self.timing.total_s:
            return Phase.RUNNING
        return {
            Outcome.SUCCEED: Phase.SUCCEEDED,
            Outcome.FAIL: Phase.FAILED,
            Outcome.CONTENT_BLOCKED: Phase.BLOCKED,
        }[self.outcome]

    def finished_mono(self) -> float | None:
        """Monotonic time the job reached its terminal phase, if it has."""
        phase = self.phase()
        if phase not in TERMINAL:
            return None
        if phase is Phase.CANCELLED and self.cancelled_mono is not None:
            return self.cancelled_mono
        return max(self.created_mono + self.timing.total_s, self.outcome_changed_mono)

    def to_epoch(self, mono: float) -> float:
        return self.created_epoch + (mono - self.created_mono)

    def started_mono(self) -> float:
        return self.created_mono + self.timing.queued_s

    def snapshot(self) -> Job:
        return replace(self, request=dict(self.request), extra=dict(self.extra))

    def to_json(self) -> dict[str, Any]:
        finished = self.finished_mono()
        return {
            "id": self.id,
            "provider": self.provider,
            "model": self.model,
            "phase": self.phase().value,
            "outcome": self.outcome.value,
            "duration": self.duration,
            "width": self.width,
            "height": self.height,
            "cost": self.cost,
            "credits": self.credits,
            "created": self.created_epoch,
            "finished": None if finished is None else self.to_epoch(finished),
            "request": self.request,
            "extra": self.extra,
        }


class JobStore:
    """Thread-safe job registry with the per-key views rate limits need."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}

    def add(self, job: Job) -> None:
        with self._lock:
            self._jobs[job.id] = job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def all(self) -> list[Job]:
        with self._lock:
            return list(self._jobs.values())

    def unfinished(self, provider: str, api_key: str) -> int:
        now = time.monotonic()
        with self._lock:
            return sum(
                1
                for job in self._jobs.values()
                if job.provider == provider
                and job.api_key == api_key
                and job.phase(now) not in TERMINAL
            )

    def created_since(self, provider: str, api_key: str, since_mono: float) -> list[Job]:
        with self._lock:
            return [
                job
                for job in self._jobs.values()
                if job.provider == provider
                and job.api_key == api_key
                and job.created_mono >= since_mono
            ]

    def set_outcome(self, job_id: str, outcome: Outcome, message: str | None = None) -> Job:
        with self._lock:
            job = self._jobs[job_id]
            job.outcome = outcome
            job.message = message
            job.outcome_changed_mono = time.monotonic()
            return job

    def cancel(self, job_id: str) -> None:
        with self._lock:
            self._jobs[job_id].cancelled_mono = time.monotonic()

    def clear(self) -> None:
        with self._lock:
            self._jobs.clear()
