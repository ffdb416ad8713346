"""Opaque text bands stamped into YUV 4:2:0 frames: the caption and the "draft" label.

A band spans the frame's full width, so stamping it is one slice per plane; everything is
rendered once per distinct text and reused for every frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from seedance_studio.media.font import ADVANCE, GLYPH_H, GLYPH_W, glyph, normalise

TEXT_Y = 235
"""Video-range white."""
BACK_Y = 24
"""Near black, so the band reads as a strip, not as part of the picture."""
NEUTRAL_UV = 128


@dataclass(frozen=True)
class Band:
    """Rows `top`..`top + height` of a frame: luma bytes and one neutral chroma block."""

    top: int
    height: int
    luma: bytes
    chroma: bytes


def font_scale(height: int, width: int) -> int:
    """Pixels per font unit: 3 at 720p, 2 at 480p (the frame's short side decides)."""
    return max(1, min(height, width) // 240)


def text_band(lines: list[tuple[str, str]], *, top: int, width: int, luma_stride: int,
              chroma_stride: int, scale: int) -> Band:
    """A band with one row of text per line; each line is (left text, right-aligned text)."""
    pad = 2 * scale
    line_h = (GLYPH_H + 3) * scale
    height = _even(2 * pad + line_h * len(lines) - 3 * scale)
    luma = bytearray(bytes([BACK_Y]) * (luma_stride * height))
    for i, (left, right) in enumerate(lines):
        y0 = pad + i * line_h
        _draw(luma, luma_stride, 2 * pad, y0, normalise(left), scale, width)
        if right:
            text = normalise(right)
            x0 = width - 2 * pad - (len(text) * ADVANCE - 1) * scale
            _draw(luma, luma_stride, max(0, x0), y0, text, scale, width)
    chroma = bytes([NEUTRAL_UV]) * (chroma_stride * (height // 2))
    return Band(top=_even(top), height=height, luma=bytes(luma), chroma=chroma)


def band_height(lines: int, scale: int) -> int:
    """The height `text_band` gives `lines` lines at `scale`."""
    return _even(4 * scale + (GLYPH_H + 3) * scale * lines - 3 * scale)


def columns(width: int, scale: int) -> int:
    """How many characters fit across `width` with the band's margins."""
    return max(1, (width - 8 * scale) // (ADVANCE * scale))


def stamp(frame: Any, bands: list[Band]) -> None:
    """Write `bands` into a yuv420p `frame` in place."""
    if not bands:
        return
    ordered = sorted(bands, key=lambda b: b.top)
    for index, plane in enumerate(frame.planes):
        stride = plane.line_size
        data = bytes(plane)
        pieces: list[bytes] = []
        cursor = 0
        for band in ordered:
            shift = 0 if index == 0 else 1
            start = (band.top >> shift) * stride
            block = band.luma if index == 0 else band.chroma
            end = min(len(data), start + len(block))
            pieces.append(data[cursor:start])
            pieces.append(block[: end - start])
            cursor = end
        pieces.append(data[cursor:])
        plane.update(b"".join(pieces))


def _draw(buf: bytearray, stride: int, x0: int, y0: int, text: str, scale: int,
          width: int) -> None:
    run = bytes([TEXT_Y]) * scale
    for n, char in enumerate(text):
        cx = x0 + n * ADVANCE * scale
        if cx + GLYPH_W * scale > width:
            break
        for r, bits in enumerate(glyph(char)):
            if not bits:
                continue
            for c in range(GLYPH_W):
                if bits >> (GLYPH_W - 1 - c) & 1:
                    x = cx + c * scale
                    for dy in range(scale):
                        off = (y0 + r * scale + dy) * stride + x
                        buf[off:off + scale] = run


def _even(value: int) -> int:
    return value + (value & 1)
