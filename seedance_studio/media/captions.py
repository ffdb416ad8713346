"""Opaque text bands stamped into YUV 4:2:0 frames: the caption and the "draft" label.

A band spans the frame's full width, so stamping it is one slice per plane; everything is
rendered once per distinct text and reused for every frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from seedance_studio.media.font import ADVANCE, GLYPH_H, GLYPH_W, glyph, normalise

if TYPE_CHECKING:
    import av

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


@dataclass(frozen=True)
class TextBox:
    """Where one run of text lands in the frame: the pixels its glyphs can cover, in frame
    coordinates, and the (normalised) text actually drawn there."""

    text: str
    x: int
    y: int
    width: int
    height: int

    def overlaps(self, other: TextBox) -> bool:
        return (self.x < other.x + other.width and other.x < self.x + self.width
                and self.y < other.y + other.height and other.y < self.y + self.height)

    def inside(self, width: int, height: int) -> bool:
        return (self.x >= 0 and self.y >= 0 and self.x + self.width <= width
                and self.y + self.height <= height)


def line_boxes(lines: list[tuple[str, str]], *, top: int, width: int,
               scale: int) -> list[TextBox]:
    """The boxes `text_band` draws `lines` into, so a layout can be checked without pixels.

    Characters that would cross the frame's right edge are dropped, as drawing drops them.
    """
    pad = 2 * scale
    line_h = (GLYPH_H + 3) * scale
    boxes: list[TextBox] = []
    for i, (left, right) in enumerate(lines):
        y0 = _even(top) + pad + i * line_h
        for text, align_right in ((normalise(left), False), (normalise(right), True)):
            if not text:
                continue
            x0 = 2 * pad
            if align_right:
                x0 = max(0, width - 2 * pad - _text_width(text, scale))
            fits = max(0, (width - x0 + scale) // (ADVANCE * scale))
            shown = text[:fits]
            if shown:
                boxes.append(TextBox(shown, x0, y0, _text_width(shown, scale), GLYPH_H * scale))
    return boxes


def fits_on_line(left: str, right: str, width: int, scale: int) -> bool:
    """Whether `left` and right-aligned `right` share a line with at least one blank
    character between them."""
    used = len(normalise(left)) + (len(normalise(right)) + 1 if right else 0)
    return used <= columns(width, scale)


def text_band(lines: list[tuple[str, str]], *, top: int, width: int, luma_stride: int,
              chroma_stride: int, scale: int) -> Band:
    """A band with one row of text per line; each line is (left text, right-aligned text)."""
    height = band_height(len(lines), scale)
    band_top = _even(top)
    luma = bytearray(bytes([BACK_Y]) * (luma_stride * height))
    for box in line_boxes(lines, top=band_top, width=width, scale=scale):
        _draw(luma, luma_stride, box.x, box.y - band_top, box.text, scale, width)
    chroma = bytes([NEUTRAL_UV]) * (chroma_stride * (height // 2))
    return Band(top=band_top, height=height, luma=bytes(luma), chroma=chroma)


def band_height(lines: int, scale: int) -> int:
    """The height `text_band` gives `lines` lines at `scale`."""
    return _even(4 * scale + (GLYPH_H + 3) * scale * lines - 3 * scale)


def columns(width: int, scale: int) -> int:
    """How many characters fit across `width` with the band's margins."""
    return max(1, (width - 8 * scale) // (ADVANCE * scale))


def stamp(frame: av.VideoFrame, bands: list[Band]) -> None:
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


def _text_width(text: str, scale: int) -> int:
    return (len(text) * ADVANCE - 1) * scale


def _even(value: int) -> int:
    return value + (value & 1)
