"""The whole window against the provider simulator: drop references, write a prompt with a
completed mention, see the price, Generate, and watch the job reach a downloaded file."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QSettings, Qt, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox, QStatusBar
from pytestqt.qtbot import QtBot

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
from seedance_studio.providers.keys import SecretStore
from seedance_studio.providers.memory_keyring import MemoryKeyring
from seedance_studio.simulator import Simulator
from seedance_studio.ui.engine_bridge import EngineBridge
from seedance_studio.ui.main_window import MainWindow
from tests.media_factory import make_video
from tests.ui.compose_helpers import drop, sample_media

RunAsync = Callable[..., Any]
FAST_POLL_S = 0.1


def _fast(provider_id: str, settings: Settings, secrets: Any, *, http: Any = None) -> Provider:
    provider = registry.create_provider(provider_id, settings, secrets, http=http)
    provider.default_poll_interval = FAST_POLL_S  # type: ignore[attr-defined]
    return provider


class Studio:
    def __init__(self, qtbot: QtBot, sim: Simulator, tmp_path: Path, run_async: RunAsync) -> None:
        settings = simulator_settings(Settings(library_dir=str(tmp_path / "library")), sim)
        secrets = simulator_secrets()
        engine = JobEngine(
            JobStore(tmp_path / "jobs.sqlite3"), settings, secrets, provider_factory=_fast
        )
        self.bridge = EngineBridge(engine, owns_store=True)
        self.ui_state = QSettings(str(tmp_path / "ui-state.ini"), QSettings.Format.IniFormat)
        params = switch_model(GenerationParams(provider="eachlabs"), capabilities.get("eachlabs"))
        self.window = MainWindow(
            settings,
            secrets,
            self.bridge,
            simulator=True,
            composition=Composition(params),
            ui_state=self.ui_state,
        )
        qtbot.addWidget(self.window)
        self.window.show()
        qtbot.waitExposed(self.window)
        run_async(self.bridge.start())
        self.qtbot = qtbot
        self.run_async = run_async

    def close(self) -> None:
        if self.window.isVisible():
            self.window.close()
        self.run_async(self.bridge.shutdown())

    def settle(self) -> None:
        self.qtbot.waitUntil(lambda: self.window.worker.pending == 0, timeout=10_000)


@pytest.fixture
def studio(
    qtbot: QtBot,
    simulator: Simulator,
    tmp_path: Path,
    run_async: RunAsync,
    qasync_loop: asyncio.AbstractEventLoop,
) -> Iterator[Studio]:
    s = Studio(qtbot, simulator, tmp_path, run_async)
    yield s
    s.close()


def test_compose_submit_and_download_through_the_simulator(
    studio: Studio, tmp_path: Path, qtbot: QtBot
) -> None:
    window = studio.window
    image, video, audio = sample_media(tmp_path)
    drop(window.tray.view.viewport(), [image, video, audio])
    studio.settle()
    assert [r.name for r in window.composition.tray] == ["portrait.png", "walk.mp4", "beat.wav"]

    editor = window.prompt.editor
    editor.setFocus()
    QTest.keyClicks(editor, "The person in ")
    QTest.keyClicks(editor, "@")
    assert editor.completing
    QTest.keyClick(editor, Qt.Key.Key_Return)  # first item: @Image1
    QTest.keyClicks(editor, "dances to ")
    QTest.keyClicks(editor, "@au")
    QTest.keyClick(editor, Qt.Key.Key_Tab)
    comp = window.composition
    assert comp.prompt.text == "The person in @Image1 dances to @Audio1 "
    assert [m.ref_id for m in comp.prompt.live_mentions()] == [
        comp.tray.items[0].id,
        comp.tray.items[2].id,
    ]

    window.params.duration.setCurrentIndex(window.params.duration.findData(5))
    assert window.submit_bar.estimate.text().startswith("Estimate: $")
    assert window.submit_bar.button.isEnabled(), window.submit_bar.reason.text()

    with qtbot.waitSignal(window.submitted, timeout=15_000) as sent:
        window.submit_bar.button.click()
    [job_id] = sent.args[0]

    def done() -> bool:
        job = window.jobs.model.job(job_id)
        return job is not None and job.state in (JobState.DONE, JobState.FAILED)

    qtbot.waitUntil(done, timeout=30_000)
    job = window.jobs.model.job(job_id)
    assert job is not None and job.state is JobState.DONE, job
    assert job.result_path and Path(job.result_path).is_file()
    assert Path(job.result_path).is_relative_to(tmp_path / "library")


def test_invalid_composition_blocks_generate_and_fix_all_conforms(
    studio: Studio, tmp_path: Path, qtbot: QtBot
) -> None:
    window = studio.window
    small = make_video(tmp_path / "small.mp4", 320, 240, seconds=2)
    drop(window.tray.view.viewport(), [small])
    studio.settle()
    comp = window.composition
    comp.prompt.set_text("@Video1 in slow motion", comp.tray)
    assert not window.submit_bar.button.isEnabled()
    assert window.submit_bar.reason.text()
    ref_id = comp.tray.items[0].id
    problems = window.tray_model.problems_of(ref_id)
    assert problems
    row = window.tray_model.row_of(ref_id)
    tooltip = window.tray_model.index(row).data(Qt.ItemDataRole.ToolTipRole)
    assert problems[0].message.split(";")[0] in tooltip and problems[0].hint in tooltip
    assert window.tray.fix_all_button.isVisibleTo(window.tray)
    task = window.conform.fix_all()
    assert task is not None
    qtbot.waitUntil(task.done, timeout=60_000)
    assert task.exception() is None
    fixed = comp.tray.get(ref_id)
    assert fixed.original_source == str(small.absolute())
    assert not window.tray_model.problems_of(ref_id)
    assert comp.prompt.live_mentions()[0].ref_id == ref_id
    assert window.submit_bar.button.isEnabled(), window.submit_bar.reason.text()


def test_close_remembers_geometry_and_splitters_apart_from_preferences(
    studio: Studio, qtbot: QtBot, tmp_path: Path
) -> None:
    window = studio.window
    # Small enough for the offscreen platform's 800×600 screen (restoreGeometry clamps to it).
    window.resize(780, 560)
    layout = window.layout()
    assert layout is not None
    layout.activate()
    window.top_splitter.setSizes([250, 330, 180])
    sizes = window.top_splitter.sizes()
    with qtbot.waitSignal(window.closed, timeout=5000):
        window.close()
    state = studio.ui_state
    assert state.value("window/geometry") is not None
    assert state.value("splitters/top") is not None
    again = MainWindow(window.settings, window.secrets, studio.bridge, ui_state=state)
    qtbot.addWidget(again)
    again.show()
    restored = again.top_splitter.sizes()
    # The side panels keep their widths; the compose column takes what the screen allows.
    assert (restored[0], restored[2]) == (sizes[0], sizes[2])
    fresh = MainWindow(
        window.settings,
        window.secrets,
        studio.bridge,
        ui_state=QSettings(str(tmp_path / "empty.ini"), QSettings.Format.IniFormat),
    )
    qtbot.addWidget(fresh)
    fresh.show()
    assert fresh.top_splitter.sizes() != restored
    fresh.close()
    again.close()


def test_over_budget_asks_first_and_submits_on_yes(
    studio: Studio, tmp_path: Path, qtbot: QtBot, simulator: Simulator
) -> None:
    window = studio.window
    window.settings.budget_usd = Decimal("0.01")  # the engine reads the same model
    comp = window.composition
    comp.tray.add(Reference.from_source(simulator.sample_url("image.png")))
    comp.prompt.set_text("@Image1 turns around", comp.tray)
    assert window.submit_bar.button.isEnabled(), window.submit_bar.reason.text()
    window.activateWindow()
    window.prompt.editor.setFocus()
    QTest.keyClick(window.prompt.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.generate.confirm_box is not None, timeout=10_000)
    assert comp.prompt.text == "@Image1 turns around"  # the shortcut typed nothing
    box = window.generate.confirm_box
    assert box is not None and "budget" in box.text()
    assert window.bridge.jobs() == []
    with qtbot.waitSignal(window.submitted, timeout=15_000) as sent:
        box.button(QMessageBox.StandardButton.Yes).click()
    assert len(sent.args[0]) == 1
    assert len(window.bridge.jobs()) == 1


def test_missing_key_blocks_generate_until_one_is_saved(
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
    params = switch_model(GenerationParams(provider="eachlabs"), capabilities.get("eachlabs"))
    window = MainWindow(
        settings,
        secrets,
        bridge,
        composition=Composition(params),
        simulator=True,
        ui_state=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat),
    )
    qtbot.addWidget(window)
    comp = window.composition
    comp.tray.add(Reference.from_source(simulator.sample_url("image.png")))
    comp.prompt.set_text("@Image1 blinks", comp.tray)
    bar = window.submit_bar
    qtbot.waitUntil(lambda: "API key" in bar.reason.text(), timeout=5000)
    assert not bar.button.isEnabled()
    assert "Settings" in bar.reason.text()
    window.params.provider.setCurrentIndex(window.params.provider.findData("animatic"))
    qtbot.waitUntil(bar.button.isEnabled, timeout=5000)  # the local preview needs no key
    window.params.provider.setCurrentIndex(window.params.provider.findData("eachlabs"))
    qtbot.waitUntil(lambda: not bar.button.isEnabled(), timeout=5000)
    secrets.set("eachlabs", "sk-new")
    window.settings_saved()  # what the dialog's Save does after the keyring write
    qtbot.waitUntil(bar.button.isEnabled, timeout=5000)
    window.close()
    run_async(bridge.shutdown())


def test_files_pasted_into_the_prompt_go_to_the_tray(
    studio: Studio, tmp_path: Path, qtbot: QtBot
) -> None:
    window = studio.window
    image = sample_media(tmp_path)[0]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(image))])
    QGuiApplication.clipboard().setMimeData(mime)
    editor = window.prompt.editor
    QTest.keyClicks(editor, "A ")
    editor.paste()
    studio.settle()
    assert [r.name for r in window.composition.tray] == ["portrait.png"]
    assert window.composition.prompt.text == "A "
    QGuiApplication.clipboard().setText("plain words")
    editor.paste()
    assert window.composition.prompt.text == "A plain words"


def test_a_new_composition_says_what_to_do_first_without_an_error(studio: Studio) -> None:
    window = studio.window
    bar, checks = window.submit_bar, window.problems
    # Empty: Generate is off, and the window says what to do, muted rather than in red.
    assert not bar.button.isEnabled()
    assert bar.reason.property("role") == "muted"
    assert "error" not in checks.heading.text()
    assert bar.reason.text() == "Add a prompt or a reference to generate"
    # Once there is a prompt, eachlabs' own rules decide what is said.
    window.prompt.editor.setFocus()
    QTest.keyClicks(window.prompt.editor, "a lighthouse")
    studio.qtbot.waitUntil(lambda: bar.reason.text() != "Add a prompt or a reference to generate")
    # Deleting it again brings the quiet hint back, never a red error count.
    for _ in "a lighthouse":
        QTest.keyClick(window.prompt.editor, Qt.Key.Key_Backspace)
    studio.qtbot.waitUntil(lambda: bar.reason.property("role") == "muted")
    assert "error" not in checks.heading.text() and not bar.button.isEnabled()


def test_the_first_message_does_not_shrink_the_panels(studio: Studio, tmp_path: Path) -> None:
    window = studio.window
    bar = window.findChild(QStatusBar)
    assert bar is not None and bar.isVisible()  # there before any message
    height = window.main_splitter.height()
    drop(window.tray.view.viewport(), sample_media(tmp_path)[:1])
    studio.settle()
    studio.qtbot.waitUntil(lambda: bar.currentMessage().startswith("Added 1 reference"))
    # A status bar made by the first message would relay (and repaint) the whole window.
    assert window.main_splitter.height() == height
