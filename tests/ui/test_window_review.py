"""What a demanding user does to the window: clicks twice, closes mid-job, drops too much,
meets provider errors and a missing key, and uses the free local animatic end to end."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from seedance_studio.app import (
    SHUTDOWN_TIMEOUT_S,
    build_studio,
    simulator_settings,
)
from seedance_studio.core import capabilities
from seedance_studio.core.composition import Composition
from seedance_studio.core.params import GenerationParams, switch_model
from seedance_studio.core.probe import probe_file, reference_from_file
from seedance_studio.core.reference import Reference
from seedance_studio.core.settings import Settings, save_settings
from seedance_studio.jobs.engine import JobEngine
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobStore
from seedance_studio.providers.keys import SecretStore, env_var
from seedance_studio.providers.memory_keyring import MemoryKeyring
from seedance_studio.simulator import Simulator
from seedance_studio.simulator.faults import Fault
from seedance_studio.simulator.timing import SimTiming
from seedance_studio.ui.engine_bridge import EngineBridge
from seedance_studio.ui.job_model import Column
from seedance_studio.ui.main_window import MainWindow
from tests.media_factory import make_audio, make_image, make_video
from tests.ui.compose_helpers import drop
from tests.ui.test_window_studio import Studio

RunAsync = Any


@pytest.fixture
def review(
    qtbot: QtBot,
    simulator: Simulator,
    tmp_path: Path,
    run_async: RunAsync,
    qasync_loop: asyncio.AbstractEventLoop,
) -> Iterator[Studio]:
    s = Studio(qtbot, simulator, tmp_path, run_async)
    yield s
    s.close()


def _ready_to_generate(studio: Studio, simulator: Simulator) -> None:
    comp = studio.window.composition
    comp.tray.add(Reference.from_source(simulator.sample_url("image.png")))
    comp.prompt.set_text("@Image1 turns around", comp.tray)
    assert studio.window.submit_bar.button.isEnabled(), studio.window.submit_bar.reason.text()


def test_double_click_and_ctrl_enter_submit_once(
    review: Studio, simulator: Simulator, qtbot: QtBot
) -> None:
    window = review.window
    _ready_to_generate(review, simulator)
    simulator.inject("eachlabs", "create", Fault.slow(1.0))
    button = window.submit_bar.button
    window.activateWindow()
    window.prompt.editor.setFocus()
    submissions: list[list[int]] = []
    window.submitted.connect(submissions.append)
    # Three presses before the event loop turns even once: a double-click and Ctrl+Enter.
    button.click()
    busy_at_once = (button.isEnabled(), button.text())
    button.click()
    QTest.keyClick(window.prompt.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(submissions), timeout=10_000)
    qtbot.waitUntil(lambda: simulator.count("eachlabs", "create") >= 1, timeout=10_000)
    qtbot.wait(300)
    assert submissions == [submissions[0]] and len(submissions[0]) == 1
    assert len(window.bridge.jobs()) == 1
    assert simulator.count("eachlabs", "create") == 1
    assert busy_at_once == (False, "Sending…")  # it showed it was busy at once
    qtbot.waitUntil(button.isEnabled, timeout=5000)
    assert button.text() == "Generate"


def _row_center(window: MainWindow, job_id: int) -> QPoint:
    model = window.jobs.model
    row = next(r for r in range(model.rowCount()) if (j := model.job_at(r)) and j.id == job_id)
    return window.jobs.table.visualRect(model.index(row, 0)).center()


def test_fresh_install_renders_an_animatic_from_the_gui_and_plays_it(
    qtbot: QtBot,
    tmp_path: Path,
    run_async: RunAsync,
    monkeypatch: pytest.MonkeyPatch,
    qasync_loop: asyncio.AbstractEventLoop,
) -> None:
    monkeypatch.setenv("SEEDANCE_STUDIO_HOME", str(tmp_path / "home"))
    studio = build_studio()  # a fresh home: no settings, no keys, no draft, no account
    window = studio.window
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    try:
        run_async(studio.bridge.start())
        assert window.params.provider.currentData() == "animatic"
        assert window.params.provider.currentText() == "Animatic (local)"
        media = [make_image(tmp_path / f"still{n}.png", 320 + 40 * n, 240) for n in (1, 2, 3)]
        media.append(make_video(tmp_path / "clip.mp4", 320, 240, seconds=2, fps=24))
        media.append(make_audio(tmp_path / "music.wav", seconds=3.0))
        drop(window.tray.view.viewport(), media)
        qtbot.waitUntil(lambda: len(window.composition.tray) == 5, timeout=15_000)
        editor = window.prompt.editor
        editor.setFocus()
        QTest.keyClicks(editor, "@")
        QTest.keyClick(editor, Qt.Key.Key_Return)
        QTest.keyClicks(editor, "meets ")
        QTest.keyClicks(editor, "@vi")
        QTest.keyClick(editor, Qt.Key.Key_Tab)
        assert window.composition.prompt.text == "@Image1 meets @Video1 "
        window.params.duration.setCurrentIndex(window.params.duration.findData(4))
        window.params.resolution.setCurrentIndex(window.params.resolution.findData("480p"))
        assert window.submit_bar.button.isEnabled(), window.submit_bar.reason.text()

        with qtbot.waitSignal(window.submitted, timeout=15_000) as sent:
            window.submit_bar.button.click()
        [job_id] = sent.args[0]
        qtbot.waitUntil(
            lambda: (
                (j := window.jobs.model.job(job_id)) is not None
                and j.state in (JobState.DONE, JobState.FAILED)
            ),
            timeout=60_000,
        )
        job = window.jobs.model.job(job_id)
        assert job is not None and job.state is JobState.DONE, job
        assert job.result_path is not None
        facts = probe_file(job.result_path)
        assert facts.format == "mp4" and facts.has_audio
        assert facts.duration_s is not None and abs(facts.duration_s - 4) < 0.3
        assert facts.height == 480

        table = window.jobs.table
        at = _row_center(window, job_id)
        # Qt's item views want the press that precedes a real double click.
        QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=at)
        QTest.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=at)
        assert window.player.current_path == job.result_path
    finally:
        window.close()
        run_async(studio.close(), timeout=15)


def test_fix_and_fix_all_buttons_leave_a_composition_that_validates(
    review: Studio, tmp_path: Path, qtbot: QtBot
) -> None:
    window = review.window
    small = make_video(tmp_path / "small.mp4", 320, 240, seconds=2)
    long_audio = make_audio(tmp_path / "long.wav", seconds=20.0)
    short = make_video(tmp_path / "short.mov", 640, 640, seconds=1)
    drop(window.tray.view.viewport(), [small, long_audio, short])
    review.settle()
    comp = window.composition
    assert len(comp.tray) == 3
    comp.prompt.set_text("@Video1 then @Video2 to @Audio1", comp.tray)
    assert not window.submit_bar.button.isEnabled()
    broken = [r.id for r in comp.tray if window.tray_model.problems_of(r.id)]
    assert len(broken) >= 2, [p.message for p in window.checks.problems]

    # One item from its right-click menu, then the rest with the Fix all button.
    [fix, _copy, _remove] = window.tray.context_actions(broken[0])
    assert fix.isEnabled()
    fix.trigger()
    qtbot.waitUntil(lambda: not window.conform.busy, timeout=60_000)
    assert not window.tray_model.problems_of(broken[0])
    if window.tray.fix_all_button.isVisible():
        QTest.mouseClick(window.tray.fix_all_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.conform.busy, timeout=2000)
        qtbot.waitUntil(lambda: not window.conform.busy, timeout=60_000)
    errors = [p.message for p in window.checks.problems if p.is_error]
    assert errors == []
    assert window.submit_bar.button.isEnabled(), window.submit_bar.reason.text()
    assert not window.tray.fix_bar.isVisible()
    items = comp.tray.items
    assert [m.ref_id for m in comp.prompt.live_mentions()] == [
        items[0].id,
        items[2].id,
        items[1].id,
    ]
    assert all(r.original_source for r in items if r.id in broken)


def test_twelve_images_on_eachlabs_are_kept_flagged_and_generate_explains(
    review: Studio, tmp_path: Path
) -> None:
    window = review.window
    images = [make_image(tmp_path / f"shot{n:02}.png", 64, 48) for n in range(12)]
    drop(window.tray.view.viewport(), images)
    review.settle()
    comp = window.composition
    assert len(comp.tray) == 12  # nothing dropped silently
    comp.prompt.set_text("@Image1 and friends", comp.tray)
    bar = window.submit_bar
    assert not bar.button.isEnabled()
    assert "9" in bar.reason.text() and "12" in bar.reason.text(), bar.reason.text()
    flagged = [r.id for r in comp.tray if window.tray_model.problems_of(r.id)]
    # Every image over the limit carries the badge, not only the first of them.
    assert flagged == [r.id for r in comp.tray.items[9:]]
    row = window.tray_model.row_of(flagged[-1])
    tooltip = window.tray_model.index(row).data(Qt.ItemDataRole.ToolTipRole)
    assert "9" in tooltip


@pytest.mark.parametrize(
    ("status", "expected", "settings_link"),
    [
        (401, "refused the API key", True),
        (402, "no credits left", False),
    ],
)
def test_a_provider_error_on_submit_is_explained_in_the_window_and_nothing_is_lost(
    review: Studio,
    simulator: Simulator,
    qtbot: QtBot,
    status: int,
    expected: str,
    settings_link: bool,
) -> None:
    window = review.window
    _ready_to_generate(review, simulator)
    comp = window.composition
    before = (comp.prompt.text, [r.id for r in comp.tray])
    simulator.inject("eachlabs", "create", Fault.http(status, message="boom"), times=5)
    with qtbot.waitSignal(window.submitted, timeout=10_000) as sent:
        window.submit_bar.button.click()
    [job_id] = sent.args[0]
    notice = window.submit_bar.notice
    qtbot.waitUntil(notice.isVisible, timeout=10_000)
    assert f"Job #{job_id} failed" in notice.text() and "eachlabs" in notice.text()
    assert expected in notice.text(), notice.text()
    assert ('href="settings"' in notice.text()) is settings_link
    assert (comp.prompt.text, [r.id for r in comp.tray]) == before  # the composition stays
    job = window.bridge.job(job_id)
    assert job is not None and job.state is JobState.FAILED
    window.jobs.select_job(job_id)
    assert window.jobs.retry_action.isEnabled()
    assert window.submit_bar.button.isEnabled()
    if settings_link:
        notice.linkActivated.emit("settings")
        assert window.settings_dialog is not None and window.settings_dialog.isVisible()
        window.settings_dialog.reject()
    # The next Generate clears the old news.
    simulator.reset()
    with qtbot.waitSignal(window.submitted, timeout=10_000):
        window.submit_bar.button.click()
    assert not notice.isVisible()


def test_a_server_error_to_a_create_is_told_as_unknown_and_never_resent(
    review: Studio, simulator: Simulator, qtbot: QtBot
) -> None:
    """An HTTP 500 after the request was read may have created the job: the window says so,
    offers the jobs list's Check again, and nothing is sent a second time by itself."""
    window = review.window
    _ready_to_generate(review, simulator)
    simulator.inject("eachlabs", "create", Fault.http(500, message="boom"), times=5)
    with qtbot.waitSignal(window.submitted, timeout=10_000) as sent:
        window.submit_bar.button.click()
    [job_id] = sent.args[0]
    notice = window.submit_bar.notice
    qtbot.waitUntil(notice.isVisible, timeout=10_000)
    assert f"Job #{job_id} may have been created" in notice.text(), notice.text()
    assert "eachlabs" in notice.text() and "Check again" in notice.text()
    job = window.bridge.job(job_id)
    assert job is not None and job.state is JobState.SUBMIT_UNKNOWN
    window.jobs.select_job(job_id)
    assert window.jobs.check_action.isEnabled()
    assert simulator.count("eachlabs", "create") == 1
    assert window.submit_bar.button.isEnabled()


