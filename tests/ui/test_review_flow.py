"""The review path a person takes: one composition sent to three providers of the simulator,
the takes in the gallery, compared in sync, one picked; a take loaded back as the
composition; every provider's price next to the estimate."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from seedance_studio.core import capabilities
from seedance_studio.core.params import GenerationParams, switch_model
from seedance_studio.jobs.states import JobState
from seedance_studio.simulator import Simulator
from seedance_studio.ui.compare_view import CompareView
from seedance_studio.ui.fanout_dialog import FanoutDialog
from seedance_studio.ui.gallery_view import GalleryPanel
from seedance_studio.ui.player_vlc import PlaybackState
from tests.media_factory import make_image
from tests.ui.compose_helpers import drop
from tests.ui.test_window_studio import RunAsync, Studio

THREE = ["eachlabs", "kinovi", "oxen"]


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


def _compose(studio: Studio, tmp_path: Path) -> None:
    window = studio.window
    drop(window.tray.view.viewport(), [make_image(tmp_path / "dancer.png", 96, 64)])
    studio.settle()
    editor = window.prompt.editor
    editor.setFocus()
    QTest.keyClicks(editor, "@")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    QTest.keyClicks(editor, "spins slowly")
    window.params.duration.setCurrentIndex(window.params.duration.findData(5))
    assert window.composition.prompt.text == "@Image1 spins slowly"


def _send_to_three(studio: Studio, qtbot: QtBot) -> list[int]:
    window = studio.window
    window.send_several.click()
    dialog = window.review.dialog
    assert isinstance(dialog, FanoutDialog)
    dialog.tick(THREE)
    assert sorted(dialog.ticked()) == sorted(THREE)
    # eachlabs and kinovi publish prices, Oxen does not: the total says both.
    assert "3 jobs on 3 providers, at most $" in dialog.total.text()
    assert "Oxen" in dialog.total.text() and "no published price" in dialog.total.text()
    assert dialog.send_button.text() == "Send 3 jobs"
    with qtbot.waitSignal(window.review.sent, timeout=20_000) as sent:
        dialog.send_button.click()
    result = sent.args[0]
    assert not result.failures
    ids: list[int] = result.job_ids
    assert len(ids) == 3

    def finished() -> bool:
        jobs = [studio.bridge.job(i) for i in ids]
        return all(j is not None and j.state in (JobState.DONE, JobState.FAILED) for j in jobs)

    qtbot.waitUntil(finished, timeout=60_000)
    jobs = [studio.bridge.job(i) for i in ids]
    assert [j.state for j in jobs if j] == [JobState.DONE] * 3, [
        (j.provider, j.message) for j in jobs if j
    ]
    assert {j.provider for j in jobs if j} == set(THREE)
    window.review.show_fanout(result.fanout)
    return ids


def test_three_providers_end_in_a_synced_compare_with_a_pick(
    studio: Studio, tmp_path: Path, qtbot: QtBot
) -> None:
    _compose(studio, tmp_path)
    ids = _send_to_three(studio, qtbot)
    review = studio.window.review
    assert review.gallery is not None and review.provenance is not None
    selected = review.gallery.selected_jobs()
    assert sorted(j.id for j in selected) == sorted(ids)
    provenance = review.provenance
    assert provenance.compare_button.isEnabled()
    with qtbot.waitSignal(review.compare_opened, timeout=5000) as opened:
        provenance.compare_button.click()
    view = opened.args[0]
    assert isinstance(view, CompareView) and len(view.panes) == 3

    def all_playing() -> bool:
        players = [p.player for p in view.panes]
        return all(
            p is not None and p.state() is PlaybackState.PLAYING and p.time_ms() > 0
            for p in players
        )

    qtbot.waitUntil(all_playing, timeout=20_000)
    # Paused together, at one instant (within the sync tolerance).
    view.pause()
    qtbot.waitUntil(lambda: all(not s.playing for s in view.states()), timeout=5000)
    view.seek(1000)
    qtbot.waitUntil(lambda: all(abs(s.time_ms - 1000) < 200 for s in view.states()), timeout=5000)
    # Only the chosen take is heard.
    view.panes[1].audio.click()
    assert view.heard() == 1
    assert [p.volume > 0 for p in view.panes] == [False, True, False]
    # Pick the second take: stored, and the gallery shows it.
    view.panes[1].pick.click()
    picked = studio.bridge.job(view.panes[1].job.id)
    assert picked is not None and picked.pick
    others = [studio.bridge.job(p.job.id) for p in (view.panes[0], view.panes[2])]
    assert not any(o.pick for o in others if o)
    model = review.model
    assert model is not None
    qtbot.waitUntil(
        lambda: any(
            (j := model.job_at(r)) is not None and j.id == picked.id and j.pick
            for r in range(model.rowCount())
        ),
        timeout=3000,
    )
    view.close()


def test_load_as_composition_round_trip_and_rerun_shows_the_estimate(
    studio: Studio, tmp_path: Path, qtbot: QtBot
) -> None:
    window = studio.window
    _compose(studio, tmp_path)
    window.params.seed.setValue(1234) if hasattr(window.params, "seed") else None
    before = window.composition.snapshot()
    with qtbot.waitSignal(window.submitted, timeout=15_000) as sent:
        window.submit_bar.button.click()
    [job_id] = sent.args[0]
    qtbot.waitUntil(
        lambda: (j := studio.bridge.job(job_id)) is not None and j.state is JobState.DONE,
        timeout=30_000,
    )

    # Change everything, then load the take back.
    comp = window.composition
    comp.tray.clear()
    comp.prompt.set_text("something else", comp.tray)
    comp.params = switch_model(GenerationParams(provider="kinovi"), capabilities.get("kinovi"))
    review = window.review
    gallery = review.ensure_gallery()
    gallery.select_ids([job_id])
    assert review.provenance is not None and review.provenance.job is not None
    assert review.provenance.job.id == job_id
    details = review.provenance.details.text()
    assert "@Image1 spins slowly" in details and "(default)" in details
    review.provenance.load_button.click()
    after = window.composition.snapshot()
    assert after.prompt == before.prompt
    assert [r.source for r in after.references] == [r.source for r in before.references]
    assert after.params == before.params
    assert [m.ref_id for m in comp.prompt.live_mentions()] == [r.id for r in after.references]
    assert window.prompt.editor.toPlainText() == "@Image1 spins slowly"

    # Re-run on another provider: the dialog shows the estimate before anything is sent.
    jobs_before = len(studio.bridge.jobs())
    review.provenance.rerun_button.click()
    dialog = review.dialog
    assert isinstance(dialog, FanoutDialog)
    assert dialog.ticked() == ["eachlabs"]
    dialog.tick(["kinovi"])
    assert "at most $" in dialog.total.text()
    assert len(studio.bridge.jobs()) == jobs_before
    dialog.reject()


def test_every_provider_price_next_to_the_estimate_switches_on_click(
    studio: Studio, tmp_path: Path
) -> None:
    window = studio.window
    _compose(studio, tmp_path)
    quotes = window.quotes.refresh()
    assert {q.provider for q in quotes} >= set(THREE)
    lines = [a.text() for a in window.quotes.menu_.actions()]
    each = next(line for line in lines if "eachlabs" in line)
    assert each.startswith("● ") and "$1.51" in each  # 5 s × $0.3024 (eachlabs' page)
    legacy = next(
        a
        for a in window.quotes.menu_.actions()
        if "legacy" in a.text().lower() or "Kinovi (" in a.text()
    )
    assert legacy is not None
    kinovi = next(
        a
        for a in window.quotes.menu_.actions()
        if a.text().startswith("Kinovi —") or a.text().startswith("Kinovi ")
    )
    kinovi.trigger()
    assert window.composition.params.provider in ("kinovi", "kinovi-legacy")


def test_the_jobs_area_remembers_its_tab_and_column_widths(
    studio: Studio, simulator: Simulator, tmp_path: Path, qtbot: QtBot, run_async: RunAsync
) -> None:
    window = studio.window
    assert window.review.tabs.currentIndex() == 1  # the table, on a first start
    review = window.review
    assert review.gallery is None  # not built until its tab is shown
    header = window.jobs.table.horizontalHeader()
    header.resizeSection(0, 311)
    review.tabs.setCurrentIndex(0)
    assert isinstance(review.ensure_gallery(), GalleryPanel)
    window.close()
    run_async(studio.bridge.shutdown())
    again = Studio(qtbot, simulator, tmp_path, run_async)
    try:
        assert again.window.review.tabs.currentIndex() == 0
        qtbot.waitUntil(lambda: again.window.review.gallery is not None, timeout=3000)
        assert again.window.jobs.table.horizontalHeader().sectionSize(0) == 311
    finally:
        again.close()


def test_cancel_several_at_once_from_the_gallery(
    studio: Studio, simulator: Simulator, tmp_path: Path, qtbot: QtBot
) -> None:
    from seedance_studio.simulator.timing import SimTiming

    simulator.set_timing(SimTiming(queued=0.1, running=60.0))
    window = studio.window
    _compose(studio, tmp_path)
    window.send_several.click()
    dialog = window.review.dialog
    assert isinstance(dialog, FanoutDialog)
    dialog.tick(["eachlabs", "kinovi"])
    with qtbot.waitSignal(window.review.sent, timeout=20_000) as sent:
        dialog.send_button.click()
    ids = sent.args[0].job_ids
    qtbot.waitUntil(
        lambda: all(
            (j := studio.bridge.job(i)) is not None and j.state is JobState.RUNNING for i in ids
        ),
        timeout=20_000,
    )
    review = window.review
    review.show_fanout(sent.args[0].fanout)
    assert review.gallery is not None
    qtbot.waitUntil(review.gallery.cancel_button.isEnabled, timeout=3000)
    review.gallery.cancel_button.click()

    def cancelled(job_id: int) -> bool:
        job = studio.bridge.job(job_id)
        return job is not None and job.state is JobState.CANCELLED

    by_provider = {studio.bridge.job(i).provider: i for i in ids}  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: cancelled(by_provider["eachlabs"]), timeout=20_000)
    # Kinovi has no cancel API: the engine asks first instead of dropping a paid job, and
    # says so; that refusal did not hold up the eachlabs cancel.
    qtbot.waitUntil(lambda: "no cancel API" in window.jobs.message_label.text(), timeout=10_000)
    assert not cancelled(by_provider["kinovi"])
