"""Price estimates from the capability data: itemized, in Decimal, as a min–max range.

A range, because "auto" duration lets the model pick any of its durations. Credits where the
provider bills in credits, with their USD value beside them. No published price means no
number at all (never a guess). Prices are data: the user can override a rule's rate.

Rules (see resources/providers/*.json, `pricing.rules`): every rule whose `when` matches the
parameters applies, and adds
- `per_output_second` × output seconds (ShortAPI, Kinovi, eachlabs; Kinovi's 4K upscale),
- `per_output_second_with_video_input` × output seconds when any reference is a video
  (Kinovi's video-input surcharge),
- `per_input_video_second` × the reference videos' combined seconds (ShortAPI),
- `per_million_tokens` × video tokens (fal, BytePlus; counted in core/tokens.py), at
  `per_million_tokens_with_video_input` instead when any reference is a video.
Everything is multiplied by the number of variants (one bill per generation).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Literal

from pydantic import JsonValue, TypeAdapter, ValidationError

from seedance_studio.core import capabilities, tokens
from seedance_studio.core.capabilities import PriceRule, ProviderCapabilities, TokenFormula
from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.i18n import _
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.core.money import format_credits, format_money, format_rate
from seedance_studio.core.params import GenerationParams, with_defaults
from seedance_studio.core.reference import Reference
from seedance_studio.core.tray import number_tags


@dataclass(frozen=True)
class EstimateItem:
    """One line of the itemized estimate (shown in the price tooltip)."""

    label: str
    quantity: Decimal | None
    """Seconds billed (the low end of the range); None when unknown."""
    quantity_max: Decimal | None
    unit: str
    """What `quantity` counts: "output s", "input video s"."""
    rate: Decimal
    """Per unit, in the provider's billing unit (USD or credits)."""
    amount_min: Decimal | None
    amount_max: Decimal | None
    """`rate` × quantity × variants, in the billing unit; None when the quantity is unknown."""
    rule_id: str = ""
    overridden: bool = False
    """The rate comes from the user's override, not from the provider's page."""
    warning: str = ""
    """Why the amount is unknown or uncertain."""

    @property
    def is_range(self) -> bool:
        """The amount is a span (auto duration), not one figure."""
        return self.amount_min != self.amount_max


@dataclass(frozen=True)
class Estimate:
    """What a submission should cost."""

    currency: Literal["USD"] = "USD"
    min: Decimal | None = None
    max: Decimal | None = None
    """None with `min` set: the range is open (some billed seconds are unknown)."""
    credits_min: Decimal | None = None
    credits_max: Decimal | None = None
    """Set when the provider bills in credits."""
    items: list[EstimateItem] = field(default_factory=list)
    published: bool = True
    """False when the provider publishes no price for these options: no number is given."""
    notes: list[str] = field(default_factory=list)

    @property
    def open_ended(self) -> bool:
        return self.min is not None and self.max is None

    @property
    def worst_case(self) -> Decimal | None:
        """The most it can cost in USD, as far as known (the budget check's number); None
        when no price is published."""
        return self.max if self.max is not None else self.min

    def to_json(self) -> dict[str, JsonValue]:
        """The stored form (Decimals as strings, so no cent is lost to a float)."""
        data: dict[str, JsonValue] = _adapter().dump_python(self, mode="json")
        return data

    @classmethod
    def from_json(cls, data: object) -> Estimate:
        """Read `to_json`'s form back; fields a row lacks take their defaults.

        Raises ValueError for anything that is not an estimate.
        """
        try:
            return _adapter().validate_python(data)
        except ValidationError as exc:
            raise ValueError(f"not an estimate: {exc.error_count()} problems") from exc


@cache
def _adapter() -> TypeAdapter[Estimate]:
    """Built on first use: the schema is not needed to start the app."""
    return TypeAdapter(Estimate)