def test_a_rate_limited_create_says_it_will_try_again(
    review: Studio, simulator: Simulator, qtbot: QtBot
) -> None:
    window = review.window
    _ready_to_generate(review, simulator)
    simulator.inject("eachlabs", "create", Fault.http(429, retry_after=60), times=5)
    with qtbot.waitSignal(window.submitted, timeout=10_000) as sent:
        window.submit_bar.button.click()
    [job_id] = sent.args[0]
    model = window.jobs.model

    def state_text() -> str:
        rows = [r for r in range(model.rowCount()) if (j := model.job_at(r)) and j.id == job_id]
        return str(model.index(rows[0], Column.STATE).data()) if rows else ""

    qtbot.waitUntil(lambda: "again" in state_text(), timeout=10_000)
    assert "60 s" in state_text()
    assert simulator.count("eachlabs", "create") == 1


def test_missing_key_names_the_provider_and_links_to_settings(
    qtbot: QtBot,
    simulator: Simulator,
    tmp_path: Path,
    run_async: RunAsync,
    qasync_loop: asyncio.AbstractEventLoop,
) -> None:
    settings = simulator_settings(Settings(library_dir=str(tmp_path / "library")), simulator)
    secrets = SecretStore(MemoryKeyring(), environ={})
    bridge = EngineBridge(
        JobEngine(JobStore(tmp_path / "jobs.sqlite3"), settings, secrets), owns_store=True
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
    window.show()
    qtbot.waitExposed(window)
    comp = window.composition
    comp.tray.add(Reference.from_source(simulator.sample_url("image.png")))
    comp.prompt.set_text("@Image1 blinks", comp.tray)
    reason = window.submit_bar.reason
    qtbot.waitUntil(lambda: "API key" in reason.text(), timeout=5000)
    assert "No API key for Kinovi" in reason.text() and 'href="settings"' in reason.text()

    # Ctrl+Enter anyway: nothing is sent; the window says which key and opens Settings.
    window.activateWindow()
    window.prompt.editor.setFocus()
    QTest.keyClick(window.prompt.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "No API key for Kinovi" in window.statusBar().currentMessage()
    dialog = window.settings_dialog
    assert dialog is not None and dialog.isVisible()
    assert bridge.jobs() == []
    dialog.reject()
    qtbot.waitUntil(lambda: window.settings_dialog is None, timeout=2000)

    reason.linkActivated.emit("settings")  # the link under the disabled button
    assert window.settings_dialog is not None and window.settings_dialog.isVisible()
    window.settings_dialog.reject()
    window.close()
    run_async(bridge.shutdown())


def _home_on_simulator(home: Path, simulator: Simulator, monkeypatch: pytest.MonkeyPatch) -> None:
    """A user's home whose settings point every provider at the simulator, key from the env."""
    monkeypatch.setenv("SEEDANCE_STUDIO_HOME", str(home))
    monkeypatch.setenv(env_var("eachlabs"), "sk-test")
    save_settings(simulator_settings(Settings(default_provider="eachlabs"), simulator))


def _without_simulator_noise(err: str) -> str:
    """stderr minus the simulator's own server-thread reports (a client that hung up on it
    mid-answer is what closing does; the app is the subject here, not the test server)."""
    blocks = err.split("-" * 40)
    return "".join(
        b
        for b in blocks
        if "process_request_thread" not in b
        and "Exception occurred during processing of request" not in b
    )


@pytest.mark.parametrize("phase", ["submitting", "polling", "downloading", "playing"])
def test_closing_mid_job_exits_at_once_and_the_job_resumes_on_the_next_start(
    qtbot: QtBot,
    simulator: Simulator,
    tmp_path: Path,
    run_async: RunAsync,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    phase: str,
    qasync_loop: asyncio.AbstractEventLoop,
) -> None:
    _home_on_simulator(tmp_path / "home", simulator, monkeypatch)
    simulator.set_timing(SimTiming(queued=0.1, running=2.0 if phase == "polling" else 0.2))
    if phase == "submitting":
        simulator.inject("eachlabs", "create", Fault.slow(3.0))
    if phase == "downloading":
        simulator.inject("eachlabs", "download", Fault.slow(3.0))
    first = build_studio()
    window = first.window
    qtbot.addWidget(window)
    window.show()
    run_async(first.bridge.start())
    comp = window.composition
    assert comp.params.provider == "eachlabs"
    # A local file: outside simulator mode the checks refuse plain-http reference links.
    comp.tray.add(reference_from_file(make_image(tmp_path / "face.png", 640, 640)))
    comp.prompt.set_text("@Image1 turns around", comp.tray)
    qtbot.waitUntil(window.submit_bar.button.isEnabled, timeout=5000)
    with qtbot.waitSignal(window.submitted, timeout=10_000) as sent:
        window.submit_bar.button.click()
    [job_id] = sent.args[0]

    def state() -> JobState | None:
        job = first.bridge.job(job_id)
        return job.state if job is not None else None

    if phase == "submitting":
        # The create is out (the simulator holds it for 3 s) and unanswered.
        qtbot.waitUntil(
            lambda: (
                (j := first.bridge.job(job_id)) is not None
                and j.create_sent_at is not None
                and j.state is JobState.SUBMITTING
            ),
            timeout=10_000,
        )
    elif phase == "polling":
        qtbot.waitUntil(lambda: state() in (JobState.QUEUED, JobState.RUNNING), timeout=10_000)
    elif phase == "downloading":
        qtbot.waitUntil(lambda: state() is JobState.DOWNLOADING, timeout=30_000)
    else:
        qtbot.waitUntil(lambda: state() is JobState.DONE, timeout=30_000)
        job = first.bridge.job(job_id)
        assert job is not None and job.result_path
        window.play(job.result_path)
        qtbot.waitUntil(lambda: window.player.polling, timeout=5000)

    started = time.monotonic()
    with qtbot.waitSignal(window.closed, timeout=5000):
        window.close()
    run_async(first.close(), timeout=15)
    assert time.monotonic() - started < SHUTDOWN_TIMEOUT_S + 1

    second = build_studio()
    qtbot.addWidget(second.window)
    run_async(second.bridge.start())
    try:
        restored = second.window.composition
        assert restored.prompt.text == "@Image1 turns around"  # the draft survived too
        wanted = (
            {JobState.DONE, JobState.SUBMIT_UNKNOWN} if phase == "submitting" else {JobState.DONE}
        )
        qtbot.waitUntil(
            lambda: (j := second.bridge.job(job_id)) is not None and j.state in wanted,
            timeout=30_000,
        )
        job = second.bridge.job(job_id)
        assert job is not None
        if job.state is JobState.DONE:
            assert job.result_path and Path(job.result_path).is_file()
        assert second.window.jobs.model.job(job_id) is not None
    finally:
        second.window.close()
        run_async(second.close(), timeout=15)
    err = _without_simulator_noise(capfd.readouterr().err)
    assert "Traceback" not in err and "was destroyed but it is pending" not in err, err


def test_empty_panels_say_what_to_do(
    review: Studio, simulator: Simulator, qtbot: QtBot, tmp_path: Path
) -> None:
    window = review.window
    assert "Generate" in window.jobs.table.placeholder_text()
    assert "Double-click a finished job" in window.player.title_label.text()
    # A short jobs panel (a small screen, the status bar below it) shows what fits, uncut.
    table = window.jobs.table
    line = table.fontMetrics().height()
    whole = table.placeholder_text()
    assert table.placeholder_fitting(QRect(0, 0, 900, 10 * line)) == whole
    short = table.placeholder_fitting(QRect(0, 0, 900, 3 * line))
    assert short == whole.replace("\n\n", "\n") and short.count("\n") == 2
    assert table.placeholder_fitting(QRect(0, 0, 900, line + 2)) == "No jobs yet"
    _ready_to_generate(review, simulator)
    with qtbot.waitSignal(window.submitted, timeout=10_000):
        window.submit_bar.button.click()
    qtbot.waitUntil(lambda: window.jobs.model.rowCount() == 1, timeout=5000)
    assert window.jobs.table.placeholder_text() == ""
    drop(window.tray.view.viewport(), [make_video(tmp_path / "tiny.mp4", 320, 240, seconds=2)])
    review.settle()
    assert window.tray.broken_label.text() == "1 reference breaks the limits"


def test_every_refused_file_of_one_drop_is_named(review: Studio, tmp_path: Path) -> None:
    window = review.window
    good = make_image(tmp_path / "fine.png", 64, 48)
    first = tmp_path / "cut-short.png"
    first.write_bytes(good.read_bytes()[:40])
    second = tmp_path / "not-a-video.mp4"
    second.write_text("just words")
    drop(window.tray.view.viewport(), [first, good, second])
    review.settle()
    assert [r.name for r in window.composition.tray] == ["fine.png"]
    notice = window.tray.notice.text()
    assert "cut-short.png" in notice and "not-a-video.mp4" in notice, notice
    # A later drop starts a fresh list.
    drop(window.tray.view.viewport(), [first])
    review.settle()
    assert "not-a-video.mp4" not in window.tray.notice.text()


def test_fix_all_shows_progress_and_can_be_cancelled(
    review: Studio, tmp_path: Path, qtbot: QtBot
) -> None:
    window = review.window
    long_small = make_video(tmp_path / "long-small.mp4", 320, 240, seconds=14, fps=24)
    drop(window.tray.view.viewport(), [long_small])
    review.settle()
    comp = window.composition
    [ref] = comp.tray.items
    assert window.tray_model.problems_of(ref.id)
    messages: list[str] = []
    window.conform.message.connect(messages.append)
    button = window.tray.fix_all_button
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "%" in button.text(), timeout=20_000)
    assert button.isEnabled() and "Cancel" in button.text()
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.conform.busy, timeout=10_000)
    assert comp.tray.get(ref.id) == ref  # the original stays
    assert "cancelled" in messages[-1]
    assert button.text() == "Fix all" and window.tray_model.problems_of(ref.id)


