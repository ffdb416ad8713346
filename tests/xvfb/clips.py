"""Small colourful H.264 clips for player tests, made with PyAV (no ffmpeg binary needed)."""

from __future__ import annotations

import math
from array import array
from fractions import Fraction
from pathlib import Path

import av

COLOURS: tuple[tuple[int, int, int], ...] = (
    (255, 40, 40),
    (40, 220, 40),
    (40, 80, 255),
    (255, 220, 0),
    (255, 0, 255),
    (0, 220, 255),
)
"""Saturated bars: easy to tell apart from a black or grey background in a screenshot."""


def _frame_rgb(width: int, height: int, index: int) -> bytes:
    bar = max(1, width // len(COLOURS))
    shift = index * 4
    row = b"".join(bytes(COLOURS[((x + shift) // bar) % len(COLOURS)]) for x in range(width))
    return row * height


SAMPLE_RATE = 44100


def _tone(seconds: float) -> bytes:
    count = round(seconds * SAMPLE_RATE)
    return array(
        "f", (0.2 * math.sin(2 * math.pi * 440 * i / SAMPLE_RATE) for i in range(count))
    ).tobytes()


def make_clip(
    path: Path,
    *,
    seconds: float = 3.0,
    fps: int = 25,
    width: int = 320,
    height: int = 240,
    audio: bool = True,
) -> Path:
    """Write moving colour bars (and a quiet tone) as an MP4 at `path` and return it."""
    with av.open(str(path), mode="w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width = width
        stream.height = height
        stream.pix_fmt = "yuv420p"
        stream.options = {"preset": "ultrafast"}
        sound = _add_tone_stream(container) if audio else None
        for index in range(round(seconds * fps)):
            frame = av.VideoFrame(width, height, "rgb24")
            frame.planes[0].update(_frame_rgb(width, height, index))
            frame.pts = index
            frame.time_base = Fraction(1, fps)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
        if sound is not None:
            _mux_tone(container, sound, seconds)
    return path


def _add_tone_stream(container: av.container.OutputContainer) -> av.audio.AudioStream:
    stream = container.add_stream("aac", rate=SAMPLE_RATE)
    stream.layout = "mono"
    return stream


def _mux_tone(
    container: av.container.OutputContainer, stream: av.audio.AudioStream, seconds: float
) -> None:
    pcm = _tone(seconds)
    total = len(pcm) // 4
    pts = 0
    while pts < total:
        count = min(1024, total - pts)
        frame = av.AudioFrame(format="flt", layout="mono", samples=count)
        frame.planes[0].update(pcm[pts * 4 : (pts + count) * 4])
        frame.sample_rate = SAMPLE_RATE
        frame.pts = pts
        frame.time_base = Fraction(1, SAMPLE_RATE)
        for packet in stream.encode(frame):
            container.mux(packet)
        pts += count
    for packet in stream.encode():
        container.mux(packet)