def estimate(
    snapshot: CompositionSnapshot | GenerationParams,
    caps: ProviderCapabilities | None = None,
    overrides: Mapping[str, Decimal] | None = None,
    *,
    references: Sequence[Reference] = (),
) -> Estimate:
    """The price of submitting `snapshot` (or `params` with `references`) to `caps`.

    `overrides` maps a price rule id to a rate replacing its `per_output_second`
    (Settings.price_overrides[provider]). A rule that bills input video seconds at the same unit
    price as output seconds (ShortAPI's single unit price) has both replaced.
    """
    if isinstance(snapshot, CompositionSnapshot):
        params, refs = snapshot.params, list(snapshot.references)
    else:
        params, refs = snapshot, list(references)
    caps = caps or capabilities.get(params.provider)
    pricing = caps.pricing
    if not pricing.published:
        return Estimate(
            published=False,
            notes=[
                pricing.notes
                or _("{provider} publishes no price for this model").format(provider=caps.name)
            ],
        )
    try:
        params = with_defaults(params, caps)
    except KeyError as exc:
        return Estimate(published=False, notes=[str(exc.args[0])])
    model = caps.model(params.model)
    if params.duration == "auto":
        low = Decimal(min(model.durations))
        high = Decimal(max(model.durations))
    else:
        low = high = Decimal(int(params.duration or model.durations[0]))
    variants = Decimal(params.variants)
    rules = [r for r in pricing.rules if _matches(r, params)]
    if not rules:
        return Estimate(
            published=False,
            notes=[
                _("{provider} publishes no price for {options}").format(
                    provider=caps.name, options=_describe(params)
                )
            ],
        )
    overrides = overrides or {}
    videos = [r for r in refs if r.kind is MediaKind.VIDEO]
    tags = number_tags(refs)
    items: list[EstimateItem] = []
    for rule in rules:
        override = overrides.get(rule.id)
        rate = Decimal(override) if override is not None else rule.per_output_second
        if rate and not rule.per_million_tokens:
            items.append(
                _item(
                    _("{rule}: output").format(rule=rule.label),
                    low,
                    high,
                    _("output s"),
                    rate,
                    variants,
                    rule,
                    override is not None,
                )
            )
        if rule.per_million_tokens and pricing.tokens is not None:
            items.extend(
                _token_items(
                    rule, pricing.tokens, params, low, high, videos, tags, variants, override
                )
            )
            continue
        if rule.per_output_second_with_video_input and videos:
            items.append(
                _item(
                    _("{rule}: video input surcharge").format(rule=rule.label),
                    low,
                    high,
                    _("output s"),
                    rule.per_output_second_with_video_input,
                    variants,
                    rule,
                    False,
                )
            )
        if rule.per_input_video_second and videos:
            input_rate = rule.per_input_video_second
            if override is not None and rule.per_input_video_second == rule.per_output_second:
                input_rate = Decimal(override)
            items.extend(
                _input_video_items(rule, videos, tags, input_rate, variants, override is not None)
            )
    credits = pricing.unit == "credits"
    amount_min = sum((i.amount_min or Decimal(0) for i in items), Decimal(0))
    amount_max: Decimal | None = sum((i.amount_max or Decimal(0) for i in items), Decimal(0))
    notes = [i.warning for i in items if i.warning]
    if any(i.amount_max is None for i in items):
        amount_max = None
    if credits:
        value = pricing.credit_usd
        if value is None:
            return Estimate(
                credits_min=amount_min,
                credits_max=amount_max,
                items=items,
                published=False,
                notes=[*notes, _("the USD value of a credit is not published")],
            )
        return Estimate(
            min=amount_min * value,
            max=None if amount_max is None else amount_max * value,
            credits_min=amount_min,
            credits_max=amount_max,
            items=items,
            notes=notes,
        )
    return Estimate(min=amount_min, max=amount_max, items=items, notes=notes)


def _matches(rule: PriceRule, params: GenerationParams) -> bool:
    values = {
        "model": params.model,
        "mode": params.mode,
        "resolution": params.resolution,
        "upscale": params.upscale,
        "aspect_ratio": params.aspect_ratio,
    }
    return all(values.get(key) == wanted for key, wanted in rule.when.items())


def _item(
    label: str,
    low: Decimal,
    high: Decimal,
    unit: str,
    rate: Decimal,
    variants: Decimal,
    rule: PriceRule,
    overridden: bool,
) -> EstimateItem:
    times = _(" × {count} variants").format(count=variants) if variants > 1 else ""
    return EstimateItem(
        label + times,
        low,
        high,
        unit,
        rate,
        rate * low * variants,
        rate * high * variants,
        rule.id,
        overridden,
    )


def _input_video_items(
    rule: PriceRule,
    videos: list[Reference],
    tags: Mapping[str, object],
    rate: Decimal,
    variants: Decimal,
    overridden: bool,
) -> list[EstimateItem]:
    """ShortAPI bills the reference videos' seconds too; a video whose length is unknown
    leaves the estimate open rather than pretending it is free."""
    known = [v for v in videos if v.facts is not None and v.facts.duration_s is not None]
    unknown = [v for v in videos if v not in known]
    seconds = sum((_seconds(v) for v in known), Decimal(0))
    times = _(" × {count} variants").format(count=variants) if variants > 1 else ""
    items = []
    if known:
        items.append(
            EstimateItem(
                _("{rule}: input video").format(rule=rule.label) + times,
                seconds,
                seconds,
                _("input video s"),
                rate,
                rate * seconds * variants,
                rate * seconds * variants,
                rule.id,
                overridden,
            )
        )
    for video in unknown:
        tag = tags.get(video.id, video.display_name)
        items.append(
            EstimateItem(
                _("{rule}: input video {tag}").format(rule=rule.label, tag=tag),
                None,
                None,
                _("input video s"),
                rate,
                Decimal(0),
                None,
                rule.id,
                overridden,
                warning=_(
                    "{tag}'s length is unknown (not probed), and its seconds are billed too"
                ).format(tag=tag),
            )
        )
    return items


