"""How jobs read in the queue: labels, elapsed time, estimate vs actual cost (no widgets)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.params import GenerationParams
from seedance_studio.core.pricing import Estimate
from seedance_studio.core.prompt import PromptDocument
from seedance_studio.core.provider import Cost
from seedance_studio.core.reference import Reference
from seedance_studio.core.tray import ReferenceTray
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobRecord, JobStore, NewJob
from seedance_studio.ui.job_format import (
    STATE_LABELS,
    bar_fraction,
    cost_text,
    elapsed_seconds,
    estimate_text,
    format_elapsed,
    state_label,
)

D = Decimal


@pytest.fixture
def record(tmp_path: Path) -> JobRecord:
    """A real stored job (submitting), to vary with dataclasses.replace."""
    refs = [Reference.from_source("https://example.com/walk.mp4")]
    snapshot = CompositionSnapshot(
        references=refs,
        prompt=PromptDocument("Walk like @Video1", ReferenceTray(refs)).to_data(),
        params=GenerationParams(provider="shortapi"),
    )
    with JobStore(tmp_path / "jobs.sqlite3", clock=lambda: 1000.0) as store:
        [job_id] = store.insert_jobs([NewJob(snapshot=snapshot, group_id="g", batch="b")])
        return store.get(job_id)


def vary(job: JobRecord, **changes: Any) -> JobRecord:
    return dataclasses.replace(job, **changes)


def test_every_state_has_a_label_and_unknown_says_what_to_do(record: JobRecord) -> None:
    assert set(STATE_LABELS) == set(JobState)
    unknown = vary(record, state=JobState.SUBMIT_UNKNOWN)
    assert state_label(unknown) == "Submission unknown: check again / submit anyway"
    assert state_label(vary(record, state=JobState.STUCK)) == "Stuck: check again or cancel"


def test_labels_carry_live_figures(record: JobRecord) -> None:
    assert state_label(record, ("upload", 0.25)) == "Uploading references 25%"
    running = vary(record, state=JobState.RUNNING, progress=0.4)
    assert state_label(running) == "Generating 40%"
    assert state_label(running, ("queue", 0.75)) == "Generating 75%"
    assert state_label(vary(running, progress=None)) == "Generating"
    downloading = vary(record, state=JobState.DOWNLOADING, bytes_done=50, bytes_total=200)
    assert state_label(downloading) == "Downloading 25%"
    assert state_label(downloading, ("download", 0.9)) == "Downloading 90%"
    queued = vary(record, state=JobState.QUEUED, raw_status="IN_QUEUE")
    assert state_label(queued) == "Queued (IN_QUEUE)"
    failed = vary(record, state=JobState.FAILED, message="Content policy")
    assert state_label(failed) == "Failed: Content policy"


def test_bars_only_where_something_moves(record: JobRecord) -> None:
    assert bar_fraction(record, None) is None
    assert bar_fraction(record, ("upload", 0.5)) == ("Uploading references", 0.5)
    assert bar_fraction(vary(record, state=JobState.RUNNING), None) == ("Generating", None)
    assert bar_fraction(
        vary(record, state=JobState.DOWNLOADING, bytes_done=1, bytes_total=4), None
    ) == ("Downloading", 0.25)
    assert bar_fraction(vary(record, state=JobState.DONE), ("download", 1.0)) is None


def test_elapsed_is_live_until_final(record: JobRecord) -> None:
    assert elapsed_seconds(record, now=1042.0) == 42.0
    done = vary(record, state=JobState.DONE, finished_at=1100.0)
    assert elapsed_seconds(done, now=5000.0) == 100.0
    assert [format_elapsed(s) for s in (5.9, 187, 3723)] == ["5 s", "3:07", "1:02:03"]


def test_estimate_and_actual_cost(record: JobRecord) -> None:
    ranged = vary(
        record, estimate=Estimate(min=D("0.50"), max=D("0.80")), estimated_usd=Decimal("0.80")
    )
    assert estimate_text(ranged) == "$0.50–$0.80"
    open_ended = vary(
        record, estimate=Estimate(min=D("0.84"), max=None), estimated_usd=Decimal("0.84")
    )
    assert estimate_text(open_ended) == "≥ $0.84"
    # Two variants: each job shows its half of the submission's range.
    variant = vary(
        record, estimate=Estimate(min=D("1.00"), max=D("1.60")), estimated_usd=Decimal("0.80")
    )
    assert estimate_text(variant) == "$0.50–$0.80"
    credits = vary(record, estimate=Estimate(published=False, credits_max=D("30")))
    assert estimate_text(credits) == "30 credits"
    assert cost_text(vary(record, estimate=None)) == "no published price"

    paid = vary(
        ranged, actual_usd=Decimal("0.72"), actual_cost=Cost(amount=Decimal("0.72"), unit="usd")
    )
    assert cost_text(paid) == "est $0.50–$0.80 · paid $0.72"
    in_credits = vary(
        ranged, actual_usd=Decimal("0.30"), actual_cost=Cost(amount=Decimal("30"), unit="credits")
    )
    assert cost_text(in_credits) == "est $0.50–$0.80 · paid $0.30 (30 credits)"
    unpriced = vary(record, estimate=None, actual_cost=Cost(amount=Decimal("12"), unit="credits"))
    assert cost_text(unpriced) == "no published price · paid 12 credits"


def test_cost_words_the_raw_view_and_step_names_are_chinese_under_zh_cn(
    record: JobRecord,
) -> None:
    """Before: 'est', 'paid' and 'credits' in the jobs list, the raw view's 'Job #' header, a
    take's 'took', the Edit menu's 'Undo <step>' and a missing library item stayed English in
    the Chinese window."""
    from seedance_studio.core import i18n
    from seedance_studio.ui.compare_view import take_caption
    from seedance_studio.ui.job_raw_dialog import raw_text
    from seedance_studio.ui.project_menus import redo_text, undo_text

    ranged = vary(
        record, estimate=Estimate(min=D("0.50"), max=D("0.80")), estimated_usd=Decimal("0.80")
    )
    in_credits = vary(
        ranged, actual_usd=Decimal("0.30"), actual_cost=Cost(amount=Decimal("30"), unit="credits")
    )
    unpriced = vary(record, estimate=None, actual_cost=Cost(amount=Decimal("12"), unit="credits"))
    done = vary(in_credits, state=JobState.DONE, finished_at=1063.0)
    i18n.set_language("zh_CN")
    try:
        assert cost_text(in_credits) == "预估 $0.50–$0.80 · 实付 $0.30（30 积分）"
        assert cost_text(unpriced) == "无公开价格 · 实付 12 积分"
        assert raw_text(record, []).startswith(f"任务 #{record.id} — shortapi — submitting\n")
        assert take_caption(done).endswith(" · 用时 1:03"), take_caption(done)
        assert undo_text("Typing") == "撤销Typing" and redo_text(None) == "重做"
    finally:
        i18n.set_language("en")
