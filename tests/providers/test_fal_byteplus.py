"""fal.ai and BytePlus ModelArk against the simulator: what each does beyond the shared contract
(queue position, CDN upload, the content array, cancel only while queued, the last frame,
finding a create whose answer was lost)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from seedance_studio.core.errors import CompositionError, ContentBlockedError, ProviderError
from seedance_studio.core.provider import Cancelled, Failed, Queued, Succeeded
from seedance_studio.core.settings import Settings
from seedance_studio.providers.assets import AssetResolver
from seedance_studio.simulator import Fault, SimTiming, Simulator
from seedance_studio.simulator.media import png_bytes

from .conftest import MakeProvider, compose, follow, urls_of

FAST_FAL = "bytedance/seedance-2.0/fast/reference-to-video"
FAST_BP = "dreamina-seedance-2-0-fast-260128"


def refs(sim: Simulator, *names: str) -> list[str]:
    return [sim.sample_url(n) for n in names]


# -- fal ------------------------------------------------------------------------------------


async def test_fal_queue_position_counts_down_then_the_video(
    sim: Simulator, make_provider: MakeProvider
) -> None:
    sim.set_timing(SimTiming(queued=0.6, running=0.2))
    sim.configure("fal", queue_ahead=3)
    provider = make_provider("fal")
    snap = compose(
        "fal",
        "@Image1 dances in @Video1",
        refs(sim, "image.png", "clip_640x640_3s.mp4"),
        duration=5,
        resolution="720p",
        aspect_ratio="16:9",
        model=FAST_FAL,
    )
    [handle] = await provider.submit(snap, urls_of(snap))
    seen = await follow(provider, handle)
    positions = [
        s.queue_position for s in seen if isinstance(s, Queued) and s.queue_position is not None
    ]
    assert positions and positions[0] >= 1 and positions == sorted(positions, reverse=True)
    final = seen[-1]
    assert isinstance(final, Succeeded) and final.results[0].url
    create = sim.requests("fal", "create")[0]
    assert create.path.endswith("/bytedance/seedance-2.0/fast/reference-to-video")
    assert create.headers["authorization"].startswith("Key ")
    assert create.json == {
        "prompt": "@Image1 dances in @Video1",
        "image_urls": [snap.references[0].source],
        "video_urls": [snap.references[1].source],
        "resolution": "720p",
        "duration": "5",
        "aspect_ratio": "16:9",
    }  # generate_audio left to fal's default
    # polled under the app id, the same path for the standard and the fast endpoint
    assert all("/bytedance/seedance-2.0/requests/" in r.path for r in sim.requests("fal", "query"))


@pytest.mark.parametrize("reported", ["COMPLETED", "CANCELLED"])
async def test_fal_cancel_while_queued_in_either_reported_form(
    reported: str, sim: Simulator, make_provider: MakeProvider
) -> None:
    sim.set_timing(SimTiming(queued=5, running=5))
    sim.configure("fal", cancelled_status=reported)
    provider = make_provider("fal")
    snap = compose("fal", "@Image1", refs(sim, "image.png"))
    [handle] = await provider.submit(snap, urls_of(snap))
    assert await provider.cancel(handle) is True
    assert isinstance(await provider.status(handle), Cancelled)
    assert sim.requests("fal", "cancel")[0].method == "PUT"


async def test_fal_cancel_after_completion_reports_false(
    sim: Simulator, make_provider: MakeProvider
) -> None:
    provider = make_provider("fal")
    snap = compose("fal", "@Image1", refs(sim, "image.png"))
    [handle] = await provider.submit(snap, urls_of(snap))
    await follow(provider, handle)
    assert await provider.cancel(handle) is False


async def test_fal_content_filter_is_blocked_with_its_type_and_words(
    sim: Simulator, make_provider: MakeProvider
) -> None:
    words = "The content could not be processed: a real person was detected in image 1"
    sim.inject("fal", "create", Fault.content_policy(words))
    provider = make_provider("fal")
    snap = compose("fal", "@Image1", refs(sim, "image.png"))
    [handle] = await provider.submit(snap, urls_of(snap))
    final = (await follow(provider, handle))[-1]
    assert isinstance(final, Failed) and final.content_blocked
    assert final.message == words and final.code == "content_policy_violation"


async def test_fal_local_file_goes_through_the_cdn(
    sim: Simulator, make_provider: MakeProvider, keys: Any, tmp_path: Path
) -> None:
    local = tmp_path / "hero.png"
    local.write_bytes(png_bytes(96, 64))
    # whatever host the settings choose for other providers, fal uses its own CDN
    settings = Settings(asset_host="none", base_urls={"fal": sim.base_url("fal")})
    resolver = AssetResolver.for_provider("fal", settings, keys)
    snap = compose("fal", "@Image1 waves", [str(local)])
    assert (
        resolver.dry_run_urls(list(snap.references))[snap.references[0].id]
        == "upload://fal/hero.png"
    )
    urls = await resolver.resolve(list(snap.references))
    hosted = urls[snap.references[0].id]
    assert "/fal/cdn/files/" in hosted and hosted.endswith("hero.png")
    initiate = sim.requests("fal", "initiate")[0]
    assert initiate.query == {"storage_type": "fal-cdn-v3"}
    assert initiate.json == {"file_name": "hero.png", "content_type": "image/png"}
    assert sim.requests("fal", "upload")[0].body_size == local.stat().st_size
    sim.configure("sim", strict_urls=True)  # the create only passes if the file is there
    [handle] = await make_provider("fal").submit(snap, urls)
    assert isinstance((await follow(make_provider("fal"), handle))[-1], Succeeded)
    await resolver.aclose()


async def test_fal_lost_create_is_found_in_the_request_history(
    sim: Simulator, make_provider: MakeProvider
) -> None:
    import time

    provider = make_provider("fal")
    other = compose("fal", "@Image1 jumps", refs(sim, "image.png"), duration=6)
    [unrelated] = await provider.submit(other, urls_of(other))
    snap = compose("fal", "@Image1 spins", refs(sim, "image.png"), duration=6, seed=7)
    sent_at = time.time()
    sim.inject("fal", "create", Fault.applied_no_response())
    with pytest.raises(ProviderError):
        await provider.submit(snap, urls_of(snap))
    [made] = [j for j in sim.jobs if j.request.get("prompt") == "@Image1 spins"]
    search = await provider.find_submission(snap, sent_at)
    assert [h.job_id for h in search.found] == [made.id] and made.id != unrelated.job_id
    history = sim.requests("fal", "history")[0]
    assert history.query["endpoint_id"] == "bytedance/seedance-2.0/reference-to-video"
    assert history.query["expand"] == "payloads" and "start" in history.query
    assert isinstance((await follow(provider, search.found[0]))[-1], Succeeded)
    # a miss is reported with how far the history was read; the engine decides what it proves
    never = compose("fal", "@Image1 never sent", refs(sim, "image.png"))
    miss = await provider.find_submission(never, sent_at)
    assert miss.found == [] and miss.covers_send
    assert "fal's request history since" in miss.listing and "read to its end" in miss.listing
    # and in the language of the moment, since the engine's message shows it
    from seedance_studio.core import i18n

    i18n.set_language("zh_CN")
    try:
        zh = await provider.find_submission(never, sent_at)
    finally:
        i18n.set_language("en")
    assert zh.listing.startswith("fal 的请求历史（自 ") and "已读到末尾）" in zh.listing, zh.listing


async def test_fal_history_cut_short_by_its_pages_does_not_cover_the_send(
    sim: Simulator, make_provider: MakeProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages of 1 request, 2 pages read, 3 requests listed: the send is not reached."""
    import time

    from seedance_studio.providers import fal

    monkeypatch.setattr(fal, "HISTORY_PAGE_SIZE", 1)
    monkeypatch.setattr(fal, "HISTORY_PAGES", 2)
    provider = make_provider("fal")
    sent_at = time.time()
    for word in ("one", "two", "three"):
        other = compose("fal", f"@Image1 {word}", refs(sim, "image.png"))
        await provider.submit(other, urls_of(other))
    never = compose("fal", "@Image1 never sent", refs(sim, "image.png"))
    miss = await provider.find_submission(never, sent_at)
    assert miss.found == [] and not miss.covers_send
    assert "cut short after 2 pages: 2 requests" in miss.listing
    assert [r.query.get("cursor") for r in sim.requests("fal", "history")] == [None, "1"]


