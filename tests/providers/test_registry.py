"""The registry: ids to ready clients, base URLs from settings, room for local providers."""

from __future__ import annotations

import httpx
import pytest

from seedance_studio.core import capabilities
from seedance_studio.core.provider import Provider
from seedance_studio.core.settings import Settings
from seedance_studio.providers import registry
from seedance_studio.providers.keys import SecretStore
from seedance_studio.simulator import Simulator

from .conftest import MemoryKeys, compose, follow, urls_of


def test_every_capability_file_but_local_ones_has_a_client() -> None:
    ids = registry.provider_ids()
    assert ids[:5] == ["shortapi", "kinovi", "kinovi-legacy", "oxen", "eachlabs"]
    for pid in capabilities.provider_ids():
        if not capabilities.get(pid).local:
            assert pid in ids


@pytest.mark.parametrize(
    "pid", ["shortapi", "kinovi", "kinovi-legacy", "oxen", "eachlabs", "fal", "byteplus"]
)
async def test_documented_base_url_by_default(pid: str) -> None:
    provider = registry.create_provider(pid, Settings(), SecretStore(environ={}))
    assert isinstance(provider, Provider)
    assert provider.id == pid
    spec = provider.build_request(compose(pid, "x", []), {})
    assert spec.url.startswith(capabilities.get(pid).base_url)
    await provider.aclose()


async def test_settings_point_a_provider_at_the_simulator_with_a_shared_client(
    sim: Simulator,
) -> None:
    settings = Settings(base_urls={"oxen": sim.base_url("oxen")})
    keys = SecretStore(environ={"SEEDANCE_OXEN_API_KEY": "env-key-1234"})
    async with httpx.AsyncClient() as client:
        provider = registry.create_provider("oxen", settings, keys, http=client)
        snap = compose("oxen", "@Image1", [sim.sample_url("image.png")])
        [handle] = await provider.submit(snap, urls_of(snap))
        assert (await follow(provider, handle))[-1].state == "succeeded"
        await provider.aclose()
        assert not client.is_closed  # a shared client belongs to the caller


def test_unknown_id_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="eachlabs"):
        registry.create_provider("nope", Settings(), MemoryKeys())


async def test_register_adds_a_provider() -> None:
    made: list[str] = []

    def factory(settings: Settings, secrets: object, http: object) -> Provider:
        made.append("x")
        return registry.create_provider("oxen", settings, MemoryKeys())

    registry.register("test-local", factory)
    try:
        assert "test-local" in registry.provider_ids()
        provider = registry.create_provider("test-local", Settings(), MemoryKeys())
        await provider.aclose()
        assert made == ["x"]
    finally:
        registry._FACTORIES.pop("test-local")
