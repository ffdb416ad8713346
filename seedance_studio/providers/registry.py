"""Provider ids to client factories: the one place the app turns an id into a Provider.

A local provider (e.g. the animatic) joins with one line: `register("animatic", factory)`
or an entry in `_FACTORIES`.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

from seedance_studio.core import capabilities
from seedance_studio.core.provider import Provider
from seedance_studio.core.settings import Settings
from seedance_studio.providers import animatic
from seedance_studio.providers.base import HttpProvider, KeySource
from seedance_studio.providers.eachlabs import EachlabsProvider
from seedance_studio.providers.kinovi import KinoviLegacyProvider, KinoviProvider
from seedance_studio.providers.oxen import OxenProvider
from seedance_studio.providers.shortapi import ShortApiProvider

ProviderFactory = Callable[[Settings, KeySource, httpx.AsyncClient | None], Provider]
"""(settings, secrets, shared http client or None) -> a ready provider."""


def http_factory(cls: type[HttpProvider]) -> ProviderFactory:
    """A factory for a cloud client: documented base URL unless the settings override it."""

    def make(settings: Settings, secrets: KeySource,
             http: httpx.AsyncClient | None) -> Provider:
        caps = capabilities.get(cls.provider_id)
        base = settings.base_url(caps.id, caps.base_url)
        provider: Provider = cls(caps, base, secrets, http=http)
        return provider

    return make


_FACTORIES: dict[str, ProviderFactory] = {
    "shortapi": http_factory(ShortApiProvider),
    "kinovi": http_factory(KinoviProvider),
    "kinovi-legacy": http_factory(KinoviLegacyProvider),
    "oxen": http_factory(OxenProvider),
    "eachlabs": http_factory(EachlabsProvider),
    "animatic": animatic.create,
}


def register(provider_id: str, factory: ProviderFactory) -> None:
    """Add (or replace) the factory for `provider_id`."""
    _FACTORIES[provider_id] = factory


def provider_ids() -> list[str]:
    """Every provider the app can create, in registration order."""
    return list(_FACTORIES)


def create_provider(provider_id: str, settings: Settings, secrets: KeySource,
                    *, http: httpx.AsyncClient | None = None) -> Provider:
    """A client for `provider_id`; with `http` given, it shares that client (and does not
    close it in `aclose`)."""
    try:
        factory = _FACTORIES[provider_id]
    except KeyError:
        raise KeyError(f"unknown provider {provider_id!r}; known: "
                       f"{', '.join(_FACTORIES)}") from None
    return factory(settings, secrets, http)
