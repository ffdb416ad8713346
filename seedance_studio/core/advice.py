"""What to tell the user about a failure, and what they can do about it: one table.

Chosen by the exception's type (never by parsing its text), so a refused key reads the same in
the window, in the job table and in a terminal. A failed job keeps its exception type and the
provider's own code in separate columns (`JobRecord.error_type`, `JobRecord.error_code`); both
come here. Each front end renders the action its own way: the window links to Settings or
offers Retry, the CLI names the keyring entry or the command to run.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from seedance_studio.core import errors
from seedance_studio.core.i18n import N_, _
from seedance_studio.core.provider import INTERRUPTED_CODE


class Action(StrEnum):
    """What the user can do next."""

    NONE = "none"
    """Nothing the app offers: the advice says it all."""
    OPEN_SETTINGS = "open_settings"
    """The fix is in Settings (a key, a base URL)."""
    RETRY = "retry"
    """Send the job again when ready; nothing is resent by itself."""
    WAIT = "wait"
    """The app tries again by itself."""
    CHECK_AGAIN = "check_again"
    """Ask the provider whether the job exists before sending it again."""
    EDIT = "edit"
    """Change the prompt or the references."""
    CONFIRM = "confirm"
    """Go ahead only on the user's word (over the daily budget)."""


@dataclass(frozen=True)
class Advice:
    text: str
    """One sentence: what happened and what to do."""
    action: Action = Action.NONE

    @property
    def open_settings(self) -> bool:
        return self.action is Action.OPEN_SETTINGS


@dataclass(frozen=True)
class _Rule:
    template: str
    """Formatted with `provider` (its display name) and `detail` (the error's own words)."""
    action: Action

    def render(self, provider: str, detail: str) -> Advice:
        return Advice(_(self.template).format(provider=provider, detail=detail), self.action)


BY_TYPE: dict[type[BaseException], _Rule] = {
    errors.KeyFormatError: _Rule("{detail}", Action.OPEN_SETTINGS),
    errors.MissingKeyError: _Rule(
        N_("No API key for {provider}: add one in Settings → API keys"), Action.OPEN_SETTINGS
    ),
    errors.AuthError: _Rule(
        N_("{provider} refused the API key: check it in Settings → API keys, then Retry"),
        Action.OPEN_SETTINGS,
    ),
    errors.InsufficientCreditsError: _Rule(
        N_("Your {provider} account has no credits left: top it up, then Retry the job"),
        Action.RETRY,
    ),
    errors.RateLimitedError: _Rule(
        N_("{provider} is limiting requests for now: the job is sent again by itself"),
        Action.WAIT,
    ),
    errors.ServerError: _Rule(N_("{provider} had a server error: Retry in a moment"), Action.RETRY),
    errors.NetworkError: _Rule(
        N_(
            "Could not reach {provider}: check the connection (or the base URL in Settings), "
            "then Retry"
        ),
        Action.RETRY,
    ),
    errors.ContentBlockedError: _Rule(
        N_(
            "{provider} blocked this content (its words: {detail}): change the prompt or the "
            "references"
        ),
        Action.EDIT,
    ),
    errors.InvalidInputError: _Rule(N_("{provider} refused the request: {detail}"), Action.EDIT),
    errors.NotFoundError: _Rule(N_("{provider} no longer knows this job: {detail}"), Action.NONE),
    errors.MalformedResponseError: _Rule(
        N_("{provider} answered with something unexpected: see the raw response; Retry may help"),
        Action.RETRY,
    ),
    errors.SubmissionUnknownError: _Rule(
        N_(
            "The answer from {provider} was lost: check again before submitting anyway "
            "(it could be charged twice)"
        ),
        Action.CHECK_AGAIN,
    ),
    errors.GenerationFailedError: _Rule(
        N_("{provider} could not make this video: {detail}"), Action.RETRY
    ),
    errors.ProviderError: _Rule("{provider}: {detail}", Action.RETRY),
    errors.BudgetExceeded: _Rule("{detail}", Action.CONFIRM),
    errors.MediaError: _Rule("{detail}", Action.EDIT),
    errors.CompositionError: _Rule("{detail}", Action.EDIT),
    errors.SeedanceError: _Rule("{detail}", Action.NONE),
}
"""Every error type the app raises on purpose; a subclass falls to its nearest base."""

BY_CODE: dict[str, _Rule] = {
    INTERRUPTED_CODE: _Rule(
        N_(
            "{provider} stopped when the app closed before the draft was done: Retry renders it "
            "again"
        ),
        Action.RETRY,
    ),
    "render_failed": _Rule(N_("{provider} could not render this draft: {detail}"), Action.RETRY),
}
"""Provider codes (`Failed.code`) whose meaning is known; others fall to the error type."""

UNKNOWN = _Rule("{provider}: {detail}", Action.NONE)


def error_types() -> dict[str, type[errors.SeedanceError]]:
    """Every exception class of core/errors by name (what the store's error_type holds)."""
    found: dict[str, type[errors.SeedanceError]] = {}
    pending: list[type[errors.SeedanceError]] = [errors.SeedanceError]
    while pending:
        cls = pending.pop()
        found[cls.__name__] = cls
        pending.extend(cls.__subclasses__())
    return found


def error_type(name: str | None) -> type[errors.SeedanceError] | None:
    """The exception class a stored `error_type` names (None for unknown names)."""
    return error_types().get(name) if name else None


def advise(
    error: BaseException | type[BaseException] | str | None,
    *,
    provider: str,
    detail: str = "",
    code: str | None = None,
) -> Advice:
    """Advice for an exception, its class or its stored name; `code` is the provider's own
    code, which decides where it is one the table knows."""
    if isinstance(error, BaseException):
        detail = detail or str(error)
        cls: type[BaseException] | None = type(error)
    elif isinstance(error, str) or error is None:
        cls = error_type(error)
    else:
        cls = error
    detail = detail or _("something went wrong")
    if code is not None and code in BY_CODE:
        return BY_CODE[code].render(provider, detail)
    if (
        code
        and cls is not None
        and issubclass(cls, errors.ContentBlockedError)
        and code not in detail
    ):
        detail = f"{detail} [{code}]"  # a refusal is shown as the provider words it, code too
    for base in cls.__mro__ if cls is not None else ():
        if base in BY_TYPE:
            return BY_TYPE[base].render(provider, detail)
    return UNKNOWN.render(provider, detail)
