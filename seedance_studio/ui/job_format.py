"""How a job reads in the queue: state labels, elapsed time, estimate vs actual cost.

Pure functions over a job's fields (no Qt), so the wording is tested without widgets; a
stored JobRecord and a list's JobSummary both have them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from seedance_studio.core.i18n import _
from seedance_studio.core.money import format_credits, format_money
from seedance_studio.jobs.message_kinds import MessageKind
from seedance_studio.jobs.states import FINAL_STATES, JobState

if TYPE_CHECKING:
    from seedance_studio.core.pricing import Estimate
    from seedance_studio.core.provider import Cost


class JobFields(Protocol):
    """What these functions read of a job."""

    @property
    def id(self) -> int: ...
    @property
    def state(self) -> JobState: ...
    @property
    def provider(self) -> str: ...
    @property
    def model(self) -> str | None: ...
    @property
    def message(self) -> str | None: ...
    @property
    def message_kind(self) -> MessageKind | None: ...
    @property
    def progress(self) -> float | None: ...
    @property
    def raw_status(self) -> str | None: ...
    @property
    def queue_position(self) -> int | None: ...
    @property
    def provider_job_id(self) -> str | None: ...
    @property
    def bytes_done(self) -> int | None: ...
    @property
    def bytes_total(self) -> int | None: ...
    @property
    def created_at(self) -> float: ...
    @property
    def updated_at(self) -> float: ...
    @property
    def finished_at(self) -> float | None: ...
    @property
    def estimate(self) -> Estimate | None: ...
    @property
    def estimated_usd(self) -> Decimal | None: ...
    @property
    def actual_cost(self) -> Cost | None: ...
    @property
    def actual_usd(self) -> Decimal | None: ...


STATE_LABELS: dict[JobState, str] = {
    JobState.SUBMITTING: _("Submitting"),
    JobState.SUBMIT_UNKNOWN: _("Submission unknown: check again / submit anyway"),
    JobState.QUEUED: _("Queued"),
    JobState.RUNNING: _("Generating"),
    JobState.SUCCEEDED: _("Finished, fetching"),
    JobState.DOWNLOADING: _("Downloading"),
    JobState.DONE: _("Done"),
    JobState.FAILED: _("Failed"),
    JobState.CANCELLED: _("Cancelled"),
    JobState.STUCK: _("Stuck: check again or cancel"),
}

PHASE_LABELS = {
    "upload": _("Uploading references"),
    "queue": _("Generating"),
    "download": _("Downloading"),
}


def state_label(job: JobFields, progress: tuple[str, float] | None = None) -> str:
    """One line: the state in plain words, with a percentage while something moves."""
    label = STATE_LABELS.get(job.state, job.state.value)
    if job.state is JobState.SUBMITTING and progress and progress[0] == "upload":
        return f"{PHASE_LABELS['upload']} {progress[1]:.0%}"
    if (
        job.state is JobState.SUBMITTING
        and job.message
        and job.message_kind is not MessageKind.CREATING
    ):
        return f"{label}: {job.message}"  # e.g. a provider's rate limit, and when it retries
    if (
        job.state in (JobState.RUNNING, JobState.QUEUED)
        and job.message
        and job.message_kind is MessageKind.CANCEL_REFUSED
    ):
        return f"{label}: {job.message}"  # a running task the provider cannot stop
    if job.state is JobState.RUNNING:
        fraction = job.progress
        if progress and progress[0] == "queue" and progress[1] > 0:
            fraction = progress[1]
        return f"{label} {fraction:.0%}" if fraction else label
    if job.state is JobState.QUEUED and job.queue_position is not None:
        return _("{label} ({job_queue_position} ahead in the provider's queue)").format(
            label=label, job_queue_position=job.queue_position
        )
    if job.state is JobState.DOWNLOADING:
        fraction = progress[1] if progress and progress[0] == "download" else None
        if fraction is None and job.bytes_total:
            fraction = (job.bytes_done or 0) / job.bytes_total
        return f"{label} {fraction:.0%}" if fraction is not None else label
    if job.state is JobState.QUEUED and job.raw_status:
        return f"{label} ({job.raw_status})"
    if job.state is JobState.FAILED and job.message:
        return f"{label}: {job.message}"
    return label


def bar_fraction(
    job: JobFields, progress: tuple[str, float] | None
) -> tuple[str, float | None] | None:
    """What a progress bar shows for this job, if anything: (phase label, 0..1 or None when
    the provider does not say how far it is)."""
    if job.state is JobState.SUBMITTING and progress and progress[0] == "upload":
        return PHASE_LABELS["upload"], progress[1]
    if job.state is JobState.DOWNLOADING:
        if progress and progress[0] == "download":
            return PHASE_LABELS["download"], progress[1]
        if job.bytes_total:
            return PHASE_LABELS["download"], (job.bytes_done or 0) / job.bytes_total
        return PHASE_LABELS["download"], 0.0
    if job.state is JobState.RUNNING:
        fraction = progress[1] if progress and progress[0] == "queue" else job.progress
        return PHASE_LABELS["queue"], fraction or None
    return None


def elapsed_seconds(job: JobFields, now: float) -> float:
    """From the row's creation to its end (final jobs) or to now (everything else)."""
    end = (job.finished_at or job.updated_at) if job.state in FINAL_STATES else now
    return max(0.0, end - job.created_at)


