"""One exception hierarchy for the whole app; front ends map types to messages."""

from __future__ import annotations

from decimal import Decimal

from seedance_studio.core.i18n import _
from seedance_studio.core.money import format_money


class SeedanceError(Exception):
    """Base of every error the app raises on purpose; its str() is a user-facing message."""


class MediaError(SeedanceError):
    """A media file cannot be read, is corrupt, or is not what its name says."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class CompositionError(SeedanceError):
    """A composition cannot be compiled as it stands (dangling mention, unknown provider, ...)."""


class BudgetExceeded(SeedanceError):  # noqa: N818 (the name the front ends use)
    """Submitting would take today's spend above the budget; the user must confirm."""

    def __init__(self, *, budget: Decimal, spent: Decimal, estimate: Decimal) -> None:
        super().__init__(
            _(
                "today's spend {spent} plus this submission's {estimate} would exceed the daily "
                "budget of {budget}"
            ).format(
                spent=format_money(spent),
                estimate=format_money(estimate),
                budget=format_money(budget),
            )
        )
        self.budget = budget
        self.spent = spent
        self.estimate = estimate

    @property
    def total(self) -> Decimal:
        return self.spent + self.estimate


class ProviderError(SeedanceError):
    """Base of errors reported by (or while talking to) a provider."""

    retryable: bool = False

    def __init__(
        self,
        message: str,
        *,
        provider: str = "",
        status_code: int | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.provider = provider
        self.status_code = status_code
        self.code = code


class AuthError(ProviderError):
    """The API key is missing, wrong, or not allowed to use the API."""


class MissingKeyError(AuthError):
    """No API key is stored for this provider."""


class KeyFormatError(MissingKeyError):
    """A stored or typed key holds characters no HTTP header can carry: nothing is sent."""


class InsufficientCreditsError(ProviderError):
    """The account cannot pay for the job (HTTP 402 or the provider's equivalent)."""


class RateLimitedError(ProviderError):
    """Too many requests or tasks in progress; try again after `retry_after` seconds."""

    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.retry_after = retry_after


class InvalidInputError(ProviderError):
    """The provider rejected the request's content; its own message is kept verbatim."""


class ContentBlockedError(ProviderError):
    """The provider's content filter refused the prompt or a reference."""


class NotFoundError(ProviderError):
    """The provider does not know this job id (or model)."""


class ServerError(ProviderError):
    """The provider failed on its side (5xx); polls retry, creates do not."""

    retryable = True


class NetworkError(ProviderError):
    """The provider could not be reached, or the connection dropped."""

    retryable = True


class MalformedResponseError(ProviderError):
    """The provider answered with a body the client cannot understand."""

    retryable = True


class SubmissionUnknownError(ProviderError):
    """A create request was sent but no answer came back: the job may or may not exist.

    The job engine must reconcile (check again / submit anyway), never resubmit silently.
    """


class GenerationFailedError(ProviderError):
    """The provider took the job and reports that it failed; `code` is its own code."""
