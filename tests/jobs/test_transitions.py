"""The job state machine as a table: its shape, and the store refusing what it does not list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import seedance_studio
from seedance_studio.jobs.states import ATTENTION_STATES, FINAL_STATES, JobState
from seedance_studio.jobs.store import JobStore, NewJob
from seedance_studio.jobs.transitions import (
    TABLE,
    Action,
    Event,
    IllegalTransitionError,
    allowed_actions,
    events_from,
    next_state,
    path_to,
    transition,
)
from tests.jobs.fakes import make_snapshot
from tests.jobs.walk import walk_to

S = JobState


def reachable(start: JobState) -> set[JobState]:
    seen = {start}
    todo = [start]
    while todo:
        state = todo.pop()
        for event in events_from(state):
            target = TABLE[event].target
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_every_state_is_reachable_from_a_new_job() -> None:
    assert reachable(S.SUBMITTING) == set(JobState)


@pytest.mark.parametrize("state", sorted(set(JobState) - FINAL_STATES))
def test_every_unfinished_state_can_end(state: JobState) -> None:
    """No limbo: from any state a job can still reach a final state through the table."""
    assert reachable(state) & FINAL_STATES


@pytest.mark.parametrize("state", sorted(ATTENTION_STATES))
def test_a_state_that_waits_for_the_user_offers_a_settling_action(state: JobState) -> None:
    actions = allowed_actions(state)
    assert Action.CHECK_AGAIN in actions and Action.CANCEL in actions


def test_an_unknown_submission_is_settled_by_a_lookup_either_way() -> None:
    assert next_state(S.SUBMIT_UNKNOWN, Event.FOUND) is S.QUEUED
    assert next_state(S.SUBMIT_UNKNOWN, Event.NOT_CREATED) is S.FAILED
    assert next_state(S.SUBMIT_UNKNOWN, Event.SUBMIT_AGAIN) is S.SUBMITTING
    # Nothing a poll says can move it: it has no provider id to poll.
    assert next_state(S.SUBMIT_UNKNOWN, Event.REPORTED_SUCCEEDED) is None


def test_a_finished_job_is_never_cancelled_or_failed_by_the_runner() -> None:
    """Paid and finished: only its file is still to come."""
    for event in events_from(S.SUCCEEDED) | events_from(S.DOWNLOADING):
        assert TABLE[event].target is not S.CANCELLED
    assert Action.CANCEL not in allowed_actions(S.SUCCEEDED)
    assert Action.CANCEL not in allowed_actions(S.DOWNLOADING)


def test_final_states_are_left_only_at_the_users_request() -> None:
    for state in FINAL_STATES:
        assert set(events_from(state)) <= {Event.DOWNLOAD_AGAIN}


def test_a_stuck_job_is_settled_by_what_the_provider_says() -> None:
    for event, target in (
        (Event.REPORTED_SUCCEEDED, S.SUCCEEDED),
        (Event.REPORTED_FAILED, S.FAILED),
        (Event.REPORTED_RUNNING, S.RUNNING),
        (Event.CANCEL_CONFIRMED, S.CANCELLED),
    ):
        assert next_state(S.STUCK, event) is target


def test_an_unlisted_pair_is_refused() -> None:
    with pytest.raises(IllegalTransitionError):
        transition(S.DONE, Event.REPORTED_FAILED)
    assert next_state(S.CANCELLED, Event.CREATED) is None


@pytest.mark.parametrize("state", sorted(JobState))
def test_actions_agree_with_the_table(state: JobState) -> None:
    """A button the GUI enables (a command the CLI accepts) has a transition behind it."""
    actions = allowed_actions(state)
    targets = {TABLE[e].target for e in events_from(state)}
    if Action.CANCEL in actions:
        assert S.CANCELLED in targets
    if Action.SUBMIT_ANYWAY in actions:
        assert Event.SUBMIT_AGAIN in events_from(state)
    if Action.DOWNLOAD in actions:
        assert events_from(state) & {Event.FETCH_STARTED, Event.DOWNLOAD_AGAIN}
    if Action.CHECK_AGAIN in actions:
        assert state in ATTENTION_STATES
    if Action.RETRY in actions:
        assert state in FINAL_STATES or state is S.STUCK


def test_path_to_walks_only_listed_transitions() -> None:
    path = path_to(S.SUBMITTING, S.DONE)
    state = S.SUBMITTING
    for event in path:
        state = transition(state, event).target
    assert state is S.DONE
    with pytest.raises(ValueError):
        path_to(S.CANCELLED, S.QUEUED)


# --- the store ------------------------------------------------------------------------------


def new_job(store: JobStore) -> int:
    [job_id] = store.insert_jobs([NewJob(snapshot=make_snapshot(), group_id="g", batch="b")])
    return job_id


def test_the_store_moves_with_the_tables_fields(store: JobStore) -> None:
    job_id = new_job(store)
    assert store.move(job_id, Event.CREATED, provider_job_id="p-1")
    job = store.get(job_id)
    assert job.state is S.QUEUED and job.submitted_at is not None and job.provider_job_id == "p-1"
    walk_to(store, job_id, S.FAILED)
    assert store.get(job_id).finished_at is not None


def test_the_store_refuses_a_move_from_the_wrong_state_and_writes_nothing(store: JobStore) -> None:
    job_id = new_job(store)
    assert store.move(job_id, Event.CANCELLED_UNSENT)
    events = store.events(job_id)
    assert not store.move(job_id, Event.CREATED, provider_job_id="late")
    job = store.get(job_id)
    assert job.state is S.CANCELLED and job.provider_job_id is None
    assert store.events(job_id) == events


def test_two_stores_racing_on_one_move_only_one_wins(store: JobStore) -> None:
    """Compare-and-set in SQL: the CLI and the GUI cannot both settle a job."""
    other = JobStore(store.path)
    try:
        job_id = new_job(store)
        walk_to(store, job_id, S.RUNNING)
        wins = [
            store.move(job_id, Event.CANCEL_CONFIRMED),
            other.move(job_id, Event.REPORTED_SUCCEEDED),
        ]
        assert wins == [True, False]
        assert other.get(job_id).state is S.CANCELLED
    finally:
        other.close()


def test_update_cannot_write_the_state(store: JobStore) -> None:
    job_id = new_job(store)
    with pytest.raises(TypeError):
        store.update(job_id, state=S.DONE)  # type: ignore[call-arg]
    assert store.get(job_id).state is S.SUBMITTING


def test_the_table_is_the_only_place_that_writes_state() -> None:
    """No module but the store names the state column in a write, and the store writes it
    only from a transition; no caller passes `state=` to a store write."""
    root = Path(seedance_studio.__file__).parent
    writes = re.compile(r"SET[^\"']*\bstate\s*=|\bstate\s*=\s*JobState\.|update\([^)]*\bstate=")
    offenders = []
    for path in root.rglob("*.py"):
        text = path.read_text("utf-8")
        for match in writes.finditer(text):
            offenders.append(f"{path.relative_to(root)}: {match.group(0)}")
    assert offenders == []
