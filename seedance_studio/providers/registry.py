"""Provider ids to client factories: the one place the app turns an id into a Provider.

A local provider (e.g. the animatic) joins with one line: `register("animatic", factory)`
or an entry in `_FACTORIES`. Each built-in factory imports its client module when first
called, so starting the app does not pay for httpx clients or PyAV it may never use.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from seedance_studio.core import capabilities
from seedance_studio.core.i18n import _
from seedance_studio.core.provider import Provider
from seedance_studio.core.settings import Settings

if TYPE_CHECKING:
    import httpx

    from seedance_studio.providers.base import HttpProvider, KeySource

ProviderFactory = Callable[[Settings, "KeySource", "httpx.AsyncClient | None"], Provider]
"""(settings, secrets, shared http client or None) -> a ready provider."""


def http_factory(cls: type[HttpProvider]) -> ProviderFactory:
    """A factory for a cloud client: documented base URL unless the settings override it."""

    def make(settings: Settings, secrets: KeySource, http: httpx.AsyncClient | None) -> Provider:
        caps = capabilities.get(cls.provider_id)
        base = settings.base_url(caps.id, caps.base_url)
        provider: Provider = cls(caps, base, secrets, http=http)
        return provider

    return make


def lazy_http_factory(module: str, class_name: str) -> ProviderFactory:
    """`http_factory` for a class imported from `module` on first use, not at import."""

    def make(settings: Settings, secrets: KeySource, http: httpx.AsyncClient | None) -> Provider:
        cls: type[HttpProvider] = getattr(importlib.import_module(module), class_name)
        return http_factory(cls)(settings, secrets, http)

    return make


def _animatic(settings: Settings, secrets: KeySource, http: httpx.AsyncClient | None) -> Provider:
    """The local animatic; its module pulls in PyAV, so it is imported only when used."""
    from seedance_studio.providers import animatic

    provider: Provider = animatic.create(settings, secrets, http)
    return provider


_FACTORIES: dict[str, ProviderFactory] = {
    "shortapi": lazy_http_factory("seedance_studio.providers.shortapi", "ShortApiProvider"),
    "kinovi": lazy_http_factory("seedance_studio.providers.kinovi", "KinoviProvider"),
    "kinovi-legacy": lazy_http_factory("seedance_studio.providers.kinovi", "KinoviLegacyProvider"),
    "oxen": lazy_http_factory("seedance_studio.providers.oxen", "OxenProvider"),
    "eachlabs": lazy_http_factory("seedance_studio.providers.eachlabs", "EachlabsProvider"),
    "fal": lazy_http_factory("seedance_studio.providers.fal", "FalProvider"),
    "byteplus": lazy_http_factory("seedance_studio.providers.byteplus", "BytePlusProvider"),
    "animatic": _animatic,
}


def register(provider_id: str, factory: ProviderFactory) -> None:
    """Add (or replace) the factory for `provider_id`."""
    _FACTORIES[provider_id] = factory


def provider_ids() -> list[str]:
    """Every provider the app can create, in registration order."""
    return list(_FACTORIES)


def create_provider(
    provider_id: str,
    settings: Settings,
    secrets: KeySource,
    *,
    http: httpx.AsyncClient | None = None,
) -> Provider:
    """A client for `provider_id`; with `http` given, it shares that client (and does not
    close it in `aclose`)."""
    try:
        factory = _FACTORIES[provider_id]
    except KeyError:
        raise KeyError(
            _("unknown provider {provider}; known: {known}").format(
                provider=repr(provider_id), known=", ".join(_FACTORIES)
            )
        ) from None
    return factory(settings, secrets, http)
