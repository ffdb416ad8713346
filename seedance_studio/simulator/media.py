"""Real, playable MP4 results (H.264 + AAC) so clients and players exercise true media."""

from __future__ import annotations

import io
import math
import os
import struct
import threading
import wave
import zlib
from array import array
from fractions import Fraction
from pathlib import Path

import av

from seedance_studio.core import paths

FPS = 8
CACHE_VERSION = 2  # bump when the encoded picture or sound changes
SAMPLE_RATE = 44100
TONE_HZ = 441  # an integer number of samples per period at 44.1 kHz
_BAR_COLOURS: tuple[tuple[int, int, int], ...] = (
    (255, 255, 255),
    (255, 220, 0),
    (0, 220, 255),
    (0, 220, 0),
    (255, 0, 255),
    (255, 30, 30),
    (30, 30, 255),
    (20, 20, 20),
)

_locks: dict[tuple[int, int, int], threading.Lock] = {}
_locks_guard = threading.Lock()


def cache_dir() -> Path:
    """Shared across simulator instances (and processes) so each clip is encoded once; in the
    user cache (or the SEEDANCE_STUDIO_HOME in use), never left behind in the temp folder."""
    path = paths.cache_dir() / "simulator-media"
    path.mkdir(parents=True, exist_ok=True)
    return path


def even(value: float) -> int:
    """H.264 with yuv420p needs even dimensions."""
    return max(2, round(value / 2.0) * 2)


def _bars_row(width: int, shift: int) -> bytes:
    row = bytearray()
    bar = max(1, width // len(_BAR_COLOURS))
    for x in range(width):
        row += bytes(_BAR_COLOURS[((x + shift) // bar) % len(_BAR_COLOURS)])
    return bytes(row)


def _gradient_row(width: int, phase: float) -> bytes:
    row = bytearray()
    for x in range(width):
        t = x / max(1, width - 1) * 2 * math.pi + phase
        row += bytes(
            (
                int(127 + 127 * math.sin(t)),
                int(127 + 127 * math.sin(t + 2.1)),
                int(127 + 127 * math.sin(t + 4.2)),
            )
        )
    return bytes(row)


def _frame_bytes(width: int, height: int, index: int, line_size: int) -> bytes:
    """Bars over a gradient; rows padded to the plane's line size (it can exceed width × 3)."""
    pad = b"\x00" * (line_size - width * 3)
    top = height * 2 // 3
    bars = _bars_row(width, index * max(1, width // 40)) + pad
    grad = _gradient_row(width, index * 0.4) + pad
    return bars * top + grad * (height - top)


def _tone_period() -> bytes:
    samples = SAMPLE_RATE // TONE_HZ
    values = array("f", (0.3 * math.sin(2 * math.pi * i / samples) for i in range(samples)))
    return values.tobytes()


def encode_clip(path: Path, width: int, height: int, seconds: int) -> None:
    """Encode moving colour bars plus a tone; duration is exactly `seconds`."""
    with av.open(str(path), mode="w", format="mp4") as container:
        vstream = container.add_stream("libx264", rate=FPS)
        vstream.width = width
        vstream.height = height
        vstream.pix_fmt = "yuv420p"
        vstream.options = {"preset": "ultrafast", "tune": "zerolatency"}
        astream = container.add_stream("aac", rate=SAMPLE_RATE)
        astream.layout = "mono"
        for index in range(seconds * FPS):
            frame = av.VideoFrame(width, height, "rgb24")
            plane = frame.planes[0]
            plane.update(_frame_bytes(width, height, index, plane.line_size))
            frame.pts = index
            frame.time_base = Fraction(1, FPS)
            for packet in vstream.encode(frame):
                container.mux(packet)
        for packet in vstream.encode():
            container.mux(packet)
        period = _tone_period()
        period_len = SAMPLE_RATE // TONE_HZ
        chunk = 1024
        total = seconds * SAMPLE_RATE
        pcm = period * (total // period_len + 2)
        pts = 0
        while pts < total:
            n = min(chunk, total - pts)
            aframe = av.AudioFrame(format="flt", layout="mono", samples=n)
            aframe.planes[0].update(pcm[pts * 4 : (pts + n) * 4])
            aframe.sample_rate = SAMPLE_RATE
            aframe.pts = pts
            aframe.time_base = Fraction(1, SAMPLE_RATE)
            for packet in astream.encode(aframe):
                container.mux(packet)
            pts += n
        for packet in astream.encode():
            container.mux(packet)


def clip_path(width: int, height: int, seconds: int) -> Path:
    """Path of a cached clip, encoding it on first use (thread- and process-safe)."""
    key = (even(width), even(height), max(1, seconds))
    path = cache_dir() / f"clip{CACHE_VERSION}_{key[0]}x{key[1]}_{key[2]}s.mp4"
    if path.exists():
        return path
    with _locks_guard:
        lock = _locks.setdefault(key, threading.Lock())
    with lock:
        if not path.exists():
            tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            encode_clip(tmp, *key)
            tmp.replace(path)
    return path


def png_bytes(width: int = 64, height: int = 64) -> bytes:
    """A tiny colourful PNG for sample reference images (no imaging library needed)."""
    rows = b"".join(b"\x00" + _bars_row(width, y) for y in range(height))

    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def wav_bytes(seconds: float = 3.0) -> bytes:
    """A short 16-bit mono tone for sample reference audio."""
    rate = 22050
    count = int(seconds * rate)
    samples = array("h", (int(8000 * math.sin(2 * math.pi * 440 * i / rate)) for i in range(count)))
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())
    return buf.getvalue()


def probe_duration(data: bytes) -> float | None:
    """Duration in seconds of an uploaded media file, or None when it is not media."""
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            if container.duration is not None:
                return float(container.duration) / 1_000_000
            for stream in container.streams:
                if stream.duration is not None and stream.time_base is not None:
                    return float(stream.duration * stream.time_base)
    except Exception:
        return None
    return None
