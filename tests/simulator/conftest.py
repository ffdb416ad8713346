"""Simulator test fixtures; the `simulator` fixture itself comes from the pytest plugin."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from seedance_studio.simulator import SimTiming, Simulator


@pytest.fixture(scope="session")
def client() -> Iterator[httpx.Client]:
    """One client for the session: building its TLS context costs ~0.1 s."""
    with httpx.Client(timeout=10.0) as http:
        yield http


@pytest.fixture
def fast_sim() -> Iterator[Simulator]:
    """Jobs finish in ~0.15 s: for tests that only need a finished job."""
    with Simulator(timing=SimTiming(queued=0.05, running=0.1)) as sim:
        yield sim
