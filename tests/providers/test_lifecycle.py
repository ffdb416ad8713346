"""Every provider against the simulator: submit, follow the provider's own statuses, results."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from seedance_studio.core.provider import Cancelled, Failed, Queued, Running, Succeeded
from seedance_studio.simulator import Simulator

from .conftest import MakeProvider, compose, follow, urls_of


def refs(sim: Simulator, *names: str) -> list[str]:
    return [sim.sample_url(n) for n in names]


async def test_shortapi_numeric_statuses_and_amount(
    walking_sim: Simulator, make_provider: MakeProvider
) -> None:
    sim = walking_sim
    provider = make_provider("shortapi")
    snap = compose(
        "shortapi",
        "The dog from @Image1 runs like @Video1",
        refs(sim, "clip_640x640_5s.mp4", "image.png"),
        duration=4,
        mode="fast",
    )
    [handle] = await provider.submit(snap, urls_of(snap))
    assert handle.extra["amount"] == "1.26"  # 0.14 × (5 s input + 4 s output)
    seen = await follow(provider, handle)
    kinds = {type(s) for s in seen}
    assert {Queued, Running, Succeeded} <= kinds
    assert next(s.raw_status for s in seen if isinstance(s, Queued)) == "0"
    final = seen[-1]
    assert isinstance(final, Succeeded)
    assert final.cost is not None and final.cost.usd == Decimal("1.26")
    async with httpx.AsyncClient() as client:
        video = await client.get(final.results[0].url or "")
    assert video.status_code == 200 and video.content[4:8] == b"ftyp"
    sent = sim.requests("shortapi", "create")[0].json
    assert sent["args"]["prompt"] == "The dog from @Image 1 runs like @Video 1"
    assert sim.count("shortapi", "create") == 1


async def test_shortapi_string_statuses(
    walking_sim: Simulator, make_provider: MakeProvider
) -> None:
    sim = walking_sim
    sim.configure("shortapi", string_status=True)
    provider = make_provider("shortapi")
    snap = compose("shortapi", "x @Video1", refs(sim, "clip_640x640_5s.mp4"))
    [handle] = await provider.submit(snap, urls_of(snap))
    seen = await follow(provider, handle)
    assert isinstance(seen[-1], Succeeded) and seen[-1].raw_status == "succeeded"
    assert any(s.raw_status == "running" for s in seen if isinstance(s, Running))


async def test_shortapi_job_failure(sim: Simulator, make_provider: MakeProvider) -> None:
    sim.set_outcome("shortapi", "fail", message="Video generation failed: GPU on fire")
    provider = make_provider("shortapi")
    snap = compose("shortapi", "x @Video1", refs(sim, "clip_640x640_5s.mp4"))
    [handle] = await provider.submit(snap, urls_of(snap))
    final = (await follow(provider, handle))[-1]
    assert isinstance(final, Failed)
    assert final.message == "Video generation failed: GPU on fire"
    assert not final.content_blocked


@pytest.mark.parametrize("pid", ["kinovi", "kinovi-legacy"])
async def test_kinovi_schemas_walk_to_success_with_credits(
    pid: str, walking_sim: Simulator, make_provider: MakeProvider
) -> None:
    sim = walking_sim
    provider = make_provider(pid)
    params: dict[str, Any] = {"duration": 5, "aspect_ratio": "16:9"}
    if pid == "kinovi":
        params |= {"resolution": "720p"}
    snap = compose(
        pid, "@Image1 moves like @Video1", refs(sim, "image.png", "clip_640x640_5s.mp4"), **params
    )
    [handle] = await provider.submit(snap, urls_of(snap))
    assert handle.job_id.startswith("task_")
    seen = await follow(provider, handle)
    raw = [s.raw_status for s in seen]
    assert "waiting" in raw and "generating" in raw and raw[-1] == "success"
    final = seen[-1]
    assert isinstance(final, Succeeded)
    credits = Decimal(240) if pid == "kinovi" else Decimal(200)  # (40+8)×5 ; 40×5
    assert final.cost is not None
    assert (final.cost.amount, final.cost.unit) == (credits, "credits")
    assert final.cost.usd == credits * Decimal("0.005")
    assert final.results[0].width and final.results[0].height
    sent = sim.requests("kinovi", "create")[0].json
    prompt = sent["inputs"]["prompt"]
    assert prompt == ("@image1 moves like @video1" if pid == "kinovi" else "@1 moves like @2")


async def test_kinovi_content_blocked(sim: Simulator, make_provider: MakeProvider) -> None:
    from seedance_studio.simulator import Fault

    sim.inject("kinovi", "create", Fault.content_policy())
    provider = make_provider("kinovi")
    snap = compose("kinovi", "@Image1", refs(sim, "image.png"))
    [handle] = await provider.submit(snap, urls_of(snap))
    final = (await follow(provider, handle))[-1]
    assert isinstance(final, Failed)
    assert final.content_blocked and final.code == "CONTENT_MODERATION"
    assert "moderation" in final.message.lower()


async def test_oxen_queue_one_handle_per_generation_with_actual_cost(
    walking_sim: Simulator, make_provider: MakeProvider
) -> None:
    sim = walking_sim
    provider = make_provider("oxen")
    snap = compose(
        "oxen", "@Image1 waves", refs(sim, "image.png"), duration=5, resolution="480p", variants=3
    )
    handles = await provider.submit(snap, urls_of(snap))
    assert len(handles) == 3 and len({h.job_id for h in handles}) == 3
    assert sim.count("oxen", "create") == 1
    for seen in await asyncio.gather(*(follow(provider, h) for h in handles)):
        assert {s.raw_status for s in seen} >= {"queued", "processing", "succeeded"}
        final = seen[-1]
        assert isinstance(final, Succeeded)
        assert final.cost is not None and final.cost.usd == Decimal("0.706")  # 0.1412 × 5


async def test_oxen_cancel(sim: Simulator, make_provider: MakeProvider) -> None:
    from seedance_studio.simulator import SimTiming

    sim.set_timing(SimTiming(queued=5, running=5))
    provider = make_provider("oxen")
    snap = compose("oxen", "@Image1", refs(sim, "image.png"))
    [handle] = await provider.submit(snap, urls_of(snap))
    assert provider.supports_cancel
    assert await provider.cancel(handle) is True
    assert isinstance(await provider.status(handle), Cancelled)
    assert sim.count("oxen", "cancel") == 1


async def test_oxen_cancel_after_finish_reports_false(
    sim: Simulator, make_provider: MakeProvider
) -> None:
    provider = make_provider("oxen")
    snap = compose("oxen", "@Image1", refs(sim, "image.png"))
    [handle] = await provider.submit(snap, urls_of(snap))
    await follow(provider, handle)
    assert await provider.cancel(handle) is False


@pytest.mark.parametrize("fmt", ["url", "b64_json"])
async def test_oxen_sync_endpoint(fmt: str, sim: Simulator, make_provider: MakeProvider) -> None:
    provider = make_provider("oxen", sync=True, response_format=fmt)
    snap = compose("oxen", "@Image1", refs(sim, "image.png"), duration=4)
    [handle] = await provider.submit(snap, urls_of(snap))
    assert sim.count("oxen", "generate") == 1
    final = await provider.status(handle)
    assert isinstance(final, Succeeded)
    if fmt == "url":
        assert final.results[0].url and final.results[0].url.startswith(sim.url)
    else:
        path = final.results[0].path
        assert path is not None
        head = await asyncio.to_thread(Path(path).read_bytes)
        assert head[4:8] == b"ftyp"
        rebuilt = await provider.status(provider.handle_for(handle.job_id))
        assert isinstance(rebuilt, Succeeded) and rebuilt.results[0].path == path


async def test_eachlabs_walks_starting_processing_success(
    walking_sim: Simulator, make_provider: MakeProvider
) -> None:
    sim = walking_sim
    provider = make_provider("eachlabs")
    snap = compose(
        "eachlabs",
        "@Image1 in @Video1 with @Audio1",
        refs(sim, "image.png", "clip_640x640_5s.mp4", "tone_3s.wav"),
        duration=6,
        resolution="720p",
    )
    [handle] = await provider.submit(snap, urls_of(snap))
    seen = await follow(provider, handle)
    assert {s.raw_status for s in seen} >= {"starting", "processing", "success"}
    final = seen[-1]
    assert isinstance(final, Succeeded)
    assert final.cost is not None and final.cost.usd == Decimal("1.8144")
    req = sim.requests("eachlabs", "create")[0]
    assert req.headers["x-api-key"] and req.json["version"] == "0.0.1"


@pytest.mark.parametrize("failed_word", ["error", "failed"])
async def test_eachlabs_failure_words(
    failed_word: str, sim: Simulator, make_provider: MakeProvider
) -> None:
    sim.configure("eachlabs", failed_status=failed_word)
    sim.set_outcome("eachlabs", "content_blocked")
    provider = make_provider("eachlabs")
    snap = compose("eachlabs", "@Image1", refs(sim, "image.png"))
    [handle] = await provider.submit(snap, urls_of(snap))
    final = (await follow(provider, handle))[-1]
    assert isinstance(final, Failed) and final.raw_status == failed_word
    assert final.content_blocked
    assert "flagged as sensitive" in final.message


async def test_eachlabs_cancel(sim: Simulator, make_provider: MakeProvider) -> None:
    from seedance_studio.simulator import SimTiming

    sim.set_timing(SimTiming(queued=5, running=5))
    provider = make_provider("eachlabs")
    snap = compose("eachlabs", "@Image1", refs(sim, "image.png"))
    [handle] = await provider.submit(snap, urls_of(snap))
    assert await provider.cancel(handle) is True
    assert isinstance(await provider.status(handle), Cancelled)
    assert sim.requests("eachlabs", "cancel")[0].method == "POST"


@pytest.mark.parametrize("pid", ["shortapi", "kinovi", "oxen", "eachlabs", "fal", "byteplus"])
async def test_handle_rebuilt_from_job_id_alone_resumes_polling(
    pid: str, sim: Simulator, make_provider: MakeProvider
) -> None:
    first = make_provider(pid)
    sources = refs(sim, "clip_640x640_5s.mp4" if pid == "shortapi" else "image.png")
    snap = compose(pid, "@Image1 @Video1", sources)
    [handle] = await first.submit(snap, urls_of(snap))
    await first.aclose()
    second = make_provider(pid)  # as after a restart
    final = (await follow(second, second.handle_for(handle.job_id)))[-1]
    assert isinstance(final, Succeeded)
    assert sim.count(pid.split("-")[0], "create") == 1


@pytest.mark.parametrize("pid", ["shortapi", "kinovi"])
async def test_providers_without_cancel_say_so(pid: str, make_provider: MakeProvider) -> None:
    provider = make_provider(pid)
    assert provider.supports_cancel is False
    assert await provider.cancel(provider.handle_for("anything")) is False
