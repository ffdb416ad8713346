"""Re-encode a still image as JPEG, PNG or WebP at a given size, under a byte cap."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import cast

import av

from seedance_studio.core.errors import MediaError
from seedance_studio.core.i18n import _

JPEG_QUALITIES = (2, 4, 7, 11, 16, 24, 31)
"""MJPEG quantiser steps from best to worst (FFmpeg's -q:v scale, 2..31)."""
WEBP_QUALITIES = (90, 80, 65, 50, 35, 20)
SHRINK_STEP = 0.75
"""How much each side shrinks when even the worst quality is over the byte cap."""


def load_picture(source: Path) -> av.VideoFrame:
    """The first picture of `source` (any format PyAV reads) as a VideoFrame."""
    try:
        with av.open(str(source)) as src:
            for frame in src.decode(video=0):
                return frame
    except av.FFmpegError as exc:
        raise MediaError(
            str(source), _("the picture cannot be decoded ({error})").format(error=exc)
        ) from exc
    raise MediaError(str(source), _("the file holds no picture"))


def encode_picture(
    frame: av.VideoFrame, fmt: str, width: int, height: int, quality_step: int = 0
) -> bytes:
    """`frame` scaled to `width`×`height` and encoded as `fmt` at quality step `quality_step`
    (0 is best; higher steps trade quality for size where the format allows)."""
    if fmt == "png":
        codec, pix, options = "png", ("rgba" if _has_alpha(frame) else "rgb24"), {}
    elif fmt == "webp":
        quality = WEBP_QUALITIES[min(quality_step, len(WEBP_QUALITIES) - 1)]
        codec, pix, options = "libwebp", "yuv420p", {"quality": str(quality)}
    elif fmt == "jpeg":
        q = str(JPEG_QUALITIES[min(quality_step, len(JPEG_QUALITIES) - 1)])
        codec, pix, options = "mjpeg", "yuvj420p", {"qmin": q, "qmax": q}
    else:
        raise ValueError(f"cannot write images as {fmt}")
    ctx = cast(av.VideoCodecContext, av.CodecContext.create(codec, "w"))
    ctx.width, ctx.height, ctx.pix_fmt = width, height, pix
    ctx.time_base = Fraction(1, 25)
    ctx.options = options
    picture = frame.reformat(width, height, pix, interpolation="AREA")
    picture.pts = 0
    packets = list(ctx.encode(picture)) + list(ctx.encode(None))
    return b"".join(bytes(p) for p in packets)


def quality_steps(fmt: str) -> int:
    """How many quality steps `fmt` has (PNG is lossless: one)."""
    return {"jpeg": len(JPEG_QUALITIES), "webp": len(WEBP_QUALITIES)}.get(fmt, 1)


def _has_alpha(frame: av.VideoFrame) -> bool:
    return "a" in str(frame.format.name).replace("gray", "")
