"""Run as a child process on a real X display: one composition sent to three providers of
the simulator through the window's *Send to several* dialog, the three takes opened in the
compare view, and two grabs of it a moment apart (VLC's pixels included), as JSON.

    python -m tests.xvfb.compare_window OUT_DIR
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

import qasync
from PySide6.QtCore import QPoint, QSettings
from PySide6.QtWidgets import QApplication

from seedance_studio.app import simulator_secrets, simulator_settings
from seedance_studio.core import capabilities
from seedance_studio.core.composition import Composition
from seedance_studio.core.params import GenerationParams, switch_model
from seedance_studio.core.provider import Provider
from seedance_studio.core.reference import Reference
from seedance_studio.core.settings import Settings
from seedance_studio.jobs.engine import JobEngine
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobStore
from seedance_studio.providers import registry
from seedance_studio.simulator import Simulator
from seedance_studio.simulator.timing import SimTiming
from seedance_studio.ui.engine_bridge import EngineBridge
from seedance_studio.ui.main_window import MainWindow
from seedance_studio.ui.player_vlc import PlaybackState

THREE = ["eachlabs", "kinovi", "oxen"]


def _fast(provider_id: str, settings: Settings, secrets: Any, *, http: Any = None) -> Provider:
    provider = registry.create_provider(provider_id, settings, secrets, http=http)
    provider.default_poll_interval = 0.1  # type: ignore[attr-defined]
    return provider


async def _until(condition: Any, limit_s: float) -> bool:
    end = time.monotonic() + limit_s
    while time.monotonic() < end:
        if condition():
            return True
        await asyncio.sleep(0.05)
    return bool(condition())


async def flow(out: Path, sim: Simulator) -> dict[str, Any]:
    settings = simulator_settings(Settings(library_dir=str(out / "library")), sim)
    secrets = simulator_secrets()
    engine = JobEngine(JobStore(out / "jobs.sqlite3"), settings, secrets, provider_factory=_fast)
    bridge = EngineBridge(engine, owns_store=True)
    params = switch_model(GenerationParams(provider="eachlabs"), capabilities.get("eachlabs"))
    window = MainWindow(
        settings,
        secrets,
        bridge,
        simulator=True,
        composition=Composition(params),
        ui_state=QSettings(str(out / "ui.ini"), QSettings.Format.IniFormat),
    )
    window.show()
    await bridge.start()
    comp = window.composition
    comp.tray.add(Reference.from_source(sim.sample_url("image.png")))
    comp.prompt.set_text("@Image1 spins slowly", comp.tray)
    comp.update_params(duration=5)
    window.send_several.click()
    dialog = window.review.dialog
    assert dialog is not None
    dialog.tick(THREE)
    results: list[Any] = []
    window.review.sent.connect(results.append)
    dialog.send_button.click()
    await _until(lambda: bool(results), 20)
    ids = results[0].job_ids

    def finished() -> bool:
        return all(
            (j := bridge.job(i)) is not None and j.state in (JobState.DONE, JobState.FAILED)
            for i in ids
        )

    await _until(finished, 60)
    states = {bridge.job(i).provider: bridge.job(i).state.value for i in ids}  # type: ignore[union-attr]
    window.review.show_fanout(results[0].fanout)
    provenance = window.review.provenance
    assert provenance is not None
    provenance.compare_button.click()
    view = window.review.compare
    assert view is not None
    view.resize(1200, 460)

    def playing() -> bool:
        return all(
            p.player is not None
            and p.player.state() is PlaybackState.PLAYING
            and p.player.time_ms() > 600
            for p in view.panes
        )

    all_playing = await _until(playing, 20)
    await asyncio.sleep(0.3)
    screen = view.screen()
    first = screen.grabWindow(int(view.winId()))
    await asyncio.sleep(0.6)
    second = screen.grabWindow(int(view.winId()))
    first.save(str(out / "compare-1.png"))
    second.save(str(out / "compare-2.png"))
    areas = []
    for pane in view.panes:
        origin = pane.surface.mapTo(view, QPoint(0, 0))
        areas.append([origin.x(), origin.y(), pane.surface.width(), pane.surface.height()])
    result = {
        "platform": QApplication.platformName(),
        "states": states,
        "all_playing": all_playing,
        "players": [p.player.state().value if p.player else None for p in view.panes],
        "areas": areas,
        "ratio": first.devicePixelRatio(),
    }
    view.close()
    window.close()
    await bridge.shutdown()
    return result


def main(argv: list[str]) -> int:
    out = Path(argv[0])
    app = QApplication([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with Simulator(timing=SimTiming()) as sim, loop:
        result = loop.run_until_complete(flow(out, sim))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
