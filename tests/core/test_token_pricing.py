"""Token-billed estimates (fal, BytePlus), each worked out by hand from the providers' notes:
fal: height × width × (input video s + output s) × 24 / 1024 tokens at $0.014 per 1,000
(fast $0.0112), ×0.6 with video input; BytePlus: width × height × (24 × s + 1) / 1024 tokens
(720p 5 s = 108,900; 1080p 5 s = 245,025) at $7.00 per million, $4.30 with video input, fast
$5.60."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from seedance_studio.core.pricing import Estimate, estimate, format_estimate
from seedance_studio.core.reference import Reference
from tests.core.builders import image, snapshot, video

D = Decimal
FAL_FAST = "bytedance/seedance-2.0/fast/reference-to-video"
BP_FAST = "dreamina-seedance-2-0-fast-260128"


def est(provider: str, refs: list[Reference] | None = None, **params: Any) -> Estimate:
    return estimate(snapshot(provider, refs or [image()], **params))


def test_byteplus_720p_5s_is_the_logged_108900_tokens() -> None:
    e = est("byteplus", resolution="720p", aspect_ratio="16:9", duration=5)
    [item] = e.items
    assert item.quantity == item.quantity_max == D(108_900) / 1000  # in K tokens
    assert e.min == e.max == D("0.7623")  # 108,900 × $7.00 / 1,000,000


def test_byteplus_1080p_5s_is_the_logged_245025_tokens() -> None:
    e = est("byteplus", resolution="1080p", aspect_ratio="16:9", duration=5)
    assert e.items[0].quantity == D(245_025) / 1000
    assert e.min == D("1.715175")  # 245,025 × 7 / 1e6


def test_byteplus_video_input_seconds_count_at_the_with_video_rate() -> None:
    clip = video(seconds=3.0)
    e = est(
        "byteplus",
        [image(), clip],
        resolution="720p",
        aspect_ratio="16:9",
        duration=5,
        prompt="@Image1 in @Video1",
    )
    # 1280 × 720 × (24 × (5 + 3) + 1) / 1024 = 900 × 193 = 173,700 tokens at $4.30/M
    assert e.items[0].quantity == D(173_700) / 1000
    assert e.min == D("0.74691")


def test_byteplus_fast_rate() -> None:
    e = est("byteplus", model=BP_FAST, resolution="480p", aspect_ratio="1:1", duration=4)
    # 640 × 640 × (24 × 4 + 1) / 1024 = 400 × 97 = 38,800 tokens at $5.60/M
    assert e.items[0].quantity == D(38_800) / 1000
    assert e.min == D("0.21728")


def test_fal_720p_16_9_is_0_3024_per_second() -> None:
    for seconds in (4, 5, 10):
        e = est("fal", resolution="720p", aspect_ratio="16:9", duration=seconds)
        # 720 × 1280 × 24 / 1024 = 21,600 tokens a second at $0.014 per 1,000
        assert e.items[0].quantity == D(21_600 * seconds) / 1000
        assert e.min == e.max == D("0.3024") * seconds


def test_fal_fast_is_0_2419_per_second() -> None:
    e = est("fal", model=FAL_FAST, resolution="720p", aspect_ratio="16:9", duration=10)
    assert e.min == D("2.4192")  # 216,000 tokens × $0.0112 / 1,000
    assert format_estimate(e) == "$2.42"


def test_fal_video_input_counts_its_seconds_at_0_6_times() -> None:
    e = est(
        "fal",
        [video(seconds=5.0)],
        resolution="720p",
        aspect_ratio="16:9",
        duration=5,
        prompt="like @Video1",
    )
    # 21,600 × (5 + 5) = 216,000 tokens at $0.014 × 0.6 = $0.0084 per 1,000
    assert e.items[0].quantity == D(216_000) / 1000
    assert e.min == D("1.8144")
    # the page's "$0.1814 per second" with video inputs: 21,600 tokens a second at that rate
    assert (e.items[0].rate * D("21.6")).quantize(D("0.0001")) == D("0.1814")


def test_fal_auto_ratio_and_duration_give_a_range() -> None:
    e = est("fal", resolution="720p")  # auto ratio, auto duration (the endpoint's defaults)
    assert e.items[0].is_range and e.min is not None and e.max is not None
    # smallest frame (16:9, 1280 × 720) at 4 s .. largest (4:3, 1112 × 834) at 15 s
    assert e.min == D(1280 * 720) * 24 * 4 / 1024 * D("0.014") / 1000
    assert e.max == D(1112 * 834) * 24 * 15 / 1024 * D("0.014") / 1000


def test_an_unprobed_input_video_leaves_the_estimate_open() -> None:
    e = est(
        "fal",
        [video(probed=False)],
        resolution="720p",
        aspect_ratio="16:9",
        duration=5,
        prompt="like @Video1",
    )
    assert e.open_ended and "length unknown" in e.notes[0]


def test_a_users_rate_replaces_the_per_million_rate() -> None:
    e = estimate(
        snapshot("byteplus", [image()], resolution="720p", aspect_ratio="16:9", duration=5),
        overrides={"standard": D("7.71")},
    )
    assert e.items[0].overridden and e.min == D(108_900) * D("7.71") / 1_000_000
