"""The seed pages' example requests, produced exactly by build_request (pure, key masked)."""

from __future__ import annotations

from typing import Any

import pytest

from seedance_studio.core import capabilities
from seedance_studio.core.errors import CompositionError
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.providers.base import HttpProvider
from seedance_studio.providers.oxen import OxenProvider

from .conftest import CLASSES, PLANTED_KEY, MemoryKeys, compose, urls_of

SHORTAPI_VIDEO = (
    "https://file.shortapi.ai/assets/examples/bytedance/seedance-2.0/video-edit-video.mp4"
)
KINOVI_IMAGE = (
    "https://seedance2-pro.com/landing/seedance2/cases/consistency/consistency-row3-ref.png"
)
KINOVI_VIDEO = "https://example.com/action-reference.mp4"


def documented(pid: str, **kwargs: Any) -> HttpProvider:
    caps = capabilities.get(pid)
    return CLASSES[pid](caps, caps.base_url, MemoryKeys({pid: PLANTED_KEY}), **kwargs)


def test_shortapi_curl_example() -> None:
    snap = compose(
        "shortapi", "Replace the puppy in @Video1 with the panda from @Image 1", [SHORTAPI_VIDEO]
    )
    spec = documented("shortapi", callback_url="CALLBACK_URL").build_request(snap, urls_of(snap))
    assert spec.method == "POST"
    assert spec.url == "https://api.shortapi.ai/api/v1/job/create"
    assert spec.headers == {"Authorization": "Bearer ***", "Content-Type": "application/json"}
    assert spec.body == {
        "model": "bytedance/seedance-2.0/omni-reference",
        "args": {
            "prompt": "Replace the puppy in @Video 1 with the panda from @Image 1",
            "video_url": SHORTAPI_VIDEO,
        },
        "callback_url": "CALLBACK_URL",
    }


def test_kinovi_legacy_mixed_example() -> None:
    snap = compose(
        "kinovi-legacy",
        "This character @Image1 mimics the action from @Video1, smooth cinematic motion",
        [KINOVI_IMAGE, KINOVI_VIDEO],
        aspect_ratio="16:9",
        duration=8,
    )
    spec = documented("kinovi-legacy").build_request(snap, urls_of(snap))
    assert spec.url == "https://seedance2-pro.com/api/v1/jobs/createTask"
    assert spec.headers["Authorization"] == "Bearer ***"
    assert spec.body == {
        "model": "seedance-20",
        "inputs": {
            "urls": [KINOVI_IMAGE],
            "videoUrls": [KINOVI_VIDEO],
            "prompt": "This character @1 mimics the action from @2, smooth cinematic motion",
            "ratio": "16:9",
            "duration": "8s",
        },
    }


def test_kinovi_legacy_numbers_videos_after_images_whatever_the_tray_order() -> None:
    video, img1, img2 = (KINOVI_VIDEO, "https://x.test/a.png", "https://x.test/b.png")
    snap = compose("kinovi-legacy", "@Video1 then @Image2 then @Image1", [video, img1, img2])
    body = documented("kinovi-legacy").build_request(snap, urls_of(snap)).body
    assert body["inputs"]["urls"] == [img1, img2]
    assert body["inputs"]["videoUrls"] == [video]
    assert body["inputs"]["prompt"] == "@3 then @2 then @1"


def test_kinovi_legacy_refuses_audio() -> None:
    snap = compose("kinovi-legacy", "x", [KINOVI_IMAGE, "https://x.test/a.mp3"])
    with pytest.raises(CompositionError):
        documented("kinovi-legacy").build_request(snap, urls_of(snap))


def test_kinovi_current_schema() -> None:
    audio = "https://example.com/music.mp3"
    snap = compose(
        "kinovi",
        "@Image1 performs the moves from @Video1 to the rhythm of @Audio1",
        [KINOVI_VIDEO, KINOVI_IMAGE, audio],
        model="seedance-20",
        duration=8,
        aspect_ratio="9:16",
        resolution="720p",
        upscale="4k",
    )
    spec = documented("kinovi").build_request(snap, urls_of(snap))
    assert spec.body == {
        "model": "seedance-20",
        "inputs": {
            "urls": [KINOVI_VIDEO, KINOVI_IMAGE],
            "audioUrls": [audio],
            "prompt": "@image1 performs the moves from @video1 to the rhythm of @audio1",
            "duration": "8",
            "aspectRatio": "9:16",
            "mode": "reference",
            "outputResolution": "720p",
            "upscaleResolution": "4k",
        },
    }


def test_kinovi_current_minimal_sends_only_what_was_chosen() -> None:
    snap = compose("kinovi", "A person @Image1 walking on the beach", [KINOVI_IMAGE])
    body = (
        documented("kinovi", callback_url="https://me.test/hook")
        .build_request(snap, urls_of(snap))
        .body
    )
    assert body == {
        "model": "seedance-20",
        "inputs": {
            "urls": [KINOVI_IMAGE],
            "mode": "reference",
            "prompt": "A person @image1 walking on the beach",
        },
        "callBackUrl": "https://me.test/hook",
    }


def test_kinovi_fast_names_its_resolution_since_the_api_default_is_not_offered() -> None:
    """The page's default outputResolution is 1080p, which the fast model does not make (its
    price table has no 1080p): the resolution the estimate is based on is sent."""
    snap = compose(
        "kinovi", "A person @Image1 walking on the beach", [KINOVI_IMAGE], model="seedance2-fast"
    )
    fast = capabilities.get("kinovi").model("seedance2-fast")
    body = documented("kinovi").build_request(snap, urls_of(snap)).body
    assert "1080p" not in fast.resolutions
    assert body["inputs"]["outputResolution"] == fast.default_resolution == "720p"


