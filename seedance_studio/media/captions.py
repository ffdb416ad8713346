"""Opaque text bands stamped into YUV 4:2:0 frames: the caption and the "draft" label.

A band spans the frame's full width, so stamping it is one slice per plane; its text is drawn
by Pillow with the caption font (any script the font has: lower case, accents, Chinese),
once per distinct text, and reused for every frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PIL import Image, ImageDraw

from seedance_studio.media.font import Font, caption_font, normalise, text_width, wrap

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
        return (
            self.x < other.x + other.width
            and other.x < self.x + self.width
            and self.y < other.y + other.height
            and other.y < self.y + self.height
        )

    def inside(self, width: int, height: int) -> bool:
        return (
            self.x >= 0
            and self.y >= 0
            and self.x + self.width <= width
            and self.y + self.height <= height
        )


EM_PER_SCALE = 10
"""The caption font's size in pixels per scale unit: 20 px at 480p, 30 px at 720p."""


def font_for(scale: int) -> Font:
    return caption_font(EM_PER_SCALE * scale)


def _metrics(scale: int) -> tuple[int, int, int]:
    """(padding, text height, line pitch) in pixels at `scale`."""
    font = font_for(scale)
    if hasattr(font, "getmetrics"):
        ascent, descent = font.getmetrics()
    else:  # pragma: no cover - Pillow's bitmap font
        ascent, descent = EM_PER_SCALE * scale, 0
    text_h = ascent + descent
    return 2 * scale, text_h, text_h + scale


def _fit(text: str, font: Font, room: int) -> str:
    """The longest start of `text` that fits `room` pixels (drawing drops the rest)."""
    while text and text_width(text, font) > room:
        text = text[:-1]
    return text


def line_boxes(lines: list[tuple[str, str]], *, top: int, width: int, scale: int) -> list[TextBox]:
    """The boxes `text_band` draws `lines` into, so a layout can be checked without pixels.

    Characters that would cross the frame's right edge are dropped, as drawing drops them.
    """
    pad, text_h, pitch = _metrics(scale)
    font = font_for(scale)
    boxes: list[TextBox] = []
    for i, (left, right) in enumerate(lines):
        y0 = _even(top) + pad + i * pitch
        for text, align_right in ((normalise(left), False), (normalise(right), True)):
            if not text:
                continue
            x0 = 2 * pad
            if align_right:
                x0 = max(0, width - 2 * pad - text_width(text, font))
            shown = _fit(text, font, width - x0)
            if shown:
                boxes.append(TextBox(shown, x0, y0, text_width(shown, font), text_h))
    return boxes


def fits_on_line(left: str, right: str, width: int, scale: int) -> bool:
    """Whether `left` and right-aligned `right` share a line with at least a space's width
    between them."""
    font = font_for(scale)
    pad = 2 * scale
    used = text_width(normalise(left), font)
    if right:
        used += max(text_width(" ", font), 2 * scale) + text_width(normalise(right), font)
    return used <= width - 4 * pad


def wrap_caption(text: str, width: int, scale: int, max_lines: int) -> list[str]:
    """`text` wrapped to the band's inner width at `scale`."""
    return wrap(text, font_for(scale), max(1, width - 8 * scale), max_lines)


def text_band(
    lines: list[tuple[str, str]],
    *,
    top: int,
    width: int,
    luma_stride: int,
    chroma_stride: int,
    scale: int,
) -> Band:
    """A band with one row of text per line; each line is (left text, right-aligned text)."""
    height = band_height(len(lines), scale)
    band_top = _even(top)
    image = Image.new("L", (luma_stride, height), BACK_Y)
    draw = ImageDraw.Draw(image)
    font = font_for(scale)
    for box in line_boxes(lines, top=band_top, width=width, scale=scale):
        draw.text((box.x, box.y - band_top), box.text, fill=TEXT_Y, font=font, anchor="la")
    chroma = bytes([NEUTRAL_UV]) * (chroma_stride * (height // 2))
    return Band(top=band_top, height=height, luma=image.tobytes(), chroma=chroma)


def band_height(lines: int, scale: int) -> int:
    """The height `text_band` gives `lines` lines at `scale`."""
    pad, text_h, pitch = _metrics(scale)
    return _even(2 * pad + pitch * max(0, lines - 1) + text_h)


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


def _even(value: int) -> int:
    return value + (value & 1)