def _token_items(
    rule: PriceRule,
    formula: TokenFormula,
    params: GenerationParams,
    low: Decimal,
    high: Decimal,
    videos: list[Reference],
    tags: Mapping[str, object],
    variants: Decimal,
    override: Decimal | None,
) -> list[EstimateItem]:
    """fal's and BytePlus' bill: tokens of the output (and of the reference videos, where
    they count), at the with-video rate when any reference is a video."""
    sizes = tokens.frame_sizes(formula, params.resolution, params.aspect_ratio)
    if not sizes:
        return [
            EstimateItem(
                _("{rule}: tokens").format(rule=rule.label),
                None,
                None,
                _("K tokens"),
                rule.per_million_tokens / 1000,
                Decimal(0),
                None,
                rule.id,
                warning=_("no frame size is known for {resolution}").format(
                    resolution=params.resolution
                ),
            )
        ]
    rate = rule.per_million_tokens
    if videos and rule.per_million_tokens_with_video_input is not None:
        rate = rule.per_million_tokens_with_video_input
    if override is not None:
        rate = Decimal(override)
    known = [v for v in videos if v.facts is not None and v.facts.duration_s is not None]
    unknown = [v for v in videos if v not in known]
    input_s = (
        sum((_seconds(v) for v in known), Decimal(0)) if formula.counts_input_video else Decimal(0)
    )
    (w_lo, h_lo), (w_hi, h_hi) = sizes[0], sizes[-1]
    t_lo = tokens.video_tokens(formula, w_lo, h_lo, low + input_s)
    t_hi = tokens.video_tokens(formula, w_hi, h_hi, high + input_s)
    label = (_("{rule}: tokens (with video input)") if videos else _("{rule}: tokens")).format(
        rule=rule.label
    )
    if variants > 1:
        label += _(" × {count} variants").format(count=variants)
    per_1k = rate / 1000  # shown per thousand tokens, fal's own unit
    warning = ""
    amount_max: Decimal | None = tokens.token_cost(t_hi, rate) * variants
    if unknown and formula.counts_input_video:
        names = ", ".join(str(tags.get(v.id, v.display_name)) for v in unknown)
        warning = _(
            "{tags}: length unknown (not probed), and its seconds count as tokens too"
        ).format(tags=names)
        amount_max = None
    return [
        EstimateItem(
            label,
            t_lo / 1000,
            t_hi / 1000,
            _("K tokens"),
            per_1k,
            tokens.token_cost(t_lo, rate) * variants,
            amount_max,
            rule.id,
            override is not None,
            warning=warning,
        )
    ]


def _seconds(ref: Reference) -> Decimal:
    assert ref.facts is not None and ref.facts.duration_s is not None
    return Decimal(str(round(ref.facts.duration_s, 3)))


def _describe(params: GenerationParams) -> str:
    parts = [p for p in (params.model, params.mode, params.resolution, params.upscale) if p]
    return " ".join(parts) or _("these options")


# -- formatting -----------------------------------------------------------------------------------


def quantity_text(item: EstimateItem) -> str:
    """What an item bills: "5", "4–15" (auto duration), "?" (a length not probed)."""
    if item.quantity is None:
        return "?"
    low = f"{item.quantity.normalize():f}"
    if item.quantity_max is not None and item.quantity_max != item.quantity:
        return f"{low}–{item.quantity_max.normalize():f}"
    return low


def amount_text(item: EstimateItem, credits: bool) -> str:
    """An item's amount, exact: "$0.84", "$0.67–$2.52", "?" when its quantity is unknown."""
    if item.quantity is None:
        return format_rate(None, credits=credits)
    text = format_rate(item.amount_min, credits=credits)
    if item.is_range:
        text += f"–{format_rate(item.amount_max, credits=credits)}"
    return text


def format_estimate(est: Estimate) -> str:
    """One line for the UI and the CLI: "$1.68", "$0.56–$2.10", "240 credits ($1.20)",
    "$1.34 or more", "no published price"."""
    if not est.published or est.min is None:
        if est.credits_min is not None:
            return _("{credits} credits (USD value unknown)").format(
                credits=format_credits(est.credits_min)
            )
        return _("no published price")
    usd = _span(est.min, est.max, format_money)
    if est.credits_min is not None:
        credits = _span(est.credits_min, est.credits_max, format_credits)
        return _("{credits} credits ({usd})").format(credits=credits, usd=usd)
    return usd


def _span(low: Decimal, high: Decimal | None, fmt: Callable[[Decimal], str]) -> str:
    if high is None:
        return _("{amount} or more").format(amount=fmt(low))
    if fmt(low) == fmt(high):
        return fmt(low)
    return f"{fmt(low)}–{fmt(high)}"
