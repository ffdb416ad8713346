"""Thumbnails as raw RGB pixels: a video frame, a scaled image, or a drawn audio waveform.

Qt-free on purpose: decoding runs on a worker thread and the UI only wraps the bytes in a
QImage, so the pixel work is testable (and reusable by the CLI) without a display.
"""

from __future__ import annotations

import array
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from seedance_studio.core.errors import MediaError
from seedance_studio.core.i18n import _
from seedance_studio.core.media_facts import MediaKind

if TYPE_CHECKING:  # PyAV loads FFmpeg: imported by the decoding functions, not with the UI
    import av

DEFAULT_BOX = (192, 108)
"""The largest thumbnail edge pair; images and frames keep their aspect ratio inside it."""

WAVEFORM_RATE = 4000
"""Samples per second kept for the waveform: plenty for a 192-pixel drawing, cheap to decode."""
WAVEFORM_MAX_SECONDS = 120.0
"""Longer audio is drawn from its first two minutes; decoding the rest would only cost time."""

Rgb = tuple[int, int, int]


@dataclass(frozen=True)
class Thumbnail:
    """Tightly packed rgb24 pixels (stride = width * 3)."""

    width: int
    height: int
    rgb: bytes

    def pixel(self, x: int, y: int) -> Rgb:
        i = (y * self.width + x) * 3
        return self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]


def fit_size(width: int, height: int, box: tuple[int, int]) -> tuple[int, int]:
    """`width`×`height` scaled down (never up) to fit in `box`, each side at least 1 and even."""
    scale = min(box[0] / max(width, 1), box[1] / max(height, 1), 1.0)
    w = max(2, round(width * scale) // 2 * 2)
    h = max(2, round(height * scale) // 2 * 2)
    return w, h


def make_thumbnail(
    path: str | Path, kind: MediaKind, box: tuple[int, int] = DEFAULT_BOX
) -> Thumbnail:
    """The thumbnail for a local file of `kind`; raises MediaError naming the file."""
    match kind:
        case MediaKind.IMAGE | MediaKind.VIDEO:
            return frame_thumbnail(path, box)
        case MediaKind.AUDIO:
            return waveform_thumbnail(path, box)


def frame_thumbnail(
    path: str | Path,
    box: tuple[int, int] = DEFAULT_BOX,
    at_fraction: float = 0.1,
    max_offset_s: float = 1.0,
) -> Thumbnail:
    """A frame a little into a video (past black lead-ins), or the picture of an image file."""
    import av

    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise MediaError(str(path), _("has no picture to show"))
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            target = _seek_target(container, stream, at_fraction, max_offset_s)
            chosen = None
            for frame in container.decode(stream):
                chosen = frame
                if frame.time is None or frame.time >= target:
                    break
            if chosen is None:
                raise MediaError(str(path), _("no frame could be decoded"))
            w, h = fit_size(chosen.width, chosen.height, box)
            rgb = chosen.reformat(width=w, height=h, format="rgb24")
            return Thumbnail(w, h, _packed(rgb.planes[0], w * 3, h))
    except MediaError:
        raise
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise MediaError(str(path), _("cannot be decoded ({error})").format(error=exc)) from exc


def _seek_target(
    container: av.container.InputContainer,
    stream: av.VideoStream,
    at_fraction: float,
    max_offset_s: float,
) -> float:
    """Seconds to show; seeks near it so long videos are not decoded from the start."""
    import av

    duration = None
    if stream.duration is not None and stream.time_base is not None:
        duration = float(stream.duration * stream.time_base)
    elif container.duration is not None:
        duration = container.duration / av.time_base
    if not duration or duration <= 0:
        return 0.0
    target = min(duration * at_fraction, max_offset_s)
    if target > 0.5 and stream.time_base is not None:
        try:
            container.seek(int(target / stream.time_base), stream=stream, backward=True)
        except av.FFmpegError:
            container.seek(0)
    return target


def _packed(plane: av.video.plane.VideoPlane, row_bytes: int, rows: int) -> bytes:
    """Plane bytes without the per-row padding FFmpeg adds for alignment."""
    raw = bytes(plane)
    stride = plane.line_size
    if stride == row_bytes:
        return raw[: row_bytes * rows]
    return b"".join(raw[r * stride : r * stride + row_bytes] for r in range(rows))


def audio_peaks(path: str | Path, columns: int) -> list[float]:
    """Per-column peak level (0..1) of the file's first channel mix, left to right."""
    import av

    samples = array.array("h")
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise MediaError(str(path), _("has no audio to show"))
            stream = container.streams.audio[0]
            resampler = av.AudioResampler(format="s16", layout="mono", rate=WAVEFORM_RATE)
            limit = int(WAVEFORM_MAX_SECONDS * WAVEFORM_RATE)
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    _append_s16(samples, out)
                if len(samples) >= limit:
                    break
            else:
                for out in resampler.resample(None):
                    _append_s16(samples, out)
    except MediaError:
        raise
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise MediaError(str(path), _("cannot be decoded ({error})").format(error=exc)) from exc
    if not samples:
        raise MediaError(str(path), _("holds no audio samples"))
    per = max(1, len(samples) // columns)
    peaks: list[float] = []
    for c in range(columns):
        chunk = samples[c * per : (c + 1) * per]
        peaks.append(max((abs(s) for s in chunk), default=0) / 32768.0)
    top = max(peaks) or 1.0
    return [p / top for p in peaks]


def _append_s16(samples: array.array[int], frame: av.AudioFrame) -> None:
    data = bytes(frame.planes[0])[: frame.samples * 2]
    chunk = array.array("h", data)
    if sys.byteorder == "big":
        chunk.byteswap()
    samples.extend(chunk)


def waveform_thumbnail(
    path: str | Path,
    box: tuple[int, int] = DEFAULT_BOX,
    color: Rgb = (94, 200, 140),
    background: Rgb = (28, 34, 40),
) -> Thumbnail:
    """A mirrored peak waveform filling `box`, drawn from the decoded samples."""
    w, h = box
    peaks = audio_peaks(path, w)
    return draw_waveform(peaks, w, h, color, background)


def draw_waveform(
    peaks: list[float],
    width: int,
    height: int,
    color: Rgb = (94, 200, 140),
    background: Rgb = (28, 34, 40),
) -> Thumbnail:
    """Vertical bars around the middle line, one per column, `peaks` scaled to the height."""
    pixels = bytearray(bytes(background) * (width * height))
    mid = height // 2
    fg = bytes(color)
    for x in range(min(width, len(peaks))):
        half = max(1, int(peaks[x] * (height * 0.45)))
        for y in range(max(0, mid - half), min(height, mid + half + 1)):
            i = (y * width + x) * 3
            pixels[i : i + 3] = fg
    return Thumbnail(width, height, bytes(pixels))
