"""The few fields a list of jobs shows, read without decoding the rest of each row.

A stored job carries its whole composition snapshot (prompt, references, parameters) and
every raw answer: kilobytes of JSON per row. A history of 10,000 jobs decoded whole takes
seconds and hundreds of megabytes; the list needs a dozen short columns. SQLite extracts
the prompt's first characters itself, and the small JSON fields are decoded only when a
row is first shown.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from dataclasses import dataclass
from decimal import Decimal

from seedance_studio.core.pricing import Estimate
from seedance_studio.core.provider import Cost
from seedance_studio.jobs.message_kinds import MessageKind, message_kind
from seedance_studio.jobs.states import FINAL_STATES, JobState

PROMPT_CHARS = 400
"""Enough of the prompt for a list row; the full text is in the job itself."""

COLUMNS = (
    "id, state, provider, model, "
    f"substr(json_extract(snapshot, '$.prompt.text'), 1, {PROMPT_CHARS}) AS prompt_text, "
    "message, message_kind, progress, bytes_done, bytes_total, raw_status, queue_position, "
    "estimate, estimated_usd, "
    "actual_cost, actual_usd, result_path, provider_job_id, "
    "(results IS NOT NULL AND results NOT IN ('[]', 'null')) AS has_results, "
    "created_at, updated_at, finished_at"
)
"""The SELECT list of a summary (the same names as JobRecord's fields)."""


def _dec(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None


@dataclass(frozen=True)
class JobSummary:
    """One job as a list shows it; the same field names and meaning as JobRecord's."""

    id: int
    state: JobState
    provider: str
    model: str | None
    prompt_text: str
    """The prompt's first PROMPT_CHARS characters."""
    message: str | None
    message_kind: MessageKind | None
    progress: float | None
    bytes_done: int | None
    bytes_total: int | None
    raw_status: str | None
    queue_position: int | None
    estimate_json: str | None
    estimated_usd: Decimal | None
    actual_cost_json: str | None
    actual_usd: Decimal | None
    result_path: str | None
    provider_job_id: str | None
    has_results: bool
    created_at: float
    updated_at: float
    finished_at: float | None

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    @functools.cached_property
    def estimate(self) -> Estimate | None:
        """As JobRecord reads it; an estimate that cannot be read shows as no price."""
        if not self.estimate_json:
            return None
        try:
            return Estimate.from_json(json.loads(self.estimate_json))
        except ValueError:
            return None

    @functools.cached_property
    def actual_cost(self) -> Cost | None:
        value = json.loads(self.actual_cost_json) if self.actual_cost_json else None
        return Cost.model_validate(value) if value else None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> JobSummary:
        return cls(
            id=row["id"],
            state=JobState(row["state"]),
            provider=row["provider"],
            model=row["model"],
            prompt_text=row["prompt_text"] or "",
            message=row["message"],
            message_kind=message_kind(row["message_kind"]),
            progress=row["progress"],
            bytes_done=row["bytes_done"],
            bytes_total=row["bytes_total"],
            raw_status=row["raw_status"],
            queue_position=row["queue_position"],
            estimate_json=row["estimate"],
            estimated_usd=_dec(row["estimated_usd"]),
            actual_cost_json=row["actual_cost"],
            actual_usd=_dec(row["actual_usd"]),
            result_path=row["result_path"],
            provider_job_id=row["provider_job_id"],
            has_results=bool(row["has_results"]),
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            finished_at=row["finished_at"],
        )
