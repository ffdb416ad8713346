"""Reusable pytest fixture.

Register with `pytest_plugins = ["seedance_studio.simulator.pytest_plugin"]`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from seedance_studio.simulator.simulator import Simulator
from seedance_studio.simulator.timing import SimTiming


@pytest.fixture
def simulator() -> Iterator[Simulator]:
    """A fresh simulator per test (starting one takes milliseconds), fast default timing."""
    with Simulator(timing=SimTiming()) as sim:
        yield sim
