"""Real media files for tests, generated with PyAV (no numpy, no fixtures on disk).

Every function writes the file at `path` and returns it as a Path. The format comes from the
extension unless given. Keep sizes small (e.g. 160×120, 1 s): libx264 is fast at that size.
H.264 needs even widths and heights.

    make_video(tmp_path / "clip.mp4", 640, 640, seconds=2, fps=24)
    make_video(tmp_path / "clip.mov", audio=False)
    make_image(tmp_path / "face.webp", 64, 48)
    make_audio(tmp_path / "beat.mp3", seconds=1.5)
    truncate(src, tmp_path / "cut.mp4", keep=0.5)
"""

from __future__ import annotations

import functools
import shutil
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

_CONTAINERS = {".mp4": "mp4", ".m4v": "mp4", ".mov": "mov", ".webm": "webm", ".mkv": "matroska"}
_IMAGE_CODECS = {
    "png": ("png", "rgb24"),
    "jpeg": ("mjpeg", "yuvj420p"),
    "webp": ("libwebp", "yuv420p"),
    "gif": ("gif", "rgb8"),
}
_AUDIO = {
    "wav": ("wav", "pcm_s16le"),
    "mp3": ("mp3", "libmp3lame"),
    "m4a": ("ipod", "aac"),
    "flac": ("flac", "flac"),
    "ogg": ("ogg", "libopus"),
}


_PATTERN_FRAMES = 8
"""Distinct frames a video cycles through: enough motion for encoders, cheap to build."""


@functools.cache
def _pattern_rows(width: int, height: int, line_size: int, index: int) -> bytes:
    row = bytes((x * 3 + index * 7) % 256 for x in range(line_size))
    return b"".join(row[y % 5 :] + row[: y % 5] for y in range(height))


def _pattern_frame(width: int, height: int, index: int) -> av.VideoFrame:
    """An RGB frame whose rows shift with `index`, so encoders see motion and real content."""
    frame = av.VideoFrame(width, height, "rgb24")
    plane = frame.planes[0]
    plane.update(_pattern_rows(width, height, plane.line_size, index % _PATTERN_FRAMES))
    return frame


def make_video(
    path: Path | str,
    width: int = 160,
    height: int = 120,
    seconds: float = 1.0,
    fps: int = 24,
    audio: bool = True,
    codec: str = "h264",
    *,
    container: str | None = None,
    faststart: bool = False,
    rotation: int = 0,
) -> Path:
    """A video of `seconds` at `fps` (rounded to whole frames), with a silent AAC (or Opus for
    WebM) track when `audio`. `faststart` puts the MP4/MOV index first, as web files do.
    `rotation` (degrees counter-clockwise) is stored as display metadata, as phones do."""
    path = Path(path)
    fmt = container or _CONTAINERS.get(path.suffix.lower(), "mp4")
    options = {"movflags": "faststart"} if faststart else {}
    with av.open(str(path), "w", format=fmt, options=options) as out:
        fast = {"preset": "ultrafast"} if codec in ("h264", "libx264") else {}
        vstream: Any = out.add_stream(codec, rate=fps, options=fast)
        vstream.width, vstream.height, vstream.pix_fmt = width, height, "yuv420p"
        if rotation:
            vstream.set_display_rotation(rotation)
        astream: Any = None
        if audio:
            acodec = "libopus" if fmt in ("webm", "matroska") else "aac"
            astream = out.add_stream(
                acodec, rate=48000 if acodec == "libopus" else 44100, layout="mono"
            )
        frames = [
            _pattern_frame(width, height, i).reformat(format="yuv420p")
            for i in range(_PATTERN_FRAMES)
        ]
        for i in range(max(1, round(seconds * fps))):
            frame = frames[i % _PATTERN_FRAMES]
            frame.pts = i
            frame.time_base = Fraction(1, fps)
            out.mux(vstream.encode(frame))
        out.mux(vstream.encode(None))
        if astream is not None:
            _write_silence(out, astream, seconds)
    return path


def make_image(path: Path | str, width: int = 64, height: int = 48, fmt: str | None = None) -> Path:
    """A still image (png, jpeg, webp or gif) of `width` × `height`."""
    path = Path(path)
    fmt = fmt or path.suffix.lower().lstrip(".").replace("jpg", "jpeg")
    codec_name, pix_fmt = _IMAGE_CODECS[fmt]
    ctx: Any = av.CodecContext.create(codec_name, "w")
    ctx.width, ctx.height, ctx.pix_fmt = width, height, pix_fmt
    ctx.time_base = Fraction(1, 25)
    frame = _pattern_frame(width, height, 0).reformat(format=pix_fmt)
    packets = list(ctx.encode(frame)) + list(ctx.encode(None))
    path.write_bytes(b"".join(bytes(p) for p in packets))
    return path


def make_audio(
    path: Path | str, seconds: float = 1.0, fmt: str | None = None, sample_rate: int = 44100
) -> Path:
    """A silent mono clip (wav, mp3, m4a, flac or ogg) of `seconds`."""
    path = Path(path)
    fmt = fmt or path.suffix.lower().lstrip(".")
    container, codec = _AUDIO[fmt]
    if codec == "libopus":
        sample_rate = 48000
    with av.open(str(path), "w", format=container) as out:
        stream: Any = out.add_stream(codec, rate=sample_rate, layout="mono")
        _write_silence(out, stream, seconds)
    return path


def _write_silence(out: Any, stream: Any, seconds: float) -> None:
    ctx = stream.codec_context
    rate = int(ctx.sample_rate)
    chunk = int(ctx.frame_size or 1024)
    total = round(seconds * rate)
    pts = 0
    while pts < total:
        samples = min(chunk, total - pts)
        frame = av.AudioFrame(format=ctx.format.name, layout="mono", samples=samples)
        for plane in frame.planes:
            plane.update(bytes(plane.buffer_size))
        frame.sample_rate = rate
        frame.pts = pts
        frame.time_base = Fraction(1, rate)
        out.mux(stream.encode(frame))
        pts += samples
    out.mux(stream.encode(None))


def truncate(src: Path | str, dest: Path | str, keep: float = 0.5) -> Path:
    """A copy of `src` cut to `keep` of its bytes, like an interrupted download."""
    data = Path(src).read_bytes()
    dest = Path(dest)
    dest.write_bytes(data[: max(1, int(len(data) * keep))])
    return dest


def copy_as(src: Path | str, dest: Path | str) -> Path:
    """`src` copied under another name, e.g. a PNG named clip.mp4."""
    return Path(shutil.copyfile(src, dest))


def write_text(path: Path | str, text: str = "this is not media\n") -> Path:
    path = Path(path)
    path.write_text(text, "utf-8")
    return path
