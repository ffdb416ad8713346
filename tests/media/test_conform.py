"""Conform real generated media, probe the copies, and prove they now pass validation."""

from __future__ import annotations

import threading
from pathlib import Path

import av
import pytest

from seedance_studio.core import capabilities
from seedance_studio.core.capabilities import ProviderCapabilities
from seedance_studio.core.errors import MediaError
from seedance_studio.core.probe import probe_file
from seedance_studio.core.reference import Reference
from seedance_studio.media import conform as conform_mod
from seedance_studio.media.cache import conformed_dir
from seedance_studio.media.conform import conform, conform_async
from seedance_studio.media.plan import ConformPlan, plan_conform, plan_fix_all
from seedance_studio.media.progress import MediaCancelledError
from tests.media.conftest import (
    NO_PIXEL_RANGE,
    codes,
    conformable_errors,
    ref,
    snapshot_of,
    with_limits,
    write_picture,
    write_tone,
)
from tests.media_factory import make_audio, make_image, make_video

OXEN = capabilities.get("oxen")
SMALL_OK = with_limits("oxen", video=NO_PIXEL_RANGE)
"""Oxen's limits without the 480p floor, so tests about time and size can use tiny clips."""


def fix(
    reference: Reference, caps: ProviderCapabilities, others: list[Reference] | None = None
) -> Reference:
    plan = plan_conform(reference, caps.limits, others or [])
    assert plan is not None, "the reference should need conforming"
    fixed = conform(reference, plan)
    assert fixed.id == reference.id
    assert fixed.name == reference.name
    assert fixed.original_source == reference.source
    assert Path(fixed.source).parent == conformed_dir()
    return fixed


def assert_fixed(
    before: Reference, after: Reference, caps: ProviderCapabilities, expected: set[str]
) -> None:
    """`expected` problems were there before and none is left after."""
    assert expected <= codes(conformable_errors([before], caps))
    assert conformable_errors([after], caps) == []


def test_full_hd_video_is_scaled_into_the_pixel_range(tmp_path: Path) -> None:
    before = ref(make_video(tmp_path / "hd.mp4", 1920, 1080, seconds=0.25))
    after = fix(before, OXEN)
    assert after.facts is not None
    assert (after.facts.width, after.facts.height) == (1110, 624)
    assert after.facts.video_codec == "h264" and after.facts.format == "mp4"
    assert_fixed(before, after, OXEN, {"too_many_pixels"})


def test_small_slow_video_is_scaled_up_and_sped_to_24_fps(tmp_path: Path) -> None:
    before = ref(make_video(tmp_path / "small.mp4", 320, 240, seconds=1, fps=10))
    after = fix(before, OXEN)
    assert after.facts is not None and after.facts.pixels is not None
    assert after.facts.pixels >= 409_600
    assert after.facts.fps is not None and after.facts.fps >= 24
    assert after.facts.duration_s == pytest.approx(1.0, abs=0.1)
    assert_fixed(before, after, OXEN, {"too_few_pixels", "fps_too_low"})


def test_twenty_second_video_is_trimmed_to_fifteen(tmp_path: Path) -> None:
    before = ref(make_video(tmp_path / "long.mp4", 96, 64, seconds=20))
    after = fix(before, SMALL_OK)
    assert after.facts is not None and after.facts.duration_s is not None
    assert 14.5 <= after.facts.duration_s <= 15.0
    assert after.facts.has_audio
    assert_fixed(before, after, SMALL_OK, {"total_duration_too_long"})


def test_three_videos_totalling_thirty_seconds_fit_fifteen_together(tmp_path: Path) -> None:
    clips = [
        ref(make_video(tmp_path / f"c{i}.mp4", 96, 64, seconds=10, audio=False)) for i in range(3)
    ]
    snapshot = snapshot_of(clips)
    plans = plan_fix_all(snapshot, SMALL_OK)
    assert len(plans) == 3
    fixed = [conform(c, p) for c, p in zip(clips, plans, strict=True)]
    total = sum(f.facts.duration_s or 0 for f in fixed if f.facts)
    assert 13.5 <= total <= 15.0
    assert "total_duration_too_long" in codes(conformable_errors(clips, SMALL_OK))
    assert conformable_errors(fixed, SMALL_OK) == []


