"""Engine fixtures: a store in a temp folder, settings pointing the library there, fakes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from seedance_studio.core.settings import Settings
from seedance_studio.jobs.engine import JobEngine
from seedance_studio.jobs.store import JobStore
from seedance_studio.simulator import Simulator
from seedance_studio.simulator.simulator import BASE_PATHS
from tests.jobs.fakes import FakeProvider, ResultServer, video_bytes


@pytest.fixture(scope="session")
def clip() -> bytes:
    return video_bytes()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[JobStore]:
    s = JobStore(tmp_path / "jobs.sqlite3")
    yield s
    s.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(library_dir=str(tmp_path / "library"))


@pytest.fixture
def fake() -> FakeProvider:
    return FakeProvider()


@pytest.fixture
def results(clip: bytes) -> ResultServer:
    return ResultServer(clip)


EngineMaker = Callable[..., JobEngine]


@pytest.fixture
async def make_engine(
    store: JobStore, settings: Settings, fake: FakeProvider, results: ResultServer
) -> AsyncIterator[EngineMaker]:
    engines: list[JobEngine] = []

    def make(provider: Any = None, *, job_store: JobStore | None = None) -> JobEngine:
        chosen = provider or fake

        def factory(
            provider_id: str, _settings: Settings, _secrets: Any, *, http: Any = None
        ) -> Any:
            return chosen

        engine = JobEngine(
            job_store or store, settings, NO_KEYS, provider_factory=factory, http=results.client()
        )
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        await engine.aclose()


class NoKeys:
    """No key stored anywhere (what a fresh install has)."""

    def get(self, name: str) -> str | None:
        return None


NO_KEYS = NoKeys()


class Keys:
    """Any non-empty key is valid on the simulator."""

    def get(self, name: str) -> str | None:
        return f"sim-key-{name}"


def sim_settings(sim: Simulator, settings: Settings) -> Settings:
    return settings.model_copy(update={"base_urls": {pid: sim.base_url(pid) for pid in BASE_PATHS}})


@pytest.fixture
async def sim_engine(
    simulator: Simulator, store: JobStore, settings: Settings
) -> AsyncIterator[Callable[..., JobEngine]]:
    made: list[JobEngine] = []

    def make(**kw: object) -> JobEngine:
        engine = JobEngine(
            store,
            sim_settings(simulator, settings),
            Keys(),
            poll_interval=0.05,
            **kw,  # type: ignore[arg-type]
        )
        made.append(engine)
        return engine

    yield make
    for engine in made:
        await engine.aclose()