# -- BytePlus ---------------------------------------------------------------------------------


async def test_byteplus_content_array_and_options(
    sim: Simulator, make_provider: MakeProvider
) -> None:
    provider = make_provider("byteplus")
    sources = refs(sim, "image.png", "image_80x80.png", "clip_640x640_3s.mp4", "tone_3s.wav")
    snap = compose(
        "byteplus",
        "@Image2 and @Image1 dance in @Video1 to @Audio1",
        sources,
        duration=5,
        resolution="1080p",
        aspect_ratio="9:16",
        seed=42,
        generate_audio=False,
    )
    [handle] = await provider.submit(snap, urls_of(snap))
    body = sim.requests("byteplus", "create")[0].json
    assert body["model"] == "dreamina-seedance-2-0-260128"
    assert body["content"] == [
        {"type": "text", "text": "[Image 2] and [Image 1] dance in [Video 1] to [Audio 1]"},
        {"type": "image_url", "image_url": {"url": sources[0]}, "role": "reference_image"},
        {"type": "image_url", "image_url": {"url": sources[1]}, "role": "reference_image"},
        {"type": "video_url", "video_url": {"url": sources[2]}, "role": "reference_video"},
        {"type": "audio_url", "audio_url": {"url": sources[3]}, "role": "reference_audio"},
    ]
    assert {
        k: body[k]
        for k in (
            "resolution",
            "ratio",
            "duration",
            "seed",
            "generate_audio",
            "watermark",
            "return_last_frame",
        )
    } == {
        "resolution": "1080p",
        "ratio": "9:16",
        "duration": 5,
        "seed": 42,
        "generate_audio": False,
        "watermark": False,
        "return_last_frame": True,
    }
    assert sim.requests("byteplus", "create")[0].headers["authorization"].startswith("Bearer ")
    final = (await follow(provider, handle))[-1]
    assert isinstance(final, Succeeded)
    assert [m.kind for m in final.results] == ["video", "last_frame"]


