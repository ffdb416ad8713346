"""Exit codes and the one place that turns exceptions into what the CLI prints."""

from __future__ import annotations

from seedance_studio.core.errors import (
    AuthError,
    CompositionError,
    InsufficientCreditsError,
    MediaError,
    MissingKeyError,
    ProviderError,
    RateLimitedError,
    SeedanceError,
)
from seedance_studio.core.redact import redact
from seedance_studio.jobs.ledger import BudgetExceeded

EXIT_OK = 0
EXIT_FAILED = 1
"""Anything went wrong that is not the composition's fault."""
EXIT_INVALID = 2
"""The composition breaks the provider's rules (or a reference cannot be read)."""
EXIT_INTERRUPTED = 130


def exit_code_for(exc: BaseException) -> int:
    if isinstance(exc, CompositionError | MediaError):
        return EXIT_INVALID
    if isinstance(exc, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    return EXIT_FAILED


def message_for(exc: BaseException) -> str:
    """A plain one-line message (keys redacted); never a traceback."""
    text = _describe(exc)
    return redact(text)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, BudgetExceeded):
        return f"{exc}; add --yes to submit anyway"
    if isinstance(exc, MissingKeyError):
        return str(exc)
    if isinstance(exc, AuthError):
        return f"{_who(exc)}the API key was refused: {exc}"
    if isinstance(exc, InsufficientCreditsError):
        return f"{_who(exc)}not enough credits: {exc}"
    if isinstance(exc, RateLimitedError):
        wait = f" (try again in {exc.retry_after:.0f} s)" if exc.retry_after else ""
        return f"{_who(exc)}too many requests{wait}: {exc}"
    if isinstance(exc, ProviderError):
        return f"{_who(exc)}{exc}"
    if isinstance(exc, SeedanceError):
        return str(exc)
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted; `seedance resume` picks up unfinished jobs"
    if isinstance(exc, KeyError):
        return str(exc.args[0]) if exc.args else "not found"
    if isinstance(exc, OSError):
        return f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": ")
    return f"unexpected error: {type(exc).__name__}: {exc}"


def _who(exc: ProviderError) -> str:
    return f"{exc.provider}: " if exc.provider else ""
