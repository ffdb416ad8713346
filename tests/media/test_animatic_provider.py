"""The animatic through the Provider protocol: submit, poll, file; cancel; restart."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path

from seedance_studio.core import capabilities, pricing
from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.probe import probe_file
from seedance_studio.core.provider import (
    Cancelled,
    Failed,
    JobHandle,
    Provider,
    Running,
    StatusResult,
    Succeeded,
)
from seedance_studio.core.settings import Settings
from seedance_studio.core.validation import is_submittable, validate
from seedance_studio.providers import registry
from seedance_studio.providers.animatic import INTERRUPTED, AnimaticProvider
from tests.media.conftest import ref, snapshot_of
from tests.media_factory import make_audio, make_image


def is_file(path: str) -> bool:
    return Path(path).is_file()


def listing(folder: Path) -> list[Path]:
    return list(folder.iterdir())


class NoKeys:
    def get(self, provider_id: str) -> str | None:
        return None


POLL_LIMIT_S = 60.0


async def poll(provider: AnimaticProvider, handle: JobHandle) -> list[StatusResult]:
    seen: list[StatusResult] = []
    async with asyncio.timeout(POLL_LIMIT_S):
        while True:
            status = await provider.status(handle)
            seen.append(status)
            if isinstance(status, Succeeded | Failed | Cancelled):
                return seen
            await asyncio.sleep(0.05)


def small_snapshot(tmp_path: Path, duration: int = 4) -> CompositionSnapshot:
    refs = [
        ref(make_image(tmp_path / "a.png", 64, 48)),
        ref(make_audio(tmp_path / "b.wav", seconds=1)),
    ]
    return snapshot_of(
        refs, "animatic", "@Image1 with @Audio1", duration=duration, resolution="480p"
    )


def test_registry_creates_it_without_a_key() -> None:
    provider = registry.create_provider("animatic", Settings(), NoKeys())
    assert isinstance(provider, AnimaticProvider)
    assert isinstance(provider, Provider)
    assert "animatic" in registry.provider_ids()
    assert provider.capabilities.local and provider.capabilities.auth == "none"


def test_estimate_is_zero_dollars(tmp_path: Path) -> None:
    snap = small_snapshot(tmp_path)
    estimate = pricing.estimate(snap, capabilities.get("animatic"))
    assert estimate.published
    assert estimate.min == Decimal(0) and estimate.max == Decimal(0)


def test_composition_validates_for_the_animatic(tmp_path: Path) -> None:
    snap = small_snapshot(tmp_path)
    assert is_submittable(validate(snap, capabilities.get("animatic")))


async def test_submit_poll_succeeds_with_a_file(tmp_path: Path) -> None:
    provider = AnimaticProvider(output_dir=tmp_path / "renders")
    snap = small_snapshot(tmp_path)
    spec = provider.build_request(snap, {})
    assert spec.body["width"] == 854 and spec.body["duration_s"] == 4
    [handle] = await provider.submit(snap, {})
    seen = await poll(provider, handle)
    final = seen[-1]
    assert isinstance(final, Succeeded), final
    [result] = final.results
    assert result.path is not None and is_file(result.path)
    assert (result.width, result.height) == (854, 480)
    assert final.cost is not None and final.cost.usd == 0
    assert probe_file(result.path).duration_s == 4.0
    progress = [s.progress for s in seen if isinstance(s, Running) and s.progress is not None]
    assert progress == sorted(progress)
    await provider.aclose()


async def test_cancel_stops_the_render(tmp_path: Path) -> None:
    provider = AnimaticProvider(output_dir=tmp_path / "renders")
    [handle] = await provider.submit(small_snapshot(tmp_path, duration=15), {})
    assert await provider.cancel(handle)
    seen = await poll(provider, handle)
    assert isinstance(seen[-1], Cancelled)
    assert listing(tmp_path / "renders") == []
    await provider.aclose()


async def test_after_a_restart_a_finished_file_is_found(tmp_path: Path) -> None:
    first = AnimaticProvider(output_dir=tmp_path / "renders")
    [handle] = await first.submit(small_snapshot(tmp_path), {})
    assert isinstance((await poll(first, handle))[-1], Succeeded)
    await first.aclose()
    restarted = AnimaticProvider(output_dir=tmp_path / "renders")
    again = restarted.handle_for(handle.job_id)
    assert again == handle
    assert isinstance(await restarted.status(again), Succeeded)


async def test_after_a_restart_an_unfinished_job_asks_for_resubmission(tmp_path: Path) -> None:
    provider = AnimaticProvider(output_dir=tmp_path / "renders")
    status = await provider.status(provider.handle_for("never-rendered"))
    assert isinstance(status, Failed) and status.message == INTERRUPTED
    assert not await provider.cancel(provider.handle_for("never-rendered"))
