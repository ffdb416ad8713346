"""Conform planning is pure: facts and limits in, a plan out (no files touched)."""

from __future__ import annotations

import pytest

from seedance_studio.core import capabilities
from seedance_studio.core.capabilities import KindLimits
from seedance_studio.core.limit_rules import pixel_violations as size_violations
from seedance_studio.core.limit_rules import target_size
from seedance_studio.core.media_facts import MediaFacts, MediaKind
from seedance_studio.core.reference import Reference
from seedance_studio.media.plan import plan_conform, plan_fix_all
from tests.media.conftest import snapshot_of

OXEN = capabilities.get("oxen")
VIDEO = OXEN.limits.video
MB = 1024 * 1024


def video(
    seconds: float = 5.0,
    width: int = 640,
    height: int = 640,
    fps: float = 24.0,
    fmt: str = "mp4",
    codec: str = "h264",
    size: int = 2 * MB,
) -> Reference:
    facts = MediaFacts(
        format=fmt,
        size_bytes=size,
        duration_s=seconds,
        width=width,
        height=height,
        fps=fps,
        has_audio=True,
        video_codec=codec,
        audio_codec="aac",
    )
    return Reference(
        kind=MediaKind.VIDEO,
        source=f"/media/{seconds}-{width}.{fmt}",
        name=f"clip.{fmt}",
        facts=facts,
    )


def audio(seconds: float = 5.0, fmt: str = "mp3", size: int = MB) -> Reference:
    facts = MediaFacts(
        format=fmt, size_bytes=size, duration_s=seconds, has_audio=True, audio_codec=fmt
    )
    return Reference(kind=MediaKind.AUDIO, source=f"/media/a.{fmt}", name=f"a.{fmt}", facts=facts)


def image(fmt: str = "png", width: int = 800, height: int = 600, size: int = MB) -> Reference:
    facts = MediaFacts(format=fmt, size_bytes=size, width=width, height=height)
    return Reference(kind=MediaKind.IMAGE, source=f"/media/i.{fmt}", name=f"i.{fmt}", facts=facts)


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((1920, 1080), (1110, 624)),  # too many pixels; the 1112 box edge binds
        ((1080, 1920), (624, 1110)),  # the box is orientation-free
        ((320, 240), (854, 640)),  # too few pixels: scaled up to the 640 short side
        ((3840, 2160), (1110, 624)),
        ((640, 640), (640, 640)),  # already inside
        ((641, 641), (640, 640)),  # odd sides are made even for H.264
        # ... but not below the minimum: 442×924 is 408,408 pixels, under 409,600.
        ((443, 925), (444, 924)),
    ],
)
def test_target_size_for_seedance_video_range(
    size: tuple[int, int], expected: tuple[int, int]
) -> None:
    assert target_size(*size, VIDEO, even=True) == expected
    w, h = target_size(*size, VIDEO, even=True)
    assert not size_violations(w, h, VIDEO)
    assert abs(w / h - size[0] / size[1]) < 0.01


def test_target_size_keeps_aspect_when_range_is_only_pixels() -> None:
    limits = KindLimits(max_pixels=100_000)
    w, h = target_size(4000, 3000, limits, even=False)
    assert w * h <= 100_000
    assert w * h > 95_000
    assert abs(w / h - 4 / 3) < 0.01


def test_compliant_references_need_no_plan() -> None:
    assert plan_conform(video(), OXEN.limits) is None
    assert plan_conform(audio(), OXEN.limits) is None
    assert plan_conform(image("jpeg"), OXEN.limits) is None


def test_url_and_unprobed_references_are_not_planned() -> None:
    url = Reference(kind=MediaKind.VIDEO, source="https://x.test/c.mov", facts=video().facts)
    bare = Reference(kind=MediaKind.VIDEO, source="/media/c.mov")
    assert plan_conform(url, OXEN.limits) is None
    assert plan_conform(bare, OXEN.limits) is None


def test_big_video_is_scaled_into_range() -> None:
    plan = plan_conform(video(width=1920, height=1080), OXEN.limits)
    assert plan is not None
    assert (plan.width, plan.height) == (1110, 624)
    assert plan.format == "mp4"
    assert any("scale 1920×1080" in r for r in plan.reasons)


def test_a_retimed_odd_sized_video_stays_inside_the_pixel_range() -> None:
    # Found by the planner's property test: rounding 443×925 down to even sides fell under
    # the minimum pixel count, so the conformed file broke a limit the source kept.
    plan = plan_conform(video(width=443, height=925, fps=10), OXEN.limits)
    assert plan is not None and plan.fps == 24
    assert plan.width is not None and plan.height is not None
    assert (plan.width % 2, plan.height % 2) == (0, 0)
    assert not size_violations(plan.width, plan.height, VIDEO)


def test_low_frame_rate_is_raised_and_high_lowered() -> None:
    low = plan_conform(video(fps=10), OXEN.limits)
    high = plan_conform(video(fps=120), OXEN.limits)
    assert low is not None and low.fps == 24
    assert high is not None and high.fps == 60


def test_foreign_codec_and_container_are_reencoded() -> None:
    vp9 = plan_conform(video(fmt="webm", codec="vp9"), OXEN.limits)
    assert vp9 is not None and vp9.format == "mp4"
    mov = video(fmt="mov")
    assert plan_conform(mov, OXEN.limits) is None  # Oxen takes MOV
    kinovi = plan_conform(mov, capabilities.get("kinovi").limits)
    assert kinovi is not None and kinovi.format == "mp4"


def test_single_long_video_is_trimmed_under_the_combined_limit() -> None:
    plan = plan_conform(video(seconds=20), OXEN.limits)
    assert plan is not None and plan.duration_s is not None
    assert 14.5 <= plan.duration_s <= 15


