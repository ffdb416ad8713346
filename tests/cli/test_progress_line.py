"""The progress line off a terminal (logs, CI): state changes, and why a create waits."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

from seedance_studio.cli.progress import ProgressLine
from seedance_studio.jobs.message_kinds import MessageKind
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobRecord, JobStore, NewJob
from tests.jobs.fakes import make_snapshot


def _job(folder: Path) -> JobRecord:
    with JobStore(folder / "jobs.sqlite3") as store:
        [job_id] = store.insert_jobs([NewJob(snapshot=make_snapshot(), group_id="g", batch="b")])
        return store.get(job_id)


def test_a_waiting_create_says_why_once(tmp_path: Path) -> None:
    out = io.StringIO()
    line = ProgressLine(out)
    job = _job(tmp_path)
    waiting = replace(
        job, state=JobState.SUBMITTING, message="too many tasks in progress — trying again in 30 s"
    )
    creating = replace(
        job, state=JobState.SUBMITTING, message="正在创建", message_kind=MessageKind.CREATING
    )
    line.show([creating])  # told by its kind, in whatever language it was written
    line.show([waiting])
    line.show([waiting])
    line.show([replace(job, state=JobState.QUEUED, message=None)])
    assert out.getvalue().splitlines() == [
        f"job {job.id} submitting",
        f"job {job.id} submitting (too many tasks in progress — trying again in 30 s)",
        f"job {job.id} queued",
    ]
