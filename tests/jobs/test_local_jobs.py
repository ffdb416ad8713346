"""The local animatic through the engine: a render cut short by a process exit is rendered
again on the next start (it is free: nobody needs to decide), and the finished render is moved
from the cache into the library, not copied."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from seedance_studio.core import paths
from seedance_studio.core.composition import Composition, CompositionSnapshot
from seedance_studio.core.params import GenerationParams
from seedance_studio.core.probe import reference_from_file
from seedance_studio.core.settings import Settings
from seedance_studio.jobs.download import verify_playable
from seedance_studio.jobs.engine import JobEngine
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobStore, NewJob
from tests.jobs.conftest import NO_KEYS
from tests.jobs.fakes import until
from tests.jobs.walk import walk_to
from tests.media_factory import make_image

DEAD_OWNER = "other-host:1:dead"
"""A lease holder that no longer runs (as the orphan tests use)."""


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Renders go to this test's own cache, so the files left there are this test's."""
    monkeypatch.setenv(paths.HOME_ENV, str(tmp_path / "home"))
    yield paths.cache_dir()


def animatic_snapshot(tmp_path: Path, duration: int = 4) -> CompositionSnapshot:
    image = reference_from_file(make_image(tmp_path / "still.png", 64, 48))
    comp = Composition(GenerationParams(provider="animatic", duration=duration, resolution="480p"))
    comp.tray.extend([image])
    comp.prompt.set_text("@Image1 slowly pans", comp.tray)
    return comp.snapshot()


def renders_left(cache: Path) -> list[Path]:
    folder = cache / "animatic"
    return sorted(folder.glob("*.mp4")) if folder.exists() else []


def events_of(store: JobStore, job_id: int) -> list[str]:
    return [e.message or "" for e in store.events(job_id)]


async def test_a_render_whose_process_died_is_rendered_again_on_start(
    store: JobStore, settings: Settings, tmp_path: Path, private_cache: Path
) -> None:
    # Another process was rendering this job (CLI --detach) and exited hours ago: its
    # in-memory render is gone and no file was written.
    [job_id] = store.insert_jobs(
        [NewJob(snapshot=animatic_snapshot(tmp_path), group_id="g", batch="b")],
        owner=DEAD_OWNER,
        lease_s=0.01,
    )
    long_ago = store.now() - 2 * settings.job_timeout_s
    walk_to(
        store,
        job_id,
        JobState.RUNNING,
        provider_job_id="render-lost-at-exit",
        create_sent_at=long_ago,
        submitted_at=long_ago,
        attempt=1,
        lease_until=long_ago,
    )
    engine = JobEngine(store, settings, NO_KEYS, poll_interval=0.05)
    try:
        await engine.start()
        await until(
            lambda: store.get(job_id).state in (JobState.DONE, JobState.FAILED, JobState.STUCK),
            limit_s=60,
        )
        await engine.wait([job_id])
    finally:
        await engine.aclose()
    job = store.get(job_id)
    assert job.state is JobState.DONE, job.message
    assert job.provider_job_id not in (None, "render-lost-at-exit")
    assert job.attempt == 2
    assert "rendering again" in events_of(store, job_id)
    assert job.message is None  # the interruption is history, not a problem
    assert job.result_path is not None
    verify_playable(Path(job.result_path))
    assert Path(job.result_path).is_relative_to(settings.library_path())
    assert renders_left(private_cache) == []  # moved into the library, not copied


async def test_closing_mid_render_then_starting_again_finishes_the_same_job(
    store: JobStore, settings: Settings, tmp_path: Path, private_cache: Path
) -> None:
    first = JobEngine(store, settings, NO_KEYS, poll_interval=0.02)
    try:
        [job_id] = await first.submit(animatic_snapshot(tmp_path, duration=15))
        await until(lambda: store.get(job_id).state in (JobState.QUEUED, JobState.RUNNING))
        before = store.get(job_id).provider_job_id
    finally:
        await first.aclose()  # the app closes: the render thread is stopped
    assert store.get(job_id).state in (JobState.QUEUED, JobState.RUNNING)
    assert renders_left(private_cache) == []
    second = JobEngine(store, settings, NO_KEYS, poll_interval=0.02)
    try:
        await second.start()
        await until(
            lambda: store.get(job_id).state in (JobState.DONE, JobState.FAILED, JobState.STUCK),
            limit_s=60,
        )
        await second.wait([job_id])
    finally:
        await second.aclose()
    job = store.get(job_id)
    assert job.state is JobState.DONE, job.message
    assert job.provider_job_id != before
    assert len(store.list_jobs()) == 1  # the same job, not a new one
    assert job.result_path is not None
    verify_playable(Path(job.result_path))


async def test_a_render_that_keeps_being_lost_is_failed_after_a_few_tries(
    store: JobStore, settings: Settings, tmp_path: Path
) -> None:
    [job_id] = store.insert_jobs(
        [NewJob(snapshot=animatic_snapshot(tmp_path), group_id="g", batch="b")],
        owner=DEAD_OWNER,
        lease_s=0.01,
    )
    walk_to(
        store,
        job_id,
        JobState.RUNNING,
        provider_job_id="lost",
        attempt=4,
        submitted_at=store.now(),
        lease_until=store.now() - 1,
    )
    engine = JobEngine(store, settings, NO_KEYS, poll_interval=0.05)
    try:
        await engine.start()
        await until(lambda: store.get(job_id).state is JobState.FAILED, limit_s=30)
    finally:
        await engine.aclose()
    assert store.get(job_id).error_code == "interrupted"


async def test_downloading_a_local_video_whose_file_was_deleted_renders_it_again(
    store: JobStore, settings: Settings, tmp_path: Path
) -> None:
    """The render was moved into the library, so `download` has nothing left to fetch: a
    free local job is rendered again instead of failing on a cache file that is gone."""
    engine = JobEngine(store, settings, NO_KEYS, poll_interval=0.02)
    try:
        [job_id] = await engine.submit(animatic_snapshot(tmp_path))
        [job] = await engine.wait([job_id])
        assert job.state is JobState.DONE and job.result_path is not None
        await asyncio.to_thread(Path(job.result_path).unlink)  # the user deleted the video
        again = await engine.download(job_id)
    finally:
        await engine.aclose()
    assert again.state is JobState.DONE, again.message
    assert again.result_path is not None
    verify_playable(Path(again.result_path))
    assert again.next_poll_at is None and again.message is None
