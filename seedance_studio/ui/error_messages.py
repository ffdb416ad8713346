"""What to tell the user about a failure, chosen by the exception's type in this one place.

The engine stores a failed job's exception class name (`JobRecord.error_code`); a slot that
catches an exception has the exception itself. Both come here, so a 401 reads the same
wherever it surfaces, and no widget parses provider messages to guess what happened.
"""

from __future__ import annotations

from dataclasses import dataclass

from seedance_studio.core import errors


@dataclass(frozen=True)
class Advice:
    text: str
    """One sentence: what happened and what to do."""
    open_settings: bool = False
    """The fix is in Settings (a key); the window offers to open it."""


def _advice_by_type(provider: str, detail: str) -> dict[type[BaseException], Advice]:
    return {
        errors.MissingKeyError: Advice(
            f"No API key for {provider}: add one in Settings → API keys", True),
        errors.AuthError: Advice(
            f"{provider} refused the API key: check it in Settings → API keys, then Retry",
            True),
        errors.InsufficientCreditsError: Advice(
            f"Your {provider} account has no credits left: top it up, then Retry the job"),
        errors.RateLimitedError: Advice(
            f"{provider} is limiting requests for now: the job is sent again by itself"),
        errors.ServerError: Advice(
            f"{provider} had a server error: nothing was created; Retry in a moment"),
        errors.NetworkError: Advice(
            f"Could not reach {provider}: check the connection (or the base URL in "
            "Settings), then Retry"),
        errors.ContentBlockedError: Advice(
            f"{provider} blocked this content: change the prompt or the references"),
        errors.InvalidInputError: Advice(f"{provider} refused the request: {detail}"),
        errors.NotFoundError: Advice(f"{provider} no longer knows this job: {detail}"),
        errors.MalformedResponseError: Advice(
            f"{provider} answered with something unexpected: see the raw response; "
            "Retry may help"),
        errors.SubmissionUnknownError: Advice(
            f"The answer from {provider} was lost: check again before submitting anyway "
            "(it could be charged twice)"),
        errors.MediaError: Advice(detail),
        errors.CompositionError: Advice(detail),
    }


def _error_types() -> dict[str, type[errors.SeedanceError]]:
    found: dict[str, type[errors.SeedanceError]] = {}
    pending: list[type[errors.SeedanceError]] = [errors.SeedanceError]
    while pending:
        cls = pending.pop()
        found[cls.__name__] = cls
        pending.extend(cls.__subclasses__())
    return found


def error_type(code: str | None) -> type[BaseException] | None:
    """The exception class a stored `error_code` names (None for unknown names)."""
    return _error_types().get(code) if code else None


def advise(error: BaseException | type[BaseException] | str | None, *, provider: str,
           detail: str = "") -> Advice:
    """Advice for an exception, its class, or a stored error code (a class name)."""
    if isinstance(error, BaseException):
        detail = detail or str(error)
        cls: type[BaseException] | None = type(error)
    elif isinstance(error, str) or error is None:
        cls = error_type(error)
    else:
        cls = error
    table = _advice_by_type(provider, detail)
    for base in cls.__mro__ if cls is not None else ():
        if base in table:
            return table[base]
    return Advice(f"{provider}: {detail}" if detail else f"{provider}: something went wrong")
