"""What each `seedance` subcommand does; main.py parses, these run (one asyncio.run each)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from decimal import Decimal

from pydantic import JsonValue

from seedance_studio.cli.compose import settings_for, snapshot_from
from seedance_studio.cli.messages import EXIT_FAILED, EXIT_INVALID, EXIT_OK, job_failure_text
from seedance_studio.cli.progress import ProgressLine
from seedance_studio.core import capabilities, pricing
from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.errors import MissingKeyError
from seedance_studio.core.i18n import _
from seedance_studio.core.money import format_money, format_rate
from seedance_studio.core.pricing import (
    Estimate,
    EstimateItem,
    amount_text,
    format_estimate,
    quantity_text,
)
from seedance_studio.core.redact import redact
from seedance_studio.core.settings import Settings, load_settings
from seedance_studio.jobs.engine import CancelNotPossibleError, JobEngine, run_until_settled
from seedance_studio.jobs.message_kinds import MessageKind
from seedance_studio.jobs.provider_policy import confirmation_text, needs_confirmation
from seedance_studio.jobs.states import ATTENTION_STATES, JobState
from seedance_studio.jobs.store import JobRecord, JobStore, dumps
from seedance_studio.jobs.transitions import Action, allowed_actions, describe
from seedance_studio.providers.keys import SecretStore

POLL_INTERVAL_ENV = "SEEDANCE_POLL_INTERVAL"
"""Seconds between polls for every provider (scripts and tests against the simulator)."""


def _settings(args: argparse.Namespace) -> Settings:
    return settings_for(
        load_settings(), getattr(args, "provider", None), getattr(args, "base_url", None)
    )


def _secrets() -> SecretStore:
    from seedance_studio.providers.keys import SecretStore

    return SecretStore()


def _print_json(data: object) -> None:
    print(redact(dumps(data, indent=2, sort_keys=False)))


def _on_loopback(settings: Settings, provider_id: str) -> bool:
    from seedance_studio.providers.base import is_loopback_url

    caps = capabilities.get(provider_id)
    return is_loopback_url(settings.base_url(provider_id, caps.base_url))


def _as_one_request(snapshot: CompositionSnapshot) -> CompositionSnapshot:
    """What one create request carries: more variants than a request can make are sent as
    separate creates by the engine, so they are no error."""
    params = snapshot.params
    try:
        most = capabilities.get(params.provider).model(params.model).max_variants
    except KeyError:
        return snapshot
    if params.variants <= most:
        return snapshot
    return snapshot.model_copy(update={"params": params.model_copy(update={"variants": 1})})


def _checked_snapshot(args: argparse.Namespace, settings: Settings) -> CompositionSnapshot | int:
    """The composition, or EXIT_INVALID after printing one line per problem."""
    from seedance_studio.core.validation import validate

    snapshot = snapshot_from(args)
    problems = validate(
        _as_one_request(snapshot), allow_loopback=_on_loopback(settings, args.provider)
    )
    errors = [p for p in problems if p.is_error]
    for problem in problems:
        if not problem.is_error:
            print(_("warning: {text}").format(text=problem.message), file=sys.stderr)
    for problem in errors:
        if problem.hint:
            text = _("{message} ({hint})").format(message=problem.message, hint=problem.hint)
        else:
            text = problem.message
        print(text, file=sys.stderr)
    return EXIT_INVALID if errors else snapshot


# -- dry runs ----------------------------------------------------------------------------------


def request(args: argparse.Namespace) -> int:
    settings = _settings(args)
    checked = _checked_snapshot(args, settings)
    if isinstance(checked, int):
        return checked
    return asyncio.run(_request(checked, settings))


async def _request(snapshot: CompositionSnapshot, settings: Settings) -> int:
    from seedance_studio.providers.assets import AssetResolver
    from seedance_studio.providers.registry import create_provider

    provider_id = snapshot.params.provider
    secrets = _secrets()
    provider = create_provider(provider_id, settings, secrets)
    resolver = AssetResolver.for_provider(provider_id, settings, secrets)
    one = _as_one_request(snapshot)
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
    _print_json(
        {"method": spec.method, "url": spec.url, "headers": spec.headers, "body": spec.body}
    )
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


def _estimate_of(snapshot: CompositionSnapshot, settings: Settings) -> Estimate:
    provider_id = snapshot.params.provider
    return pricing.estimate(
        snapshot, capabilities.get(provider_id), settings.price_overrides.get(provider_id)
    )


def estimate(args: argparse.Namespace) -> int:
    settings = _settings(args)
    checked = _checked_snapshot(args, settings)
    if isinstance(checked, int):
        return checked
    est = _estimate_of(checked, settings)
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


# -- running jobs ------------------------------------------------------------------------------


@asynccontextmanager
async def _engine(settings: Settings) -> AsyncIterator[JobEngine]:
    store = JobStore()
    interval = os.environ.get(POLL_INTERVAL_ENV)
    engine = JobEngine(
        store, settings, _secrets(), poll_interval=float(interval) if interval else None
    )
    try:
        yield engine
    finally:
        await engine.aclose()
        store.close()


def _summary(records: list[JobRecord], ok: frozenset[JobState] = frozenset({JobState.DONE})) -> int:
    code = EXIT_OK
    for job in records:
        where = f" {job.result_path}" if job.state is JobState.DONE else ""
        print(_("job {id}: {state}").format(id=job.id, state=job.state.value) + where)
        if job.state not in ok:
            code = EXIT_FAILED
            if job.message:
                text = _("job {id}: {state}").format(id=job.id, state=job_failure_text(job))
                print(f"seedance: {text}", file=sys.stderr)
            if job.state in ATTENTION_STATES:
                text = _("job {id} waits for you: {choices}").format(
                    id=job.id, choices=_choices(job)
                )
                print(f"seedance: {text}", file=sys.stderr)
    return code


def _choices(job: JobRecord) -> str:
    """The commands that settle a job the runner leaves to the user (the core's table)."""
    actions = allowed_actions(job.state) - {Action.RETRY}
    text = describe(actions, job.id)
    if Action.SUBMIT_ANYWAY in actions:
        text = text.replace(
            f"submit-anyway {job.id}`",
            f"submit-anyway {job.id}`" + _(" (may be charged twice)"),
        )
    return text


def _refused(job: JobRecord, action: Action) -> bool:
    """Print why `action` does not apply to `job` (the core's table says), True if so."""
    if action in allowed_actions(job.state):
        return False
    offered = describe(allowed_actions(job.state), job.id)
    hint = _("; it allows {offered}").format(offered=offered) if offered else ""
    print(
        "seedance: "
        + _("job {id} is {state}: `{action}` does not apply").format(
            id=job.id, state=job.state.value, action=action.value
        )
        + hint,
        file=sys.stderr,
    )
    return True


async def _follow(engine: JobEngine, ids: list[int]) -> list[JobRecord]:
    line = ProgressLine(sys.stderr)
    engine.progress.connect(line.on_progress)
    try:
        return await run_until_settled(engine, ids, on_tick=line.show)
    finally:
        engine.progress.disconnect(line.on_progress)
        line.close()


def _require_key(provider_id: str) -> None:
    """A cloud provider without a key fails here, before a job is stored that could never
    be sent (MissingKeyError, naming the keyring entry and the variable)."""
    caps = capabilities.get(provider_id)
    if caps.local:
        return
    from seedance_studio.providers.base import missing_key_message

    if not _secrets().get(provider_id):
        raise MissingKeyError(missing_key_message(caps), provider=provider_id)


def submit(args: argparse.Namespace) -> int:
    settings = _settings(args)
    checked = _checked_snapshot(args, settings)
    if isinstance(checked, int):
        return checked
    _require_key(checked.params.provider)
    return asyncio.run(_submit(checked, settings, detach=args.detach, yes=args.yes))


async def _submit(
    snapshot: CompositionSnapshot, settings: Settings, *, detach: bool, yes: bool
) -> int:
    est = _estimate_of(snapshot, settings)
    caps = capabilities.get(snapshot.params.provider)
    variants = max(snapshot.params.variants, 1)
    total = est.worst_case  # the whole submission's upper figure (None: no price)
    if not yes and needs_confirmation(caps.id, variants, total):
        print(
            "seedance: "
            + _("{question}: add --yes to send them").format(
                question=confirmation_text(caps.name, variants, total)
            ),
            file=sys.stderr,
        )
        return EXIT_FAILED
    warning = caps.cancel_warning()
    if warning:
        print("seedance: " + _("note: {text}").format(text=warning), file=sys.stderr, flush=True)
    async with _engine(settings) as engine:
        ids = await engine.submit(snapshot, est, allow_over_budget=yes)
        print(
            _("submitted: job {ids}").format(ids=", ".join(map(str, ids))),
            file=sys.stderr,
            flush=True,
        )
        if detach:
            await _until_created(engine, ids)
            return _summary(
                [engine.get(i) for i in ids],
                frozenset(
                    {
                        JobState.QUEUED,
                        JobState.RUNNING,
                        JobState.SUCCEEDED,
                        JobState.DOWNLOADING,
                        JobState.DONE,
                    }
                ),
            )
        records = await _follow(engine, ids)
    return _summary(records)


async def _until_created(engine: JobEngine, ids: list[int]) -> None:
    """Until no job is still being created (each has an id, failed, or is unknown)."""
    changed = asyncio.Event()
    engine.job_changed.connect(lambda _id: changed.set())
    while any(engine.get(i).state is JobState.SUBMITTING for i in ids) and engine.busy():
        changed.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(changed.wait(), timeout=1.0)


def resume(args: argparse.Namespace) -> int:
    return asyncio.run(_resume(_settings(args)))


async def _resume(settings: Settings) -> int:
    async with _engine(settings) as engine:
        unfinished = engine.store.unfinished()
        # A job another live process is running (a submit beside this resume) is its own:
        # say so, and neither wait for it nor count it as a failure here.
        owned = [j for j in unfinished if not engine.store.lease_is_free(j, engine.owner)]
        for job in owned:
            pid = (job.lease_owner or "").split(":")[1:2] or ["?"]
            print(
                "seedance: "
                + _(
                    "job {id} ({state}) is being run by another process (pid {pid}); it carries "
                    "on there"
                ).format(id=job.id, state=job.state.value, pid=pid[0]),
                file=sys.stderr,
            )
        pending = [j.id for j in unfinished if j not in owned]
        # Jobs left to the user are not resumed, but a resume must not pass over them in
        # silence: each needs a decision before it can end.
        waiting = [
            j
            for j in engine.store.list_jobs()
            if j.state in ATTENTION_STATES and j.id not in pending
        ]
        if owned and not pending and not waiting:
            return EXIT_OK
        if not pending and not waiting:
            print(_("nothing to resume"), file=sys.stderr)
            return EXIT_OK
        records: list[JobRecord] = []
        if pending:
            await engine.start()
            records = await _follow(engine, pending)
    return _summary(records + waiting)


def _with_engine(
    job_id: int, action: Callable[[JobEngine], Awaitable[int]], args: argparse.Namespace
) -> int:
    async def run() -> int:
        async with _engine(_settings(args)) as engine:
            engine.store.get(job_id)  # KeyError -> "no job N"
            return await action(engine)

    try:
        return asyncio.run(run())
    except KeyError:
        print("seedance: " + _("there is no job {id}").format(id=job_id), file=sys.stderr)
        return EXIT_FAILED


def cancel(args: argparse.Namespace) -> int:
    async def act(engine: JobEngine) -> int:
        if _refused(engine.get(args.job_id), Action.CANCEL):
            return EXIT_FAILED
        try:
            job = await engine.cancel(args.job_id, accept_uncancellable=args.anyway)
        except CancelNotPossibleError as exc:
            print(f"seedance: {exc} (`seedance cancel {args.job_id} --anyway`)", file=sys.stderr)
            return EXIT_FAILED
        if job.state is not JobState.CANCELLED:
            # Refused or failed at the provider: it runs on and is still polled.
            print(
                f"seedance: job {job.id}: {redact(job.message or job.state.value)}", file=sys.stderr
            )
            return EXIT_FAILED
        if job.message and job.message_kind is not MessageKind.CANCELLED:
            # "cancelled here; the provider has no cancel API, so the job may still run and
            # be charged": the part after "cancelled" is what the user must know.
            print(f"seedance: job {job.id}: {redact(job.message)}", file=sys.stderr)
        return _summary([job], frozenset({JobState.CANCELLED}))

    return _with_engine(args.job_id, act, args)


def download(args: argparse.Namespace) -> int:
    async def act(engine: JobEngine) -> int:
        job = engine.get(args.job_id)
        if _refused(job, Action.DOWNLOAD):
            return EXIT_FAILED
        return _summary([await engine.download(args.job_id)])

    return _with_engine(args.job_id, act, args)


def check_again(args: argparse.Namespace) -> int:
    async def act(engine: JobEngine) -> int:
        if _refused(engine.get(args.job_id), Action.CHECK_AGAIN):
            return EXIT_FAILED
        job = await engine.check_again(args.job_id)
        if not job.is_settled:
            [job] = await _follow(engine, [job.id])
        return _summary([job])  # prints the finding once, with the choices left

    return _with_engine(args.job_id, act, args)


def submit_anyway(args: argparse.Namespace) -> int:
    async def act(engine: JobEngine) -> int:
        if _refused(engine.get(args.job_id), Action.SUBMIT_ANYWAY):
            return EXIT_FAILED
        ids = await engine.submit_anyway(args.job_id)
        return _summary(await _follow(engine, ids))

    return _with_engine(args.job_id, act, args)


def retry(args: argparse.Namespace) -> int:
    """A new job from a finished (or stuck) job's composition: a new create, a new charge."""

    async def act(engine: JobEngine) -> int:
        job = engine.get(args.job_id)
        if _refused(job, Action.RETRY):
            return EXIT_FAILED
        ids = await engine.retry(args.job_id, allow_over_budget=args.yes)
        print(
            _("submitted: job {ids} (retry of {id})").format(
                ids=", ".join(map(str, ids)), id=job.id
            ),
            file=sys.stderr,
            flush=True,
        )
        return _summary(await _follow(engine, ids))

    return _with_engine(args.job_id, act, args)


# -- reading the store -------------------------------------------------------------------------


def _learn_keys(providers: set[str]) -> None:
    """Load (and so register for masking) the keys of `providers` and the S3 credentials:
    a second line of defence, so even a row stored before redaction prints masked."""
    from seedance_studio.providers.keys import S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY

    secrets = _secrets()
    for name in [*sorted(providers), S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY]:
        with contextlib.suppress(Exception):  # a bad or missing key masks nothing, breaks nothing
            secrets.get(name)


def list_jobs(args: argparse.Namespace) -> int:
    with JobStore() as store:
        jobs = store.list_jobs(limit=args.limit)
    _learn_keys({j.provider for j in jobs})
    if args.json:
        _print_json([j.to_json() for j in jobs])
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
    _print_json(data)
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
        _print_json(
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
