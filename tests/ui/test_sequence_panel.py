"""The shot list driven with the mouse against the simulator: a second shot chained to the
first, animatics for both, the rest generated after a confirmed total, picks that move the
continuity image, the cut played and exported."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import av
import opentimelineio as otio
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from seedance_studio.app import simulator_secrets, simulator_settings
from seedance_studio.core import capabilities, paths
from seedance_studio.core.composition import Composition
from seedance_studio.core.params import GenerationParams, with_defaults
from seedance_studio.core.probe import reference_from_file
from seedance_studio.core.sequence import Continuity, chain_reference_id
from seedance_studio.core.sequence_document import SequenceDocument
from seedance_studio.core.settings import Settings
from seedance_studio.jobs.engine import JobEngine
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobStore
from seedance_studio.media.flatten import take_duration
from seedance_studio.simulator import Simulator
from seedance_studio.ui.engine_bridge import EngineBridge
from seedance_studio.ui.sequence_controller import SequenceController
from seedance_studio.ui.workers import Worker
from tests.media_factory import make_audio, make_image

RunAsync = Callable[..., Any]


class Rig:
    def __init__(self, qtbot: QtBot, sim: Simulator, tmp_path: Path, run_async: RunAsync):
        settings = simulator_settings(Settings(library_dir=str(tmp_path / "library")), sim)
        engine = JobEngine(
            JobStore(tmp_path / "jobs.sqlite3"), settings, simulator_secrets(), poll_interval=0.05
        )
        self.bridge = EngineBridge(engine, owns_store=True)
        run_async(self.bridge.start())
        caps = capabilities.get("eachlabs")
        self.composition = Composition(
            with_defaults(
                GenerationParams(provider="eachlabs", duration=4, resolution="480p"), caps
            )
        )
        hero = reference_from_file(make_image(tmp_path / "hero.png", 640, 640))
        self.composition.tray.extend([hero])
        self.composition.prompt.set_text("@Image1 walks into the room", self.composition.tray)
        self.worker = Worker()
        self.doc = SequenceDocument()
        self.controller = SequenceController(self.doc, self.composition, self.bridge, self.worker)
        self.messages: list[str] = []
        self.played: list[str] = []
        self.controller.message.connect(self.messages.append)
        self.controller.play_requested.connect(self.played.append)
        self.panel = self.controller.panel
        qtbot.addWidget(self.panel)
        self.panel.resize(900, 320)
        self.panel.show()
        self.qtbot = qtbot
        self.run_async = run_async

    def click(self, key: str) -> None:
        button: QPushButton = self.panel.buttons[key]
        assert button.isEnabled(), key
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)

    def cell(self, row: int, col: int) -> str:
        return str(self.panel.model.index(row, col).data())

    def wait_done(self, ids: Callable[[], list[int]], timeout: int = 30_000) -> None:
        def done() -> bool:
            jobs = [self.bridge.job(i) for i in ids()]
            return bool(jobs) and all(j is not None and j.state is JobState.DONE for j in jobs)

        self.qtbot.waitUntil(done, timeout=timeout)

    def close(self) -> None:
        self.controller.shutdown()
        self.worker.shutdown()
        self.run_async(self.bridge.shutdown())


@pytest.fixture
def rig(
    qtbot: QtBot,
    simulator: Simulator,
    tmp_path: Path,
    run_async: RunAsync,
    qasync_loop: asyncio.AbstractEventLoop,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Rig]:
    monkeypatch.setenv(paths.HOME_ENV, str(tmp_path / "home"))
    r = Rig(qtbot, simulator, tmp_path, run_async)
    yield r
    r.close()


def test_two_shot_sequence_from_animatic_to_export(
    rig: Rig, simulator: Simulator, tmp_path: Path
) -> None:
    assert not rig.panel.buttons["play"].isEnabled()
    rig.click("add")  # what was composed becomes Shot 1, and Shot 2 is added and current
    seq = rig.doc.sequence
    assert len(seq.shots) == 2 and rig.doc.current == seq.shots[1].id
    first, second = seq.shots
    assert first.composition.canonical_prompt() == "@Image1 walks into the room"
    assert len(rig.composition.tray) == 0  # the composer now shows the empty Shot 2
    assert rig.cell(0, 3) == capabilities.get("eachlabs").name

    # Compose Shot 2 with the same character (the library item), chained to Shot 1.
    rig.composition.tray.extend([first.composition.references[0]])
    rig.composition.prompt.set_text("@Image1 looks out of the window", rig.composition.tray)
    assert rig.panel.chain.isEnabled()
    QTest.mouseClick(rig.panel.chain, Qt.MouseButton.LeftButton)
    assert rig.doc.sequence.shot(second.id).chain
    assert rig.cell(1, 6) == "waits for Shot 1's take"

    rig.click("animatics")
    rig.wait_done(
        lambda: (
            [s.animatic for s in rig.doc.sequence.shots if s.animatic is not None]
            if all(s.animatic is not None for s in rig.doc.sequence.shots)
            else []
        )
    )
    assert simulator.count("eachlabs", "create") == 0
    # The continuity image (shot 1's animatic's last frame) lands first in shot 2's tray,
    # and the composer, which shows shot 2, has it too; the character became Image2.
    rig.qtbot.waitUntil(lambda: rig.cell(1, 6) == "continues Shot 1", timeout=10_000)
    continuity_image = rig.composition.tray.items[0]
    assert continuity_image.id == chain_reference_id(second.id)
    assert continuity_image.facts is not None and continuity_image.facts.format == "png"
    assert rig.composition.prompt.text == "@Image2 looks out of the window"

    rig.click("generate")
    box = rig.controller.confirm_box
    assert box is not None and "Estimated total" in box.text()
    # eachlabs' page: 480p costs $0.1412 per output second; two 4 s shots.
    assert "$1.13" in box.text()
    yes = box.button(QMessageBox.StandardButton.Yes)
    QTest.mouseClick(yes, Qt.MouseButton.LeftButton)
    rig.qtbot.waitUntil(lambda: all(s.takes for s in rig.doc.sequence.shots), timeout=10_000)
    rig.wait_done(lambda: [t for s in rig.doc.sequence.shots for t in s.takes])
    assert simulator.count("eachlabs", "create") == 2

    seq = rig.doc.sequence
    for shot in seq.shots:
        rig.controller.set_pick(shot.id, shot.takes[0])
    pick = rig.doc.sequence.shot(first.id).pick
    assert pick is not None
    rig.qtbot.waitUntil(lambda: pick in rig.controller._frames, timeout=10_000)
    chained = rig.doc.sequence.shot(second.id).chained_reference
    assert chained is not None and chained.source == str(rig.controller._frames[pick])
    assert rig.controller._continuity(second.id) is Continuity.LINKED
    assert rig.cell(0, 5).endswith("(picked)")

    music = make_audio(tmp_path / "score.wav", seconds=30)
    rig.click("soundtrack")
    dialog = rig.controller.file_dialog
    assert dialog is not None
    dialog.selectFile(str(music))
    dialog.accept()
    assert rig.doc.sequence.soundtrack == str(music)
    assert rig.doc.undo_name == "Set Soundtrack"

    rig.click("play")
    rig.qtbot.waitUntil(lambda: bool(rig.played), timeout=15_000)
    with av.open(rig.played[0]) as cut:  # the score replaces the takes' own sound
        assert len(cut.streams.audio) == 1
        sound = cut.streams.audio[0]
        assert sound.duration is not None and sound.time_base is not None
        heard = float(sound.duration * sound.time_base)
    takes = [
        Path(rig.bridge.job(s.pick or 0).result_path or "")  # type: ignore[union-attr]
        for s in rig.doc.sequence.shots
    ]
    assert take_duration(Path(rig.played[0])) == pytest.approx(
        sum(take_duration(p) for p in takes), abs=0.05
    )
    assert heard == pytest.approx(take_duration(Path(rig.played[0])), abs=0.1)

    rig.controller.export(tmp_path / "cut.otio")
    rig.qtbot.waitUntil(lambda: any(m.startswith("Exported") for m in rig.messages), timeout=15_000)
    clips = list(otio.adapters.read_from_file(str(tmp_path / "cut.otio")).find_clips())
    assert [c.name for c in clips] == ["Shot 1", "Shot 2", "Soundtrack"]
    assert clips[2].media_reference.target_url == music.resolve().as_uri()


def test_shot_edits_undo_and_the_composer_follows_the_current_shot(rig: Rig) -> None:
    rig.click("add")
    rig.composition.prompt.set_text("a second shot", rig.composition.tray)
    rig.click("duplicate")
    assert len(rig.doc.sequence.shots) == 3
    assert rig.composition.prompt.text == "a second shot"
    rig.click("up")
    assert [rig.cell(r, 1) for r in range(3)] == [
        "@Image1 walks into the room",
        "a second shot",
        "a second shot",
    ]
    first = rig.doc.sequence.shots[0].id
    rig.panel.view.clicked.emit(rig.panel.model.index(0, 1))
    assert rig.doc.current == first
    assert rig.composition.prompt.text == "@Image1 walks into the room"
    rig.click("remove")
    after_remove = len(rig.doc.sequence.shots)
    undone = rig.doc.undo()
    assert (after_remove, undone, len(rig.doc.sequence.shots)) == (2, "Remove Shot 1", 3)
