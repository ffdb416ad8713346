"""Tray thumbnails: the Qt-free pixel work (media/thumbnails.py) and its QImage wrapping."""

from __future__ import annotations

import array
import math
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import pytest

from seedance_studio.core.errors import MediaError
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.media.thumbnails import (
    DEFAULT_BOX,
    audio_peaks,
    draw_waveform,
    fit_size,
    make_thumbnail,
)
from seedance_studio.ui.thumbnail_cache import to_qimage
from tests.media_factory import make_audio, make_image, make_video, truncate


def _solid_video(path: Path, rgb: tuple[int, int, int], w: int = 320, h: int = 180) -> Path:
    with av.open(str(path), "w") as out:
        stream: Any = out.add_stream("libx264", rate=24)
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        for i in range(24):
            frame = av.VideoFrame(w, h, "rgb24")
            plane = frame.planes[0]
            plane.update((bytes(rgb) * w + bytes(plane.line_size - w * 3)) * h)
            yuv = frame.reformat(format="yuv420p")
            yuv.pts, yuv.time_base = i, Fraction(1, 24)
            out.mux(stream.encode(yuv))
        out.mux(stream.encode(None))
    return path


def _tone(path: Path, seconds: float = 2.0, rate: int = 8000) -> Path:
    """Silence for the first half, a loud tone for the second."""
    n = int(seconds * rate)
    data = array.array("h", (0 if t < n // 2 else int(20000 * math.sin(t / 3)) for t in range(n)))
    with av.open(str(path), "w", format="wav") as out:
        stream: Any = out.add_stream("pcm_s16le", rate=rate, layout="mono")
        frame = av.AudioFrame(format="s16", layout="mono", samples=n)
        frame.planes[0].update(data.tobytes())
        frame.sample_rate, frame.pts, frame.time_base = rate, 0, Fraction(1, rate)
        out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


@pytest.mark.parametrize(
    ("size", "box", "expected"),
    [
        ((1920, 1080), (192, 108), (192, 108)),
        ((1080, 1920), (192, 108), (60, 108)),
        ((64, 48), (192, 108), (64, 48)),  # never scaled up
        ((101, 51), (192, 108), (100, 50)),  # even sides for the scaler
    ],
)
def test_fit_size(size: tuple[int, int], box: tuple[int, int], expected: tuple[int, int]) -> None:
    assert fit_size(*size, box) == expected


def test_video_thumbnail_shows_the_frame_colour(tmp_path: Path) -> None:
    clip = _solid_video(tmp_path / "red.mp4", (220, 30, 30))
    thumb = make_thumbnail(clip, MediaKind.VIDEO)
    assert (thumb.width, thumb.height) == fit_size(320, 180, DEFAULT_BOX)
    assert len(thumb.rgb) == thumb.width * thumb.height * 3
    r, g, b = thumb.pixel(thumb.width // 2, thumb.height // 2)
    assert r > 180 and g < 80 and b < 80
    image = to_qimage(thumb)
    assert (image.width(), image.height()) == (thumb.width, thumb.height)
    assert image.pixelColor(thumb.width // 2, thumb.height // 2).red() == r


def test_image_thumbnail_keeps_the_aspect_ratio(tmp_path: Path) -> None:
    still = make_image(tmp_path / "tall.png", 60, 120)
    thumb = make_thumbnail(still, MediaKind.IMAGE)
    assert (thumb.width, thumb.height) == (54, 108)


def test_waveform_follows_the_loudness(tmp_path: Path) -> None:
    peaks = audio_peaks(_tone(tmp_path / "tone.wav"), 40)
    assert max(peaks[:18]) < 0.05 and min(peaks[22:]) > 0.9
    thumb = make_thumbnail(tmp_path / "tone.wav", MediaKind.AUDIO, (40, 20))
    background = thumb.pixel(0, 0)
    assert thumb.pixel(35, 2) != background  # the loud half reaches the top
    assert thumb.pixel(5, 2) == background  # the silent half stays a thin line
    assert thumb.pixel(5, 10) != background


def test_silent_audio_draws_a_flat_line(tmp_path: Path) -> None:
    thumb = make_thumbnail(make_audio(tmp_path / "quiet.mp3", 1.0), MediaKind.AUDIO, (30, 16))
    rows_with_ink = {
        y for y in range(16) for x in range(30) if thumb.pixel(x, y) != thumb.pixel(0, 0)
    }
    assert rows_with_ink and len(rows_with_ink) <= 3


def test_draw_waveform_is_pure() -> None:
    thumb = draw_waveform([0.0, 1.0], 2, 10, color=(255, 0, 0), background=(0, 0, 0))
    assert thumb.pixel(1, 1) == (255, 0, 0) and thumb.pixel(0, 1) == (0, 0, 0)


def test_broken_files_raise_media_error_naming_the_file(tmp_path: Path) -> None:
    clip = make_video(tmp_path / "whole.mp4", seconds=1)
    cut = truncate(clip, tmp_path / "cut.mp4", keep=0.05)
    with pytest.raises(MediaError, match=r"cut\.mp4"):
        make_thumbnail(cut, MediaKind.VIDEO)
    mute = make_video(tmp_path / "mute.mp4", seconds=1, audio=False)
    with pytest.raises(MediaError, match=r"mute\.mp4.*no audio"):
        make_thumbnail(mute, MediaKind.AUDIO)
