"""The last frame of a take as a PNG: what a chained shot uses as its first reference image,
so the next shot starts where the previous one ended."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
from av.container import InputContainer

from seedance_studio.core.errors import MediaError
from seedance_studio.core.i18n import _
from seedance_studio.media.progress import atomic_output
from seedance_studio.media.rotation import Upright

TAIL_S = 2.0
"""Seek this far before the end and decode forward: key frames are at most a few seconds apart
in the providers' H.264 output, and decoding two seconds of 1080p takes a fraction of a second."""


def extract_last_frame(video: Path, dest: Path) -> Path:
    """Write the last decodable frame of `video` (turned upright) to `dest` as PNG."""
    try:
        frame = _last_frame(video)
    except (av.FFmpegError, OSError) as exc:
        raise MediaError(
            video.name, _("cannot read its last frame ({error})").format(error=exc)
        ) from exc
    if frame is None:
        raise MediaError(video.name, _("has no video frame to continue from"))
    picture = frame.reformat(format="rgb24")
    ctx = av.CodecContext.create("png", "w")
    ctx.width, ctx.height, ctx.pix_fmt = picture.width, picture.height, "rgb24"
    ctx.time_base = Fraction(1, 25)
    data = b"".join(bytes(p) for p in [*ctx.encode(picture), *ctx.encode(None)])
    with atomic_output(dest) as tmp:
        tmp.write_bytes(data)
    return dest


def _last_frame(video: Path) -> av.VideoFrame | None:
    upright = Upright()
    with av.open(str(video)) as src:
        if not src.streams.video:
            return None
        stream = src.streams.video[0]
        last = _decode_tail(src, stream, seek=True)
        if last is None:  # a file without an index, or a seek past the only key frame
            src.seek(0)
            last = _decode_tail(src, stream, seek=False)
    return None if last is None else upright(last)


def _decode_tail(
    src: InputContainer, stream: av.VideoStream, *, seek: bool
) -> av.VideoFrame | None:
    if seek and src.duration:
        target = max(0.0, src.duration / av.time_base - TAIL_S)
        src.seek(int(target / av.time_base), any_frame=False, backward=True)
    last = None
    for frame in src.decode(stream):
        last = frame
    return last
