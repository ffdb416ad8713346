"""Fixtures for provider tests: an in-memory key source, fast retries, composition builders."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from seedance_studio.core import capabilities
from seedance_studio.core.composition import Composition, CompositionSnapshot
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.core.params import GenerationParams
from seedance_studio.core.prompt import PromptDocument
from seedance_studio.core.provider import Cancelled, Failed, JobHandle, Provider, Succeeded
from seedance_studio.core.reference import Reference
from seedance_studio.core.tray import ReferenceTray
from seedance_studio.providers.base import HttpProvider
from seedance_studio.providers.byteplus import BytePlusProvider
from seedance_studio.providers.eachlabs import EachlabsProvider
from seedance_studio.providers.fal import FalProvider
from seedance_studio.providers.kinovi import KinoviLegacyProvider, KinoviProvider
from seedance_studio.providers.oxen import OxenProvider
from seedance_studio.providers.shortapi import ShortApiProvider
from seedance_studio.simulator import SimTiming, Simulator

PLANTED_KEY = f"sk-planted-{uuid.uuid4().hex}"
"""A key no output may ever contain."""

CLASSES: dict[str, type[HttpProvider]] = {
    "shortapi": ShortApiProvider,
    "kinovi": KinoviProvider,
    "kinovi-legacy": KinoviLegacyProvider,
    "oxen": OxenProvider,
    "eachlabs": EachlabsProvider,
    "fal": FalProvider,
    "byteplus": BytePlusProvider,
}


class MemoryKeys:
    """A KeySource backed by a dict (the real SecretStore is tested on its own)."""

    def __init__(self, keys: dict[str, str] | None = None) -> None:
        self.keys = dict(keys or {})

    def get(self, provider_id: str) -> str | None:
        return self.keys.get(provider_id)


class SleepRecorder:
    """Stands in for asyncio.sleep in retry loops: records each wait, waits for nothing."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def compose(
    provider: str,
    prompt: str,
    sources: list[str],
    kinds: list[MediaKind] | None = None,
    **params: Any,
) -> CompositionSnapshot:
    """A snapshot whose tray holds `sources` in order and whose prompt binds to them."""
    refs = [
        Reference.from_source(src, kinds[i] if kinds else None) for i, src in enumerate(sources)
    ]
    tray = ReferenceTray(refs)
    doc = PromptDocument(prompt, tray)
    return Composition(GenerationParams(provider=provider, **params), tray, doc).snapshot()


def urls_of(snapshot: CompositionSnapshot) -> dict[str, str]:
    return {r.id: r.source for r in snapshot.references}


async def follow(
    provider: Provider, handle: JobHandle, limit_s: float = 15.0, interval: float = 0.05
) -> list[Any]:
    """Every status seen while polling `handle` until it is final."""
    import asyncio
    import time

    seen: list[Any] = []
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        status = await provider.status(handle)
        seen.append(status)
        if isinstance(status, Succeeded | Failed | Cancelled):
            return seen
        await asyncio.sleep(interval)
    raise AssertionError(f"job {handle.job_id} not final after {limit_s}s: {seen[-1]}")


@pytest.fixture
def sim(simulator: Simulator) -> Simulator:
    """The shared simulator with quicker jobs."""
    simulator.set_timing(SimTiming(queued=0.1, running=0.2))
    return simulator


@pytest.fixture
def walking_sim(sim: Simulator) -> Simulator:
    """Phases long enough that polling every 50 ms sees each of them on a loaded machine
    (a tenth of a second queued can pass between the create and the first poll)."""
    sim.set_timing(SimTiming(queued=0.8, running=0.8))
    return sim


@pytest.fixture
def keys() -> MemoryKeys:
    return MemoryKeys(dict.fromkeys(CLASSES, PLANTED_KEY))


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


MakeProvider = Callable[..., Any]


@pytest.fixture
async def make_provider(
    sim: Simulator, keys: MemoryKeys, sleeps: SleepRecorder
) -> AsyncIterator[MakeProvider]:
    """Build a provider client pointed at the simulator; closed after the test."""
    made: list[HttpProvider] = []

    def make(pid: str, *, key: str | None = None, **kwargs: Any) -> Any:
        source = keys if key is None else MemoryKeys({pid: key})
        caps = capabilities.get(pid)
        provider = CLASSES[pid](caps, sim.base_url(pid), source, sleep=sleeps, **kwargs)
        made.append(provider)
        return provider

    yield make
    for provider in made:
        await provider.aclose()
