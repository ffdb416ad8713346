"""Poster strips for the history gallery: a few frames spread over a clip, for the tile's
picture and for scrubbing by hovering across it. Decoded with PyAV, off the UI thread."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from seedance_studio.core.errors import MediaError
from seedance_studio.core.i18n import _
from seedance_studio.media.thumbnails import Thumbnail, _packed, fit_size

STRIP_FRAMES = 8


@dataclass(frozen=True)
class PosterStrip:
    frames: list[Thumbnail]
    duration_s: float | None


def poster_strip(path: str | Path, box: tuple[int, int], count: int = STRIP_FRAMES) -> PosterStrip:
    """`count` frames at even steps through the clip (the first a little in, past black)."""
    import av

    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise MediaError(str(path), _("has no picture to show"))
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            duration = None
            if stream.duration is not None and stream.time_base is not None:
                duration = float(stream.duration * stream.time_base)
            elif container.duration is not None:
                duration = container.duration / av.time_base
            span = duration or 0.0
            targets = [span * (i + 0.5) / count for i in range(count)]
            frames: list[Thumbnail] = []
            wanted = 0
            # Short clips (seconds long): one decoding pass is cheaper than a seek per frame.
            for frame in container.decode(stream):
                if wanted >= len(targets):
                    break
                if frame.time is not None and frame.time + 1e-6 < targets[wanted]:
                    continue
                w, h = fit_size(frame.width, frame.height, box)
                rgb = frame.reformat(width=w, height=h, format="rgb24")
                thumb = Thumbnail(w, h, _packed(rgb.planes[0], w * 3, h))
                while wanted < len(targets) and (
                    frame.time is None or frame.time + 1e-6 >= targets[wanted]
                ):
                    frames.append(thumb)
                    wanted += 1
            if not frames:
                raise MediaError(str(path), _("no frame could be decoded"))
            while len(frames) < count:
                frames.append(frames[-1])
            return PosterStrip(frames, duration)
    except MediaError:
        raise
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise MediaError(str(path), _("cannot be decoded ({error})").format(error=exc)) from exc
