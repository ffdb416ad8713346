"""`seedance request` and `seedance estimate`: dry runs that send nothing, the create request
a submission would make and what it would cost."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from decimal import Decimal

from pydantic import JsonValue

from seedance_studio.cli.compose import as_one_request, checked_snapshot, settings_from
from seedance_studio.cli.messages import EXIT_OK, print_json
from seedance_studio.core import capabilities, pricing
from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.i18n import _
from seedance_studio.core.money import format_rate
from seedance_studio.core.pricing import (
    Estimate,
    EstimateItem,
    amount_text,
    format_estimate,
    quantity_text,
)
from seedance_studio.core.settings import Settings
from seedance_studio.providers.keys import SecretStore


def request(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    checked = checked_snapshot(args, settings)
    if isinstance(checked, int):
        return checked
    return asyncio.run(_request(checked, settings))


async def _request(snapshot: CompositionSnapshot, settings: Settings) -> int:
    from seedance_studio.providers.assets import AssetResolver
    from seedance_studio.providers.registry import create_provider

    provider_id = snapshot.params.provider
    secrets = SecretStore()
    provider = create_provider(provider_id, settings, secrets)
    resolver = AssetResolver.for_provider(provider_id, settings, secrets)
    one = as_one_request(snapshot)
    if one is not snapshot:
        count = snapshot.params.variants
        print(
            _(
                "note: {count} variants are more than one request makes; they are sent as "
                "{count} requests like this one"
            ).format(count=count),
            file=sys.stderr,
        )
    try:
        urls = resolver.dry_run_urls(list(snapshot.references))
        spec = provider.build_request(one, urls)
    finally:
        await provider.aclose()
        await resolver.aclose()
    print_json({"method": spec.method, "url": spec.url, "headers": spec.headers, "body": spec.body})
    return EXIT_OK


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def estimate_report(est: Estimate) -> dict[str, JsonValue]:
    """The documented `estimate --json` shape (numbers, not the stored form's strings)."""
    credits: dict[str, JsonValue] | None = None
    if est.credits_min is not None or est.credits_max is not None:
        credits = {"min": _number(est.credits_min), "max": _number(est.credits_max)}
    items: list[JsonValue] = []
    for item in est.items:
        items.append(
            {
                "label": item.label,
                "unit": item.unit,
                "rate": _number(item.rate),
                "quantity": _number(item.quantity),
                "quantity_max": _number(item.quantity_max),
                "min": _number(item.amount_min),
                "max": _number(item.amount_max),
                "rule": item.rule_id,
                "overridden": item.overridden,
                **({"warning": item.warning} if item.warning else {}),
            }
        )
    return {
        "currency": est.currency,
        "min": _number(est.min),
        "max": _number(est.max),
        "credits": credits,
        "items": items,
    }


def estimate_of(snapshot: CompositionSnapshot, settings: Settings) -> Estimate:
    """What the composition costs at its provider, with the user's own rates where set."""
    provider_id = snapshot.params.provider
    return pricing.estimate(
        snapshot, capabilities.get(provider_id), settings.price_overrides.get(provider_id)
    )


def estimate(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    checked = checked_snapshot(args, settings)
    if isinstance(checked, int):
        return checked
    est = estimate_of(checked, settings)
    if args.json:
        print(json.dumps(estimate_report(est), indent=2))
    else:
        print(format_estimate(est))
        credits = est.credits_min is not None or est.credits_max is not None
        for item in est.items:
            print("  " + item_text(item, credits))
            if item.warning and item.warning not in est.notes:
                print(f"    {item.warning}")
        for note in est.notes:
            print("  " + _("note: {text}").format(text=note))
    return EXIT_OK


def item_text(item: EstimateItem, credits: bool) -> str:
    """ "Std: output: 5 output s × $0.168 = $0.84" — what is billed, how much, at what rate."""
    mine = _(" (your rate)") if item.overridden else ""
    return (
        f"{item.label}: {quantity_text(item)} {item.unit} × "
        f"{format_rate(item.rate, credits=credits)}{mine} = {amount_text(item, credits)}"
    )
