"""Exit codes, and how the CLI prints: core/advice for an exception or a failed job, and JSON
with every known key masked."""

from __future__ import annotations

from seedance_studio.core import capabilities
from seedance_studio.core.advice import Action, Advice, advise, error_type
from seedance_studio.core.errors import (
    AuthError,
    CompositionError,
    MediaError,
    MissingKeyError,
    ProviderError,
    RateLimitedError,
    SeedanceError,
)
from seedance_studio.core.i18n import _
from seedance_studio.core.redact import redact
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobRecord, dumps

EXIT_OK = 0
EXIT_FAILED = 1
"""Anything went wrong that is not the composition's fault."""
EXIT_INVALID = 2
"""The composition breaks the provider's rules (or a reference cannot be read)."""
EXIT_INTERRUPTED = 130


def print_json(data: object) -> None:
    print(redact(dumps(data, indent=2, sort_keys=False)))


def exit_code_for(exc: BaseException) -> int:
    if isinstance(exc, CompositionError | MediaError):
        return EXIT_INVALID
    if isinstance(exc, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    return EXIT_FAILED


def message_for(exc: BaseException) -> str:
    """A plain one-line message (keys redacted); never a traceback."""
    return redact(_describe(exc))


def _describe(exc: BaseException) -> str:
    from seedance_studio.jobs.store import default_db_path
    from seedance_studio.jobs.store_errors import describe_store_error

    for cause in _chain(exc):  # a full disk raises inside a failing write: say the cause
        if (store := describe_store_error(cause, default_db_path())) is not None:
            return store
    if isinstance(exc, SeedanceError):
        provider_id = exc.provider if isinstance(exc, ProviderError) else ""
        line = advice_line(advise(exc, provider=provider_name(provider_id)), provider_id)
        if isinstance(exc, RateLimitedError) and exc.retry_after:
            line += _(" (the provider asks to wait {exc_retry_after:.0f} s)").format(
                exc_retry_after=exc.retry_after
            )
        if isinstance(exc, ProviderError) and not isinstance(exc, MissingKeyError):
            line = _with_words(line, exc.message)
        return line
    if isinstance(exc, KeyboardInterrupt):
        return _("interrupted; `seedance resume` picks up unfinished jobs")
    if isinstance(exc, KeyError):
        return str(exc.args[0]) if exc.args else _("not found")
    if isinstance(exc, OSError):
        return f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": ")
    return _("unexpected error: {name__}: {exc}").format(name__=type(exc).__name__, exc=exc)


def _chain(exc: BaseException) -> list[BaseException]:
    found: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in found and len(found) < 10:
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


def job_failure_text(job: JobRecord) -> str:
    """Why a job failed, from the same advice the window shows, with who said it and, for a
    key, which key was used. A job that has not failed shows the engine's own note."""
    message = job.message or ""
    name = provider_name(job.provider)
    if job.state is not JobState.FAILED:
        if error_type(job.error_type) is AuthError:
            return _("{name}: {message}; the key used came {key_origin_value}").format(
                name=name, message=message, key_origin_value=key_origin(job.provider)
            )
        return message
    advice = advise(job.error_type, provider=name, detail=message, code=job.error_code)
    return _with_words(advice_line(advice, job.provider), message)


def advice_line(advice: Advice, provider_id: str) -> str:
    """The advice as a terminal shows it: where Settings is the fix, where the key is looked
    for (the CLI reads the same keyring and the environment); over budget, the flag."""
    text = advice.text
    if advice.action is Action.OPEN_SETTINGS and provider_id:
        text += _("; the key is {key_origin_provider_id}").format(
            key_origin_provider_id=key_origin(provider_id)
        )
    elif advice.action is Action.CONFIRM:
        text += _("; add --yes to submit anyway")
    return text


def _with_words(line: str, words: str) -> str:
    """The provider's own words after the advice, unless the advice already quotes them."""
    return line if not words or words in line else f"{line} ({words})"


def provider_name(provider_id: str) -> str:
    """The provider's display name ("Oxen"); "The provider" when none is known."""
    if not provider_id:
        return _("The provider")
    caps = capabilities.load_all().get(provider_id)
    return caps.name if caps is not None else provider_id


def key_origin(provider_id: str) -> str:
    """Where this provider's key came from: the keyring entry or the variable (never the key)."""
    from seedance_studio.providers.base import env_var_hint
    from seedance_studio.providers.keys import SERVICE_NAME, SecretStore

    try:
        source = SecretStore().source(provider_id)
    except Exception:  # a broken keyring: name both places
        source = None
    if source == "keyring":
        return _("from the keyring ({SERVICE_NAME} / {provider_id})").format(
            SERVICE_NAME=SERVICE_NAME, provider_id=provider_id
        )
    if source == "env":
        return _("from {variable}").format(variable=env_var_hint(provider_id))
    return _(
        "looked for in the keyring ({SERVICE_NAME} / {provider_id}) and in "
        "{env_var_hint_provider_id}"
    ).format(
        SERVICE_NAME=SERVICE_NAME,
        provider_id=provider_id,
        env_var_hint_provider_id=env_var_hint(provider_id),
    )