def test_mov_becomes_h264_mp4_where_only_mp4_is_taken(tmp_path: Path) -> None:
    kinovi = capabilities.get("kinovi")
    before = ref(make_video(tmp_path / "take.mov", 96, 64, seconds=0.5))
    assert before.facts is not None and before.facts.format == "mov"
    after = fix(before, kinovi)
    assert after.facts is not None
    assert (after.facts.format, after.facts.video_codec, after.facts.audio_codec) == (
        "mp4",
        "h264",
        "aac",
    )
    assert_fixed(before, after, kinovi, {"format_not_accepted"})


def test_vp9_webm_becomes_h264_mp4(tmp_path: Path) -> None:
    before = ref(make_video(tmp_path / "web.webm", 96, 64, seconds=0.5, codec="libvpx-vp9"))
    assert before.facts is not None and before.facts.video_codec == "vp9"
    after = fix(before, SMALL_OK)
    assert after.facts is not None
    assert (after.facts.format, after.facts.video_codec) == ("mp4", "h264")
    assert after.facts.audio_codec == "aac"
    assert_fixed(before, after, SMALL_OK, {"format_not_accepted"})


def test_oversized_video_is_shrunk_under_the_cap(tmp_path: Path) -> None:
    source = make_video(tmp_path / "big.mp4", 320, 240, seconds=2, audio=False)
    cap = source.stat().st_size // 2
    caps = with_limits("oxen", video={**NO_PIXEL_RANGE, "max_total_bytes": cap})
    before = ref(source)
    after = fix(before, caps)
    assert after.facts is not None and after.facts.size_bytes < cap
    assert after.facts.duration_s == pytest.approx(2.0, abs=0.1)
    assert_fixed(before, after, caps, {"total_size_too_large"})


def test_twenty_second_wav_is_trimmed(tmp_path: Path) -> None:
    before = ref(make_audio(tmp_path / "long.wav", seconds=20))
    after = fix(before, OXEN)
    assert after.facts is not None and after.facts.duration_s is not None
    assert after.facts.format == "wav"
    assert 14.5 <= after.facts.duration_s <= 15.0
    assert_fixed(before, after, OXEN, {"total_duration_too_long"})


@pytest.mark.parametrize("name", ["voice.m4a", "voice.ogg", "voice.flac"])
def test_other_audio_formats_become_mp3(tmp_path: Path, name: str) -> None:
    before = ref(make_audio(tmp_path / name, seconds=1.5))
    after = fix(before, OXEN)
    assert after.facts is not None
    assert after.facts.format == "mp3"
    assert after.facts.duration_s == pytest.approx(1.5, abs=0.1)
    assert_fixed(before, after, OXEN, {"format_not_accepted"})


def test_oversized_audio_is_shrunk_under_the_cap(tmp_path: Path) -> None:
    source = write_tone(tmp_path / "tone.wav", 3.0)
    cap = source.stat().st_size // 3
    caps = with_limits("oxen", audio={"max_bytes": cap})
    before = ref(source)
    after = fix(before, caps)
    assert after.facts is not None and after.facts.size_bytes < cap
    assert after.facts.format == "mp3"
    assert_fixed(before, after, caps, {"file_too_large"})


@pytest.mark.parametrize(
    ("name", "codec", "pix"), [("photo.bmp", "bmp", "bgr24"), ("photo.tiff", "tiff", "rgb24")]
)
def test_bmp_and_tiff_become_png(tmp_path: Path, name: str, codec: str, pix: str) -> None:
    before = ref(write_picture(tmp_path / name, 120, 80, codec, pix))
    after = fix(before, OXEN)
    assert after.facts is not None
    assert (after.facts.format, after.facts.width, after.facts.height) == ("png", 120, 80)
    assert_fixed(before, after, OXEN, {"format_not_accepted"})


