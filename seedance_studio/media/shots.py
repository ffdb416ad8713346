"""Picture sources for animatic shots: a still with a slow pan/zoom, a video's own frames,
or a card naming a reference that could not be read. Each yields yuv420p frames of the
output size.

Cropping cuts rows out of the yuv420p planes (byte slices) and swscale scales planar YUV
to YUV through `VideoFrame.reformat` (no colour conversion per frame, about 2 ms at 720p),
so no per-pixel Python runs per frame.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import av

from seedance_studio.media.captions import Band, stamp, text_band
from seedance_studio.media.encode_image import load_picture
from seedance_studio.media.geometry import cover_crop
from seedance_studio.media.rotation import Upright

ZOOM = 1.12
"""How far a Ken Burns move zooms (in or out) over one shot."""
SCALER = "FAST_BILINEAR"
CARD_Y = 48


class Source(Protocol):
    def frame(self, shot_t: float, shot_fraction: float) -> av.VideoFrame:
        """The yuv420p picture `shot_t` seconds into a shot (`shot_fraction` of the way)."""
        ...


class Planes:
    """The bytes and strides of a yuv420p picture, kept for cutting rectangles out of it."""

    def __init__(self, frame: av.VideoFrame) -> None:
        if frame.format.name != "yuv420p":
            frame = frame.reformat(format="yuv420p")
        self.width, self.height = int(frame.width), int(frame.height)
        self.data = [bytes(p) for p in frame.planes]
        self.strides = [int(p.line_size) for p in frame.planes]

    def crop(self, x: int, y: int, w: int, h: int) -> av.VideoFrame:
        """A yuv420p VideoFrame of the rectangle (snapped to even numbers for the chroma)."""
        x, y = x & ~1, y & ~1
        w = max(2, min(w & ~1, self.width - x))
        h = max(2, min(h & ~1, self.height - y))
        out = av.VideoFrame(w, h, "yuv420p")
        for index, plane in enumerate(out.planes):
            shift = 0 if index == 0 else 1
            row = w >> shift
            stride = self.strides[index]
            line = plane.line_size
            pad = bytes(line - row)
            start = (y >> shift) * stride + (x >> shift)
            data = self.data[index]
            rows = [data[o : o + row] for o in range(start, start + (h >> shift) * stride, stride)]
            plane.update(pad.join(rows) + pad if pad else b"".join(rows))
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
        self.iw += self.iw & 1
        self.ih += self.ih & 1
        self.planes = Planes(picture.reformat(self.iw, self.ih, "yuv420p", interpolation="AREA"))
        self.width, self.height = width, height
        base_w = min(self.iw, round(cw * self.iw / picture.width))
        base_h = min(self.ih, round(ch * self.ih / picture.height))
        self.base = (base_w, base_h)
        self.zoom_in = variant % 2 == 0
        # Pan across the slack the base crop leaves, alternating direction per shot.
        direction = 1 if variant % 4 < 2 else -1
        self.pan_from = 0.5 - 0.25 * direction
        self.pan_to = 0.5 + 0.25 * direction
        self._last: tuple[tuple[int, int, int, int], av.VideoFrame] | None = None

    def frame(self, shot_t: float, shot_fraction: float) -> av.VideoFrame:
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
        crop = self.planes.crop(x, y, w, h)
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
        self._frames: Iterator[av.VideoFrame] | None = None
        self._current: av.VideoFrame | None = None
        self._next: av.VideoFrame | None = None
        self._offset = 0.0
        self._cache: tuple[int, av.VideoFrame] | None = None
        self._shot_start: float | None = None

    def begin_shot(self) -> None:
        self._shot_start = None

    def frame(self, shot_t: float, shot_fraction: float) -> av.VideoFrame:
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

    def _open(self) -> Iterator[av.VideoFrame]:
        container = av.open(str(self.path))
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"

        upright = Upright()

        def frames() -> Iterator[av.VideoFrame]:
            with container:
                for frame in container.decode(stream):
                    yield upright(frame)

        return frames()

    def _source_at(self, t: float) -> av.VideoFrame:
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

    def _fill(self, source: av.VideoFrame) -> av.VideoFrame:
        x, y, w, h = cover_crop(source.width, source.height, self.width, self.height)
        if (w, h) != (source.width, source.height):
            source = Planes(source).crop(x, y, w, h)
        return source.reformat(self.width, self.height, "yuv420p", interpolation=SCALER)


class CardSource:
    """A plain card naming a reference the renderer could not read (e.g. an offline URL)."""

    def __init__(self, width: int, height: int, lines: list[str], scale: int) -> None:
        blank = av.VideoFrame(width, height, "yuv420p")
        y_plane, u_plane, _ = blank.planes
        for plane, value in zip(blank.planes, (CARD_Y, 128, 128), strict=True):
            plane.update(bytes([value]) * plane.buffer_size)
        top = height // 2 - len(lines) * 10 * scale // 2
        band: Band = text_band(
            [(line, "") for line in lines],
            top=top,
            width=width,
            luma_stride=y_plane.line_size,
            chroma_stride=u_plane.line_size,
            scale=scale,
        )
        stamp(blank, [band])
        self.picture = blank

    def frame(self, shot_t: float, shot_fraction: float) -> av.VideoFrame:
        return self.picture


def _seconds(frame: av.VideoFrame) -> float:
    if frame.pts is None or frame.time_base is None:
        return 0.0
    return float(frame.pts * frame.time_base)


def _ease(x: float) -> float:
    """Smooth start and stop (smoothstep), so moves do not jerk at the cuts."""
    x = min(1.0, max(0.0, x))
    return x * x * (3 - 2 * x)
