"""What the turn a drop's results land on does: the tray inserts rows (no reset), cards ask
for placeholders and thumbnails without drawing or decoding inside the paint, the checks list
lays its rows out on the next frame, and the worker threads yield the CPU to the UI thread."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QRect, QSize
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from pytestqt.qtbot import QtBot

from seedance_studio.core.media_facts import MediaFacts, MediaKind
from seedance_studio.core.probe import reference_from_file
from seedance_studio.core.reference import Reference
from seedance_studio.core.settings import Settings
from seedance_studio.ui import icons, thumbnail_cache
from seedance_studio.ui.compose_checks import ComposeChecks
from seedance_studio.ui.problems_panel import ProblemsPanel
from seedance_studio.ui.thumbnail_cache import ThumbnailCache
from seedance_studio.ui.thumbnail_paint import cover, draw_cover
from seedance_studio.ui.tray_model import TrayRoles
from seedance_studio.ui.workers import WORKER_NICENESS, Worker
from tests.media_factory import make_image
from tests.ui.compose_helpers import TrayHarness, composition_for


def _link(kind: MediaKind, name: str) -> Reference:
    return Reference(
        kind=kind,
        source=f"https://example.com/{name}",
        name=name,
        facts=MediaFacts(format="png", size_bytes=1000, width=640, height=640),
    )


class Rows(TrayHarness):
    """A tray widget and every change signal its model sends."""

    def __init__(self, qtbot: QtBot) -> None:
        super().__init__(qtbot)
        qtbot.waitExposed(self.widget)
        self.signals: list[tuple[str, int, int]] = []
        m = self.model
        m.modelReset.connect(lambda: self.signals.append(("reset", -1, -1)))
        m.rowsInserted.connect(lambda _p, a, b: self.signals.append(("inserted", a, b)))
        m.rowsRemoved.connect(lambda _p, a, b: self.signals.append(("removed", a, b)))
        m.rowsMoved.connect(lambda _p, a, b, _d, to: self.signals.append(("moved", a, to)))
        m.dataChanged.connect(lambda a, b, *_: self.signals.append(("changed", a.row(), b.row())))

    def names(self) -> list[str]:
        return [self.model.reference(r).name for r in range(self.model.rowCount())]


@pytest.fixture
def rows(qtbot: QtBot) -> Iterator[Rows]:
    r = Rows(qtbot)
    yield r
    r.worker.shutdown()
    r.model.disconnect_tray()


def test_added_references_are_inserted_rows_and_the_selection_stays(rows: Rows) -> None:
    tray = rows.composition.tray
    tray.extend([_link(MediaKind.IMAGE, "a.png"), _link(MediaKind.IMAGE, "b.png")])
    view = rows.widget.view
    view.setCurrentIndex(rows.model.index(1))
    selected = view.selected_ids()
    rows.signals.clear()
    # An image dropped in front: one row inserted, and every card renumbers at once.
    tray.add(_link(MediaKind.IMAGE, "c.png"), 0)
    assert rows.signals == [("inserted", 0, 0), ("changed", 0, 2)]
    assert rows.names() == ["c.png", "a.png", "b.png"]
    assert rows.tags() == ["@Image1", "@Image2", "@Image3"]
    assert view.selected_ids() == selected  # a reset would have dropped it
    rows.signals.clear()
    tray.extend([_link(MediaKind.AUDIO, "d.mp3"), _link(MediaKind.VIDEO, "e.mp4")])
    assert rows.signals == [("inserted", 3, 4), ("changed", 0, 4)]
    assert rows.tags() == ["@Image1", "@Image2", "@Image3", "@Audio1", "@Video1"]
    assert rows.widget._count.text() == "5"


def test_removed_and_moved_references_are_removed_and_moved_rows(rows: Rows) -> None:
    tray = rows.composition.tray
    refs = [_link(MediaKind.IMAGE, f"{n}.png") for n in "abcd"]
    tray.extend(refs)
    rows.signals.clear()
    tray.remove(refs[1].id)
    assert rows.signals == [("removed", 1, 1), ("changed", 0, 2)]
    assert rows.tags() == ["@Image1", "@Image2", "@Image3"]
    rows.signals.clear()
    tray.move(refs[0].id, 2)  # a down to the end
    assert rows.signals == [("moved", 0, 3), ("changed", 0, 2)]
    assert rows.names() == ["c.png", "d.png", "a.png"]
    rows.signals.clear()
    tray.move(refs[0].id, 0)  # and back up to the front
    assert rows.signals == [("moved", 2, 0), ("changed", 0, 2)]
    assert rows.names() == ["a.png", "c.png", "d.png"]
    rows.signals.clear()
    tray.reset([refs[3], refs[2], refs[0]])  # the ends swapped, no single run: reset
    assert rows.signals == [("reset", -1, -1)]
    assert rows.names() == ["d.png", "c.png", "a.png"]
    rows.signals.clear()
    other = _link(MediaKind.IMAGE, "x.png")
    tray.reset([refs[2], refs[0], other])  # one gone, one new: not a move either
    assert rows.signals == [("reset", -1, -1)]
    assert rows.names() == ["c.png", "a.png", "x.png"]
    rows.signals.clear()
    tray.clear()
    assert rows.signals == [("removed", 0, 2)]
    assert rows.model.rowCount() == 0 and rows.widget._count.text() == ""


def test_a_conformed_copy_swapped_in_repaints_its_card(rows: Rows) -> None:
    tray = rows.composition.tray
    first, second = _link(MediaKind.IMAGE, "a.png"), _link(MediaKind.VIDEO, "b.mp4")
    tray.extend([first, second])
    rows.signals.clear()
    tray.replace(second.id, _link(MediaKind.VIDEO, "b-480p.mp4"))
    assert rows.signals == [("changed", 0, 1)]
    assert rows.names() == ["a.png", "b-480p.mp4"]
    assert rows.model.index(1, 0, QModelIndex()).data(TrayRoles.TAG) == "@Video1"


def test_kind_placeholders_are_drawn_once_per_size(
    rows: Rows, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[MediaKind] = []

    def counting(kind: MediaKind) -> QIcon:
        drawn.append(kind)
        return icons.kind_icon(kind)

    monkeypatch.setattr(thumbnail_cache, "kind_icon", counting)
    links = [_link(MediaKind.IMAGE, f"{n}.png") for n in "abc"]
    for ref in links * 2:  # a link never gets a thumbnail: the placeholder every paint
        pixmap = rows.thumbnails.pixmap(ref)
        assert not pixmap.isNull()
    assert drawn == [MediaKind.IMAGE]
    audio = _link(MediaKind.AUDIO, "d.mp3")
    rows.thumbnails.pixmap(audio)
    rows.thumbnails.pixmap(audio)
    assert drawn == [MediaKind.IMAGE, MediaKind.AUDIO]


def test_a_thumbnail_asked_for_in_a_paint_decodes_from_the_next_turn(
    tmp_path: Path, qtbot: QtBot
) -> None:
    image = make_image(tmp_path / "still.png", 96, 64)
    ref = reference_from_file(image)
    worker = Worker()
    thumbnails = ThumbnailCache(worker)
    started: list[str] = []
    real_submit = worker.submit

    def submit(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        started.append(str(args[0]))
        return real_submit(fn, *args, **kwargs)

    worker.submit = submit  # type: ignore[method-assign]
    thumbnails.pixmap(ref)  # what a card's paint does
    thumbnails.pixmap(ref)
    assert started == []  # no decoding thread fights the rest of the paint for the GIL
    assert worker.pending == 1  # counted at once: waiting for pending == 0 still works
    qtbot.waitUntil(lambda: thumbnails.has(ref), timeout=10_000)
    assert started == [str(image)]
    assert worker.pending == 0
    worker.shutdown()


def test_the_checks_list_follows_at_once_and_lays_out_its_rows_once_a_frame(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    comp = composition_for("eachlabs")
    checks = ComposeChecks(comp, Settings())
    panel = ProblemsPanel(checks)
    qtbot.addWidget(panel)
    panel.show()
    laid_out: list[str] = []
    real = panel.body.setText

    def set_text(text: str) -> None:
        laid_out.append(text)
        real(text)

    monkeypatch.setattr(panel.body, "setText", set_text)
    comp.tray.extend([_link(MediaKind.IMAGE, f"{n}.png") for n in "abcdefghij"])  # 10 > 9
    comp.prompt.set_text("@Image1 waves", comp.tray)
    assert any("10" in m for m in panel.messages())  # what the list says: now
    assert "·" in panel.heading.text()
    assert laid_out == []  # its rich-text rows: on the next frame, once for both changes
    qtbot.waitUntil(lambda: bool(laid_out), timeout=2000)
    assert len(laid_out) == 1 and "<table" in laid_out[0]
    assert panel.body.text() == laid_out[0]
    checks.detach()


def test_a_thumbnail_is_covered_once_per_box(qtbot: QtBot) -> None:
    picture = QPixmap(192, 108)
    picture.fill(QColor("#3366cc"))
    first = cover(picture, QSize(112, 63), 4)
    assert cover(picture, QSize(112, 63), 4).cacheKey() == first.cacheKey()  # kept
    assert (first.width(), first.height()) == (112, 63)
    image = first.toImage()
    assert image.pixelColor(56, 31).name() == "#3366cc"  # the middle, scaled to cover
    assert image.pixelColor(0, 0).alpha() < 255  # a rounded corner
    other = cover(picture, QSize(64, 36), 4)  # another box: its own picture
    assert other.cacheKey() != first.cacheKey()
    card = QPixmap(130, 80)
    card.fill(QColor("#000000"))
    painter = QPainter(card)
    draw_cover(painter, picture, QRect(9, 8, 112, 63), radius=4)
    painter.end()
    assert card.toImage().pixelColor(60, 40).name() == "#3366cc"
    assert card.toImage().pixelColor(4, 4).name() == "#000000"  # outside the box


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread priority: Linux")
def test_background_worker_threads_run_below_the_ui_thread(qtbot: QtBot) -> None:
    background, foreground = Worker(background=True), Worker()
    seen: dict[str, int] = {}

    def priority() -> int:
        return os.getpriority(os.PRIO_PROCESS, 0)  # 0: the calling thread

    background.submit(priority, on_done=lambda nice: seen.__setitem__("background", nice))
    foreground.submit(priority, on_done=lambda nice: seen.__setitem__("foreground", nice))
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=5000)
    ui = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    assert seen == {"background": min(19, ui + WORKER_NICENESS), "foreground": ui}
    background.shutdown()
    foreground.shutdown()