def test_gif_becomes_png(tmp_path: Path) -> None:
    before = ref(make_image(tmp_path / "anim.gif", 64, 48))
    after = fix(before, OXEN)
    assert after.facts is not None and after.facts.format == "png"
    assert_fixed(before, after, OXEN, {"format_not_accepted"})


def test_oversized_image_is_recompressed_under_the_cap(tmp_path: Path) -> None:
    source = write_picture(tmp_path / "noise.png", 300, 200, "png", "rgb24", noise=True)
    cap = source.stat().st_size // 4
    caps = with_limits("oxen", image={"max_bytes": cap})
    before = ref(source)
    after = fix(before, caps)
    assert after.facts is not None and after.facts.size_bytes < cap
    assert after.facts.format == "jpeg"
    assert_fixed(before, after, caps, {"file_too_large"})


def test_huge_image_is_scaled_into_a_pixel_range(tmp_path: Path) -> None:
    caps = with_limits("oxen", image={"max_pixels": 20_000, "min_pixels": 5_000})
    big = fix(ref(make_image(tmp_path / "big.png", 400, 300)), caps)
    assert big.facts is not None and big.facts.pixels is not None
    assert 19_000 <= big.facts.pixels <= 20_000
    assert big.facts.width is not None and big.facts.height is not None
    assert big.facts.width / big.facts.height == pytest.approx(4 / 3, rel=0.02)
    tiny = fix(ref(make_image(tmp_path / "tiny.png", 40, 30)), caps)
    assert tiny.facts is not None and tiny.facts.pixels is not None
    assert tiny.facts.pixels >= 5_000


def test_second_conform_is_a_cache_hit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = ref(make_audio(tmp_path / "a.m4a", seconds=1))
    plan = plan_conform(before, OXEN.limits)
    assert plan is not None
    first = conform(before, plan)
    stamp = Path(first.source).stat().st_mtime_ns

    def must_not_encode(*args: object) -> None:
        raise AssertionError("a cached copy must not be made again")

    monkeypatch.setattr(conform_mod, "_make", must_not_encode)
    again = ref(tmp_path / "a.m4a").model_copy(update={"id": "another"})
    second_plan = plan_conform(again, OXEN.limits)
    assert second_plan is not None
    second = conform(again, second_plan)
    assert second.source == first.source
    assert Path(second.source).stat().st_mtime_ns == stamp


def test_changed_target_makes_a_new_copy(tmp_path: Path) -> None:
    # 1280×720 is inside Oxen's ~720p (921,600 ≤ 927,408 pixels): only a full HD clip needs Fix.
    before = ref(make_video(tmp_path / "hd.mp4", 1920, 1080, seconds=0.25, audio=False))
    assert (
        plan_conform(ref(make_video(tmp_path / "720.mp4", 1280, 720, seconds=0.25)), OXEN.limits)
        is None
    )
    one = fix(before, OXEN)
    other = fix(before, with_limits("oxen", video={"max_pixels": 400_000, "min_pixels": None}))
    assert one.source != other.source
    assert len(list(conformed_dir().iterdir())) == 2


def test_cancel_stops_and_leaves_no_partial_file(tmp_path: Path) -> None:
    before = ref(make_video(tmp_path / "long.mp4", 320, 240, seconds=3, fps=24))
    plan = plan_conform(before, OXEN.limits)
    assert plan is not None
    cancel = threading.Event()
    seen: list[float] = []

    def progress(value: float) -> None:
        seen.append(value)
        if value > 0.05:
            cancel.set()

    with pytest.raises(MediaCancelledError):
        conform(before, plan, progress, cancel)
    assert seen and max(seen) < 0.5
    assert list(conformed_dir().iterdir()) == []


