"""`seedance jobs`, `show` and `spend`: reading the job store, without an engine or the network.
Every row is printed with the keys masked, even one stored before redaction."""

from __future__ import annotations

import argparse
import contextlib
import sys
from datetime import datetime

from seedance_studio.cli.messages import EXIT_FAILED, EXIT_OK, print_json
from seedance_studio.core.i18n import _
from seedance_studio.core.money import format_money
from seedance_studio.core.redact import redact
from seedance_studio.core.settings import load_settings
from seedance_studio.jobs.store import JobStore
from seedance_studio.providers.keys import SecretStore


def _learn_keys(providers: set[str]) -> None:
    """Load (and so register for masking) the keys of `providers` and the S3 credentials:
    a second line of defence, so even a row stored before redaction prints masked."""
    from seedance_studio.providers.keys import S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY

    secrets = SecretStore()
    for name in [*sorted(providers), S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY]:
        with contextlib.suppress(Exception):  # a bad or missing key masks nothing, breaks nothing
            secrets.get(name)


def list_jobs(args: argparse.Namespace) -> int:
    with JobStore() as store:
        jobs = store.list_jobs(limit=args.limit)
    _learn_keys({j.provider for j in jobs})
    if args.json:
        print_json([j.to_json() for j in jobs])
        return EXIT_OK
    for job in jobs:
        when = datetime.fromtimestamp(job.created_at).strftime("%Y-%m-%d %H:%M")
        usd = job.actual_usd if job.actual_usd is not None else job.estimated_usd
        cost = format_money(usd) if usd is not None else "-"
        text = job.prompt_text.replace("\n", " ")
        text = text if len(text) <= 40 else text[:39] + "…"
        print(
            redact(
                f"{job.id:>5}  {job.state.value:<14} {job.provider:<13} {when}  {cost:>7}  {text}"
            )
        )
    return EXIT_OK


def show(args: argparse.Namespace) -> int:
    with JobStore() as store:
        try:
            job = store.get(args.job_id)
        except KeyError:
            print("seedance: " + _("there is no job {id}").format(id=args.job_id), file=sys.stderr)
            return EXIT_FAILED
        events = store.events(job.id)
    _learn_keys({job.provider})
    data = job.to_json()
    data["events"] = [
        {
            "at": datetime.fromtimestamp(e.at).isoformat(),
            "state": e.state,
            "message": e.message,
            "raw": e.raw,
        }
        for e in events
    ]
    print_json(data)
    return EXIT_OK


def spend(args: argparse.Namespace) -> int:
    """The ledger: actual cost where reported, else the estimate (see jobs/ledger.py)."""
    from seedance_studio.jobs.ledger import Ledger

    settings = load_settings()
    with JobStore() as store:
        ledger = Ledger(store)
        providers = ledger.per_provider()
        days = ledger.per_day()
        today = ledger.spent_on(ledger.today())
    budget = settings.budget_usd
    if args.json:
        print_json(
            {
                "currency": "USD",
                "providers": {k: float(v) for k, v in sorted(providers.items())},
                "days": {d.isoformat(): float(v) for d, v in sorted(days.items())},
                "today": float(today),
                "budget": float(budget) if budget is not None else None,
            }
        )
        return EXIT_OK
    for provider, total in sorted(providers.items()):
        print(f"{provider:<14} {format_money(total)}")
    for day, total in sorted(days.items()):
        print(f"{day.isoformat():<14} {format_money(total)}")
    left = (
        _(" of {format_money_budget} (daily budget)").format(
            format_money_budget=format_money(budget)
        )
        if budget is not None
        else ""
    )
    print(f"{_('today'):<14} {format_money(today)}{left}")
    return EXIT_OK
