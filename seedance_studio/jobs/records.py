"""What the job store holds, as Python: a job's record, its events, a new row, and the typed
fields a running job may change; how each column is written (JSON, text decimals).

Why apart from the store: front ends, the engine and the CLI read records without caring how
SQLite keeps them.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, TypedDict

from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.pricing import Estimate
from seedance_studio.core.provider import Cost, ResultMedia
from seedance_studio.jobs.message_kinds import MessageKind, message_kind
from seedance_studio.jobs.states import SETTLED_STATES, JobState


def _json_default(value: object) -> object:
    if isinstance(value, Estimate):
        return value.to_json()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    raise TypeError(f"not JSON-serialisable: {type(value).__name__}")


def dumps(value: object, *, indent: int | None = None, sort_keys: bool = True) -> str:
    """JSON with Decimals as strings and pydantic models dumped (what the store writes)."""
    return json.dumps(
        value, default=_json_default, ensure_ascii=False, sort_keys=sort_keys, indent=indent
    )


def _dec(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None


def _estimate(data: object) -> Estimate | None:
    """The stored estimate; a row whose estimate cannot be read keeps its job (no price)."""
    if data is None:
        return None
    try:
        return Estimate.from_json(data)
    except ValueError:
        return None


@dataclass(frozen=True)
class JobRecord:
    """One job as stored; the UI's list and detail views read these fields."""

    id: int
    group_id: str
    """Variants of one submission share it."""
    variant: int
    """0-based index within the group."""
    batch: str
    """One create request: rows sharing it were created by one request (native variants)."""
    attempt: int
    """How many create requests were sent for this batch (more than 1 only by "submit anyway")."""
    retry_of: int | None
    state: JobState
    provider: str
    model: str | None
    snapshot_data: dict[str, Any]
    params: dict[str, Any]
    estimate: Estimate | None
    estimated_usd: Decimal | None
    """The upper end of the estimate for this one job, in USD (None when unpublished)."""
    provider_job_id: str | None
    handle_extra: dict[str, str]
    ref_urls: dict[str, str]
    """Reference id -> the URL the provider was sent (hosted copies of local files)."""
    raw_status: str | None
    message: str | None
    """Why it failed / what it waits for, verbatim from the provider where possible."""
    error_type: str | None
    """The core/errors exception class name of the failure (core/advice explains it)."""
    error_code: str | None
    """The provider's own code for it, verbatim, where it sent one."""
    progress: float | None
    results: list[ResultMedia]
    actual_cost: Cost | None
    actual_usd: Decimal | None
    result_path: str | None
    sidecar_path: str | None
    bytes_done: int | None
    bytes_total: int | None
    created_at: float
    updated_at: float
    create_sent_at: float | None
    submitted_at: float | None
    succeeded_at: float | None
    finished_at: float | None
    next_poll_at: float | None
    lease_owner: str | None
    lease_until: float | None
    pick: bool = False
    """Marked as the chosen take in a compare."""
    fanout: str | None = None
    """Shared by the jobs of one send to several providers."""
    queue_position: int | None = None
    """Requests ahead of this one in the provider's queue, while it is queued (fal)."""
    message_kind: MessageKind | None = None
    """What `message` is about, for code (the text is in the language it was written in)."""

    @property
    def is_settled(self) -> bool:
        """Final, or waiting for the user (submit_unknown, stuck)."""
        return self.state in SETTLED_STATES

    @property
    def prompt_text(self) -> str:
        return str(self.snapshot_data.get("prompt", {}).get("text", ""))

    def snapshot(self) -> CompositionSnapshot:
        return CompositionSnapshot.model_validate(self.snapshot_data)

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict for `seedance jobs --json` / `show` (keys were never stored)."""
        data: dict[str, Any] = json.loads(dumps(self.__dict__))
        data["state"] = self.state.value
        data.pop("snapshot_data", None)
        data["prompt"] = self.prompt_text
        return data

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> JobRecord:
        def load(name: str) -> Any:
            text = row[name]
            return json.loads(text) if text is not None else None

        cost = load("actual_cost")
        return cls(
            id=row["id"],
            group_id=row["group_id"],
            variant=row["variant"],
            batch=row["batch"],
            attempt=row["attempt"],
            retry_of=row["retry_of"],
            state=JobState(row["state"]),
            provider=row["provider"],
            model=row["model"],
            snapshot_data=load("snapshot"),
            params=load("params") or {},
            estimate=_estimate(load("estimate")),
            estimated_usd=_dec(row["estimated_usd"]),
            provider_job_id=row["provider_job_id"],
            handle_extra=load("handle_extra") or {},
            ref_urls=load("ref_urls") or {},
            raw_status=row["raw_status"],
            message=row["message"],
            error_type=row["error_type"],
            error_code=row["error_code"],
            progress=row["progress"],
            results=[ResultMedia.model_validate(r) for r in load("results") or []],
            actual_cost=Cost.model_validate(cost) if cost else None,
            actual_usd=_dec(row["actual_usd"]),
            result_path=row["result_path"],
            sidecar_path=row["sidecar_path"],
            bytes_done=row["bytes_done"],
            bytes_total=row["bytes_total"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            create_sent_at=row["create_sent_at"],
            submitted_at=row["submitted_at"],
            succeeded_at=row["succeeded_at"],
            finished_at=row["finished_at"],
            next_poll_at=row["next_poll_at"],
            lease_owner=row["lease_owner"],
            lease_until=row["lease_until"],
            pick=bool(row["pick"]),
            fanout=row["fanout"],
            queue_position=row["queue_position"],
            message_kind=message_kind(row["message_kind"]),
        )


@dataclass(frozen=True)
class JobEvent:
    id: int
    job_id: int
    at: float
    state: str
    message: str | None
    raw: Any


@dataclass(frozen=True)
class NewJob:
    """What is known before the create request is sent."""

    snapshot: CompositionSnapshot
    group_id: str
    batch: str
    variant: int = 0
    estimate: Estimate | None = None
    estimated_usd: Decimal | None = None
    retry_of: int | None = None


_JSON_COLUMNS = frozenset(
    {"snapshot", "params", "estimate", "handle_extra", "ref_urls", "results", "actual_cost"}
)
_TEXT_DECIMALS = frozenset({"estimated_usd", "actual_usd"})
_COLUMNS = frozenset(
    {
        "group_id",
        "variant",
        "batch",
        "attempt",
        "retry_of",
        "state",
        "provider",
        "model",
        "snapshot",
        "params",
        "estimate",
        "estimated_usd",
        "provider_job_id",
        "handle_extra",
        "ref_urls",
        "raw_status",
        "message",
        "error_type",
        "error_code",
        "progress",
        "results",
        "actual_cost",
        "actual_usd",
        "result_path",
        "sidecar_path",
        "bytes_done",
        "bytes_total",
        "create_sent_at",
        "submitted_at",
        "succeeded_at",
        "finished_at",
        "next_poll_at",
        "lease_owner",
        "lease_until",
        "pick",
        "fanout",
        "queue_position",
        "message_kind",
    }
)


class JobFields(TypedDict, total=False):
    """The columns a running job may change (never `state`: only `JobStore.move` sets it)."""

    attempt: int
    provider_job_id: str | None
    handle_extra: dict[str, str]
    ref_urls: dict[str, str]
    raw_status: str | None
    message: str | None
    error_type: str | None
    error_code: str | None
    progress: float | None
    results: list[ResultMedia]
    actual_cost: Cost | None
    actual_usd: Decimal | None
    result_path: str | None
    sidecar_path: str | None
    bytes_done: int | None
    bytes_total: int | None
    create_sent_at: float | None
    submitted_at: float | None
    succeeded_at: float | None
    finished_at: float | None
    next_poll_at: float | None
    lease_owner: str | None
    lease_until: float | None
    pick: bool
    fanout: str | None
    queue_position: int | None
    message_kind: MessageKind | None
    """Cleared by the store whenever `message` is set without it."""


_REDACTED_TEXT = frozenset({"raw_status", "message", "error_code", "provider_job_id"})
"""Text read from a provider: masked before it is stored (a provider may echo the key)."""
