"""The animatic renderer: pure timing/geometry, text, and real renders probed and decoded."""

from __future__ import annotations

import array
import itertools
import math
import sys
import threading
from pathlib import Path
from typing import Any

import av
import pytest

from seedance_studio.core import capabilities
from seedance_studio.core.probe import probe_file
from seedance_studio.core.reference import Reference
from seedance_studio.media import captions
from seedance_studio.media.animatic import (
    download_reference,
    overlay_boxes,
    render_animatic,
    spec_from_snapshot,
)
from seedance_studio.media.font import normalise, text_width, wrap
from seedance_studio.media.layout import frame_size, plan_shots, resolve_duration
from seedance_studio.media.onsets import audio_onsets, onsets_from_envelope
from seedance_studio.media.progress import MediaCancelledError
from tests.media.conftest import ref, snapshot_of, write_solid, write_tone
from tests.media_factory import make_audio, make_image, make_video

ANIMATIC = capabilities.get("animatic")


@pytest.mark.parametrize(
    ("resolution", "aspect", "size"),
    [
        ("720p", "16:9", (1280, 720)),
        ("720p", "9:16", (720, 1280)),
        ("720p", "1:1", (720, 720)),
        ("720p", "4:3", (960, 720)),
        ("480p", "3:4", (480, 640)),
        ("480p", "16:9", (854, 480)),
        ("480p", "21:9", (1120, 480)),
    ],
)
def test_frame_size(resolution: str, aspect: str, size: tuple[int, int]) -> None:
    assert frame_size(resolution, aspect) == size


def test_every_offered_choice_has_an_even_size() -> None:
    model = ANIMATIC.model()
    for resolution in model.resolutions:
        for aspect in model.aspect_ratios:
            w, h = frame_size(resolution, aspect)
            assert w % 2 == 0 and h % 2 == 0
            assert min(w, h) == int(resolution[:-1])


def test_auto_duration_follows_the_first_audio() -> None:
    assert resolve_duration(8, [3.0], [], lowest=4, highest=15) == 8
    assert resolve_duration("auto", [9.4, 2.0], [], lowest=4, highest=15) == 9
    assert resolve_duration("auto", [], [3.0, 4.0], lowest=4, highest=15) == 7
    assert resolve_duration("auto", [40.0], [], lowest=4, highest=15) == 15
    assert resolve_duration("auto", [], [], lowest=4, highest=15) == 5


def test_shots_cycle_through_visuals_in_order_and_cover_the_render() -> None:
    shots = plan_shots(4, 10.0)
    assert [s.index for s in shots] == [0, 1, 2, 3]
    assert shots[0].start == 0 and shots[-1].end == 10.0
    assert all(a.end == b.start for a, b in itertools.pairwise(shots))
    assert all(s.length == pytest.approx(2.5) for s in shots)


def test_audio_length_sets_the_cut_rhythm() -> None:
    shots = plan_shots(2, 10.0, rhythm_s=4.0)
    assert [s.index for s in shots] == [0, 1, 0, 1, 0]
    assert [round(s.start, 3) for s in shots] == [0, 2, 4, 6, 8]


def test_cuts_snap_to_nearby_onsets() -> None:
    shots = plan_shots(2, 8.0, rhythm_s=8.0, onsets=[1.0, 4.3, 7.0])
    assert [round(s.start, 3) for s in shots] == [0, 4.3]


def test_onsets_are_energy_rises() -> None:
    envelope = [0.0] * 10 + [0.5] + [0.1] * 9 + [0.6] + [0.1] * 9
    found = onsets_from_envelope(envelope)
    assert found == pytest.approx([10 * 0.05, 20 * 0.05])
    assert onsets_from_envelope([0.0] * 30) == []


def test_onsets_found_in_a_click_track(tmp_path: Path) -> None:
    clicks = write_tone(tmp_path / "clicks.wav", 3.0, clicks_every=0.75)
    found = audio_onsets(clicks, 3.0)
    assert len(found) >= 3
    for expected in (0.75, 1.5, 2.25):
        assert min(abs(f - expected) for f in found) < 0.08


