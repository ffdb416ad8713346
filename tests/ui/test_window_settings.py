"""Settings saved in the dialog reach the job engine at once: a new base URL is used by the
very next job, without restarting the app."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from seedance_studio.app import simulator_secrets, simulator_settings
from seedance_studio.core import capabilities
from seedance_studio.core.composition import Composition
from seedance_studio.core.params import GenerationParams, switch_model
from seedance_studio.core.settings import Settings, load_settings
from seedance_studio.jobs.engine import JobEngine
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobStore
from seedance_studio.simulator import SimTiming, Simulator
from seedance_studio.ui.engine_bridge import EngineBridge
from seedance_studio.ui.main_window import MainWindow
from tests.jobs.fakes import make_snapshot

RunAsync = Callable[..., Any]


@pytest.fixture
def second() -> Iterator[Simulator]:
    with Simulator(timing=SimTiming(queued=0.02, running=0.05)) as sim:
        yield sim


def test_saved_base_url_is_used_by_the_next_job(
    qtbot: QtBot,
    simulator: Simulator,
    second: Simulator,
    tmp_path: Path,
    run_async: RunAsync,
    qasync_loop: asyncio.AbstractEventLoop,
) -> None:
    simulator.set_timing(SimTiming(queued=0.02, running=0.05))
    settings = simulator_settings(Settings(library_dir=str(tmp_path / "library")), simulator)
    secrets = simulator_secrets()
    bridge = EngineBridge(
        JobEngine(JobStore(tmp_path / "jobs.sqlite3"), settings, secrets, poll_interval=0.05),
        owns_store=True,
    )
    params = switch_model(GenerationParams(provider="kinovi"), capabilities.get("kinovi"))
    window = MainWindow(
        settings,
        secrets,
        bridge,
        composition=Composition(params),
        simulator=True,
        ui_state=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat),
    )
    qtbot.addWidget(window)
    try:
        run_async(bridge.start())
        # A first job builds (and caches) the engine's client for the first server.
        [first] = run_async(
            bridge.submit(
                make_snapshot(
                    "kinovi", "@Image1 waves", [simulator.sample_url("image.png")], duration=4
                )
            )
        )
        qtbot.waitUntil(lambda: bridge.store.get(first).state is JobState.DONE, timeout=15_000)

        dialog = window.open_settings()
        qtbot.waitUntil(lambda: dialog.secrets_loaded, timeout=5000)
        dialog.url_fields["kinovi"].setText(second.base_url("kinovi"))
        with qtbot.waitSignal(dialog.saved, timeout=5000):
            dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
        assert load_settings().base_urls["kinovi"] == second.base_url("kinovi")

        [again] = run_async(
            bridge.submit(
                make_snapshot(
                    "kinovi", "@Image1 waves", [second.sample_url("image.png")], duration=4
                )
            )
        )
        qtbot.waitUntil(lambda: bridge.store.get(again).state is JobState.DONE, timeout=15_000)
        assert simulator.count("kinovi", "create") == 1
        assert second.count("kinovi", "create") == 1
    finally:
        window.close()
        run_async(bridge.shutdown())