def test_an_unexpected_failure_to_store_the_job_is_shown_and_generate_comes_back(
    review: Studio, simulator: Simulator, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = review.window
    _ready_to_generate(review, simulator)

    async def locked(*_args: object, **_kw: object) -> list[int]:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(window.bridge, "submit", locked)
    task = window.generate.submit()
    assert task is not None
    qtbot.waitUntil(task.done, timeout=5000)
    assert task.result() == []
    assert "database is locked" in window.submit_bar.notice.text()
    assert window.submit_bar.notice.isVisible()
    assert window.submit_bar.button.isEnabled()


def test_double_click_on_an_unfinished_job_says_when_it_will_play(
    review: Studio, simulator: Simulator, qtbot: QtBot
) -> None:
    window = review.window
    simulator.set_timing(SimTiming(queued=0.1, running=30.0))
    _ready_to_generate(review, simulator)
    with qtbot.waitSignal(window.submitted, timeout=10_000) as sent:
        window.submit_bar.button.click()
    [job_id] = sent.args[0]
    qtbot.waitUntil(lambda: window.jobs.model.rowCount() == 1, timeout=5000)
    table = window.jobs.table
    at = _row_center(window, job_id)
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=at)
    QTest.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=at)
    label = window.jobs.message_label
    assert label.isVisible() and f"#{job_id}" in label.text() and "not finished" in label.text()
    assert window.player.current_path is None


