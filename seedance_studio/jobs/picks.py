"""The take a user picked while comparing: stored on the job, so the gallery shows it."""

from __future__ import annotations

from collections.abc import Iterable

from seedance_studio.core.i18n import _
from seedance_studio.jobs.store import JobStore


def mark_pick(store: JobStore, job_id: int, among: Iterable[int] = ()) -> None:
    """Make `job_id` the pick; the other takes it was compared with (`among`) lose theirs.

    One pick per comparison: choosing B over A is a decision, not a second star.
    """
    store.get(job_id)  # a KeyError for an unknown job, before anything changes
    for other in among:
        if other != job_id and store.find(other) is not None:
            store.update(other, pick=False)
    store.update(job_id, pick=True, event=_("marked as the pick"))


def clear_pick(store: JobStore, job_id: int) -> None:
    store.update(job_id, pick=False, event=_("pick cleared"))
