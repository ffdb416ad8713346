"""Where each provider limit comes from: the document, the phrase, and how sure the app is.

A limit in `resources/providers/<id>.json` is written with its evidence:

    "max_count": {"value": 1, "basis": "documented", "document": "page",
                  "phrase": "A maximum of 1 video URL is currently supported."}

or as a list of such tiers when one phrase has two readings ("Max 30 MB each": 30 × 10^6
bytes `inferred`, 30 × 2^20 bytes `documented`). The basis decides the severity:

- `documented`: this provider's own page states it; breaking it blocks Generate.
- `model`: a limit of Seedance 2.0 itself that other resellers publish, not stated by this
  provider; it warns and offers Fix, never blocks.
- `inferred`: a reading of a phrase the page leaves open; it warns, never blocks.

The loader keeps the plain field (the strictest tier, which Fix aims for) and records every
tier in the model's `evidence` map, keyed by field name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Basis = Literal["documented", "model", "inferred"]
TierValue = bool | int | float | list[str] | list[int]

BASES: tuple[Basis, ...] = ("documented", "model", "inferred")


class Document(BaseModel):
    """A page a limit is quoted from; `copy` names the stored copy under docs/providers/."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str
    url: str
    copy_name: str | None = Field(default=None, alias="copy")
    provider: str | None = None
    """Whose page it is, when it is not this provider's own (a `model` limit's source)."""


class Tier(BaseModel):
    """One reading of a limit: its value and the evidence for it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: TierValue
    basis: Basis
    document: str
    """A key of the provider's `documents`."""
    phrase: str
    """The words of the document the value is read from, verbatim."""
    note: str = ""
    """How the phrase was read (units, "~", which page), where that is not obvious."""

    @property
    def blocks(self) -> bool:
        return self.basis == "documented"


def _is_tier(raw: object) -> bool:
    return isinstance(raw, Mapping) and "basis" in raw and "value" in raw


def _strictest(name: str, values: list[TierValue]) -> TierValue:
    """The value every tier agrees with: the lowest maximum, the highest minimum, the
    narrowest choice list, True for any flag one tier sets."""
    if all(isinstance(v, bool) for v in values):
        return any(values)
    if all(isinstance(v, list) for v in values):
        lists = [v for v in values if isinstance(v, list)]
        return min(lists, key=len)
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    if len(numbers) != len(values):
        raise ValueError(f"{name}: tiers mix kinds of value")
    return max(numbers) if name.startswith("min_") else min(numbers)


def split_evidence(data: object) -> object:
    """A pydantic before-validator: turn `{"field": tier | [tier, ...]}` into the plain field
    (its strictest value) plus `evidence[field] = [tiers]`."""
    if not isinstance(data, Mapping):
        return data
    plain: dict[str, object] = {}
    evidence: dict[str, list[object]] = {}
    for key, raw in data.items():
        if key == "evidence":
            continue
        tiers: list[Mapping[str, object]] | None = None
        if _is_tier(raw):
            assert isinstance(raw, Mapping)
            tiers = [raw]
        elif isinstance(raw, list) and raw and all(_is_tier(t) for t in raw):
            tiers = list(raw)
        if tiers is None:
            plain[key] = raw
            continue
        values: list[TierValue] = [t["value"] for t in tiers]  # type: ignore[misc]
        plain[key] = _strictest(str(key), values)
        evidence[str(key)] = list(tiers)
    given = data.get("evidence")
    if isinstance(given, Mapping):
        evidence = {**dict(given), **evidence}
    plain["evidence"] = evidence
    return plain


def severity_of(basis: Basis) -> Literal["error", "warning"]:
    """Severity follows evidence: only a documented limit blocks."""
    return "error" if basis == "documented" else "warning"


__all__ = ["BASES", "Basis", "Document", "Tier", "TierValue", "severity_of", "split_evidence"]
