"""A sequence's media: the last frame of a take, the flattened cut, the editor's timeline."""

from __future__ import annotations

from pathlib import Path

import av
import opentimelineio as otio
import pytest

from seedance_studio.core.errors import MediaError
from seedance_studio.media.flatten import flatten, take_duration
from seedance_studio.media.last_frame import extract_last_frame
from seedance_studio.media.timeline import (
    METADATA_KEY,
    TimelineClip,
    TimelineExportError,
    build_timeline,
    write_timeline,
)
from tests.media_factory import make_audio, make_image, make_video


def _frames(path: Path) -> int:
    with av.open(str(path)) as src:
        return sum(1 for _ in src.decode(video=0))


def _streams(path: Path) -> list[str]:
    with av.open(str(path)) as src:
        return [s.type for s in src.streams]


def _rgb(frame: av.VideoFrame) -> bytes:
    return bytes(frame.reformat(format="rgb24").planes[0])


def test_last_frame_is_a_png_of_the_take_size(tmp_path: Path) -> None:
    take = make_video(tmp_path / "take.mp4", 320, 240, seconds=3)
    png = extract_last_frame(take, tmp_path / "last.png")
    with av.open(str(png)) as src:
        stream = src.streams.video[0]
        assert stream.codec_context.name == "png"
        assert (stream.codec_context.width, stream.codec_context.height) == (320, 240)
        saved = _rgb(next(src.decode(video=0)))
    with av.open(str(take)) as src:
        frames = [_rgb(f) for f in src.decode(video=0)]
    assert len(frames) == 72
    assert saved == frames[-1] and saved != frames[-2]


def test_last_frame_of_a_non_video_is_a_media_error(tmp_path: Path) -> None:
    with pytest.raises(MediaError):
        extract_last_frame(make_audio(tmp_path / "a.wav"), tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()


def test_same_format_takes_are_copied_and_last_the_sum(tmp_path: Path) -> None:
    a = make_video(tmp_path / "a.mp4", 160, 120, seconds=2, fps=24)
    b = make_video(tmp_path / "b.mp4", 160, 120, seconds=1.5, fps=24)
    out = flatten([a, b], tmp_path / "cut.mp4")
    assert out.mode == "copy"
    assert take_duration(out.path) == pytest.approx(3.5, abs=1 / 24)
    assert _frames(out.path) == 48 + 36
    assert _streams(out.path) == ["video", "audio"]


def test_takes_that_differ_are_reencoded_to_the_first_size(tmp_path: Path) -> None:
    a = make_video(tmp_path / "a.mp4", 160, 120, seconds=1, fps=24)
    b = make_video(tmp_path / "b.mp4", 320, 240, seconds=1, fps=24, audio=False)
    progress: list[float] = []
    out = flatten([a, b], tmp_path / "cut.mp4", progress=progress.append)
    assert out.mode == "encode"
    assert take_duration(out.path) == pytest.approx(2.0, abs=1 / 24)
    with av.open(str(out.path)) as src:
        ctx = src.streams.video[0].codec_context
        assert (ctx.width, ctx.height) == (160, 120)
        assert src.streams.audio  # the silent take gets silence, not a gap
    assert progress[-1] == 1.0


def test_a_soundtrack_replaces_the_takes_sound(tmp_path: Path) -> None:
    a = make_video(tmp_path / "a.mp4", seconds=1)
    b = make_video(tmp_path / "b.mp4", seconds=1)
    music = make_audio(tmp_path / "music.wav", seconds=5)
    out = flatten([a, b], tmp_path / "cut.mp4", sound=music)
    with av.open(str(out.path)) as src:
        audio = src.streams.audio[0]
        assert len(src.streams.audio) == 1
        assert audio.duration is not None and audio.time_base is not None
        assert float(audio.duration * audio.time_base) == pytest.approx(2.0, abs=0.05)


def test_timeline_round_trips_paths_and_provenance(tmp_path: Path) -> None:
    a = make_video(tmp_path / "a.mp4", seconds=2)
    b = make_video(tmp_path / "b.mp4", seconds=1)
    clips = [
        TimelineClip("Shot 1", a, 2.0, 24, {"prompt": "@Image1 walks", "job_id": 7}),
        TimelineClip("Shot 2", b, 1.0, 24, {"provider": "eachlabs", "cost_usd": "1.51"}),
    ]
    timeline = build_timeline("Trailer", clips, TimelineClip("Music", tmp_path / "m.wav", 3))
    dest = write_timeline(timeline, tmp_path / "cut.otio")
    back = otio.adapters.read_from_file(str(dest))
    found = list(back.find_clips())
    assert [c.name for c in found] == ["Shot 1", "Shot 2", "Music"]
    assert found[0].media_reference.target_url == a.resolve().as_uri()
    assert found[0].metadata[METADATA_KEY]["prompt"] == "@Image1 walks"
    assert found[1].metadata[METADATA_KEY]["cost_usd"] == "1.51"
    assert back.tracks[0].duration().to_seconds() == pytest.approx(3.0)


@pytest.mark.parametrize("suffix", [".xml", ".edl"])
def test_timeline_through_editor_adapters(tmp_path: Path, suffix: str) -> None:
    a = make_video(tmp_path / "a.mp4", seconds=1)
    timeline = build_timeline("Cut", [TimelineClip("Shot 1", a, 1.0, 24)])
    dest = write_timeline(timeline, tmp_path / f"cut{suffix}")
    back = otio.adapters.read_from_file(str(dest))
    assert [c.name for c in back.find_clips()] == ["Shot 1"]


def test_unknown_timeline_format_is_refused(tmp_path: Path) -> None:
    timeline = build_timeline("Cut", [TimelineClip("Shot 1", make_image(tmp_path / "i.png"), 1)])
    with pytest.raises(TimelineExportError, match="unknown timeline format"):
        write_timeline(timeline, tmp_path / "cut.aaf")
