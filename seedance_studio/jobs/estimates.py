"""Reading a price estimate (core/pricing.Estimate, or its JSON form) for storage and budgets."""

from __future__ import annotations

import dataclasses
import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from seedance_studio.jobs.store import dumps


def estimate_json(estimate: Any) -> dict[str, Any] | None:
    """The estimate as stored with the job (pydantic model, dict, or None)."""
    if estimate is None:
        return None
    if hasattr(estimate, "model_dump"):
        data: dict[str, Any] = estimate.model_dump(mode="json")
        return data
    if dataclasses.is_dataclass(estimate) and not isinstance(estimate, type):
        estimate = dataclasses.asdict(estimate)
    if isinstance(estimate, dict):
        plain: dict[str, Any] = json.loads(dumps(estimate))
        return plain
    raise TypeError(f"not an estimate: {type(estimate).__name__}")


def estimate_usd(estimate: Any) -> Decimal | None:
    """The upper USD bound of a whole submission; None when the provider publishes no price.

    The upper bound is what a budget must assume.
    """
    if estimate is None:
        return None
    for name in ("max", "min"):
        value = (estimate.get(name) if isinstance(estimate, dict)
                 else getattr(estimate, name, None))
        if value is not None:
            return Decimal(str(value))
    return None


def split_usd(total: Decimal | None, parts: int) -> Decimal | None:
    """One job's share of a submission's estimate (variants are billed alike)."""
    if total is None:
        return None
    return (total / max(parts, 1)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
