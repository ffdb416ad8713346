"""The jobs table over a long history: pages of display fields, newest first, read on demand."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from seedance_studio.core.pricing import Estimate
from seedance_studio.core.settings import Settings
from seedance_studio.jobs.states import FINAL_STATES, JobState
from seedance_studio.jobs.store import JobStore, NewJob
from seedance_studio.ui.engine_bridge import EngineBridge
from seedance_studio.ui.job_model import BAR_ROLE, Column, JobListModel
from tests.jobs.fakes import make_snapshot
from tests.jobs.walk import walk_to

JOBS = 50
PAGE = 16


class NoKeys:
    def get(self, provider_id: str) -> str | None:
        return None


@pytest.fixture
def store(tmp_path: Path) -> JobStore:
    store = JobStore(tmp_path / "jobs.sqlite3")
    snapshot = make_snapshot(
        "kinovi", "A long walk " * 100 + "@Image1 waves", ["https://example.com/a.png"]
    )
    ids = store.insert_jobs(
        [
            NewJob(
                snapshot=snapshot,
                group_id=f"g{i}",
                batch=f"b{i}",
                estimate=Estimate(min=Decimal("0.50"), max=Decimal("0.50")),
                estimated_usd=Decimal("0.50"),
            )
            for i in range(JOBS)
        ]
    )
    for job_id in ids[:-3]:
        walk_to(store, job_id, JobState.DONE)
    walk_to(store, ids[-3], JobState.STUCK)
    return store


@pytest.fixture
def model(store: JobStore, run_async: Any, qtbot: QtBot) -> Iterator[JobListModel]:
    bridge = EngineBridge.create(Settings(), NoKeys(), store=store, owns_store=True)
    made = JobListModel(bridge, page_rows=PAGE)
    yield made
    made.shutdown()
    run_async(bridge.shutdown())


def test_opens_with_one_page_and_reads_the_rest_as_asked(
    model: JobListModel, store: JobStore
) -> None:
    everything = [j.id for j in store.list_jobs()]
    assert model.rowCount() == PAGE
    assert model.job_ids() == everything[:PAGE]  # newest first
    assert model.canFetchMore(QModelIndex())
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.job_ids() == everything
    assert model.rowCount() == JOBS


def test_rows_show_what_the_whole_record_says(model: JobListModel, store: JobStore) -> None:
    newest = store.list_jobs()[0]
    text = str(model.data(model.index(0, Column.JOB)))
    assert text.startswith(f"#{newest.id} A long walk")
    assert len(text) <= len(f"#{newest.id} ") + 40
    assert model.data(model.index(0, Column.COST)) == "est $0.50"
    tooltip = str(model.data(model.index(0, Column.JOB), Qt.ItemDataRole.ToolTipRole))
    assert tooltip.startswith(newest.prompt_text)  # the whole prompt, not the row's excerpt
    record = model.job_at(0)
    assert record is not None and record.snapshot_data == newest.snapshot_data


def test_a_change_and_a_new_job_show_without_a_reload(model: JobListModel, store: JobStore) -> None:
    newest = model.job_ids()[0]
    walk_to(store, newest, JobState.FAILED, message="refused")
    model.refresh(newest)
    assert model.data(model.index(0, Column.STATE)) == "Failed: refused"
    assert model.job(newest).state is JobState.FAILED  # type: ignore[union-attr]
    [added] = store.insert_jobs([NewJob(snapshot=make_snapshot(), group_id="n", batch="n")])
    model.refresh(added)
    assert model.job_ids()[:2] == [added, newest]
    # A change to a job on a page not read yet waits for that page.
    oldest = min(j.id for j in store.list_jobs())
    store.update(oldest, message="old news")
    model.refresh(oldest)
    assert oldest not in model.job_ids()
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.job_ids().count(oldest) == 1


def test_the_elapsed_tick_touches_only_the_jobs_still_moving(
    model: JobListModel, store: JobStore, qtbot: QtBot
) -> None:
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    moving = {j.id for j in store.list_jobs() if j.state not in FINAL_STATES}
    assert len(moving) == 3
    touched: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(
        lambda a, b, *_: touched.append((a.row(), a.column(), b.row(), b.column()))
    )
    model._tick()
    rows = [row for job_id in moving if (row := model.row_of(job_id)) is not None]
    # One signal over the Elapsed column from the first moving row to the last.
    assert touched == [(min(rows), Column.ELAPSED, max(rows), Column.ELAPSED)]
    assert model.ids_in_states([JobState.STUCK]) == [
        j.id for j in store.list_jobs() if j.state is JobState.STUCK
    ]


def test_a_poll_that_changes_nothing_repaints_nothing(model: JobListModel, store: JobStore) -> None:
    moving = next(j.id for j in store.list_jobs() if j.state not in FINAL_STATES)
    touched: list[int] = []
    model.dataChanged.connect(lambda a, *_: touched.append(a.row()))
    model._on_progress(moving, "queue", 0.0)
    assert touched == [model.row_of(moving)]
    # The same progress again, and a job_changed whose row reads back the same.
    model._on_progress(moving, "queue", 0.0)
    model.refresh(moving)
    assert touched == [model.row_of(moving)]
    model._on_progress(moving, "queue", 0.5)
    assert len(touched) == 2


def test_the_elapsed_ticker_sleeps_while_no_job_moves(
    store: JobStore, run_async: Any, qtbot: QtBot
) -> None:
    for job in store.list_jobs():
        if job.state not in FINAL_STATES:
            walk_to(store, job.id, JobState.CANCELLED)
    bridge = EngineBridge.create(Settings(), NoKeys(), store=store, owns_store=True)
    model = JobListModel(bridge, page_rows=PAGE)
    try:
        while model.canFetchMore(QModelIndex()):
            model.fetchMore(QModelIndex())
        model._tick()
        assert not model._ticker.isActive()
        (new,) = store.insert_jobs(
            [NewJob(snapshot=make_snapshot("kinovi", "x", []), group_id="n", batch="n")]
        )
        model.refresh(new)
        assert model._ticker.isActive()
    finally:
        model.shutdown()
        run_async(bridge.shutdown())


def test_changes_in_one_turn_are_one_query_and_one_update_each(
    model: JobListModel, store: JobStore, qtbot: QtBot
) -> None:
    """A burst of job_changed (a drop of many jobs, a round of polls) is applied once per
    frame: one store read for every id, one insert for the new rows, one dataChanged span."""
    loaded = model.job_ids()
    moving = [j for j in loaded if store.get(j).state not in FINAL_STATES]
    new = store.insert_jobs(
        [NewJob(snapshot=make_snapshot(), group_id=f"n{i}", batch="n") for i in range(5)]
    )
    for job_id in moving:
        store.update(job_id, message="moved")
    rows = [loaded.index(j) for j in moving]  # their rows before the new ones land on top
    queries: list[str] = []
    store._db.set_trace_callback(queries.append)
    inserted: list[tuple[int, int]] = []
    changed: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    model.dataChanged.connect(lambda a, b, *_: changed.append((a.row(), b.row())))
    for job_id in [*new, *moving, loaded[0], *new]:  # repeats and an unchanged row too
        model._bridge.job_changed.emit(job_id)
    assert model.rowCount() == PAGE  # nothing yet: applied on the next frame
    qtbot.waitUntil(lambda: model.rowCount() == PAGE + 5, timeout=2000)
    store._db.set_trace_callback(None)
    assert [q for q in queries if q.lstrip().startswith("SELECT")] == [queries[0]]
    assert "IN (" in queries[0]
    assert inserted == [(0, 4)]
    assert model.job_ids()[:6] == [*sorted(new, reverse=True), loaded[0]]
    assert changed == [(min(rows), max(rows))]
    assert all(model.job(j).message == "moved" for j in moving)  # type: ignore[union-attr]


def test_progress_of_a_job_still_landing_lands_its_row_first(
    model: JobListModel, store: JobStore
) -> None:
    # A short upload can report its progress before the frame that adds the job's row: the
    # bar must be on the row then, not lost because the row came 16 ms later.
    [job_id] = store.insert_jobs([NewJob(snapshot=make_snapshot(), group_id="u", batch="u")])
    model._bridge.job_changed.emit(job_id)
    assert model.row_of(job_id) is None  # queued for the next frame
    model._bridge.progress.emit(job_id, "upload", 1.0)
    row = model.row_of(job_id)
    assert row is not None
    assert model.index(row, Column.PROGRESS).data(BAR_ROLE) is not None
