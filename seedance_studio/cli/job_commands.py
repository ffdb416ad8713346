"""The `seedance` commands that run jobs: submit, resume, and the actions on one stored job
(cancel, download, check-again, submit-anyway, retry), each on a job engine of its own."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from seedance_studio.cli.compose import checked_snapshot, settings_from
from seedance_studio.cli.dry_run_commands import estimate_of
from seedance_studio.cli.messages import EXIT_FAILED, EXIT_OK, job_failure_text
from seedance_studio.cli.progress import ProgressLine
from seedance_studio.core import capabilities
from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.errors import MissingKeyError
from seedance_studio.core.i18n import _
from seedance_studio.core.redact import redact
from seedance_studio.core.settings import Settings
from seedance_studio.jobs.engine import CancelNotPossibleError, JobEngine, run_until_settled
from seedance_studio.jobs.message_kinds import MessageKind
from seedance_studio.jobs.provider_policy import confirmation_text, needs_confirmation
from seedance_studio.jobs.states import ATTENTION_STATES, JobState
from seedance_studio.jobs.store import JobRecord, JobStore
from seedance_studio.jobs.transitions import Action, allowed_actions, describe
from seedance_studio.providers.keys import SecretStore

POLL_INTERVAL_ENV = "SEEDANCE_POLL_INTERVAL"
"""Seconds between polls for every provider (scripts and tests against the simulator)."""


@asynccontextmanager
async def _engine(settings: Settings) -> AsyncIterator[JobEngine]:
    store = JobStore()
    interval = os.environ.get(POLL_INTERVAL_ENV)
    engine = JobEngine(
        store, settings, SecretStore(), poll_interval=float(interval) if interval else None
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

    if not SecretStore().get(provider_id):
        raise MissingKeyError(missing_key_message(caps), provider=provider_id)


def submit(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    checked = checked_snapshot(args, settings)
    if isinstance(checked, int):
        return checked
    _require_key(checked.params.provider)
    return asyncio.run(_submit(checked, settings, detach=args.detach, yes=args.yes))


async def _submit(
    snapshot: CompositionSnapshot, settings: Settings, *, detach: bool, yes: bool
) -> int:
    est = estimate_of(snapshot, settings)
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
    return asyncio.run(_resume(settings_from(args)))


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
        async with _engine(settings_from(args)) as engine:
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
