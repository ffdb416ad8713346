"""The job state machine as data: every (state, event) -> (new state, fields) the app allows.

This table is the only place a job's `state` is decided. The store (`JobStore.move`) writes a
transition with compare-and-set SQL: the row changes only if it is still in one of the
event's source states, so two processes (the CLI beside the GUI) can never both move a job,
and a write that is not listed here is refused. Front ends ask `allowed_actions` which user
actions a state offers (the GUI's job buttons, the CLI's commands) instead of keeping sets.

Diagram (side exits omitted):

    submitting -> queued <-> running -> succeeded -> downloading -> done
         |  \\-> submit_unknown -> (found) queued | (again) submitting | (discard) cancelled
         \\-> failed / cancelled          queued/running -> stuck -> (checked) any status
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from seedance_studio.jobs.states import JobState

S = JobState


class Event(StrEnum):
    """Something that happened to a job; each names the transitions it may cause."""

    CREATED = "created"
    """The create was answered with the provider's job id."""
    CREATE_FAILED = "create_failed"
    """The create was refused (an answer), or failed before anything was sent."""
    CREATE_UNKNOWN = "create_unknown"
    """The create was sent and no readable answer came: it may exist and be charged."""
    CANCELLED_UNSENT = "cancelled_unsent"
    """The user cancelled before the create left."""
    FOUND = "found"
    """An unknown submission was found at the provider (its id is now known)."""
    NOT_CREATED = "not_created"
    """The provider's own list shows an unknown submission was never created."""
    SUBMIT_AGAIN = "submit_again"
    """The user accepted paying twice and sends the create again."""
    DISCARDED = "discarded"
    """The user gave up an unknown submission."""
    REPORTED_QUEUED = "reported_queued"
    REPORTED_RUNNING = "reported_running"
    REPORTED_SUCCEEDED = "reported_succeeded"
    REPORTED_FAILED = "reported_failed"
    REPORTED_CANCELLED = "reported_cancelled"
    """The provider says the job was cancelled (by us or on its dashboard)."""
    LOST = "lost"
    """The provider kept answering "no such job"."""
    TIMED_OUT = "timed_out"
    """Unfinished past the time-out: polling stops until the user acts."""
    CANCEL_CONFIRMED = "cancel_confirmed"
    """The provider accepted the cancel."""
    CANCEL_UNSUPPORTED = "cancel_unsupported"
    """The provider has no server cancel and the user accepted that it may still run."""
    RENDER_AGAIN = "render_again"
    """A free local render is started again (interrupted, or its file is gone)."""
    RENDER_FAILED = "render_failed"
    FETCH_STARTED = "fetch_started"
    FETCHED = "fetched"
    """The video and its sidecar are in the library."""
    FETCH_FAILED = "fetch_failed"
    """The download failed: the job stays succeeded and is tried again later."""
    NO_RESULT = "no_result"
    """The provider reported success without any result to fetch."""
    DOWNLOAD_AGAIN = "download_again"
    """The user asked for the file again (deleted, or a failed download)."""


@dataclass(frozen=True)
class Transition:
    """Where an event takes a job from `sources`, and which fields it sets with it."""

    sources: frozenset[JobState]
    target: JobState
    stamps: tuple[str, ...] = ()
    """Time columns set to "now" by the move."""
    sets: Mapping[str, object] = field(default_factory=dict)
    """Columns set to these constants by the move (None clears)."""


_ACTIVE = frozenset({S.QUEUED, S.RUNNING})
_WATCHED = _ACTIVE | {S.STUCK}
_FETCH = frozenset({S.SUCCEEDED, S.DOWNLOADING})
_FINISHED = ("finished_at",)