def test_oxen_queue_example_with_two_generations() -> None:
    image = "https://example.com/person.jpg"
    snap = compose(
        "oxen", "@Image1 waves at the camera and smiles", [image], duration=5, variants=2
    )
    spec = documented("oxen").build_request(snap, urls_of(snap))
    assert spec.url == "https://hub.oxen.ai/api/ai/queue"
    assert spec.headers == {"Authorization": "Bearer ***", "Content-Type": "application/json"}
    assert spec.body == {
        "model": "bytedance-seedance-2-0-reference-to-video",
        "prompt": "@Image1 waves at the camera and smiles",
        "input_images": [image],
        "duration": "5",
        "num_generations": 2,
    }


def test_oxen_sync_example_with_video_and_audio() -> None:
    sources = [
        "https://example.com/dancer.jpg",
        "https://example.com/dance-reference.mp4",
        "https://example.com/music.mp3",
    ]
    snap = compose(
        "oxen",
        "@Image1 dances to the rhythm of @Audio1 in the style of @Video1",
        sources,
        resolution="720p",
        duration=10,
        generate_audio=True,
    )
    caps = capabilities.get("oxen")
    spec = OxenProvider(caps, caps.base_url, MemoryKeys(), sync=True).build_request(
        snap, urls_of(snap)
    )
    assert spec.url == "https://hub.oxen.ai/api/ai/videos/generate"
    assert spec.body == {
        "model": "bytedance-seedance-2-0-reference-to-video",
        "prompt": "@Image1 dances to the rhythm of @Audio1 in the style of @Video1",
        "input_images": [sources[0]],
        "input_videos": [sources[1]],
        "input_audios": [sources[2]],
        "resolution": "720p",
        "duration": "10",
        "generate_audio": True,
    }


def test_oxen_auto_duration_and_variant_bounds() -> None:
    snap = compose("oxen", "x @Image1", ["https://x.test/a.png"], duration="auto", variants=5)
    with pytest.raises(CompositionError, match="1 to 4"):
        documented("oxen").build_request(snap, urls_of(snap))
    snap = compose("oxen", "x @Image1", ["https://x.test/a.png"], duration="auto")
    body = documented("oxen").build_request(snap, urls_of(snap)).body
    assert body["duration"] == "auto"
    assert "num_generations" not in body


def test_eachlabs_example() -> None:
    prompt = (
        "A vacant lot between two red brick English terraced houses slowly transforms "
        "over time. Camera is fixed timelapse."
    )
    snap = compose("eachlabs", prompt, [])
    spec = documented("eachlabs").build_request(snap, {})
    assert spec.url == "https://api.eachlabs.ai/v1/prediction/"
    assert spec.headers == {"X-API-Key": "***", "Content-Type": "application/json"}
    assert spec.body == {
        "model": "bytedance-seedance-2-0-reference-to-video",
        "version": "0.0.1",
        "input": {"prompt": prompt},
    }


def test_eachlabs_lists_every_kind_in_tray_order_and_seed_as_string() -> None:
    sources = [
        "https://x.test/b.png",
        "https://x.test/v.mp4",
        "https://x.test/a.png",
        "https://x.test/s.mp3",
    ]
    snap = compose(
        "eachlabs",
        "@Image2 and @Image1 in @Video1 with @Audio1",
        sources,
        seed=42,
        duration="auto",
        resolution="480p",
        generate_audio=False,
    )
    inputs = documented("eachlabs").build_request(snap, urls_of(snap)).body["input"]
    assert inputs["image_urls"] == [sources[0], sources[2]]
    assert inputs["video_urls"] == [sources[1]]
    assert inputs["audio_urls"] == [sources[3]]
    assert inputs["prompt"] == "@Image2 and @Image1 in @Video1 with @Audio1"
    assert inputs["seed"] == "42"
    assert inputs["duration"] == "auto"
    assert inputs["generate_audio"] is False


def test_shortapi_rejects_what_its_api_cannot_take() -> None:
    two_videos = compose("shortapi", "x", ["https://x.test/a.mp4", "https://x.test/b.mp4"])
    with pytest.raises(CompositionError, match="single"):
        documented("shortapi").build_request(two_videos, urls_of(two_videos))
    auto = compose("shortapi", "x", ["https://x.test/a.mp4"], duration="auto")
    with pytest.raises(CompositionError, match="automatic"):
        documented("shortapi").build_request(auto, urls_of(auto))


def test_missing_hosted_url_is_a_clear_error() -> None:
    snap = compose("oxen", "x", ["/tmp/not-uploaded.png"], kinds=[MediaKind.IMAGE])
    with pytest.raises(CompositionError, match="upload"):
        documented("oxen").build_request(snap, {})


@pytest.mark.parametrize("pid", list(CLASSES))
def test_request_spec_never_holds_the_key(pid: str) -> None:
    snap = compose(pid, "hello @Image1", ["https://x.test/a.png", "https://x.test/v.mp4"])
    spec = documented(pid).build_request(snap, urls_of(snap))
    assert PLANTED_KEY not in spec.model_dump_json()
    assert "***" in spec.model_dump_json()
