"""Picture sources for animatic shots: a still with a slow pan/zoom, a video's own frames,
or a card naming a reference that could not be read. Each yields yuv420p frames of the
output size.

Cropping is done on packed RGB rows (byte slices) and scaling by swscale through
`VideoFrame.reformat`, so no per-pixel Python runs per frame.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import av

from seedance_studio.media.captions import Band, stamp, text_band
from seedance_studio.media.encode_image import load_picture
from seedance_studio.media.geometry import cover_crop

ZOOM = 1.12
"""How far a Ken Burns move zooms (in or out) over one shot."""
SCALER = "FAST_BILINEAR"
CARD_Y = 48


class Source(Protocol):
    def frame(self, shot_t: float, shot_fraction: float) -> Any:
        """The yuv420p picture `shot_t` seconds into a shot (`shot_fraction` of the way)."""
        ...


def crop_rgb(data: bytes, stride: int, x: int, y: int, w: int, h: int) -> Any:
    """An rgb24 VideoFrame holding the `w`×`h` rectangle at (x, y) of packed RGB `data`."""
    out = av.VideoFrame(w, h, "rgb24")
    line = out.planes[0].line_size
    row = w * 3
    pad = bytes(line - row)
    start = y * stride + x * 3
    rows = [data[o:o + row] for o in range(start, start + h * stride, stride)]
    out.planes[0].update(pad.join(rows) + pad if pad else b"".join(rows))
    return out


class StillSource:
    """A picture with a slow zoom and pan; even shots zoom in, odd ones zoom out."""

    def __init__(self, path: Path, width: int, height: int, variant: int) -> None:
        picture = load_picture(path)
        _, _, cw, ch = cover_crop(picture.width, picture.height, width, height)
        # Work on a copy where the zoomed-in crop is exactly the output size: always downscale.
        scale = width * ZOOM / cw
        self.iw = max(width, round(picture.width * scale))
        self.ih = max(height, round(picture.height * scale))
        rgb = picture.reformat(self.iw, self.ih, "rgb24", interpolation="AREA")
        self.stride = rgb.planes[0].line_size
        self.data = bytes(rgb.planes[0])
        self.width, self.height = width, height
        base_w = min(self.iw, round(cw * self.iw / picture.width))
        base_h = min(self.ih, round(ch * self.ih / picture.height))
        self.base = (base_w, base_h)
        self.zoom_in = variant % 2 == 0
        # Pan across the slack the base crop leaves, alternating direction per shot.
        direction = 1 if variant % 4 < 2 else -1
        self.pan_from = 0.5 - 0.25 * direction
        self.pan_to = 0.5 + 0.25 * direction
        self._last: tuple[tuple[int, int, int, int], Any] | None = None

    def frame(self, shot_t: float, shot_fraction: float) -> Any:
        f = _ease(shot_fraction)
        zoom = 1 + (ZOOM - 1) * (f if self.zoom_in else 1 - f)
        w = max(2, min(self.iw, round(self.base[0] / zoom)))
        h = max(2, min(self.ih, round(self.base[1] / zoom)))
        pan = self.pan_from + (self.pan_to - self.pan_from) * f
        x = round((self.iw - w) * pan)
        y = round((self.ih - h) * (1 - pan))
        rect = (x, y, w, h)
        if self._last is not None and self._last[0] == rect:
            return self._last[1]
        crop = crop_rgb(self.data, self.stride, x, y, w, h)
        picture = crop.reformat(self.width, self.height, "yuv420p", interpolation=SCALER)
        self._last = (rect, picture)
        return picture


class MovingSource:
    """A reference video's frames, cropped to fill; it continues where its last shot stopped
    and loops at its end."""

    def __init__(self, path: Path, width: int, height: int) -> None:
        self.path = path
        self.width, self.height = width, height
        self.clock = 0.0
        """Seconds of this video already shown by earlier shots."""
        self._frames: Iterator[Any] | None = None
        self._current: Any = None
        self._next: Any = None
        self._offset = 0.0
        self._cache: tuple[int, Any] | None = None
        self._shot_start: float | None = None

    def begin_shot(self) -> None:
        self._shot_start = None

    def frame(self, shot_t: float, shot_fraction: float) -> Any:
        if self._shot_start is None:
            self._shot_start = self.clock - shot_t
        t = self._shot_start + shot_t
        self.clock = t
        source = self._source_at(t)
        if self._cache is not None and self._cache[0] == id(source):
            return self._cache[1]
        picture = self._fill(source)
        self._cache = (id(source), picture)
        return picture

    def _open(self) -> Iterator[Any]:
        container = av.open(str(self.path))
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"

        def frames() -> Iterator[Any]:
            with container:
                yield from container.decode(stream)

        return frames()

    def _source_at(self, t: float) -> Any:
        if self._frames is None:
            self._frames = self._open()
            self._current = next(self._frames, None)
            self._next = next(self._frames, None)
        while self._next is not None and _seconds(self._next) + self._offset <= t:
            self._current = self._next
            self._next = next(self._frames, None)
            if self._next is None:  # loop: restart the video after its last frame
                self._offset += _seconds(self._current) + 1 / 24
                self._frames = self._open()
                self._next = next(self._frames, None)
                break
        if self._current is None:
            raise av.error.InvalidDataError(0, "the video holds no frames")
        return self._current

    def _fill(self, source: Any) -> Any:
        sw, sh = source.width, source.height
        _, _, w, h = cover_crop(sw, sh, self.width, self.height)
        if (w, h) == (sw, sh):
            return source.reformat(self.width, self.height, "yuv420p", interpolation=SCALER)
        # Scale so the crop is exactly the output, then cut the centre rows/columns.
        scaled_w = max(self.width, round(sw * self.width / w))
        scaled_h = max(self.height, round(sh * self.height / h))
        rgb = source.reformat(scaled_w, scaled_h, "rgb24", interpolation=SCALER)
        ox, oy = (scaled_w - self.width) // 2, (scaled_h - self.height) // 2
        crop = crop_rgb(bytes(rgb.planes[0]), rgb.planes[0].line_size, ox, oy,
                        self.width, self.height)
        return crop.reformat(format="yuv420p")


class CardSource:
    """A plain card naming a reference the renderer could not read (e.g. an offline URL)."""

    def __init__(self, width: int, height: int, lines: list[str], scale: int) -> None:
        blank = av.VideoFrame(width, height, "yuv420p")
        y_plane, u_plane, _ = blank.planes
        for plane, value in zip(blank.planes, (CARD_Y, 128, 128), strict=True):
            plane.update(bytes([value]) * plane.buffer_size)
        top = height // 2 - len(lines) * 10 * scale // 2
        band: Band = text_band([(line, "") for line in lines], top=top, width=width,
                               luma_stride=y_plane.line_size,
                               chroma_stride=u_plane.line_size, scale=scale)
        stamp(blank, [band])
        self.picture = blank

    def frame(self, shot_t: float, shot_fraction: float) -> Any:
        return self.picture


def _seconds(frame: Any) -> float:
    if frame.pts is None or frame.time_base is None:
        return 0.0
    return float(frame.pts * frame.time_base)


def _ease(x: float) -> float:
    """Smooth start and stop (smoothstep), so moves do not jerk at the cuts."""
    x = min(1.0, max(0.0, x))
    return x * x * (3 - 2 * x)
