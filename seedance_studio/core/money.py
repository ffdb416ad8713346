"""How amounts of money read, everywhere: the estimate line, its tooltip, the CLI, the job
table, the budget message. One module so a price never reads two ways."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
RATE_PLACES = Decimal("0.0001")
"""Rates and itemized amounts keep four places: $0.168 per second must not read $0.17."""


def format_money(amount: Decimal) -> str:
    """US dollars rounded to the cent: $1.68 (a fraction of a cent shows as <$0.01)."""
    if Decimal(0) < amount < Decimal("0.005"):
        return "<$0.01"
    return f"${amount.quantize(CENT, rounding=ROUND_HALF_UP):,}"


def format_credits(amount: Decimal) -> str:
    """Credits as a plain number: 240, 1,200, 22.5."""
    value = amount.normalize()
    return f"{value:,f}" if value != value.to_integral() else f"{int(value):,}"


def format_rate(value: Decimal | None, *, credits: bool) -> str:
    """A rate or an itemized amount, exact to four places: "$0.168", "12.5 cr"; "?" unknown."""
    if value is None:
        return "?"
    if credits:
        return f"{value.normalize():f} cr"
    return f"${value.quantize(RATE_PLACES, rounding=ROUND_HALF_UP).normalize():f}"


def parse_amount(value: object) -> Decimal | None:
    """A charge as a provider reported it (a number or numeric text), or None when absent or
    nonsense: never NaN, an infinity or a negative amount, which would fail later while a
    paid job is being polled. The one parser every provider client uses."""
    if value is None or isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return amount if amount.is_finite() and amount >= 0 else None
