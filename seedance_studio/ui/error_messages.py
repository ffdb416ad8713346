"""The window's side of core/advice: which advice a failed job gets, under the provider's
display name. The table itself is in the core, shared with the CLI."""

from __future__ import annotations

from seedance_studio.core import capabilities
from seedance_studio.core.advice import Advice, advise
from seedance_studio.jobs.store import JobRecord


def provider_name(provider_id: str) -> str:
    """How the window names a provider ("Kinovi"); its id when it is not known."""
    caps = capabilities.load_all().get(provider_id)
    return caps.name if caps is not None else provider_id


def job_advice(job: JobRecord) -> Advice:
    """Advice for a failed job, from its stored error type and the provider's code."""
    return advise(
        job.error_type,
        provider=provider_name(job.provider),
        detail=job.message or "",
        code=job.error_code,
    )
