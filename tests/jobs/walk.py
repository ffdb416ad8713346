"""Put a stored job into any state through the transition table (never by writing `state`)."""

from __future__ import annotations

from typing import Unpack

from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobFields, JobStore
from seedance_studio.jobs.transitions import path_to


def walk_to(store: JobStore, job_id: int, state: JobState, **fields: Unpack[JobFields]) -> None:
    """Move job `job_id` to `state` by the table's shortest path, then set `fields`."""
    for event in path_to(store.get(job_id).state, state):
        assert store.move(job_id, event), event
    if fields:
        store.update(job_id, **fields)
