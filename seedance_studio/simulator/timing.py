"""How fast simulated jobs move; defaults keep test suites quick."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SimTiming:
    """Seconds per job phase (divided by `speed`) plus expiry windows.

    `speed=2` runs every phase twice as fast; `result_ttl=None` keeps results forever.
    """

    queued: float = 0.2
    running: float = 0.5
    speed: float = 1.0
    sync_timeout: float = 300.0
    result_ttl: float | None = None
    presign_ttl: float = 900.0

    def __post_init__(self) -> None:
        if self.speed <= 0:
            raise ValueError("speed must be positive")
        if min(self.queued, self.running) < 0:
            raise ValueError("phase durations cannot be negative")

    @property
    def queued_s(self) -> float:
        return self.queued / self.speed

    @property
    def running_s(self) -> float:
        return self.running / self.speed

    @property
    def total_s(self) -> float:
        return self.queued_s + self.running_s


REALISTIC = SimTiming(queued=20.0, running=40.0)
"""Roughly how long a real provider keeps a job queued and running (the pages estimate minutes:
eachlabs "Estimated Processing Time: 200 seconds"), shortened so cancel and resume can be tried
within a minute."""
