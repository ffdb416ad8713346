"""Settings changed while the engine runs: the next action uses them, running polls do not move.

Two simulators stand for two servers (say, a provider and a proxy in front of it): switching the
base URL must send the next create to the second one without a restart, while a job created on
the first one is still polled there until it finishes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.settings import Settings
from seedance_studio.jobs.engine import JobEngine
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobStore
from seedance_studio.simulator import SimTiming, Simulator
from tests.jobs.conftest import Keys, sim_settings
from tests.jobs.fakes import make_snapshot, until


@pytest.fixture
def second() -> Iterator[Simulator]:
    with Simulator(timing=SimTiming(queued=0.02, running=0.05)) as sim:
        yield sim


def kinovi_job(sim: Simulator) -> CompositionSnapshot:
    return make_snapshot("kinovi", "@Image1 waves", [sim.sample_url("image.png")], duration=4)


async def test_new_base_url_reaches_the_next_submit_without_a_restart(
    simulator: Simulator, second: Simulator, store: JobStore, settings: Settings, tmp_path: Path
) -> None:
    simulator.set_timing(SimTiming(queued=0.02, running=0.05))
    shared = sim_settings(simulator, settings)  # the app's one model (the dialog edits it)
    engine = JobEngine(store, shared, Keys(), poll_interval=0.05)
    try:
        [first] = await engine.submit(kinovi_job(simulator))
        assert (await engine.wait([first]))[0].state is JobState.DONE
        library = tmp_path / "elsewhere"
        # Saved in the dialog: the shared model changes, and the engine follows its events.
        shared.update(
            sim_settings(second, settings).model_copy(update={"library_dir": str(library)})
        )
        assert not hasattr(engine, "update_settings")  # nothing pushes a copy
        [again] = await engine.submit(kinovi_job(second))
        [job] = await engine.wait([again])
        assert job.state is JobState.DONE
        assert simulator.count("kinovi", "create") == 1
        assert second.count("kinovi", "create") == 1
        assert job.result_path is not None and Path(job.result_path).is_relative_to(library)
    finally:
        await engine.aclose()


async def test_a_job_being_polled_finishes_on_the_server_that_created_it(
    simulator: Simulator, second: Simulator, store: JobStore, settings: Settings
) -> None:
    simulator.set_timing(SimTiming(queued=0.3, running=0.6))
    engine = JobEngine(store, sim_settings(simulator, settings), Keys(), poll_interval=0.05)
    try:
        [job_id] = await engine.submit(kinovi_job(simulator))
        await until(lambda: store.get(job_id).state in (JobState.QUEUED, JobState.RUNNING))
        polls_before = simulator.count("kinovi", "query")
        engine.settings.update(sim_settings(second, settings))
        [job] = await engine.wait([job_id])
        assert job.state is JobState.DONE
        assert simulator.count("kinovi", "query") > polls_before
        assert second.count("kinovi", "query") == 0  # the second server never heard of it
    finally:
        await engine.aclose()
