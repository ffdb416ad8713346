"""One job's share of a submission's estimate (core/pricing.Estimate prices the whole)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def split_usd(total: Decimal | None, parts: int) -> Decimal | None:
    """One job's share of a submission's estimate (variants are billed alike)."""
    if total is None:
        return None
    return (total / max(parts, 1)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
