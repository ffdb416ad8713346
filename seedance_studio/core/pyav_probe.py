"""What PyAV finds in a local media file: its streams, whether their data decodes and runs
to the end the container promises, and the facts the tray shows.

PyAV is imported on the first probe, not at app start; every failure it meets is a
`MediaError` a user can act on, or an exception `explain_av_failure` turns into one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from seedance_studio.core.errors import MediaError
from seedance_studio.core.i18n import _
from seedance_studio.core.media_facts import MediaFacts, quarter_turns
from seedance_studio.core.media_formats import IMAGE_FORMATS, describe_this, format_from_brand

if TYPE_CHECKING:  # PyAV is imported on the first probe
    from av.audio.stream import AudioStream
    from av.container import InputContainer
    from av.stream import Stream
    from av.video.stream import VideoStream

_MOV_FAMILY = "mov,mp4,m4a,3gp,3g2,mj2"
_AV_FORMATS = {
    "png_pipe": "png",
    "jpeg_pipe": "jpeg",
    "webp_pipe": "webp",
    "gif": "gif",
    "gif_pipe": "gif",
    "bmp_pipe": "bmp",
    "tiff_pipe": "tiff",
    "wav": "wav",
    "mp3": "mp3",
    "aac": "aac",
    "ogg": "ogg",
    "flac": "flac",
    "avi": "avi",
    "matroska,webm": "webm",
}


@dataclass
class _Scan:
    packets: dict[int, int]
    """Packets read per stream index."""
    decoded_primary: bool
    primary_end_s: float | None
    """Where the primary stream's last packet ends, in seconds from its start."""
    rotation: int = 0
    """The display rotation of the first decoded video frame."""


def probe_with_av(file: Path, shown: str, sniffed: str | None, size: int) -> MediaFacts:
    import av  # PyAV loads FFmpeg (~0.1 s): imported on the first probe, not at app start

    with av.open(str(file), mode="r", metadata_errors="ignore") as container:
        streams: list[Stream] = list(container.streams)
        videos = [s for s in streams if isinstance(s, av.VideoStream) and not _is_cover_art(s)]
        audios = [s for s in streams if isinstance(s, av.AudioStream)]
        fmt = _normalise_format(container, sniffed, bool(videos), bool(audios))
        if not videos and not audios:
            raise MediaError(shown, _("the file holds no picture and no sound"))
        primary = videos[0] if videos else audios[0]
        scan = _scan(container, primary)
        if not scan.decoded_primary:
            raise MediaError(
                shown,
                (
                    _("{this} is damaged: its picture data cannot be decoded")
                    if videos
                    else _("{this} is damaged: its sound data cannot be decoded")
                ).format(this=describe_this(fmt)),
            )
        if container.format.name == _MOV_FAMILY:
            for stream in (*videos, *audios):
                expected = int(stream.frames or 0)
                if expected and scan.packets.get(stream.index, 0) < expected:
                    raise MediaError(
                        shown,
                        _(
                            "{this} is truncated: it holds less data than its index lists "
                            "(was a download or copy cut short?)"
                        ).format(this=describe_this(fmt)),
                    )
        if fmt in IMAGE_FORMATS:
            return _image_facts(fmt, size, videos[0], shown)
        duration = _duration(container, primary)
        if (
            duration is not None
            and scan.primary_end_s is not None
            and scan.primary_end_s < duration * 0.95 - 0.25
        ):
            raise MediaError(
                shown,
                _(
                    "{this} is truncated: it says it lasts {duration} s but its data stops at "
                    "{end} s (was a download or copy cut short?)"
                ).format(
                    this=describe_this(fmt),
                    duration=f"{duration:.1f}",
                    end=f"{scan.primary_end_s:.1f}",
                ),
            )
        video = videos[0] if videos else None
        audio = audios[0] if audios else None
        width = int(video.codec_context.width) if video is not None else None
        height = int(video.codec_context.height) if video is not None else None
        if scan.rotation in (90, 270):
            width, height = height, width
        if video is not None and not (width and height):
            raise MediaError(
                shown,
                _("{this} is damaged: its picture has no size").format(this=describe_this(fmt)),
            )
        return MediaFacts(
            format=fmt,
            size_bytes=size,
            duration_s=duration,
            width=width,
            height=height,
            fps=_fps(video) if video is not None else None,
            has_audio=audio is not None,
            rotation=scan.rotation if video is not None else 0,
            video_codec=video.codec_context.name if video is not None else None,
            audio_codec=audio.codec_context.name if audio is not None else None,
        )


