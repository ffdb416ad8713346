"""The compare view on its own (offscreen, libVLC with dummy outputs): the A/B wipe moves the
first two takes onto one picture, a frame step pauses every take, and without libVLC each
take offers the system player instead."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobRecord, JobStore, NewJob
from seedance_studio.ui import video_surface as player_module
from seedance_studio.ui.compare_view import CompareView
from seedance_studio.ui.player_vlc import PlaybackState, VlcPlayer, VlcUnavailableError
from tests.jobs.fakes import make_snapshot
from tests.jobs.walk import walk_to
from tests.ui.test_player_logic import needs_vlc
from tests.xvfb.clips import make_clip


@pytest.fixture
def takes(tmp_path: Path) -> list[JobRecord]:
    store = JobStore(tmp_path / "jobs.sqlite3")
    jobs = []
    for i, provider in enumerate(("eachlabs", "kinovi")):
        clip = make_clip(tmp_path / f"take{i}.mp4", seconds=3.0)
        [job_id] = store.insert_jobs(
            [
                NewJob(
                    snapshot=make_snapshot(provider, "x", []),
                    group_id=f"g{i}",
                    batch=f"b{i}",
                    estimated_usd=Decimal("1.00"),
                )
            ]
        )
        walk_to(store, job_id, JobState.DONE, result_path=str(clip))
        jobs.append(store.get(job_id))
    store.close()
    return jobs


@needs_vlc
def test_wipe_and_frame_step(takes: list[JobRecord], qtbot: QtBot) -> None:
    view = CompareView(takes)
    qtbot.addWidget(view)
    view.show()
    view.start()
    qtbot.waitUntil(
        lambda: all(
            p.player is not None and p.player.state() is PlaybackState.PLAYING for p in view.panes
        ),
        timeout=15_000,
    )
    view.set_mode(1)
    assert view.views.currentWidget() is view.stage and view.wipe_slider.isVisible()
    first, second = (p.player for p in view.panes)
    assert first is not None and second is not None
    assert first.bound_window == int(view.stage.bottom.winId())
    assert second.bound_window == int(view.stage.top.winId())
    # The master clock starts them again after the move and keeps them in step.
    qtbot.waitUntil(
        lambda: all(
            p.player is not None and p.player.state() is PlaybackState.PLAYING for p in view.panes
        ),
        timeout=10_000,
    )
    view.wipe_slider.setValue(30)
    assert view.stage.split == pytest.approx(0.3)
    view.set_mode(0)
    assert first.bound_window == int(view.panes[0].surface.winId())
    view.step()
    assert not view.master.playing
    qtbot.waitUntil(lambda: all(not s.playing for s in view.states()), timeout=5000)
    assert view.play_button.text() == "Play"
    view.close()


def test_without_libvlc_every_take_offers_the_system_player(
    takes: list[JobRecord], qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Missing(VlcPlayer):
        def __init__(self, options: list[str]) -> None:
            raise VlcUnavailableError("libVLC is not installed (no function 'libvlc_new')")

    monkeypatch.setattr(player_module, "VlcPlayer", Missing)
    view = CompareView(takes)
    qtbot.addWidget(view)
    view.show()
    view.start()
    qtbot.waitUntil(lambda: all(p.unavailable is not None for p in view.panes), timeout=5000)
    for pane in view.panes:
        assert pane.pages.currentIndex() == 1
        assert "needs VLC" in pane.missing.text()
    view.tick()  # the transport keeps working on nothing, without errors
    view.close()