def format_elapsed(seconds: float) -> str:
    """`42 s`, `3:07`, `1:02:03`."""
    total = int(seconds)
    if total < 60:
        return f"{total} s"
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def estimate_text(job: JobFields) -> str:
    """This job's estimate: a USD amount or range, credits, or 'no published price'."""
    est = job.estimate
    low, high = (est.min, est.max) if est is not None else (None, None)
    if high and job.estimated_usd is not None:
        # The estimate covers the whole submission; this job is one variant's share of it.
        share = job.estimated_usd / high
        low, high = (low * share if low is not None else None), job.estimated_usd
    if low is not None and high is not None and low != high:
        return f"{format_money(low)}–{format_money(high)}"
    if low is not None and high is None:
        return f"≥ {format_money(low)}"
    if job.estimated_usd is not None:
        return format_money(job.estimated_usd)
    credits = (est.credits_max or est.credits_min) if est is not None else None
    if credits is not None:
        return _("{amount} credits").format(amount=format_credits(credits))
    return _("no published price")


def actual_text(job: JobFields) -> str | None:
    """What the provider reported it charged, when it did."""
    if job.actual_usd is not None:
        text = format_money(job.actual_usd)
        cost = job.actual_cost
        if cost is not None and cost.unit == "credits":
            text = _("{money} ({amount} credits)").format(
                money=text, amount=format_credits(cost.amount)
            )
        return text
    if job.actual_cost is not None:
        amount = f"{job.actual_cost.amount:g}"
        if job.actual_cost.unit == "credits":
            return _("{amount} credits").format(amount=amount)
        return f"{amount} USD"
    return None


def charge_state(job: JobFields) -> str | None:
    """For a cancelled job without a reported charge: "not charged", or "may be charged"
    when the provider could not confirm the cancel (None for every other job)."""
    if job.state is not JobState.CANCELLED or actual_text(job) is not None:
        return None
    if job.provider_job_id and job.message_kind is MessageKind.MAY_BE_CHARGED:
        return _("may be charged")
    return _("not charged")


def cost_text(job: JobFields) -> str:
    """`est $0.50 · paid $0.48`, or the estimate alone until a charge is known; a cancelled
    job says "not charged" instead of an estimate that reads like a bill."""
    actual = actual_text(job)
    estimate = estimate_text(job)
    if estimate[0] in "$≥" or estimate[0].isdigit():
        estimate = _("est {estimate}").format(estimate=estimate)
    charge = charge_state(job)
    if charge == _("not charged"):
        return charge
    if charge is not None:
        return f"{estimate} · {charge}"
    return (
        _("{estimate} · paid {actual}").format(estimate=estimate, actual=actual)
        if actual
        else estimate
    )


def provider_text(job: JobFields) -> str:
    return f"{job.provider} · {job.model}" if job.model else job.provider
