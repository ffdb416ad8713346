"""Engine fixtures: a store in a temp folder, settings pointing the library there, fakes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from seedance_studio.core.settings import Settings
from seedance_studio.jobs.engine import JobEngine
from seedance_studio.jobs.limits import ProviderLimits
from seedance_studio.jobs.store import JobStore
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
async def make_engine(store: JobStore, settings: Settings, fake: FakeProvider,
                      results: ResultServer) -> AsyncIterator[EngineMaker]:
    engines: list[JobEngine] = []

    def make(provider: Any = None, *, limits: dict[str, ProviderLimits] | None = None,
             job_store: JobStore | None = None) -> JobEngine:
        chosen = provider or fake

        def factory(provider_id: str, _settings: Settings, _secrets: Any, *,
                    http: Any = None) -> Any:
            return chosen

        engine = JobEngine(job_store or store, settings, None, provider_factory=factory,
                           http=results.client(), limits=limits or {})
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        await engine.aclose()