async def test_byteplus_fast_model_has_no_1080p(make_provider: MakeProvider) -> None:
    snap = compose(
        "byteplus", "@Image1", ["https://example.com/a.png"], model=FAST_BP, resolution="1080p"
    )
    with pytest.raises(CompositionError, match="1080p"):
        make_provider("byteplus").build_request(snap, urls_of(snap))


async def test_byteplus_actual_cost_from_completion_tokens(
    sim: Simulator, make_provider: MakeProvider
) -> None:
    provider = make_provider("byteplus")
    snap = compose(
        "byteplus",
        "@Image1",
        refs(sim, "image.png"),
        duration=5,
        resolution="720p",
        aspect_ratio="16:9",
    )
    [handle] = await provider.submit(snap, urls_of(snap))
    final = (await follow(provider, handle))[-1]
    assert isinstance(final, Succeeded) and final.cost is not None
    # 1280 × 720 × (24 × 5 + 1) / 1024 = 108,900 tokens at $7.00 per million
    assert final.cost.usd == Decimal(108_900) * 7 / 1_000_000


async def test_byteplus_cancels_only_a_queued_task(
    sim: Simulator, make_provider: MakeProvider
) -> None:
    sim.set_timing(SimTiming(queued=5, running=5))
    provider = make_provider("byteplus")
    snap = compose("byteplus", "@Image1", refs(sim, "image.png"))
    [queued] = await provider.submit(snap, urls_of(snap))
    assert await provider.cancel(queued) is True
    assert isinstance(await provider.status(queued), Cancelled)
    assert [r.method for r in sim.requests("byteplus", "cancel")] == ["DELETE"]

    sim.set_timing(SimTiming(queued=0.05, running=0.6))
    [running] = await provider.submit(snap, urls_of(snap))
    while isinstance(await provider.status(running), Queued):
        pass
    assert await provider.cancel(running) is False
    assert len(sim.requests("byteplus", "cancel")) == 1  # no DELETE for a running task
    final = (await follow(provider, running))[-1]
    assert isinstance(final, Succeeded)  # it ran to the end and its record is still there
    assert await provider.cancel(running) is False  # a DELETE now would erase the record
    assert isinstance(await provider.status(running), Succeeded)


async def test_byteplus_real_face_refusal_keeps_its_words_and_code(
    sim: Simulator, make_provider: MakeProvider
) -> None:
    code = "InputImageSensitiveContentDetected.PrivacyInformation"
    sim.configure("byteplus", refuse_code=code)
    snap = compose("byteplus", "@Image1", refs(sim, "image.png"))
    with pytest.raises(ContentBlockedError) as info:
        await make_provider("byteplus").submit(snap, urls_of(snap))
    assert info.value.code == code
    assert info.value.message == (
        "The request failed because the input image may contain real person"
    )


async def test_byteplus_blocked_output_is_failed_with_its_code(
    sim: Simulator, make_provider: MakeProvider
) -> None:
    sim.inject("byteplus", "create", Fault.content_policy())
    provider = make_provider("byteplus")
    snap = compose("byteplus", "@Image1", refs(sim, "image.png"))
    [handle] = await provider.submit(snap, urls_of(snap))
    final = (await follow(provider, handle))[-1]
    assert isinstance(final, Failed) and final.content_blocked
    assert final.code == "OutputVideoSensitiveContentDetected"


async def test_byteplus_lost_create_is_found_in_the_task_list(
    sim: Simulator, make_provider: MakeProvider
) -> None:
    import time

    provider = make_provider("byteplus")
    other = compose("byteplus", "@Image1", refs(sim, "image.png"), duration=4)
    await provider.submit(other, urls_of(other))
    snap = compose("byteplus", "@Image1 spins", refs(sim, "image.png"), duration=7)
    sent_at = time.time()
    sim.inject("byteplus", "create", Fault.applied_no_response())
    with pytest.raises(ProviderError):
        await provider.submit(snap, urls_of(snap))
    [made] = [j for j in sim.jobs if j.duration == 7]
    found = (await provider.find_submission(snap, sent_at)).found
    assert [h.job_id for h in found] == [made.id]
    listed = sim.requests("byteplus", "list")[0]
    assert listed.query["filter.model"] == "dreamina-seedance-2-0-260128"
    # the same options sent twice: the list cannot tell them apart, so both are candidates
    [again] = await provider.submit(snap, urls_of(snap))
    both = (await provider.find_submission(snap, sent_at)).found
    assert {h.job_id for h in both} == {made.id, again.job_id}
    # the list covers every task of the last 7 days, queued ones too: read to its end
    never = compose("byteplus", "@Image1", refs(sim, "image.png"), duration=12)
    miss = await provider.find_submission(never, sent_at)
    assert miss.found == [] and miss.covers_send and "read to its end" in miss.listing
    with pytest.raises(ProviderError, match="7 days"):
        await provider.find_submission(never, sent_at - 8 * 24 * 3600)
