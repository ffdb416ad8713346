"""The job states and which of them the runner still works on.

A job moves submitting -> queued -> running -> succeeded -> downloading -> done. Side exits:
submit_unknown (the create was sent but no answer came: only the user may decide), failed,
cancelled, stuck (still unfinished past the time-out; the user may check again or cancel).
"""

from __future__ import annotations

from enum import StrEnum


class JobState(StrEnum):
    SUBMITTING = "submitting"
    """The row exists; the create request is being (or about to be) sent."""
    SUBMIT_UNKNOWN = "submit_unknown"
    """The create was sent but its outcome is unknown: never resubmitted silently."""
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    """The provider finished; the file is not home yet."""
    DOWNLOADING = "downloading"
    DONE = "done"
    """The video is in the library with its sidecar."""
    FAILED = "failed"
    CANCELLED = "cancelled"
    STUCK = "stuck"
    """Unfinished past settings.job_timeout_s: the runner stops polling it."""


FINAL_STATES = frozenset({JobState.DONE, JobState.FAILED, JobState.CANCELLED})
"""Nothing more will ever happen to these jobs."""

ATTENTION_STATES = frozenset({JobState.SUBMIT_UNKNOWN, JobState.STUCK})
"""The runner leaves these alone until the user acts (check again, submit anyway, cancel)."""

SETTLED_STATES = FINAL_STATES | ATTENTION_STATES
"""States a waiting front end can stop waiting at."""

REMOTE_ACTIVE_STATES = frozenset({JobState.QUEUED, JobState.RUNNING})
"""Jobs that hold one of the provider's concurrency slots."""

POLLED_STATES = frozenset({JobState.QUEUED, JobState.RUNNING})
FETCH_STATES = frozenset({JobState.SUCCEEDED, JobState.DOWNLOADING})
