"""The gallery's parts on their own: the lazy model over a large store, poster strips made
off the UI thread and cached on disk, hover scrubbing, remembered layout, cost wording."""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, QSize, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from seedance_studio.jobs.message_kinds import MessageKind
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobStore, NewJob
from seedance_studio.ui import gallery_posters
from seedance_studio.ui.gallery_model import PAGE_SIZE, GalleryModel
from seedance_studio.ui.gallery_posters import PosterCache
from seedance_studio.ui.gallery_view import POSTER, GalleryPanel
from seedance_studio.ui.job_format import cost_text
from tests.jobs.fakes import make_snapshot
from tests.jobs.walk import walk_to
from tests.xvfb.clips import make_clip


@pytest.fixture
def store(tmp_path: Path) -> JobStore:
    return JobStore(tmp_path / "jobs.sqlite3")


def _fill(store: JobStore, count: int, clip: Path | None = None) -> list[int]:
    rows = [
        NewJob(
            snapshot=make_snapshot(
                "eachlabs" if i % 2 else "kinovi",
                f"shot{i}: a {'bird' if i % 2 else 'fox'} @Image1",
                ["https://example.com/a.png"],
            ),
            group_id=f"g{i}",
            batch=f"b{i}",
            estimated_usd=Decimal("1.51"),
        )
        for i in range(count)
    ]
    ids = store.insert_jobs(rows)
    for job_id in ids:
        walk_to(store, job_id, JobState.DONE)
    if clip is not None:
        for job_id in ids:
            store.update(job_id, result_path=str(clip))
    return ids


def test_the_model_reads_only_the_pages_it_shows(store: JobStore, qtbot: QtBot) -> None:
    ids = _fill(store, 1000)
    model = GalleryModel(store)
    assert model.rowCount() == 1000
    assert model.loaded_pages() == 0
    first = model.job_at(0)
    assert first is not None and first.id == ids[-1]  # newest first
    last = model.job_at(999)
    assert last is not None and last.id == ids[0]
    assert model.loaded_pages() == 2
    # Then, in idle moments, the page after the first and the one before the last.
    qtbot.waitUntil(lambda: model.loaded_pages() == 4, timeout=2000)
    assert model.row_of(ids[0]) == 999
    # A new job appears at the top once the engine says it changed.
    [new] = _fill(store, 1)
    model.job_changed(new)
    qtbot.waitUntil(lambda: model.rowCount() == 1001, timeout=2000)
    top = model.job_at(0)
    assert top is not None and top.id == new
    # A change to a row already read is re-read in place.
    store.update(ids[-1], pick=True)
    model.job_changed(ids[-1])
    qtbot.waitUntil(lambda: (j := model.job_at(1)) is not None and j.pick, timeout=2000)
    model.close()
    assert PAGE_SIZE <= 64


def test_filters_from_the_bar(store: JobStore, qtbot: QtBot) -> None:
    _fill(store, 20)
    posters = PosterCache(POSTER)
    panel = GalleryPanel(GalleryModel(store), posters)
    qtbot.addWidget(panel)
    panel.provider_box.setCurrentIndex(panel.provider_box.findData("kinovi"))
    assert panel.model.rowCount() == 10
    panel.search.setText("FOX")  # the even shots, all on Kinovi
    assert panel.model.rowCount() == 10
    panel.search.setText("fox shot1")  # every word: shot10, shot12 … shot18
    assert panel.model.rowCount() == 5
    panel.provider_box.setCurrentIndex(panel.provider_box.findData("eachlabs"))
    assert panel.model.rowCount() == 0
    panel.search.clear()
    panel.provider_box.setCurrentIndex(0)
    panel.date_box.setCurrentIndex(1)  # today
    assert panel.model.rowCount() == 20
    posters.shutdown()


def test_the_filter_bar_gives_way_on_a_narrow_window_and_keeps_its_choices(
    store: JobStore, qtbot: QtBot
) -> None:
    # Beside a take's provenance, the bar at its full width made the expanded review wider
    # than a 1280-pixel screen: Settings, Restore and Mark as pick ran off its edge.
    _fill(store, 3)
    posters = PosterCache(POSTER)
    panel = GalleryPanel(GalleryModel(store), posters)
    qtbot.addWidget(panel)
    boxes = [panel.provider_box, panel.state_box, panel.date_box, panel.picks_box, panel.sort_box]
    panel.resize(2000, 600)
    panel.show()
    qtbot.waitExposed(panel)
    wide = {box: box.width() for box in boxes}
    assert all(wide[box] >= box.sizeHint().width() for box in boxes)  # room: every word shows
    assert panel.minimumSizeHint().width() <= 640  # half the screen, beside the provenance
    panel.resize(panel.minimumSizeHint().width(), 600)
    qtbot.waitUntil(lambda: all(box.width() < wide[box] for box in boxes))
    panel.provider_box.setCurrentIndex(panel.provider_box.findData("kinovi"))
    assert panel.provider_box.currentData() == "kinovi"
    posters.shutdown()


