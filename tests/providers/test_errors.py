"""Every documented error path, translated into the one exception hierarchy."""

from __future__ import annotations

from typing import Any

import pytest

from seedance_studio.core.errors import (
    AuthError,
    ContentBlockedError,
    InsufficientCreditsError,
    InvalidInputError,
    MissingKeyError,
    NotFoundError,
    RateLimitedError,
)
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.simulator import Fault, SimTiming, Simulator

from .conftest import MakeProvider, compose, urls_of

ALL = ["shortapi", "kinovi", "kinovi-legacy", "oxen", "eachlabs", "fal", "byteplus"]


def sim_name(pid: str) -> str:
    return pid.split("-")[0]


def simple(sim: Simulator, pid: str, **params: Any) -> Any:
    source = sim.sample_url("clip_640x640_5s.mp4" if pid == "shortapi" else "image.png")
    return compose(pid, "@Image1 @Video1", [source], **params)


@pytest.mark.parametrize("pid", ALL)
async def test_bad_key_is_an_auth_error(
    pid: str, sim: Simulator, make_provider: MakeProvider
) -> None:
    provider = make_provider(pid, key="bad-key")
    snap = simple(sim, pid)
    with pytest.raises(AuthError) as info:
        await provider.submit(snap, urls_of(snap))
    assert "key" in str(info.value).lower()
    assert info.value.status_code == 401
    assert not sim.jobs


@pytest.mark.parametrize("pid", ALL)
async def test_broke_key_is_insufficient_credits(
    pid: str, sim: Simulator, make_provider: MakeProvider
) -> None:
    provider = make_provider(pid, key="broke-key")
    snap = simple(sim, pid)
    with pytest.raises(InsufficientCreditsError):
        await provider.submit(snap, urls_of(snap))
    assert sim.count(sim_name(pid), "create") == 1 and not sim.jobs


@pytest.mark.parametrize("pid", ALL)
async def test_missing_key_fails_before_any_request(
    pid: str, sim: Simulator, make_provider: MakeProvider
) -> None:
    provider = make_provider(pid, key="")
    snap = simple(sim, pid)
    with pytest.raises(MissingKeyError, match="SEEDANCE_"):
        await provider.submit(snap, urls_of(snap))
    assert sim.counts() == {}


async def test_kinovi_access_not_enabled(sim: Simulator, make_provider: MakeProvider) -> None:
    provider = make_provider("kinovi", key="noaccess-key")
    snap = simple(sim, "kinovi")
    with pytest.raises(AuthError, match="not enabled") as info:
        await provider.submit(snap, urls_of(snap))
    assert info.value.status_code == 403


@pytest.mark.parametrize("pid", ALL)
async def test_unknown_job_is_not_found(pid: str, make_provider: MakeProvider) -> None:
    provider = make_provider(pid)
    with pytest.raises(NotFoundError):
        await provider.status(provider.handle_for("no-such-job"))


@pytest.mark.parametrize(
    ("pid", "kinds", "message"),
    [
        ("kinovi", [MediaKind.IMAGE] + [MediaKind.AUDIO] * 4, "Too many audio files: at most 3"),
        ("oxen", [MediaKind.VIDEO] * 4, "Too many input videos"),
        ("eachlabs", [MediaKind.IMAGE] * 10, "Invalid input: Up to 9 images are supported"),
        (
            "shortapi",
            [MediaKind.VIDEO] + [MediaKind.AUDIO] * 4,
            "args.audio_urls supports at most 3 audio files",
        ),
    ],
)
async def test_invalid_input_keeps_the_providers_message(
    pid: str, kinds: list[MediaKind], message: str, sim: Simulator, make_provider: MakeProvider
) -> None:
    names = {
        MediaKind.IMAGE: "image.png",
        MediaKind.VIDEO: "clip_640x640_2s.mp4",
        MediaKind.AUDIO: "tone_1s.wav",
    }
    sources = [f"{sim.sample_url(names[k])}?n={i}" for i, k in enumerate(kinds)]
    snap = compose(pid, "go", sources, kinds=kinds)
    with pytest.raises(InvalidInputError) as info:
        await make_provider(pid).submit(snap, urls_of(snap))
    assert info.value.message == message
    assert info.value.status_code == 400


