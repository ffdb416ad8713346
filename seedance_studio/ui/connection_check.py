""" "Test connection" for an API key: one cheap authenticated call that cannot cost money.

It asks the provider for the status of a job id that does not exist: a valid key gets
"not found", a wrong one an authentication error, and no answer means the host is unreachable.
"""

from __future__ import annotations

from dataclasses import dataclass

from seedance_studio.core.errors import (
    AuthError,
    InsufficientCreditsError,
    NetworkError,
    NotFoundError,
    ProviderError,
    SeedanceError,
)
from seedance_studio.core.i18n import _
from seedance_studio.core.settings import Settings
from seedance_studio.providers.registry import create_provider

PROBE_JOB_ID = "seedance-studio-connection-test"


@dataclass(frozen=True)
class ConnectionResult:
    ok: bool
    message: str


class _OneKey:
    """A KeySource that answers with the key typed in the dialog (not saved yet)."""

    def __init__(self, provider_id: str, key: str) -> None:
        self._provider_id, self._key = provider_id, key

    def get(self, provider_id: str) -> str | None:
        return self._key if provider_id == self._provider_id else None


async def check_connection(provider_id: str, key: str, settings: Settings) -> ConnectionResult:
    if not key.strip():
        return ConnectionResult(False, _("Enter a key first"))
    provider = create_provider(provider_id, settings, _OneKey(provider_id, key.strip()))
    try:
        await provider.status(provider.handle_for(PROBE_JOB_ID))
    except NotFoundError:
        return ConnectionResult(True, _("Connected: key accepted"))
    except InsufficientCreditsError:
        return ConnectionResult(True, _("Connected, but the account has no credits left"))
    except AuthError as exc:
        return ConnectionResult(False, _("The key was refused: {exc}").format(exc=exc))
    except NetworkError as exc:
        return ConnectionResult(False, _("Cannot reach the provider: {exc}").format(exc=exc))
    except ProviderError as exc:
        # Any other answer from the server still proves the key got through authentication.
        return ConnectionResult(True, _("Connected (the provider said: {exc})").format(exc=exc))
    except SeedanceError as exc:
        return ConnectionResult(False, str(exc))
    finally:
        await provider.aclose()
    return ConnectionResult(True, _("Connected"))