def test_posters_are_made_off_the_ui_thread_and_kept_on_disk(
    tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    clip = make_clip(tmp_path / "bars.mp4", seconds=2.0, width=320, height=180)
    threads: list[str] = []
    real = gallery_posters.poster_strip  # type: ignore[attr-defined]

    def recorded(*args: object, **kw: object) -> object:
        threads.append(threading.current_thread().name)
        return real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(gallery_posters, "poster_strip", recorded)
    folder = tmp_path / "posters"
    folder.mkdir()
    cache = PosterCache(QSize(160, 90), folder=folder)
    assert cache.poster(str(clip)) is None  # asked, not made yet
    qtbot.waitUntil(lambda: cache.poster(str(clip)) is not None, timeout=10_000)
    poster = cache.poster(str(clip))
    assert poster is not None and poster.frames == 8
    assert poster.duration_s == pytest.approx(2.0, abs=0.1)
    assert threads and threading.main_thread().name not in threads
    # Later frames differ (the bars move): hovering across the tile shows other moments.
    assert poster.frame(0).toImage() != poster.frame(7).toImage()
    assert len(list(folder.glob("*.png"))) == 1
    cache.shutdown()

    def broken(*_a: object, **_k: object) -> object:
        raise AssertionError("decoded again although the strip is on disk")

    monkeypatch.setattr(gallery_posters, "poster_strip", broken)
    again = PosterCache(QSize(160, 90), folder=folder)
    qtbot.waitUntil(lambda: again.poster(str(clip)) is not None, timeout=5000)
    again.shutdown()


def test_hovering_across_a_tile_scrubs_through_it(
    store: JobStore, tmp_path: Path, qtbot: QtBot
) -> None:
    clip = make_clip(tmp_path / "bars.mp4", seconds=2.0, width=320, height=180)
    _fill(store, 3, clip)
    posters = PosterCache(POSTER, folder=tmp_path)
    panel = GalleryPanel(GalleryModel(store), posters)
    qtbot.addWidget(panel)
    panel.resize(800, 400)
    panel.show()
    qtbot.waitExposed(panel)
    rect = panel.view.visualRect(panel.model.index(0))
    viewport = panel.view.viewport()
    for x, want in ((rect.left() + 10, 0), (rect.left() + 6 + POSTER.width() - 4, 7)):
        point = QPoint(x, rect.top() + 30)
        event = QMouseEvent(
            QMouseEvent.Type.MouseMove,
            QPointF(point),
            QPointF(viewport.mapToGlobal(point)),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(viewport, event)
        hover = panel.delegate.hover
        assert hover is not None and hover[0] == 0
        assert int(hover[1] * 8) == want
    posters.shutdown()


def test_cancelled_jobs_say_whether_they_were_charged(store: JobStore) -> None:
    rows = [
        NewJob(
            snapshot=make_snapshot("eachlabs", "x", []),
            group_id="c",
            batch=f"c{i}",
            estimated_usd=Decimal("1.51"),
        )
        for i in range(3)
    ]
    before, confirmed, unconfirmed = store.insert_jobs(rows)
    walk_to(store, before, JobState.CANCELLED, message="cancelled before it was sent")
    walk_to(store, confirmed, JobState.QUEUED, provider_job_id="t1")
    walk_to(store, confirmed, JobState.CANCELLED, message="cancelled")
    walk_to(store, unconfirmed, JobState.QUEUED, provider_job_id="t2")
    walk_to(
        store,
        unconfirmed,
        JobState.CANCELLED,
        message="cancelled here; the provider has no cancel API, so the job may "
        "still run and be charged",
        message_kind=MessageKind.MAY_BE_CHARGED,
    )
    assert cost_text(store.get(before)) == "not charged"
    assert cost_text(store.get(confirmed)) == "not charged"
    assert cost_text(store.get(unconfirmed)) == "est $1.51 · may be charged"
    store.update(unconfirmed, actual_usd=Decimal("1.51"))
    assert cost_text(store.get(unconfirmed)) == "est $1.51 · paid $1.51"


def test_the_sort_orders_are_named_in_chinese(store: JobStore, qtbot: QtBot) -> None:
    """Before: the sort box listed 'Newest first' … 'Grouped by send' in the Chinese window."""
    from seedance_studio.core import i18n

    posters = PosterCache(POSTER)
    i18n.set_language("zh_CN")
    try:
        panel = GalleryPanel(GalleryModel(store), posters)
    finally:
        i18n.set_language("en")
    qtbot.addWidget(panel)
    names = [panel.sort_box.itemText(i) for i in range(panel.sort_box.count())]
    assert names[0] == "最新优先" and names[-1] == "按发送分组", names
    posters.shutdown()