def test_trim_leaves_room_for_the_other_videos() -> None:
    other = video(seconds=5)
    plan = plan_conform(video(seconds=20), OXEN.limits, [other])
    assert plan is not None and plan.duration_s is not None
    assert 9.5 <= plan.duration_s <= 10


def test_fix_all_shares_the_combined_duration_fairly() -> None:
    clips = [video(seconds=10), video(seconds=10), video(seconds=10)]
    plans = plan_fix_all(snapshot_of(clips), OXEN)
    assert [p.ref_id for p in plans] == [c.id for c in clips]
    durations = [p.duration_s for p in plans]
    assert all(d is not None and 4.5 <= d <= 5 for d in durations)
    assert sum(d for d in durations if d is not None) <= 15


def test_fix_all_keeps_short_clips_and_cuts_the_long_one() -> None:
    clips = [video(seconds=2), video(seconds=20), video(seconds=3)]
    plans = plan_fix_all(snapshot_of(clips), OXEN)
    assert [p.ref_id for p in plans] == [clips[1].id]
    assert plans[0].duration_s is not None and 9.5 <= plans[0].duration_s <= 10


def test_video_over_the_total_size_is_capped() -> None:
    plan = plan_conform(video(size=60 * MB), OXEN.limits)
    assert plan is not None
    assert plan.max_bytes is not None and plan.max_bytes <= 50 * MB


def test_audio_is_converted_and_trimmed() -> None:
    m4a = plan_conform(audio(fmt="m4a"), OXEN.limits)
    assert m4a is not None and m4a.format == "mp3"
    wav = plan_conform(audio(seconds=20, fmt="wav", size=3 * MB), OXEN.limits)
    assert wav is not None and wav.format == "wav"
    assert wav.duration_s is not None and 14.5 <= wav.duration_s <= 15


def test_oversized_wav_becomes_mp3() -> None:
    plan = plan_conform(audio(seconds=10, fmt="wav", size=20 * MB), OXEN.limits)
    assert plan is not None and plan.max_bytes == 15_000_000  # "Max 15 MB each", 10^6 B
    assert plan.format == "wav"  # 10 s of 48 kHz stereo WAV fits 15 MB
    tight = capabilities.get("oxen").limits.model_copy(
        update={"audio": OXEN.limits.audio.model_copy(update={"max_bytes": MB})}
    )
    small = plan_conform(audio(seconds=10, fmt="wav", size=2 * MB), tight)
    assert small is not None and small.format == "mp3"


@pytest.mark.parametrize(
    ("fmt", "expected"), [("bmp", "png"), ("gif", "png"), ("tiff", "png"), ("heic", "jpeg")]
)
def test_images_in_other_formats_are_converted(fmt: str, expected: str) -> None:
    plan = plan_conform(image(fmt), OXEN.limits)
    assert plan is not None and plan.format == expected


def test_oversized_png_is_recompressed_as_jpeg() -> None:
    plan = plan_conform(image("png", size=40 * MB), OXEN.limits)
    assert plan is not None
    assert plan.format == "jpeg" and plan.max_bytes == 30_000_000  # "Max 30 MB each"


def test_cache_key_ignores_the_reference_but_not_the_target() -> None:
    a = plan_conform(video(width=1920, height=1080), OXEN.limits)
    b = plan_conform(video(width=1920, height=1080), OXEN.limits)
    c = plan_conform(video(width=1920, height=1080, seconds=20), OXEN.limits)
    assert a is not None and b is not None and c is not None
    assert a.ref_id != b.ref_id
    assert a.settings_key() == b.settings_key()
    assert a.settings_key() != c.settings_key()


def test_in_point_keeps_the_part_after_it() -> None:
    plan = plan_conform(video(seconds=30), OXEN.limits, in_point_s=8)
    assert plan is not None
    assert plan.start_s == 8
    assert plan.duration_s is not None and 14.5 <= plan.duration_s <= 15
    assert plan.reasons[0] == "start at 8 s"
    short = plan_conform(video(seconds=10), OXEN.limits, in_point_s=4)
    assert short is not None and short.start_s == 4 and short.duration_s is None
    with pytest.raises(ValueError, match="in point"):
        plan_conform(video(seconds=10), OXEN.limits, in_point_s=9.8)


@pytest.mark.parametrize(
    ("seconds", "in_s", "out_s", "start", "keep", "first_reason"),
    [
        (30.0, 0.0, 10.0, 0.0, 10.0, "end at 10 s"),  # an early out point alone forces a copy
        (30.0, 5.0, 12.0, 5.0, 7.0, "start at 5 s"),  # both points: the span between them
        (30.0, 5.0, 25.0, 5.0, 14.95, "start at 5 s"),  # a span over the limit is still trimmed
        (10.0, 2.0, 10.0, 2.0, None, "start at 2 s"),  # an out point at the end changes nothing
    ],
)
def test_in_and_out_points_keep_the_span_between_them(
    seconds: float, in_s: float, out_s: float, start: float, keep: float | None, first_reason: str
) -> None:
    plan = plan_conform(video(seconds=seconds), OXEN.limits, in_point_s=in_s, out_point_s=out_s)
    assert plan is not None
    assert plan.start_s == start
    assert plan.duration_s == keep
    assert plan.reasons[0] == first_reason


def test_out_point_too_close_to_the_in_point_is_refused() -> None:
    with pytest.raises(ValueError, match="in point"):
        plan_conform(video(seconds=10), OXEN.limits, in_point_s=4, out_point_s=4.3)
    assert plan_conform(video(seconds=10), OXEN.limits, out_point_s=None) is None