TABLE: Mapping[Event, Transition] = MappingProxyType(
    {
        Event.CREATED: Transition(
            frozenset({S.SUBMITTING}), S.QUEUED, ("submitted_at",), {"message": None}
        ),
        Event.CREATE_FAILED: Transition(
            frozenset({S.SUBMITTING}), S.FAILED, _FINISHED, {"create_sent_at": None}
        ),
        Event.CREATE_UNKNOWN: Transition(frozenset({S.SUBMITTING}), S.SUBMIT_UNKNOWN),
        Event.CANCELLED_UNSENT: Transition(frozenset({S.SUBMITTING}), S.CANCELLED, _FINISHED),
        Event.FOUND: Transition(frozenset({S.SUBMIT_UNKNOWN}), S.QUEUED, ("submitted_at",)),
        Event.NOT_CREATED: Transition(frozenset({S.SUBMIT_UNKNOWN}), S.FAILED, _FINISHED),
        Event.SUBMIT_AGAIN: Transition(
            frozenset({S.SUBMIT_UNKNOWN}), S.SUBMITTING, (), {"create_sent_at": None}
        ),
        Event.DISCARDED: Transition(frozenset({S.SUBMIT_UNKNOWN}), S.CANCELLED, _FINISHED),
        Event.REPORTED_QUEUED: Transition(_WATCHED, S.QUEUED, (), {"message": None}),
        Event.REPORTED_RUNNING: Transition(_WATCHED, S.RUNNING, (), {"message": None}),
        Event.REPORTED_SUCCEEDED: Transition(
            _WATCHED, S.SUCCEEDED, ("succeeded_at",), {"progress": 1.0, "message": None}
        ),
        Event.REPORTED_FAILED: Transition(_WATCHED, S.FAILED, _FINISHED),
        Event.REPORTED_CANCELLED: Transition(_WATCHED, S.CANCELLED, _FINISHED),
        Event.LOST: Transition(_ACTIVE, S.FAILED, _FINISHED),
        Event.TIMED_OUT: Transition(_ACTIVE, S.STUCK),
        Event.CANCEL_CONFIRMED: Transition(_WATCHED, S.CANCELLED, _FINISHED),
        Event.CANCEL_UNSUPPORTED: Transition(_WATCHED, S.CANCELLED, _FINISHED),
        Event.RENDER_AGAIN: Transition(
            _ACTIVE | _FETCH,
            S.QUEUED,
            ("submitted_at",),
            {"progress": None, "raw_status": None, "result_path": None, "next_poll_at": None},
        ),
        Event.RENDER_FAILED: Transition(_ACTIVE, S.FAILED, _FINISHED),
        Event.FETCH_STARTED: Transition(frozenset({S.SUCCEEDED}), S.DOWNLOADING),
        Event.FETCHED: Transition(
            frozenset({S.DOWNLOADING}),
            S.DONE,
            _FINISHED,
            {"message": None, "error_type": None, "error_code": None, "next_poll_at": None},
        ),
        Event.FETCH_FAILED: Transition(_FETCH, S.SUCCEEDED),
        Event.NO_RESULT: Transition(_FETCH, S.FAILED, _FINISHED),
        Event.DOWNLOAD_AGAIN: Transition(
            frozenset({S.DONE, S.FAILED}), S.SUCCEEDED, (), {"result_path": None}
        ),
    }
)
"""Every transition there is. A pair not listed here cannot happen."""


class IllegalTransitionError(LookupError):
    """A move that the table does not list from the job's current state."""


def transition(state: JobState, event: Event) -> Transition:
    """The transition `event` makes from `state`; IllegalTransitionError when it makes none."""
    move = TABLE[event]
    if state not in move.sources:
        raise IllegalTransitionError(f"{event.value} is not allowed from {state.value}")
    return move


def next_state(state: JobState, event: Event) -> JobState | None:
    """Where `event` takes a job in `state`, or None when the table does not allow it."""
    move = TABLE[event]
    return move.target if state in move.sources else None


def events_from(state: JobState) -> frozenset[Event]:
    return frozenset(e for e, t in TABLE.items() if state in t.sources)


# --- what a person may do -----------------------------------------------------------------


class Action(StrEnum):
    """A user's act on one job: one button in the job table, one `seedance` command."""

    CHECK_AGAIN = "check-again"
    SUBMIT_ANYWAY = "submit-anyway"
    DOWNLOAD = "download"
    RETRY = "retry"
    CANCEL = "cancel"


_ACTIONS: Mapping[JobState, frozenset[Action]] = MappingProxyType(
    {
        S.SUBMITTING: frozenset({Action.CANCEL}),
        S.SUBMIT_UNKNOWN: frozenset({Action.CHECK_AGAIN, Action.SUBMIT_ANYWAY, Action.CANCEL}),
        S.QUEUED: frozenset({Action.CANCEL}),
        S.RUNNING: frozenset({Action.CANCEL}),
        S.SUCCEEDED: frozenset({Action.DOWNLOAD}),
        S.DOWNLOADING: frozenset(),
        S.DONE: frozenset({Action.RETRY, Action.DOWNLOAD}),
        S.FAILED: frozenset({Action.RETRY, Action.DOWNLOAD}),
        S.CANCELLED: frozenset({Action.RETRY}),
        S.STUCK: frozenset({Action.CHECK_AGAIN, Action.CANCEL, Action.RETRY}),
    }
)
"""Why: cancel ends a job before the provider finishes it (a finished one is paid: its file is
fetched); retry is a new paid create, offered once this one can run no more (or is stuck);
download brings home a finished job's file (done: again; failed: when it has results)."""


def allowed_actions(state: JobState) -> frozenset[Action]:
    """What the user may do to a job in `state` (the GUI enables these, the CLI accepts
    them); finer facts (a failed job without results has nothing to download) are the
    caller's to add."""
    return _ACTIONS[state]


def states_allowing(action: Action) -> frozenset[JobState]:
    return frozenset(s for s, acts in _ACTIONS.items() if action in acts)


def describe(actions: Iterable[Action], job_id: int) -> str:
    """ "`seedance check-again 7`, `seedance submit-anyway 7` or `seedance cancel 7`"."""
    order = list(Action)
    names = [f"`seedance {a.value} {job_id}`" for a in sorted(actions, key=order.index)]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1]


def path_to(start: JobState, goal: JobState) -> list[Event]:
    """The shortest run of events from `start` to `goal` (benchmarks and tests build jobs in
    any state this way, through the table); [] when already there. ValueError when the table
    allows no way there."""
    frontier: list[tuple[JobState, list[Event]]] = [(start, [])]
    seen = {start}
    while frontier:
        state, events = frontier.pop(0)
        if state is goal:
            return events
        for event in sorted(events_from(state)):
            target = TABLE[event].target
            if target not in seen:
                seen.add(target)
                frontier.append((target, [*events, event]))
    raise ValueError(f"no way from {start.value} to {goal.value}")