def _is_cover_art(stream: Stream) -> bool:
    """An MP3's or M4A's embedded cover is a one-picture "video" stream; it is not video."""
    import av

    disposition = getattr(stream, "disposition", 0)
    return bool(int(disposition) & int(av.stream.Disposition.attached_pic))


def _normalise_format(
    container: InputContainer, sniffed: str | None, has_video: bool, has_audio: bool
) -> str:
    name = str(container.format.name)
    if name == _MOV_FAMILY:
        brand = str(container.metadata.get("major_brand", "")).encode("latin-1", "replace")
        fmt = sniffed or (format_from_brand(brand.ljust(4)[:4]) if brand else "mov")
        if fmt in ("mp4", "mov", "3gp") and has_audio and not has_video:
            return "m4a"
        return fmt
    if name == "image2":
        return sniffed or str(container.streams[0].codec_context.name).replace("mjpeg", "jpeg")
    return sniffed or _AV_FORMATS.get(name, name.split(",")[0])


def _scan(container: InputContainer, primary: VideoStream | AudioStream) -> _Scan:
    """Read every packet (counting them per stream) and decode the primary stream's first
    frame, which proves the data is not garbage behind a valid header."""
    packets: dict[int, int] = {}
    decoded = False
    rotation = 0
    end: int | None = None
    for packet in container.demux():
        if packet.size == 0:
            continue
        packets[packet.stream.index] = packets.get(packet.stream.index, 0) + 1
        if packet.stream.index != primary.index:
            continue
        if packet.pts is not None:
            end = max(end or 0, packet.pts + (packet.duration or 0))
        if not decoded:
            frames = packet.decode()
            decoded = bool(frames)
            rotation = _rotation(frames)
    if not decoded:
        # Decoders with delay (B-frames) hand out their first frame only when flushed.
        flushed = primary.codec_context.decode(None)
        decoded = bool(flushed)
        rotation = _rotation(flushed)
    end_s = None
    if end is not None and primary.time_base is not None:
        start = primary.start_time or 0
        end_s = float((end - start) * Fraction(primary.time_base))
    return _Scan(packets, decoded, end_s, rotation)


def _rotation(frames: Sequence[object]) -> int:
    """A frame's display rotation normalised to 0, 90, 180 or 270."""
    import av

    if not frames or not isinstance(frames[0], av.VideoFrame):
        return 0
    return quarter_turns(getattr(frames[0], "rotation", 0))


def _image_facts(fmt: str, size: int, stream: VideoStream, shown: str) -> MediaFacts:
    width, height = int(stream.codec_context.width), int(stream.codec_context.height)
    if not (width and height):
        raise MediaError(
            shown, _("{this} is damaged: it has no picture size").format(this=describe_this(fmt))
        )
    return MediaFacts(
        format=fmt,
        size_bytes=size,
        width=width,
        height=height,
        video_codec=stream.codec_context.name,
    )


def _duration(container: InputContainer, stream: Stream) -> float | None:
    import av

    if container.duration is not None and container.duration > 0:
        return round(float(container.duration) / av.time_base, 3)
    if stream.duration is not None and stream.time_base is not None:
        return round(float(stream.duration * Fraction(stream.time_base)), 3)
    return None


def _fps(stream: VideoStream) -> float | None:
    rate = stream.average_rate or stream.guessed_rate or stream.base_rate
    return round(float(rate), 3) if rate else None


def explain_av_failure(sniffed: str | None, exc: Exception) -> str:
    if sniffed is None:
        return _("this is not an image, a video or audio that the app can read")
    if sniffed in ("mp4", "mov", "m4a", "3gp"):
        return _(
            "{this} is damaged or truncated: its index cannot be read "
            "(was a download or copy cut short?)"
        ).format(this=describe_this(sniffed))
    return _("{this} is damaged and cannot be read ({error})").format(
        this=describe_this(sniffed), error=_short(exc)
    )


def _short(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return str(text).split(":")[0].strip() or type(exc).__name__
