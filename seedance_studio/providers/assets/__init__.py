"""Getting references to providers as URLs they can fetch.

`AssetResolver.resolve` maps each reference id to a URL: URLs pass through untouched, local
files are uploaded to the configured host (eachlabs storage or an S3 bucket) once per content
hash and host, and nothing that points at this machine (file://, data:, localhost) is ever
handed out, unless the provider itself runs on loopback (the simulator).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from seedance_studio.core import capabilities
from seedance_studio.core.errors import CompositionError, MediaError
from seedance_studio.core.i18n import _
from seedance_studio.core.reference import Reference
from seedance_studio.core.settings import Settings
from seedance_studio.providers.assets.cache import HostedFile, UploadCache
from seedance_studio.providers.assets.files import (
    Progress,
    content_type_of,
    file_size,
    safe_name,
    sha256_of,
)
from seedance_studio.providers.assets.hosts import AssetHost, EachlabsHost, S3Host, Uploaded
from seedance_studio.providers.base import KeySource, check_sendable, is_loopback_url
from seedance_studio.providers.http import DEFAULT_TIMEOUT

__all__ = [
    "AssetHost",
    "AssetResolver",
    "EachlabsHost",
    "HostedFile",
    "S3Host",
    "UploadCache",
    "Uploaded",
    "make_host",
]

PLACEHOLDER_SCHEME = "upload"
"""Dry runs show local files as upload://<host>/<file name>."""


def fal_host(settings: Settings, secrets: KeySource, client: httpx.AsyncClient) -> AssetHost:
    """fal's CDN, beside the fal queue the settings point at (the simulator's too)."""
    from seedance_studio.providers.assets.fal_cdn import FalCdnHost
    from seedance_studio.providers.fal import sibling_hosts

    base = settings.base_url("fal", capabilities.get("fal").base_url)
    return FalCdnHost(sibling_hosts(base)[0], secrets, client)


def make_host(
    settings: Settings, secrets: KeySource, client: httpx.AsyncClient
) -> AssetHost | None:
    """The host the settings choose; None when the user chose none."""
    if settings.asset_host == "fal":
        return fal_host(settings, secrets, client)
    if settings.asset_host == "eachlabs":
        caps = capabilities.get("eachlabs")
        return EachlabsHost(settings.base_url("eachlabs", caps.base_url), secrets, client)
    if settings.asset_host == "s3":
        return S3Host(settings.s3, secrets, client)
    return None


class AssetResolver:
    """Turns a composition's references into URLs for one provider."""

    def __init__(
        self,
        settings: Settings,
        secrets: KeySource,
        *,
        http: httpx.AsyncClient | None = None,
        allow_loopback: bool = False,
        local: bool = False,
        cache: UploadCache | None = None,
        host: AssetHost | None = None,
    ) -> None:
        self._own_client = http is None
        self._client = http or httpx.AsyncClient(timeout=DEFAULT_TIMEOUT)
        self.allow_loopback = allow_loopback
        self.local = local
        self._cache = cache
        self.host = host if host is not None else make_host(settings, secrets, self._client)

    @classmethod
    def for_provider(
        cls,
        provider_id: str,
        settings: Settings,
        secrets: KeySource,
        *,
        http: httpx.AsyncClient | None = None,
        cache: UploadCache | None = None,
    ) -> AssetResolver:
        """A resolver whose loopback rule follows the provider's base URL; a local provider
        (the animatic) gets paths back unchanged."""
        try:
            caps = capabilities.get(provider_id)
        except KeyError:
            return cls(settings, secrets, http=http, cache=cache)
        if caps.local:
            return cls(settings, secrets, http=http, local=True, cache=cache)
        base = settings.base_url(provider_id, caps.base_url)
        resolver = cls(
            settings, secrets, http=http, allow_loopback=is_loopback_url(base), cache=cache
        )
        if provider_id == "fal":  # fal's requests take fal CDN URLs, whatever the setting
            resolver.host = fal_host(settings, secrets, resolver._client)
        return resolver

    @property
    def cache(self) -> UploadCache:
        if self._cache is None:
            self._cache = UploadCache()
        return self._cache

    async def aclose(self) -> None:
        if self._own_client:
            await self._client.aclose()

    # -- dry runs ---------------------------------------------------------------------------

    def placeholder(self, ref: Reference) -> str:
        label = self.host.label if self.host is not None else "none"
        return f"{PLACEHOLDER_SCHEME}://{label}/{safe_name(ref.display_name)}"

    def dry_run_urls(self, refs: list[Reference]) -> dict[str, str]:
        """URLs as they would be sent, with placeholders for files not uploaded yet."""
        out: dict[str, str] = {}
        for ref in refs:
            # no hashing here: a dry run does no I/O, so local files show a placeholder
            out[ref.id] = ref.source if self.local or ref.is_url else self.placeholder(ref)
        return out

    # -- resolving --------------------------------------------------------------------------

    async def resolve(
        self, refs: list[Reference], *, progress: Progress | None = None
    ) -> dict[str, str]:
        """Each reference id mapped to a URL a provider can fetch (uploading local files)."""
        out: dict[str, str] = {}
        for ref in refs:
            if self.local:
                out[ref.id] = ref.source
            elif ref.is_url:
                check_sendable(
                    ref.source, allow_loopback=self.allow_loopback, label=ref.display_name
                )
                out[ref.id] = ref.source
            else:
                out[ref.id] = await self._hosted(ref, progress)
        return out

    async def _hosted(self, ref: Reference, progress: Progress | None) -> str:
        path = Path(ref.source)
        size = await asyncio.to_thread(file_size, path)
        if size is None:
            raise MediaError(ref.source, _("the file is missing"))
        if self.host is None:
            raise CompositionError(
                _(
                    "{name} is a local file and no upload host is set: choose eachlabs "
                    "or an S3 bucket in Settings, or use a public https URL"
                ).format(name=ref.display_name)
            )
        digest = await sha256_of(path)
        cached = self.cache.get(self.host.host_id, digest)
        if cached is not None:
            if progress is not None:
                progress(ref.id, size, size)
            return cached.url
        uploaded = await self.host.upload(
            path,
            ref_id=ref.id,
            kind=ref.kind.value,
            content_type=content_type_of(ref, path),
            size=size,
            digest=digest,
            progress=progress,
        )
        check_sendable(
            uploaded.url,
            allow_loopback=self.allow_loopback,
            label=_("{name} (uploaded)").format(name=ref.display_name),
        )
        self.cache.put(
            self.host.host_id, digest, uploaded.url, lifetime_s=uploaded.lifetime_s, size=size
        )
        return uploaded.url
