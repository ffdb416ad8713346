"""The job queue panel and the engine bridge, driven against the real provider simulator.

A real JobEngine and SQLite store run on the qasync loop; provider clients talk HTTP to the
simulator on loopback. Only the poll interval is shortened, so a job finishes in about a second.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QThread, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox
from pytestqt.qtbot import QtBot

from seedance_studio.core import capabilities, pricing
from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.params import GenerationParams
from seedance_studio.core.probe import reference_from_file
from seedance_studio.core.prompt import PromptDocument
from seedance_studio.core.reference import Reference
from seedance_studio.core.settings import Settings
from seedance_studio.core.tray import ReferenceTray
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobRecord, JobStore
from seedance_studio.providers import registry
from seedance_studio.simulator import Simulator
from seedance_studio.simulator.faults import Fault
from seedance_studio.simulator.simulator import BASE_PATHS
from seedance_studio.simulator.timing import SimTiming
from seedance_studio.ui.engine_bridge import EngineBridge
from seedance_studio.ui.job_model import BAR_ROLE, Column
from seedance_studio.ui.jobs_panel import JobsPanel
from tests.xvfb.clips import make_clip

RunAsync = Callable[..., Any]
FAST_POLL_S = 0.1


class TestKeys:
    """Any non-empty key is valid for the simulator."""

    def get(self, provider_id: str) -> str | None:
        return "test-key"


def snapshot_for(
    sim: Simulator, provider: str = "shortapi", text: str = "A cat walks like @Video1"
) -> CompositionSnapshot:
    refs = [Reference.from_source(sim.sample_url("clip_640x640_3s.mp4"))]
    tray = ReferenceTray(refs)
    doc = PromptDocument(text, tray)
    return CompositionSnapshot(
        references=refs, prompt=doc.to_data(), params=GenerationParams(provider=provider)
    )


def estimate_for(snapshot: CompositionSnapshot) -> pricing.Estimate:
    return pricing.estimate(snapshot, capabilities.get(snapshot.params.provider))


class BridgeFactory:
    """Bridges over one store file (a second bridge = the app started again)."""

    def __init__(self, sim: Simulator, tmp_path: Path, run_async: RunAsync) -> None:
        self.sim = sim
        self.db = tmp_path / "jobs.sqlite3"
        self.settings = Settings(
            base_urls={p: sim.base_url(p) for p in registry.provider_ids() if p in BASE_PATHS},
            library_dir=str(tmp_path / "library"),
        )
        self._run = run_async
        self._open: list[EngineBridge] = []

    def make(self) -> EngineBridge:
        bridge = EngineBridge.create(
            self.settings,
            TestKeys(),
            store=JobStore(self.db),
            poll_interval=FAST_POLL_S,
            owns_store=True,
        )
        self._open.append(bridge)
        return bridge

    def close(self, bridge: EngineBridge) -> None:
        self._run(bridge.shutdown())
        self._open.remove(bridge)

    def close_all(self) -> None:
        for bridge in list(self._open):
            self.close(bridge)


@pytest.fixture
def bridges(
    simulator: Simulator,
    tmp_path: Path,
    run_async: RunAsync,
    qasync_loop: asyncio.AbstractEventLoop,
) -> Iterator[BridgeFactory]:
    factory = BridgeFactory(simulator, tmp_path, run_async)
    yield factory
    factory.close_all()


@pytest.fixture
def bridge(bridges: BridgeFactory, run_async: RunAsync) -> EngineBridge:
    made = bridges.make()
    run_async(made.start())
    return made


@pytest.fixture
def panel(bridge: EngineBridge, qtbot: QtBot) -> Iterator[JobsPanel]:
    widget = JobsPanel(bridge)
    qtbot.addWidget(widget)
    widget.resize(1000, 400)
    widget.show()
    yield widget
    widget.shutdown()


def submit(run_async: RunAsync, bridge: EngineBridge, sim: Simulator) -> int:
    snap = snapshot_for(sim)
    ids: list[int] = run_async(bridge.submit(snap, estimate_for(snap)))
    assert len(ids) == 1
    return ids[0]


def wait_state(
    qtbot: QtBot, panel: JobsPanel, job_id: int, *states: JobState, timeout: int = 10_000
) -> JobRecord:
    def reached() -> bool:  # the row shows it (changes land in the list once per frame)
        row = panel.model.row_of(job_id)
        summary = panel.model.summary_at(row) if row is not None else None
        return summary is not None and summary.state in states

    qtbot.waitUntil(reached, timeout=timeout)
    job = panel.model.job(job_id)
    assert job is not None
    return job


def cell(panel: JobsPanel, job_id: int, column: Column) -> str:
    row = panel.model.row_of(job_id)
    assert row is not None
    return str(panel.model.index(row, column).data())


def test_submit_runs_to_a_downloaded_file_and_double_click_plays_it(
    panel: JobsPanel, bridge: EngineBridge, simulator: Simulator, run_async: RunAsync, qtbot: QtBot
) -> None:
    states: list[str] = []
    phases: set[str] = set()
    bridge.job_changed.connect(
        lambda i: states.append(job.state.value) if (job := bridge.job(i)) else None
    )
    bridge.progress.connect(lambda _i, phase, _f: phases.add(phase))

    job_id = submit(run_async, bridge, simulator)
    qtbot.waitUntil(lambda: panel.model.row_of(job_id) == 0, timeout=2000)
    assert cell(panel, job_id, Column.PROVIDER).startswith("shortapi")
    assert "≥ $0.84" in cell(panel, job_id, Column.COST)  # input-video seconds unknown

    done = wait_state(qtbot, panel, job_id, JobState.DONE)
    assert done.result_path is not None and Path(done.result_path).stat().st_size > 1000
    assert {"queued", "running", "downloading", "done"} <= set(states)
    assert "download" in phases
    assert cell(panel, job_id, Column.STATE) == "Done"
    assert cell(panel, job_id, Column.JOB).startswith(f"#{job_id} A cat walks")
    assert cell(panel, job_id, Column.ELAPSED).endswith(" s")
    assert simulator.count("shortapi", "create") == 1

    row = panel.model.row_of(job_id)
    assert row is not None
    index = panel.model.index(row, Column.JOB)
    qtbot.waitUntil(lambda: index.data(Qt.ItemDataRole.DecorationRole) is not None, timeout=5000)
    pixmap = index.data(Qt.ItemDataRole.DecorationRole)
    assert pixmap.width() <= 96 and pixmap.height() <= 54 and not pixmap.isNull()

    rect = panel.table.visualRect(panel.model.index(row, Column.STATE))
    # Qt's item views want the press that precedes a real double click.
    QTest.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(panel.play_requested, timeout=2000) as played:
        QTest.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert played.args == [done.result_path]
    panel.table.setFocus()
    with qtbot.waitSignal(panel.play_requested, timeout=2000) as by_key:
        QTest.keyClick(panel.table, Qt.Key.Key_Return)
    assert by_key.args == [done.result_path]


def test_file_actions_copy_id_and_raw_response(
    panel: JobsPanel,
    bridge: EngineBridge,
    simulator: Simulator,
    run_async: RunAsync,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    job_id = submit(run_async, bridge, simulator)
    done = wait_state(qtbot, panel, job_id, JobState.DONE)
    assert done.result_path and done.provider_job_id
    opened: list[str] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url.toLocalFile())
        return True

    monkeypatch.setattr("seedance_studio.ui.open_path.QDesktopServices.openUrl", open_url)
    # No file manager on the session bus here (test_jobs_reveal covers that path).
    monkeypatch.setattr("seedance_studio.ui.open_path._show_item_over_dbus", lambda _p: False)
    panel.select_job(job_id)
    assert panel.open_action.isEnabled() and panel.reveal_action.isEnabled()
    assert not panel.cancel_action.isEnabled() and not panel.submit_anyway_action.isEnabled()
    panel.open_action.trigger()
    panel.reveal_action.trigger()
    assert opened == [done.result_path, str(Path(done.result_path).parent)]

    panel.copy_id_action.trigger()
    assert QGuiApplication.clipboard().text() == done.provider_job_id

    panel.raw_action.trigger()
    dialog = panel.raw_dialog
    assert dialog is not None and dialog.isVisible() and dialog.isModal()
    text = dialog.text.toPlainText()
    assert done.provider_job_id in text and "created" in text and "test-key" not in text
    assert dialog.text.isReadOnly()
    dialog.reject()
    qtbot.waitUntil(lambda: panel.raw_dialog is None, timeout=2000)


def test_cancel_a_running_job_on_the_provider(
    panel: JobsPanel, bridge: EngineBridge, simulator: Simulator, run_async: RunAsync, qtbot: QtBot
) -> None:
    simulator.set_timing(SimTiming(queued=0.1, running=60.0))
    snap = snapshot_for(simulator, provider="oxen")
    [job_id] = run_async(bridge.submit(snap, None))
    running = wait_state(qtbot, panel, job_id, JobState.RUNNING, JobState.QUEUED)
    assert running.provider_job_id
    first = cell(panel, job_id, Column.ELAPSED)
    qtbot.waitUntil(lambda: cell(panel, job_id, Column.ELAPSED) != first, timeout=3000)  # live
    panel.select_job(job_id)
    assert panel.cancel_action.isEnabled()
    panel.cancel_action.trigger()
    cancelled = wait_state(qtbot, panel, job_id, JobState.CANCELLED)
    assert cancelled.message == "cancelled"  # the provider confirmed it
    assert simulator.count("oxen", "cancel") == 1
    assert cell(panel, job_id, Column.STATE) == "Cancelled"
    qtbot.waitUntil(lambda: panel.retry_action.isEnabled(), timeout=1000)
    assert not panel.cancel_action.isEnabled()


def test_failed_job_shows_why_and_retry_makes_a_new_job(
    panel: JobsPanel, bridge: EngineBridge, simulator: Simulator, run_async: RunAsync, qtbot: QtBot
) -> None:
    simulator.set_outcome("shortapi", "fail", message="GPU fell over")
    job_id = submit(run_async, bridge, simulator)
    failed = wait_state(qtbot, panel, job_id, JobState.FAILED)
    assert "GPU fell over" in (failed.message or "")
    assert cell(panel, job_id, Column.STATE).startswith("Failed: ")

    simulator.set_outcome("shortapi", "succeed")
    panel.select_job(job_id)
    assert panel.retry_action.isEnabled()
    panel.retry_action.trigger()
    qtbot.waitUntil(lambda: len(panel.model.job_ids()) == 2, timeout=3000)
    new_id = panel.model.job_ids()[0]  # newest first
    assert new_id != job_id
    retried = wait_state(qtbot, panel, new_id, JobState.DONE)
    assert retried.retry_of == job_id
    assert simulator.count("shortapi", "create") == 2


def test_unknown_submission_check_again_then_submit_anyway(
    panel: JobsPanel, bridge: EngineBridge, simulator: Simulator, run_async: RunAsync, qtbot: QtBot
) -> None:
    simulator.inject("shortapi", "create", Fault.applied_no_response())
    job_id = submit(run_async, bridge, simulator)
    wait_state(qtbot, panel, job_id, JobState.SUBMIT_UNKNOWN)
    assert cell(panel, job_id, Column.STATE) == "Submission unknown: check again / submit anyway"
    assert panel.attention.isVisible()
    assert panel.attention_label.text().startswith(f"Job #{job_id} needs a decision")
    assert not panel.check_action.isEnabled()  # nothing selected yet
    panel.attention_button.click()
    selected = panel.selected_job()
    assert selected is not None and selected.id == job_id
    assert panel.check_action.isEnabled() and panel.submit_anyway_action.isEnabled()

    before = bridge.job(job_id)
    assert before is not None
    panel.check_action.trigger()
    qtbot.waitUntil(
        lambda: (j := bridge.job(job_id)) is not None and j.message != before.message, timeout=3000
    )
    checked = bridge.job(job_id)
    assert checked is not None and checked.state is JobState.SUBMIT_UNKNOWN  # never silent
    assert simulator.count("shortapi", "create") == 1

    # Submit anyway asks first; declining sends nothing.
    panel.submit_anyway_action.trigger()
    box = panel.confirm_box
    assert box is not None and box.isVisible()
    box.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: panel.confirm_box is None, timeout=1000)
    qtbot.wait(200)
    assert simulator.count("shortapi", "create") == 1

    panel.submit_anyway_action.trigger()
    box = panel.confirm_box
    assert box is not None
    accept = next(
        b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole
    )
    accept.click()
    done = wait_state(qtbot, panel, job_id, JobState.DONE)
    assert done.attempt == 2
    assert simulator.count("shortapi", "create") == 2
    assert not panel.attention.isVisible()


def test_jobs_from_an_earlier_run_appear_at_once_and_resume(
    bridges: BridgeFactory, simulator: Simulator, run_async: RunAsync, qtbot: QtBot
) -> None:
    simulator.set_timing(SimTiming(queued=0.1, running=1.5))
    first = bridges.make()
    run_async(first.start())
    job_id = submit(run_async, first, simulator)
    qtbot.waitUntil(
        lambda: (
            (j := first.job(job_id)) is not None and j.state in (JobState.QUEUED, JobState.RUNNING)
        ),
        timeout=5000,
    )
    bridges.close(first)  # the app quits mid-job

    second = bridges.make()
    panel = JobsPanel(second)
    qtbot.addWidget(panel)
    panel.show()
    assert panel.model.job_ids() == [job_id]  # listed before anything resumes
    assert panel.model.job(job_id).state in (JobState.QUEUED, JobState.RUNNING)  # type: ignore[union-attr]
    run_async(second.start())
    done = wait_state(qtbot, panel, job_id, JobState.DONE)
    assert done.result_path and Path(done.result_path).is_file()
    assert simulator.count("shortapi", "create") == 1
    panel.shutdown()


def test_engine_signals_from_a_worker_thread_arrive_on_the_ui_thread(
    bridge: EngineBridge, qtbot: QtBot
) -> None:
    seen: list[tuple[int, str, float, bool]] = []
    ui_thread = QApplication.instance().thread()  # type: ignore[union-attr]
    bridge.progress.connect(
        lambda i, phase, f: seen.append((i, phase, f, QThread.currentThread() is ui_thread))
    )

    worker = threading.Thread(target=lambda: bridge.engine.progress.emit(7, "upload", 0.5))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=2000)
    assert seen == [(7, "upload", 0.5, True)]


def test_action_failures_surface_as_messages(
    panel: JobsPanel, bridge: EngineBridge, simulator: Simulator, run_async: RunAsync, qtbot: QtBot
) -> None:
    simulator.set_outcome("shortapi", "fail")
    job_id = submit(run_async, bridge, simulator)
    wait_state(qtbot, panel, job_id, JobState.FAILED)
    with qtbot.waitSignal(bridge.error, timeout=2000) as failed:
        bridge.spawn(bridge.submit_anyway(job_id))  # not an unknown submission
    assert failed.args[0] == f"job {job_id} is failed, not an unknown submission"
    qtbot.waitUntil(lambda: panel.message_label.isVisible(), timeout=1000)
    assert panel.message_label.text() == failed.args[0]


def test_the_estimate_is_stored_with_the_job(
    bridge: EngineBridge, simulator: Simulator, run_async: RunAsync
) -> None:
    snap = snapshot_for(simulator)
    estimate = estimate_for(snap)
    [job_id] = run_async(bridge.submit(snap, estimate))
    job = bridge.job(job_id)
    assert job is not None and job.estimate is not None
    assert job.estimate == estimate


def test_a_change_arriving_after_shutdown_is_ignored(
    bridges: BridgeFactory, simulator: Simulator, run_async: RunAsync, qtbot: QtBot
) -> None:
    bridge = bridges.make()
    run_async(bridge.start())
    job_id = submit(run_async, bridge, simulator)
    panel = JobsPanel(bridge)
    qtbot.addWidget(panel)
    received: list[int] = []
    bridge.job_changed.connect(received.append)
    bridges.close(bridge)  # the store is closed now
    assert bridge.closed and bridge.job(job_id) is None and bridge.jobs() == []
    received.clear()
    panel.model.refresh(job_id)  # what a change queued before the close would do
    bridge.engine.job_changed.emit(job_id)  # the engine is disconnected: nothing arrives
    qtbot.wait(50)
    assert received == []
    assert panel.model.job_ids() == [job_id]  # the list is left as it was
    panel.shutdown()


def test_local_references_show_an_upload_bar_then_the_job_runs(
    panel: JobsPanel,
    bridge: EngineBridge,
    simulator: Simulator,
    run_async: RunAsync,
    qtbot: QtBot,
    tmp_path: Path,
) -> None:
    clip = make_clip(tmp_path / "walk.mp4", seconds=2.0)
    refs = [reference_from_file(clip)]
    doc = PromptDocument("A cat walks like @Video1", ReferenceTray(refs))
    snap = CompositionSnapshot(
        references=refs, prompt=doc.to_data(), params=GenerationParams(provider="shortapi")
    )
    bars: list[Any] = []

    def on_progress(job_id: int, phase: str, _fraction: float) -> None:
        row = panel.model.row_of(job_id)
        if phase == "upload" and row is not None:
            bars.append(panel.model.index(row, Column.PROGRESS).data(BAR_ROLE))

    bridge.progress.connect(on_progress)
    [job_id] = run_async(bridge.submit(snap, estimate_for(snap)))
    done = wait_state(qtbot, panel, job_id, JobState.DONE)
    assert bars and bars[-1] == ("Uploading references", 1.0)
    assert all(label == "Uploading references" for label, _f in bars)
    assert simulator.count("eachlabs", "presign") == 1  # uploaded once, to the eachlabs host
    assert simulator.count("eachlabs", "upload") == 1
    assert done.ref_urls and all(u.startswith("http") for u in done.ref_urls.values())


def test_context_menu_offers_the_actions_of_the_row(
    panel: JobsPanel, bridge: EngineBridge, simulator: Simulator, run_async: RunAsync, qtbot: QtBot
) -> None:
    job_id = submit(run_async, bridge, simulator)
    wait_state(qtbot, panel, job_id, JobState.DONE)
    row = panel.model.row_of(job_id)
    assert row is not None
    rect = panel.table.visualRect(panel.model.index(row, Column.PROVIDER))
    panel.table.customContextMenuRequested.emit(rect.center())
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None, timeout=2000)
    menu = QApplication.activePopupWidget()
    assert isinstance(menu, QMenu)
    enabled = {a.text() for a in menu.actions() if a.isEnabled() and not a.isSeparator()}
    assert enabled == {
        "Retry",
        "Open file",
        "Reveal in folder",
        "Copy provider job id",
        "Show raw response",
    }
    menu.close()


def test_double_click_on_a_job_whose_file_went_missing_fetches_it_again(
    panel: JobsPanel, bridge: EngineBridge, simulator: Simulator, run_async: RunAsync, qtbot: QtBot
) -> None:
    job_id = submit(run_async, bridge, simulator)
    done = wait_state(qtbot, panel, job_id, JobState.DONE)
    assert done.result_path
    Path(done.result_path).unlink()
    row = panel.model.row_of(job_id)
    assert row is not None
    played: list[str] = []
    panel.play_requested.connect(played.append)
    panel.table.doubleClicked.emit(panel.model.index(row, Column.STATE))
    qtbot.waitUntil(lambda: Path(done.result_path or "").is_file(), timeout=10_000)
    wait_state(qtbot, panel, job_id, JobState.DONE)
    assert played == []  # nothing to play until it is back
    assert simulator.count("shortapi", "create") == 1
    assert simulator.count("shortapi", "download") == 2


def test_a_stuck_job_is_flagged_and_check_again_asks_the_provider(
    bridges: BridgeFactory, simulator: Simulator, run_async: RunAsync, qtbot: QtBot
) -> None:
    simulator.set_outcome("shortapi", "stuck")
    bridges.settings = bridges.settings.model_copy(update={"job_timeout_s": 1})
    bridge = bridges.make()
    run_async(bridge.start())
    panel = JobsPanel(bridge)
    qtbot.addWidget(panel)
    panel.show()
    job_id = submit(run_async, bridge, simulator)
    wait_state(qtbot, panel, job_id, JobState.STUCK)
    assert cell(panel, job_id, Column.STATE) == "Stuck: check again or cancel"
    assert panel.attention.isVisible()
    assert "looks stuck" in panel.attention_label.text()
    polls = simulator.count("shortapi", "query")
    panel.show_attention()
    assert panel.check_action.isEnabled() and not panel.submit_anyway_action.isEnabled()
    panel.check_action.trigger()
    qtbot.waitUntil(lambda: simulator.count("shortapi", "query") == polls + 1, timeout=3000)
    qtbot.waitUntil(
        lambda: (
            (j := bridge.job(job_id)) is not None
            and j.message == "still unfinished at the provider"
        ),
        timeout=3000,
    )
    # ShortAPI has no server cancel: the panel asks before it stops watching a paid job.
    panel.cancel_action.trigger()
    qtbot.waitUntil(lambda: panel.confirm_box is not None, timeout=3000)
    box = panel.confirm_box
    assert box is not None and "no cancel API" in box.text()
    job = bridge.job(job_id)
    assert job is not None and job.state is JobState.STUCK  # nothing changed before the answer
    accept = next(
        b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole
    )
    accept.click()
    cancelled = wait_state(qtbot, panel, job_id, JobState.CANCELLED)
    assert "may still run and be charged" in (cancelled.message or "")
    assert not panel.attention.isVisible()
    panel.shutdown()
