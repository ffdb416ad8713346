"""The SQLite store: schema version, events with redacted raw answers, leases across processes."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from seedance_studio.core.pricing import Estimate
from seedance_studio.core.redact import forget_secret, register_secret
from seedance_studio.jobs.owners import new_owner_id, owner_is_dead
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import SCHEMA_VERSION, JobStore, NewJob
from seedance_studio.jobs.store_errors import NewerStoreError
from seedance_studio.jobs.transitions import Event
from tests.jobs.fakes import make_snapshot
from tests.jobs.walk import walk_to


def new_job(store: JobStore, **kw: object) -> int:
    [job_id] = store.insert_jobs([NewJob(snapshot=make_snapshot(), group_id="g", batch="b", **kw)])  # type: ignore[arg-type]
    return job_id


def test_schema_is_versioned_and_wal(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite3"
    JobStore(path).close()
    db = sqlite3.connect(path)
    assert db.execute("SELECT version FROM schema_version").fetchone() == (SCHEMA_VERSION,)
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    db.execute("UPDATE schema_version SET version = 99")
    db.commit()
    db.close()
    with pytest.raises(NewerStoreError, match="newer Seedance Studio"):
        JobStore(path)


def test_a_row_round_trips_with_its_snapshot(store: JobStore) -> None:
    snap = make_snapshot(seed=3)
    [job_id] = store.insert_jobs(
        [NewJob(snapshot=snap, group_id="g", batch="b", estimate=Estimate(max=Decimal("1.5")))]
    )
    job = store.get(job_id)
    assert job.state is JobState.SUBMITTING
    assert job.snapshot() == snap
    assert job.params["seed"] == 3 and job.estimate == Estimate(max=Decimal("1.5"))
    assert store.unfinished() == [job]


def test_state_changes_append_events_with_redacted_raw(store: JobStore) -> None:
    job_id = new_job(store)
    secret = "sk-live-abcdef123456"
    register_secret(secret)
    try:
        assert store.move(
            job_id, Event.CREATED, provider_job_id="p1", raw={"echo": f"Bearer {secret}"}
        )
    finally:
        forget_secret(secret)
    store.update(job_id, message="no state change, no event")
    events = store.events(job_id)
    assert [e.state for e in events] == ["submitting", "queued"]
    assert secret not in str(events[1].raw) and "***" in str(events[1].raw)
    raw_db = Path(store.path).read_bytes() + Path(f"{store.path}-wal").read_bytes()
    assert secret.encode() not in raw_db


def test_conditional_update_refuses_a_moved_row(store: JobStore) -> None:
    job_id = new_job(store)
    store.move(job_id, Event.CANCELLED_UNSENT)
    assert not store.move(job_id, Event.CREATED)
    assert not store.update(job_id, expect=[JobState.SUBMITTING], message="late")
    assert store.get(job_id).state is JobState.CANCELLED


def test_lease_held_by_a_live_owner_blocks_others(store: JobStore) -> None:
    job_id = new_job(store)
    a, b = new_owner_id(), new_owner_id()
    assert store.claim(job_id, a)
    assert not store.claim(job_id, b)
    store.release(job_id, a)
    assert store.claim(job_id, b)


def test_lease_of_a_dead_process_is_taken_over_at_once(store: JobStore) -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    host = new_owner_id().split(":")[0]
    dead = f"{host}:{child.pid}:x"
    assert owner_is_dead(dead)
    assert not owner_is_dead(f"{host}:{os.getpid()}:y")
    assert not owner_is_dead(f"elsewhere:{child.pid}:x")  # another host: wait for expiry
    job_id = new_job(store)
    store.update(job_id, lease_owner=dead, lease_until=store.now() + 3600)
    assert store.claim(job_id, new_owner_id())


def test_expired_lease_is_free(tmp_path: Path) -> None:
    now = [1000.0]
    store = JobStore(tmp_path / "j.sqlite3", clock=lambda: now[0])
    job_id = new_job(store)
    assert store.claim(job_id, "otherhost:1:a", lease_s=10)
    assert not store.claim(job_id, "otherhost:2:b", lease_s=10)
    now[0] += 11
    assert store.claim(job_id, "otherhost:2:b", lease_s=10)
    store.close()


def test_two_connections_see_each_others_writes(store: JobStore) -> None:
    other = JobStore(store.path)
    job_id = new_job(store)
    walk_to(other, job_id, JobState.RUNNING)
    assert store.get(job_id).state is JobState.RUNNING
    other.close()


def test_active_count_and_create_times(tmp_path: Path) -> None:
    now = [10.0]
    store = JobStore(tmp_path / "j.sqlite3", clock=lambda: now[0])
    a, b, c = (
        store.insert_jobs([NewJob(snapshot=make_snapshot(), group_id="g", batch=batch)])[0]
        for batch in ("a", "b", "c")
    )  # three separate create requests
    walk_to(store, a, JobState.RUNNING, create_sent_at=5.0, submitted_at=5.1)
    store.update(b, create_sent_at=6.0)  # sent, no answer yet: holds a slot
    walk_to(store, c, JobState.RUNNING, create_sent_at=4.0, submitted_at=7.0)
    assert store.active_count("shortapi") == 3
    # A create counts from the latest moment the server can have seen it: its answer (7.0
    # for c, sent long before), or now while it is still in flight (b).
    assert store.creates_since("shortapi", 5.5) == [7.0, 10.0]
    now[0] = 12.0
    assert store.creates_since("shortapi", 5.5) == [7.0, 12.0]
    walk_to(store, b, JobState.SUBMIT_UNKNOWN)  # never answered: its send time is all we know
    assert store.creates_since("shortapi", 5.5) == [6.0, 7.0]
    store.close()


def test_a_row_whose_estimate_cannot_be_read_keeps_its_job(store: JobStore) -> None:
    [job_id] = store.insert_jobs(
        [NewJob(snapshot=make_snapshot(), group_id="g", batch="b", estimated_usd=Decimal("0.5"))]
    )
    with sqlite3.connect(store.path) as db:
        db.execute("UPDATE jobs SET estimate = ? WHERE id = ?", ('{"min": "lots"}', job_id))
    job = store.get(job_id)
    assert job.estimate is None and job.estimated_usd == Decimal("0.5")


def test_version_4_splits_the_error_type_from_the_provider_s_code(tmp_path: Path) -> None:
    """Before version 4 one column held both an exception class name and a provider code."""
    from seedance_studio.jobs.store_schema import _V1, _V2, _V3

    path = tmp_path / "v3.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(
        _V1 + ";" + _V2 + ";" + _V3 + ";CREATE TABLE schema_version "
        "(version INTEGER NOT NULL); INSERT INTO schema_version VALUES (3);"
    )
    stored = {
        "AuthError": "failed",
        "OSError": "succeeded",
        "BudgetExceeded": "failed",
        "face": "failed",
        "content_blocked": "failed",
        None: "done",
    }
    for code, state in stored.items():
        db.execute(
            "INSERT INTO jobs (group_id, batch, state, provider, snapshot, params, "
            "error_code, created_at, updated_at) VALUES ('g', 'b', ?, 'kinovi', '{}', "
            "'{}', ?, 0, 0)",
            (state, code),
        )
    db.commit()
    db.close()
    with JobStore(path) as store:
        rows = store._db.execute("SELECT error_type, error_code FROM jobs ORDER BY id")
        assert [tuple(r) for r in rows] == [
            ("AuthError", None),
            ("OSError", None),
            ("BudgetExceeded", None),
            ("GenerationFailedError", "face"),
            ("ContentBlockedError", None),
            (None, None),
        ]
    version = sqlite3.connect(path).execute("SELECT version FROM schema_version").fetchone()
    assert version == (SCHEMA_VERSION,)