async def test_kinovi_too_many_tasks_is_rate_limited_and_not_created(
    sim: Simulator, make_provider: MakeProvider
) -> None:
    sim.set_timing(SimTiming(queued=5, running=5))
    sim.configure("kinovi", concurrency_limit=1)
    provider = make_provider("kinovi")
    snap = simple(sim, "kinovi")
    await provider.submit(snap, urls_of(snap))
    with pytest.raises(RateLimitedError, match="Too many tasks in progress") as info:
        await provider.submit(snap, urls_of(snap))
    assert info.value.retry_after == 1.0 and info.value.retryable
    assert sim.count("kinovi", "create") == 2 and len(sim.jobs) == 1


async def test_create_refused_by_content_filter(
    sim: Simulator, make_provider: MakeProvider
) -> None:
    text = "Content policy violation: real human face detected in image 1"
    sim.inject("oxen", "create", Fault.http(400, message=text))
    snap = simple(sim, "oxen")
    with pytest.raises(ContentBlockedError) as info:
        await make_provider("oxen").submit(snap, urls_of(snap))
    assert info.value.message == text


async def test_shortapi_errors_inside_http_200(sim: Simulator, make_provider: MakeProvider) -> None:
    sim.configure("shortapi", http_200_errors=True)
    snap = simple(sim, "shortapi")
    with pytest.raises(AuthError):
        await make_provider("shortapi", key="bad-key").submit(snap, urls_of(snap))
    with pytest.raises(InsufficientCreditsError, match="recharge"):
        await make_provider("shortapi", key="broke-key").submit(snap, urls_of(snap))
    with pytest.raises(NotFoundError):
        provider = make_provider("shortapi")
        await provider.status(provider.handle_for("nope"))


@pytest.mark.parametrize("shape", ["status", "error", "alternate"])
async def test_eachlabs_both_error_shapes(
    shape: str, sim: Simulator, make_provider: MakeProvider
) -> None:
    sim.configure("eachlabs", error_shape=shape)
    provider = make_provider("eachlabs", key="bad-key")
    snap = simple(sim, "eachlabs")
    for _ in range(2):
        with pytest.raises(AuthError, match="Invalid API key"):
            await provider.submit(snap, urls_of(snap))
    bad = compose(
        "eachlabs", "go", [sim.sample_url("image.png")] * 10, kinds=[MediaKind.IMAGE] * 10
    )
    with pytest.raises(InvalidInputError) as info:
        await make_provider("eachlabs").submit(bad, urls_of(bad))
    expected = {
        "status": "Invalid input: Up to 9 images are supported",
        "error": "Invalid input",
        "alternate": "Invalid input: Up to 9 images are supported",
    }[shape]
    assert info.value.message == expected


async def test_local_and_data_urls_are_never_sent(
    sim: Simulator, make_provider: MakeProvider
) -> None:
    from seedance_studio.core.errors import CompositionError
    from seedance_studio.core.settings import Settings
    from seedance_studio.providers.registry import create_provider

    from .conftest import MemoryKeys

    keys = MemoryKeys({"oxen": "k-1234"})
    real = create_provider("oxen", Settings(), keys)  # the documented host, not loopback
    for url in (
        "http://127.0.0.1:9/x.png",
        "http://localhost/x.png",
        "data:image/png;base64,AAAA",
        "file:///tmp/x.png",
    ):
        snap = compose("oxen", "x", [url], kinds=[MediaKind.IMAGE])
        with pytest.raises(CompositionError):
            await real.submit(snap, {snap.references[0].id: url})
    await real.aclose()
    # the simulator itself is on loopback, so its own URLs are fine there
    snap = simple(sim, "oxen")
    assert await make_provider("oxen").submit(snap, urls_of(snap))