def test_captions_keep_case_and_accents_and_wrap_by_width() -> None:
    assert normalise("Draft — @Image1 ×2\tnaïve") == "Draft — @Image1 ×2 naïve"
    font = captions.font_for(2)
    lines = wrap("one two three four five six seven", font, text_width("one two thre", font), 2)
    assert lines[0] == "one two"
    assert lines[1].endswith("…") and len(lines) == 2
    assert all(text_width(line, font) <= text_width("one two thre", font) for line in lines)
    # CJK breaks between characters, with no spaces to break at.
    cjk = wrap("在雨中跳舞的熊猫在雨中跳舞", font, text_width("在雨中跳", font), 5)
    assert "".join(cjk) == "在雨中跳舞的熊猫在雨中跳舞" and len(cjk) >= 3


def test_text_band_draws_antialiased_text_in_the_band() -> None:
    band = captions.text_band(
        [("Iy", "")], top=0, width=80, luma_stride=80, chroma_stride=40, scale=1
    )
    lit = [v for v in band.luma if v > (captions.BACK_Y + captions.TEXT_Y) // 2]
    assert lit and max(band.luma) >= captions.TEXT_Y - 10
    assert band.height % 2 == 0 and len(band.chroma) == 40 * band.height // 2


def _has_cjk_font() -> bool:
    font = captions.font_for(3)
    # A font without the ideograph draws its .notdef box: the same mask as another unknown one.
    return bytes(font.getmask("雨")) != bytes(font.getmask("\U0010fffd"))


@pytest.mark.skipif(
    not _has_cjk_font(), reason="no CJK font (scripts/bootstrap installs fonts-wqy-microhei)"
)
def test_a_chinese_prompt_is_captioned_in_chinese(tmp_path: Path) -> None:
    """The caption band of a rendered frame carries the ideographs themselves: its pixels
    match the Chinese text far better than the same line with '?' or with empty boxes."""
    prompt = "@Image1 熊猫在雨中跳舞"
    refs = [ref(make_image(tmp_path / "a.png", 64, 48))]
    snap = snapshot_of(refs, "animatic", prompt, duration=4, resolution="720p", aspect_ratio="16:9")
    spec = spec_from_snapshot(snap, ANIMATIC)
    out = render_animatic(spec, tmp_path / "zh.mp4")
    frame = decoded_video_frames(out)[12].reformat(format="gray")
    data, stride = bytes(frame.planes[0]), frame.planes[0].line_size
    width, height = frame.width, frame.height
    scale = captions.font_scale(height, width)
    [caption] = [b for b in overlay_boxes(width, height, "", spec.prompt) if b.y > height // 2]
    assert "熊猫在雨中跳舞" in caption.text

    def drawn(text: str) -> list[int]:
        band = captions.text_band(
            [(text, "")],
            top=0,
            width=width,
            luma_stride=width,
            chroma_stride=width // 2,
            scale=scale,
        )
        (box,) = captions.line_boxes([(text, "")], top=0, width=width, scale=scale)
        return [
            band.luma[(box.y + dy) * width + caption.x + dx]
            for dy in range(caption.height)
            for dx in range(caption.width)
        ]

    seen = [
        data[(caption.y + dy) * stride + caption.x + dx]
        for dy in range(caption.height)
        for dx in range(caption.width)
    ]

    def distance(expected: list[int]) -> float:
        return float(sum(abs(a - b) for a, b in zip(seen, expected, strict=True))) / len(seen)

    chinese = distance(drawn(caption.text))
    question_marks = distance(drawn("".join("?" if ord(c) > 0x2E80 else c for c in caption.text)))
    boxes = distance(drawn("".join("\U0010fffd" if ord(c) > 0x2E80 else c for c in caption.text)))
    assert chinese < 20  # H.264 at 720p softens the strokes but keeps them
    assert chinese * 2.5 < question_marks and chinese * 2.5 < boxes
    # And the ideographs' own strokes are lit: the right part of the line is not blank.
    cjk_start = caption.x + text_width("@Image1 ", captions.font_for(scale))
    lit = sum(
        data[(caption.y + dy) * stride + x] > 150
        for dy in range(caption.height)
        for x in range(cjk_start, caption.x + caption.width)
    )
    assert lit > 7 * scale * scale * 10


def composition(tmp_path: Path, **params: Any) -> list[Reference]:
    return [
        ref(make_image(tmp_path / "a.png", 200, 150)),
        ref(make_image(tmp_path / "b.jpg", 120, 160)),
        ref(make_image(tmp_path / "c.webp", 160, 90)),
        ref(make_video(tmp_path / "d.mp4", 160, 120, seconds=1.5)),
        ref(write_tone(tmp_path / "e.wav", 2.0)),
    ]


def decoded_video_frames(path: Path) -> list[Any]:
    with av.open(str(path)) as container:
        return list(container.decode(video=0))


def mean_square(path: Path) -> float:
    resampler = av.AudioResampler(format="s16", layout="mono", rate=8000)
    samples = array.array("h")
    with av.open(str(path)) as container:
        for frame in container.decode(audio=0):
            for out in resampler.resample(frame):
                samples.frombytes(bytes(out.planes[0])[: out.samples * 2])
    if sys.byteorder == "big":
        samples.byteswap()
    return sum(s * s for s in samples) / max(1, len(samples))


def test_animatic_of_images_video_and_audio_is_a_playable_mp4(tmp_path: Path) -> None:
    refs = composition(tmp_path)
    snap = snapshot_of(
        refs,
        "animatic",
        "@Image1 meets @Image2 by @Image3, then @Video1",
        duration=4,
        resolution="480p",
        aspect_ratio="16:9",
    )
    spec = spec_from_snapshot(snap, ANIMATIC)
    assert (spec.width, spec.height, spec.duration_s) == (854, 480, 4.0)
    out = render_animatic(spec, tmp_path / "draft.mp4")
    facts = probe_file(out)
    assert (facts.format, facts.video_codec, facts.audio_codec) == ("mp4", "h264", "aac")
    assert (facts.width, facts.height) == (854, 480)
    assert facts.duration_s == pytest.approx(4.0, abs=0.1)
    assert facts.has_audio
    frames = decoded_video_frames(out)
    assert len(frames) == 4 * 24
    assert mean_square(out) > 1_000_000  # the 440 Hz tone is in the soundtrack


def test_draft_label_and_caption_bands_are_drawn(tmp_path: Path) -> None:
    refs = composition(tmp_path)[:1]
    snap = snapshot_of(
        refs, "animatic", "@Image1 at dawn", duration=4, resolution="480p", aspect_ratio="1:1"
    )
    out = render_animatic(spec_from_snapshot(snap, ANIMATIC), tmp_path / "label.mp4")
    frame = decoded_video_frames(out)[10].reformat(format="gray")
    plane = frame.planes[0]
    data, stride = bytes(plane), plane.line_size
    top = captions.band_height(1, captions.font_scale(480, 480))

    def band_stats(rows: range) -> tuple[float, int]:
        values = [v for y in rows for v in data[y * stride : y * stride + frame.width]]
        dark = sum(v < 60 for v in values) / len(values)
        return dark, sum(v > 180 for v in values)

    dark, bright = band_stats(range(2, top - 2))
    assert dark > 0.6 and bright > 100  # a dark strip with white letters
    dark, bright = band_stats(range(frame.height - top + 2, frame.height - 2))
    assert dark > 0.6 and bright > 50


def test_portrait_720p_and_silence_without_audio(tmp_path: Path) -> None:
    refs = [ref(make_image(tmp_path / "a.png", 64, 48))]
    snap = snapshot_of(refs, "animatic", "", duration=4, resolution="720p", aspect_ratio="9:16")
    out = render_animatic(spec_from_snapshot(snap, ANIMATIC), tmp_path / "tall.mp4")
    facts = probe_file(out)
    assert (facts.width, facts.height) == (720, 1280)
    assert facts.has_audio
    assert mean_square(out) < 10


def test_unreachable_url_becomes_a_card(tmp_path: Path) -> None:
    offline = Reference.from_source("http://127.0.0.1:9/missing.png")
    refs = [offline, ref(make_audio(tmp_path / "a.mp3", seconds=1))]
    snap = snapshot_of(refs, "animatic", "@Image1", duration=4, resolution="480p")
    out = render_animatic(spec_from_snapshot(snap, ANIMATIC), tmp_path / "card.mp4")
    assert probe_file(out).duration_s == pytest.approx(4.0, abs=0.1)


def test_cancelled_render_leaves_no_file(tmp_path: Path) -> None:
    refs = composition(tmp_path)
    snap = snapshot_of(refs, "animatic", "x", duration=10, resolution="480p")
    cancel = threading.Event()

    def progress(value: float) -> None:
        if value > 0.2:
            cancel.set()

    dest = tmp_path / "out" / "never.mp4"
    with pytest.raises(MediaCancelledError):
        render_animatic(spec_from_snapshot(snap, ANIMATIC), dest, progress, cancel)
    assert not dest.exists()
    assert list(dest.parent.iterdir()) == []


def centre_brightness(frame: Any) -> float:
    grey = frame.reformat(format="gray")
    plane = grey.planes[0]
    data, stride = bytes(plane), plane.line_size
    w, h = grey.width, grey.height
    values = [
        data[y * stride + x]
        for y in range(h // 3, 2 * h // 3, 4)
        for x in range(w // 3, 2 * w // 3, 4)
    ]
    return float(sum(values)) / len(values)


def test_images_appear_in_tag_order(tmp_path: Path) -> None:
    refs = [
        ref(write_solid(tmp_path / f"{n}.png", 80, 60, grey))
        for n, grey in (("dark", 40), ("mid", 128), ("light", 220))
    ]
    snap = snapshot_of(refs, "animatic", "", duration=6, resolution="480p")
    frames = decoded_video_frames(
        render_animatic(spec_from_snapshot(snap, ANIMATIC), tmp_path / "order.mp4")
    )
    levels = [centre_brightness(frames[i]) for i in (24, 72, 120)]  # mid-shot, 2 s apart
    assert levels == sorted(levels)
    assert levels[0] < 60 and 100 < levels[1] < 150 and levels[2] > 190


def test_stills_pan_and_zoom(tmp_path: Path) -> None:
    refs = [ref(make_image(tmp_path / "a.png", 320, 240))]
    snap = snapshot_of(refs, "animatic", "", duration=4, resolution="480p")
    frames = decoded_video_frames(
        render_animatic(spec_from_snapshot(snap, ANIMATIC), tmp_path / "move.mp4")
    )
    first = bytes(frames[2].reformat(format="gray").planes[0])
    last = bytes(frames[-3].reformat(format="gray").planes[0])
    changed = sum(abs(a - b) > 24 for a, b in zip(first[::7], last[::7], strict=True))
    assert changed > len(first[::7]) // 10


def test_phone_video_is_shown_upright(tmp_path: Path) -> None:
    phone = ref(make_video(tmp_path / "phone.mp4", 320, 180, seconds=1, rotation=90))
    snap = snapshot_of([phone], "animatic", "", duration=4, resolution="480p", aspect_ratio="9:16")
    frames = decoded_video_frames(
        render_animatic(spec_from_snapshot(snap, ANIMATIC), tmp_path / "phone-draft.mp4")
    )
    grey = frames[12].reformat(format="gray")
    data, stride = bytes(grey.planes[0]), grey.planes[0].line_size
    rows = range(100, grey.height - 100, 3)
    cols = range(20, grey.width - 20, 3)
    row_means = [sum(data[y * stride + x] for x in cols) / len(cols) for y in rows]
    col_means = [sum(data[y * stride + x] for y in rows) / len(rows) for x in cols]
    # The stored picture has vertical stripes: turned upright, brightness changes down the
    # frame (row means differ) and not across it (column means agree).
    assert spread(row_means) > 4 * spread(col_means)


def spread(values: list[float]) -> float:
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))


def test_remote_references_are_downloaded_once(tmp_path: Path, simulator: Any) -> None:
    remote = Reference.from_source(simulator.sample_url("image.png"))
    first = download_reference(remote.source)
    assert first is not None and probe_file(first).format == "png"
    assert download_reference(remote.source) == first
    snap = snapshot_of([remote], "animatic", "@Image1", duration=4, resolution="480p")
    out = render_animatic(spec_from_snapshot(snap, ANIMATIC), tmp_path / "remote.mp4")
    assert probe_file(out).width == 854
    assert download_reference("http://127.0.0.1:9/missing.png") is None
