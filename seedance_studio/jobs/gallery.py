"""What the history gallery shows: a filter and a sort turned into paged store queries.

The gallery never holds every job: it counts the matches, then reads the page a view scrolls
to. Filters are plain data so the widgets, the CLI and the tests share one meaning of
"provider is X and the prompt mentions Y".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from seedance_studio.core.i18n import N_
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobRecord, JobStore

PAGE_SIZE = 64
"""Rows read per store query: one screenful of tiles, well under a frame to decode."""


class GallerySort(StrEnum):
    NEWEST = "newest"
    OLDEST = "oldest"
    COST_HIGH = "cost-high"
    COST_LOW = "cost-low"
    PROVIDER = "provider"
    PICKS_FIRST = "picks-first"
    BY_SEND = "by-send"


SORT_LABELS: dict[GallerySort, str] = {
    GallerySort.NEWEST: N_("Newest first"),
    GallerySort.OLDEST: N_("Oldest first"),
    GallerySort.COST_HIGH: N_("Cost, highest first"),
    GallerySort.COST_LOW: N_("Cost, lowest first"),
    GallerySort.PROVIDER: N_("Provider"),
    GallerySort.PICKS_FIRST: N_("Picks first"),
    GallerySort.BY_SEND: N_("Grouped by send"),
}
"""Each order's name as the gallery's sort box shows it, through `_()`."""

_COST = "CAST(COALESCE(actual_usd, estimated_usd) AS REAL)"
_ORDER: dict[GallerySort, str] = {
    GallerySort.NEWEST: "id DESC",
    GallerySort.OLDEST: "id ASC",
    # Jobs with no known price sort last either way (NULLS LAST by hand: SQLite 3.30+ only).
    GallerySort.COST_HIGH: f"{_COST} IS NULL, {_COST} DESC, id DESC",
    GallerySort.COST_LOW: f"{_COST} IS NULL, {_COST} ASC, id DESC",
    GallerySort.PROVIDER: "provider ASC, id DESC",
    GallerySort.PICKS_FIRST: "pick DESC, id DESC",
    # The takes of one send to several providers (else of one submission's variants) side by
    # side, newest send first, in the order they were sent.
    GallerySort.BY_SEND: "MAX(id) OVER (PARTITION BY COALESCE(fanout, group_id)) DESC, id ASC",
}


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True)
class GalleryFilter:
    """Every field narrows; an empty field does not filter."""

    providers: frozenset[str] = field(default_factory=frozenset)
    states: frozenset[JobState] = field(default_factory=frozenset)
    since: float | None = None
    """Created at or after (epoch seconds)."""
    until: float | None = None
    """Created before (epoch seconds)."""
    project: str | None = None
    """Words of the project file a job was sent from (its path, as the store keeps it)."""
    text: str = ""
    """Words the prompt as written contains (case-insensitive, each of them)."""
    picks_only: bool = False
    fanout: str | None = None
    """Only the jobs of one send to several providers."""
    job_ids: frozenset[int] = field(default_factory=frozenset)
    """Only these jobs (a shot's takes and animatic)."""

    def with_(self, **changes: Any) -> GalleryFilter:
        return replace(self, **changes)

    @property
    def is_empty(self) -> bool:
        return self == GalleryFilter()

    def where(self) -> tuple[str, list[object]]:
        """The SQL WHERE clause and its arguments (never string-formatted values)."""
        clauses = ["1=1"]
        args: list[object] = []
        if self.providers:
            clauses.append(f"provider IN ({','.join('?' * len(self.providers))})")
            args += sorted(self.providers)
        if self.states:
            clauses.append(f"state IN ({','.join('?' * len(self.states))})")
            args += sorted(s.value for s in self.states)
        if self.since is not None:
            clauses.append("created_at >= ?")
            args.append(self.since)
        if self.until is not None:
            clauses.append("created_at < ?")
            args.append(self.until)
        if self.project:
            clauses.append("project LIKE ? ESCAPE '\\'")
            args.append(_like(self.project))
        for word in self.text.split():
            clauses.append("json_extract(snapshot, '$.prompt.text') LIKE ? ESCAPE '\\'")
            args.append(_like(word))
        if self.picks_only:
            clauses.append("pick = 1")
        if self.fanout is not None:
            clauses.append("fanout = ?")
            args.append(self.fanout)
        if self.job_ids:
            clauses.append(f"id IN ({','.join('?' * len(self.job_ids))})")
            args += sorted(self.job_ids)
        return " AND ".join(clauses), args


def order_by(sort: GallerySort) -> str:
    return _ORDER[sort]


class GalleryQuery:
    """Counts and pages over one store for one filter and sort."""

    def __init__(
        self,
        store: JobStore,
        filter_: GalleryFilter | None = None,
        sort: GallerySort = GallerySort.NEWEST,
    ) -> None:
        self.store = store
        self.filter = filter_ or GalleryFilter()
        self.sort = sort

    def count(self) -> int:
        where, args = self.filter.where()
        return self.store.count_jobs(where, args)

    def page(self, offset: int, limit: int = PAGE_SIZE) -> list[JobRecord]:
        where, args = self.filter.where()
        return self.store.select_jobs(
            where, args, order=order_by(self.sort), limit=limit, offset=offset
        )

    def ids(self) -> list[int]:
        """Every matching job id in order: ten thousand ints, read once per filter, so a page
        is a primary-key lookup instead of an ever longer OFFSET scan."""
        where, args = self.filter.where()
        return self.store.select_ids(where, args, order=order_by(self.sort))

    def jobs(self, ids: list[int]) -> list[JobRecord]:
        """The records of `ids`, in that order (ids no longer stored are left out)."""
        if not ids:
            return []
        found = {
            j.id: j for j in self.store.select_jobs(f"id IN ({','.join('?' * len(ids))})", ids)
        }
        return [found[i] for i in ids if i in found]

    def position_of(self, job_id: int) -> int | None:
        """Where a job sits in this ordering (None when the filter leaves it out)."""
        where, args = self.filter.where()
        ids = self.store.select_ids(where, args, order=order_by(self.sort))
        try:
            return ids.index(job_id)
        except ValueError:
            return None


def providers_in(jobs: Iterable[JobRecord]) -> list[str]:
    return sorted({j.provider for j in jobs})
