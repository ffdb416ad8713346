"""When a lookup settles an unknown submission: a pure rule over what the job list showed.

Why each rule:
- A job the list shows with this input is the one the lost create made (adopted, never
  resent) — unless more candidates than rows are left: then a person decides.
- A miss is evidence only where the listing reached back past the send (read to its end, or
  to an entry older than the send); a listing cut short proves nothing.
- Even then a job may not be listed yet (no provider page says how soon it is): a miss
  settles the job as "not created" only once the provider's window since the send has passed
  (jobs/provider_policy.py `absence_window`, a guess kept as data). Before that the job stays
  unknown, saying when a look would settle it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from seedance_studio.core.i18n import _
from seedance_studio.core.provider import JobHandle, SubmissionSearch


@dataclass(frozen=True)
class Adopt:
    """These are the lost create's jobs: store their ids and watch them."""

    handles: list[JobHandle]


@dataclass(frozen=True)
class NotCreated:
    """The provider's own list proves nothing was created (nor charged)."""

    message: str


@dataclass(frozen=True)
class StillUnknown:
    """No proof either way yet."""

    message: str
    look_again_at: float | None = None
    """When a look would settle it (the window's end), if the listing covered the send."""


Verdict = Adopt | NotCreated | StillUnknown


def clock(epoch: float) -> str:
    return datetime.fromtimestamp(epoch).strftime("%Y-%m-%d %H:%M:%S")


def settle(
    search: SubmissionSearch,
    *,
    rows: int,
    sent_at: float,
    now: float,
    window_s: float | None,
) -> Verdict:
    """What the lookup's `search` (of candidates nobody follows yet) proves for `rows` rows
    sent at `sent_at`, where a miss is proof `window_s` after the send (None: never)."""
    found = search.found
    if len(found) > rows:
        ids = ", ".join(h.job_id for h in found[:5])
        return StillUnknown(
            _(
                "{count} jobs at the provider could be this submission ({ids}): look at its "
                "dashboard, then submit anyway or discard"
            ).format(count=len(found), ids=ids)
        )
    if found:
        return Adopt(list(found))
    if not search.covers_send:
        return StillUnknown(
            _(
                "not found in {listing}, which does not reach back to the send at {sent}: "
                "check again later, or look at the provider's dashboard, then submit anyway "
                "or discard"
            ).format(listing=search.listing, sent=clock(sent_at))
        )
    if window_s is None:
        return StillUnknown(
            _(
                "not found in {listing}; a miss there is no proof that nothing was created: "
                "look at the provider's dashboard, then submit anyway or discard"
            ).format(listing=search.listing)
        )
    due = sent_at + window_s
    if now < due:
        return StillUnknown(
            _(
                "not found yet in {listing}; a job may be listed late, so a miss counts as "
                "proof only {window} s after the send, at {due}: it is looked up again then "
                "(or check again)"
            ).format(listing=search.listing, window=f"{window_s:.0f}", due=clock(due)),
            look_again_at=due,
        )
    return NotCreated(
        _(
            "not created — nothing charged: {listing}, reaching back past the send at {sent}, "
            "has no job with this input {elapsed} s later (a miss counts as proof after "
            "{window} s, a guess); retry to send it again"
        ).format(
            listing=search.listing,
            sent=clock(sent_at),
            elapsed=f"{now - sent_at:.0f}",
            window=f"{window_s:.0f}",
        )
    )
