"""The engine's provider clients and asset resolvers: one per provider, one shared HTTP client.

Why a pool: every create, poll and upload of one provider shares a connection pool, and new
settings (base URLs, asset host) must reach the next action without cutting off a watch that
is polling a job on the old server. Dropped clients are kept until the engine closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from psygnal import EmissionInfo

from seedance_studio.core import capabilities
from seedance_studio.core.errors import SeedanceError
from seedance_studio.core.i18n import _
from seedance_studio.core.provider import JobHandle, Provider
from seedance_studio.core.settings import Settings
from seedance_studio.jobs.capture import capturing_client
from seedance_studio.jobs.store import JobRecord

if TYPE_CHECKING:  # httpx is imported when the first request is made, not at start-up
    import httpx

    from seedance_studio.providers.assets import AssetResolver
    from seedance_studio.providers.base import KeySource

ProviderFactory = Callable[..., Provider]
"""create_provider(provider_id, settings, secrets, *, http=None) -> Provider."""

CLOSE_TIMEOUT_S = 5.0
FIRST_REQUEST_MODULES = (
    "anyio._backends._asyncio",
    "anyio.streams.tls",
    "anyio.to_thread",
    "sniffio",
)
"""What httpx imports at its first request on asyncio (about 80 ms); `prepare_client`
imports them in its thread."""


def _default_factory() -> ProviderFactory:
    from seedance_studio.providers import registry

    factory: ProviderFactory = registry.create_provider
    return factory


def is_local(provider_id: str) -> bool:
    """A provider on this computer: free, so resending can never charge twice."""
    try:
        return capabilities.get(provider_id).local
    except KeyError:
        return False


class ProviderPool:
    """Builds provider clients and asset resolvers lazily from the current settings."""

    def __init__(
        self,
        settings: Settings,
        secrets: KeySource,
        *,
        factory: ProviderFactory | None = None,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self.settings = settings
        self.secrets = secrets
        self._factory = factory
        self._http = http
        self._own_http = http is None
        self._providers: dict[str, Provider] = {}
        self._resolvers: dict[str, AssetResolver] = {}
        self._retired: list[Provider | AssetResolver] = []
        """Clients a settings change dropped: running tasks may still hold them."""
        self._building = threading.Lock()
        settings.events.all.connect(self._settings_changed)  # the app's one Settings

    def client(self) -> httpx.AsyncClient:
        """The shared client; when the pool made it, it records the providers' raw answers
        for the job history (jobs/capture.py)."""
        return self._http if self._http is not None else self._build_client()

    def prepare_client(self) -> None:
        """Build the shared client and import what its first request imports, for a worker
        thread: the TLS context and httpx's imports take 130-220 ms, which on the UI thread
        would stall the window at its first request (the streamed transfers' TLS context
        too, 30 ms the first download would wait for). A `client()` asked meanwhile waits for
        this build instead of making a second client."""
        self._build_client()
        for name in FIRST_REQUEST_MODULES:
            with contextlib.suppress(ImportError):
                importlib.import_module(name)
        from seedance_studio.providers import transfer

        transfer.ssl_context()  # the downloads' and uploads' own, built at their first https

    def _build_client(self) -> httpx.AsyncClient:
        with self._building:
            if self._http is None:
                from seedance_studio.providers.http import DEFAULT_TIMEOUT

                self._http = capturing_client(timeout=DEFAULT_TIMEOUT)
            return self._http

    def provider(self, provider_id: str) -> Provider:
        provider = self._providers.get(provider_id)
        if provider is None:
            factory = self._factory or _default_factory()
            provider = factory(provider_id, self.settings, self.secrets, http=self.client())
            self._providers[provider_id] = provider
        return provider

    def resolver(self, provider_id: str) -> AssetResolver:
        """One AssetResolver per provider: whether loopback URLs pass depends on its base."""
        resolver = self._resolvers.get(provider_id)
        if resolver is None:
            from seedance_studio.providers.assets import AssetResolver

            resolver = AssetResolver.for_provider(
                provider_id, self.settings, self.secrets, http=self.client()
            )
            self._resolvers[provider_id] = resolver
        return resolver

    CLIENT_SETTINGS = frozenset({"base_urls", "asset_host", "s3"})
    """Fields the cloud clients and asset resolvers are built from."""

    def _settings_changed(self, info: EmissionInfo) -> None:
        """Cloud clients and resolvers were built from the old settings: drop them so the
        next action builds new ones. Local providers read none of these and are kept."""
        if info.signal.name not in self.CLIENT_SETTINGS:
            return
        for provider_id, provider in list(self._providers.items()):
            if not provider.capabilities.local:
                self._retired.append(self._providers.pop(provider_id))
        self._retired.extend(self._resolvers.values())
        self._resolvers.clear()

    async def aclose(self) -> None:
        """Close every client this pool made (bounded per client)."""
        self.settings.events.all.disconnect(self._settings_changed)
        for client in [*self._providers.values(), *self._resolvers.values(), *self._retired]:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(client.aclose(), CLOSE_TIMEOUT_S)
        self._providers.clear()
        self._resolvers.clear()
        self._retired.clear()
        if self._own_http and self._http is not None:
            with contextlib.suppress(Exception):
                await self._http.aclose()
            self._http = None


def handle_of(provider: Provider, job: JobRecord) -> JobHandle:
    """The handle to poll or cancel `job` with, rebuilt from its stored provider id."""
    if job.provider_job_id is None:
        raise SeedanceError(_("job {id} has no provider job id").format(id=job.id))
    handle = provider.handle_for(job.provider_job_id)
    if job.handle_extra:
        handle = handle.model_copy(update={"extra": {**handle.extra, **job.handle_extra}})
    return handle
