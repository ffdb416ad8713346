"""How the engine treats each provider beyond its API, as data (resources/jobs/providers.json).

Why data: how many creates one key may have in flight, how many variants are sent without
asking, and which dashboard a person can look a lost create up on differ per provider and
change with their accounts, not with the code.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime
from decimal import Decimal
from functools import cache

from pydantic import BaseModel, ConfigDict

from seedance_studio.core.i18n import _
from seedance_studio.resources import resource_dir

SETTLE_ENV = "SEEDANCE_UNKNOWN_SETTLE_S"
"""Seconds that replace every provider's `absence_proves_after_s` (scripts, the simulator,
whose histories list a request at once); it never makes a miss proof where the data says
it is none."""

log = logging.getLogger(__name__)


class ProviderPolicy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    max_creates_in_flight: int = 2
    """Creates of one submission's variants sent at once; the rest wait their turn (a burst
    of creates overflows small listen queues and ends "unknown" with nothing sent)."""
    confirm_variants_above: int = 4
    """More variants than this are sent only after the user confirms the total."""
    dashboard: str | None = None
    """Where a person can see the account's jobs (None: the provider's pages name none)."""
    dashboard_source: str | None = None
    absence_proves_after_s: float | None = None
    """How long after a lost create's send a miss in the provider's own job list (read back
    past the send) proves nothing was created; None: a miss never settles it. A guess per
    provider, explained in `absence_note`."""
    absence_note: str | None = None


@cache
def _load() -> dict[str, ProviderPolicy]:
    data = json.loads((resource_dir() / "jobs" / "providers.json").read_text("utf-8"))
    default = data["default"]
    policies = {"": ProviderPolicy.model_validate(default)}
    for provider_id, own in data["providers"].items():
        policies[provider_id] = ProviderPolicy.model_validate({**default, **own})
    return policies


def policy(provider_id: str) -> ProviderPolicy:
    policies = _load()
    return policies.get(provider_id, policies[""])


def absence_window(provider_id: str) -> float | None:
    """Seconds after a send from which a miss in the job list settles it (None: never)."""
    window = policy(provider_id).absence_proves_after_s
    if window is None:
        return None
    override = os.environ.get(SETTLE_ENV, "").strip()
    if override:
        try:
            return max(0.0, float(override))
        except ValueError:
            log.warning("%s=%r is not a number of seconds; ignored", SETTLE_ENV, override)
    return window


def needs_confirmation(provider_id: str, variants: int, total_usd: Decimal | None) -> bool:
    """Whether sending `variants` creates needs a "yes": above the provider's count, or more
    than one where no price is published (the total is then unknown)."""
    if variants <= 1:
        return False
    return total_usd is None or variants > policy(provider_id).confirm_variants_above


def confirmation_text(provider_name: str, variants: int, total_usd: Decimal | None) -> str:
    total = (
        _("about {amount} in all").format(amount=f"${total_usd:.2f}")
        if total_usd is not None
        else _("no published price, so the total is unknown")
    )
    return _("{count} generations on {provider}: {total}").format(
        count=variants, provider=provider_name, total=total
    )


def dashboard_advice(
    provider_id: str,
    provider_name: str,
    *,
    sent_at: float | None,
    prompt: str,
    references: list[str],
    estimate_usd: Decimal | None,
) -> str:
    """What a person needs to find a lost create on the provider's dashboard."""
    where = policy(provider_id).dashboard
    place = (
        _("its dashboard ({url})").format(url=where)
        if where
        else _("its web site (its pages name no dashboard)")
    )
    when = (
        datetime.fromtimestamp(sent_at).strftime("%Y-%m-%d %H:%M:%S") if sent_at else _("unknown")
    )
    start = prompt.replace("\n", " ")
    start = start if len(start) <= 40 else start[:39] + "…"
    refs = ", ".join(references) if references else _("none")
    cost = f"${estimate_usd:.2f}" if estimate_usd is not None else _("none")
    return _(
        "{provider} has no API to find a job without its id: look on {place} for a job sent "
        '{when} with the prompt "{prompt}" (references: {references}; estimate {estimate}), '
        "then submit anyway or discard"
    ).format(
        provider=provider_name,
        place=place,
        when=when,
        prompt=start,
        references=refs,
        estimate=cost,
    )