def test_progress_rises_to_one(tmp_path: Path) -> None:
    before = ref(make_video(tmp_path / "v.mp4", 320, 240, seconds=1, fps=10, audio=False))
    plan = plan_conform(before, OXEN.limits)
    assert plan is not None
    seen: list[float] = []
    conform(before, plan, seen.append)
    assert seen == sorted(seen)
    assert seen[-1] == 1.0 and len(seen) > 3


async def test_conform_async_runs_off_the_event_loop(tmp_path: Path) -> None:
    before = ref(write_picture(tmp_path / "p.bmp", 32, 32, "bmp", "bgr24"))
    plan = plan_conform(before, OXEN.limits)
    assert plan is not None
    callers: list[str] = []
    after = await conform_async(
        before, plan, lambda _: callers.append(threading.current_thread().name)
    )
    assert after.facts is not None and after.facts.format == "png"
    assert callers and threading.main_thread().name not in callers


def test_urls_cannot_be_conformed() -> None:
    remote = Reference.from_source("https://cdn.example.com/clip.mov")
    plan = plan_conform(remote, OXEN.limits)
    assert plan is None
    with pytest.raises(MediaError):
        conform(remote, _any_plan(remote))


def _any_plan(reference: Reference) -> ConformPlan:
    return ConformPlan(
        ref_id=reference.id, kind=reference.kind, format="mp4", width=640, height=640, fps=24
    )


def test_probe_of_copy_matches_returned_facts(tmp_path: Path) -> None:
    after = fix(ref(make_audio(tmp_path / "x.m4a", seconds=1)), OXEN)
    assert after.facts == probe_file(after.source)


def grey_frames(path: Path | str) -> list[bytes]:
    with av.open(str(path)) as container:
        return [bytes(f.reformat(format="gray").planes[0]) for f in container.decode(video=0)]


def difference(a: bytes, b: bytes) -> int:
    return sum(abs(x - y) for x, y in zip(a[::5], b[::5], strict=True))


def test_in_point_starts_the_copy_there(tmp_path: Path) -> None:
    before = ref(make_video(tmp_path / "v.mp4", 96, 64, seconds=4, audio=True))
    plan = plan_conform(before, SMALL_OK.limits, in_point_s=2.0)
    assert plan is not None
    after = conform(before, plan)
    assert after.facts is not None and after.facts.duration_s is not None
    assert after.facts.duration_s == pytest.approx(2.0, abs=0.1)
    source, copy = grey_frames(before.source), grey_frames(after.source)
    at_in_point = source[48]  # 2 s at 24 fps
    assert difference(copy[0], at_in_point) < difference(copy[0], source[0])
    assert difference(copy[0], at_in_point) < difference(copy[0], source[24])


def test_phone_rotation_is_applied_to_the_pixels(tmp_path: Path) -> None:
    before = ref(make_video(tmp_path / "phone.mp4", 1920, 1080, seconds=0.25, rotation=90))
    assert before.facts is not None
    assert (before.facts.width, before.facts.height, before.facts.rotation) == (1080, 1920, 90)
    after = fix(before, OXEN)
    assert after.facts is not None
    assert after.facts.rotation == 0
    assert after.facts.height is not None and after.facts.width is not None
    assert after.facts.height > after.facts.width  # still portrait, as the phone showed it
    assert conformable_errors([after], OXEN) == []
    # The stored picture has vertical stripes; turned upright they run across the frame.
    with av.open(after.source) as container:
        frame = next(container.decode(video=0)).reformat(format="gray")
    data, stride = bytes(frame.planes[0]), frame.planes[0].line_size
    rows = range(100, frame.height - 100, 7)
    across = sum(
        abs(data[y * stride + x] - data[y * stride + x + 1])
        for y in rows
        for x in range(100, frame.width - 100, 7)
    )
    down = sum(
        abs(data[y * stride + x] - data[(y + 1) * stride + x])
        for y in rows
        for x in range(100, frame.width - 100, 7)
    )
    assert down > 3 * across