def test_several_variants_without_a_published_price_are_confirmed_first(
    review: Studio, simulator: Simulator, qtbot: QtBot
) -> None:
    """Oxen publishes no price: three generations at once are asked about, and No sends
    nothing (the rule the CLI's --yes follows)."""
    window = review.window
    _ready_to_generate(review, simulator)
    window.params.provider.setCurrentIndex(window.params.provider.findData("oxen"))
    window.params.variants.setValue(3)
    assert window.composition.params.variants == 3
    window.submit_bar.button.click()
    box = window.generate.confirm_box
    assert box is not None and "3 generations on Oxen" in box.text()
    assert "total is unknown" in box.text()
    QTest.mouseClick(box.button(QMessageBox.StandardButton.No), Qt.MouseButton.LeftButton)
    assert (window.generate.confirm_box, simulator.count("oxen", "create")) == (None, 0)
    window.submit_bar.button.click()
    again = window.generate.confirm_box
    assert again is not None
    box = again
    with qtbot.waitSignal(window.submitted, timeout=10_000) as sent:
        QTest.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    assert len(sent.args[0]) == 3
    qtbot.waitUntil(lambda: simulator.count("oxen", "create") >= 1, timeout=10_000)


def test_one_priced_generation_is_sent_without_a_question(
    review: Studio, simulator: Simulator, qtbot: QtBot
) -> None:
    window = review.window
    _ready_to_generate(review, simulator)
    with qtbot.waitSignal(window.submitted, timeout=10_000):
        window.submit_bar.button.click()
    assert window.generate.confirm_box is None
