"""Probing local media files with PyAV: what a file really holds, whatever its name says.

Every failure becomes a `MediaError(path, reason)` whose reason a user can act on; nothing
from PyAV or the file system escapes as a traceback. The function is plain and synchronous:
callers run it off the UI thread.

How the format is named:
- The first bytes decide (PNG, JPEG, WebP, GIF, WAV, MP3, Matroska/WebM, Ogg, FLAC, ISO media).
- PyAV reports MP4, MOV and M4A as one demuxer ("mov,mp4,m4a,3gp,3g2,mj2"), so the ISO
  `ftyp` major brand separates them: "qt  " is MOV, "M4A "/"M4B " is M4A, "3g*" is 3GP, any
  other brand is MP4. A file with no `ftyp` box at all is classic QuickTime, hence MOV. An
  MP4-family file with sound but no picture is reported as M4A, whatever its brand.
- A file whose content is another *kind* than its extension says (a PNG named .mp4) is an
  error; a different format of the same kind (a WebP named .png) is accepted and reported
  with its real format, which validation can point out.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

from seedance_studio.core.errors import MediaError
from seedance_studio.core.i18n import N_, _
from seedance_studio.core.media_facts import MediaFacts, MediaKind, quarter_turns
from seedance_studio.core.reference import Reference, guess_kind

if TYPE_CHECKING:  # PyAV is imported on the first probe
    from av.audio.stream import AudioStream
    from av.container import InputContainer
    from av.stream import Stream
    from av.video.stream import VideoStream

IMAGE_FORMATS = frozenset({"jpeg", "png", "webp", "gif", "bmp", "tiff", "heic"})
"""Formats that are still pictures (an animated GIF or WebP is still an image reference)."""

FORMAT_LABELS = {
    "jpeg": N_("a JPEG image"),
    "png": N_("a PNG image"),
    "webp": N_("a WebP image"),
    "gif": N_("a GIF image"),
    "bmp": N_("a BMP image"),
    "tiff": N_("a TIFF image"),
    "heic": N_("an HEIC image"),
    "mp4": N_("an MP4 video"),
    "mov": N_("a MOV video"),
    "webm": N_("a WebM video"),
    "mkv": N_("a Matroska video"),
    "avi": N_("an AVI video"),
    "3gp": N_("a 3GP video"),
    "mp3": N_("MP3 audio"),
    "wav": N_("WAV audio"),
    "m4a": N_("M4A audio"),
    "aac": N_("AAC audio"),
    "ogg": N_("Ogg audio"),
    "flac": N_("FLAC audio"),
    "opus": N_("Opus audio"),
}
"""How people name each format, with the article English wants before it (translated where
shown)."""

THIS_LABELS = {
    "jpeg": N_("this JPEG image"),
    "png": N_("this PNG image"),
    "webp": N_("this WebP image"),
    "gif": N_("this GIF image"),
    "bmp": N_("this BMP image"),
    "tiff": N_("this TIFF image"),
    "heic": N_("this HEIC image"),
    "mp4": N_("this MP4 video"),
    "mov": N_("this MOV video"),
    "webm": N_("this WebM video"),
    "mkv": N_("this Matroska video"),
    "avi": N_("this AVI video"),
    "3gp": N_("this 3GP video"),
    "mp3": N_("this MP3 audio"),
    "wav": N_("this WAV audio"),
    "m4a": N_("this M4A audio"),
    "aac": N_("this AAC audio"),
    "ogg": N_("this Ogg audio"),
    "flac": N_("this FLAC audio"),
    "opus": N_("this Opus audio"),
}
"""The same, after "this" (the errors about one file)."""

_HEAD_BYTES = 64
_TAIL_BYTES = 512
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


def sniff_format(head: bytes) -> str | None:
    """The format the first bytes of a file announce, or None when they announce nothing known."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF":
        return {b"WEBP": "webp", b"WAVE": "wav", b"AVI ": "avi"}.get(head[8:12])
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[4:8] == b"ftyp":
        return _format_from_brand(head[8:12])
    if head[4:8] in (b"moov", b"mdat", b"wide", b"free", b"skip"):
        return "mov"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm" if b"webm" in head else "mkv"
    if head.startswith(b"OggS"):
        return "opus" if b"OpusHead" in head else "ogg"
    if head.startswith(b"fLaC"):
        return "flac"
    if head.startswith(b"ID3"):
        return "mp3"
    if len(head) >= 2 and head[0] == 0xFF:
        if head[1] & 0xF6 == 0xF0:
            return "aac"
        if head[1] & 0xE0 == 0xE0:
            return "mp3"
    if head.startswith(b"BM") and len(head) >= 14:
        return "bmp"
    return None


def _format_from_brand(brand: bytes) -> str:
    if brand == b"qt  ":
        return "mov"
    if brand in (b"M4A ", b"M4B ", b"M4P "):
        return "m4a"
    if brand in (b"heic", b"heix", b"mif1", b"msf1", b"avif"):
        return "heic"
    if brand.startswith(b"3g"):
        return "3gp"
    return "mp4"


def kind_of(facts: MediaFacts) -> MediaKind:
    """The kind of reference a probed file can be: still formats are images, pictures that move
    are videos, the rest is audio."""
    if facts.format in IMAGE_FORMATS:
        return MediaKind.IMAGE
    if facts.width is not None:
        return MediaKind.VIDEO
    return MediaKind.AUDIO


def describe(fmt: str) -> str:
    """A format as people say it: "a PNG image", "MP3 audio"."""
    label = FORMAT_LABELS.get(fmt)
    return _(label) if label else _("a {format} file").format(format=fmt.upper())


def _this(fmt: str) -> str:
    """ "this PNG image", "this MP3 audio": `describe` without its article."""
    label = THIS_LABELS.get(fmt)
    return _(label) if label else _("this {format} file").format(format=fmt.upper())


def probe_file(path: str | os.PathLike[str]) -> MediaFacts:
    """Facts about the local file at `path`, read from its content.

    Raises MediaError naming the file when it is missing, empty, not media, damaged,
    truncated, or holds another kind of media than its name says.
    """
    file = _local_path(path)
    shown = str(path)
    head, tail, size = _read_ends(file, shown)
    sniffed = sniff_format(head)
    if sniffed is None and _looks_like_text(head):
        raise MediaError(shown, _("this is a text file, not an image, a video or audio"))
    if sniffed is not None:
        _check_structure(shown, file, sniffed, head, tail, size)
    try:
        facts = _probe_with_av(file, shown, sniffed, size)
    except MediaError:
        raise
    except Exception as exc:  # PyAV raises many types; none may reach the user raw.
        raise MediaError(shown, _explain_av_failure(sniffed, exc)) from exc
    _check_kind_matches_name(shown, file, facts)
    return facts


def reference_from_file(path: str | os.PathLike[str]) -> Reference:
    """A tray reference for a local file; its kind comes from the probed content."""
    file = _local_path(path)
    facts = probe_file(path)
    return Reference(kind=kind_of(facts), source=str(file.absolute()), name=file.name, facts=facts)


# -- reading the file --------------------------------------------------------------------------


def _local_path(path: str | os.PathLike[str]) -> Path:
    text = os.fspath(path)
    if text.startswith("file://"):
        return Path(unquote(urlparse(text).path))
    return Path(text).expanduser()


def _read_ends(file: Path, shown: str) -> tuple[bytes, bytes, int]:
    """The first and last bytes and the size, with file-system errors told plainly."""
    try:
        if file.is_dir():
            raise MediaError(shown, _("this is a folder, not a media file"))
        size = file.stat().st_size
        if size == 0:
            raise MediaError(shown, _("the file is empty (0 bytes)"))
        with file.open("rb") as fh:
            head = fh.read(_HEAD_BYTES)
            fh.seek(max(0, size - _TAIL_BYTES))
            tail = fh.read(_TAIL_BYTES)
    except FileNotFoundError:
        raise MediaError(shown, _("the file does not exist (was it moved or deleted?)")) from None
    except PermissionError:
        raise MediaError(shown, _("the file cannot be read: permission denied")) from None
    except OSError as exc:
        raise MediaError(
            shown, _("the file cannot be read: {error}").format(error=exc.strerror or exc)
        ) from None
    return head, tail, size


def _looks_like_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # A multi-byte character cut at the end of the sample is still text.
        try:
            text = head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return False
    return bool(text) and all(ch.isprintable() or ch in "\r\n\t\ufeff" for ch in text)


def _check_structure(shown: str, file: Path, fmt: str, head: bytes, tail: bytes, size: int) -> None:
    """End-of-data checks that catch truncation PyAV would silently accept (its decoders
    conceal missing image data, and a WAV simply plays shorter)."""
    truncated = False
    if fmt == "png":
        truncated = b"IEND" not in tail and not _has_end(file, size, _png_end)
    elif fmt == "jpeg":
        truncated = b"\xff\xd9" not in tail and not _has_end(file, size, _jpeg_end)
    elif fmt in ("webp", "wav", "avi") and len(head) >= 8:
        (riff_size,) = struct.unpack("<I", head[4:8])
        truncated = riff_size not in (0, 0xFFFFFFFF) and riff_size + 8 > size
    if truncated:
        raise MediaError(
            shown,
            _(
                "{this} is truncated: the file ends early (was a download or copy cut short?)"
            ).format(this=_this(fmt)),
        )


_WALK_LIMIT = 64 * 1024 * 1024
"""Larger images are not walked (nothing accepts them anyway); their tail check stands."""


def _has_end(file: Path, size: int, find_end: Callable[[bytes], bool]) -> bool:
    """Whether the image's own structure reaches its end marker, for files with data after it
    (phone "motion photos" append a whole video after the JPEG)."""
    if size > _WALK_LIMIT:
        return False
    try:
        return find_end(file.read_bytes())
    except OSError:
        return False


def _png_end(data: bytes) -> bool:
    """Walk the PNG chunks; True when IEND is reached before the data runs out."""
    pos = 8
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        if data[pos + 4 : pos + 8] == b"IEND":
            return True
        pos += 12 + length
    return False


def _jpeg_end(data: bytes) -> bool:
    """Walk the JPEG segments and entropy-coded scans; True when EOI is reached. Markers
    inside APPn segments (an EXIF thumbnail's own EOI) are skipped with their segment."""
    pos, n = 2, len(data)
    while pos + 4 <= n:
        if data[pos] != 0xFF:
            return False
        marker = data[pos + 1]
        if marker == 0xD9:
            return True
        if marker == 0xFF:
            pos += 1
            continue
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            pos += 2
            continue
        pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
        if marker != 0xDA:
            continue
        while True:  # entropy-coded data: FF00 is a stuffed byte, FFD0-D7 restart markers
            pos = data.find(b"\xff", pos)
            if pos < 0 or pos + 1 >= n:
                return False
            following = data[pos + 1]
            if following == 0x00 or 0xD0 <= following <= 0xD7:
                pos += 2
            elif following == 0xFF:
                pos += 1
            else:
                break
    return False


# -- PyAV ----------------------------------------------------------------------------------------


@dataclass
class _Scan:
    packets: dict[int, int]
    """Packets read per stream index."""
    decoded_primary: bool
    primary_end_s: float | None
    """Where the primary stream's last packet ends, in seconds from its start."""
    rotation: int = 0
    """The display rotation of the first decoded video frame."""


def _probe_with_av(file: Path, shown: str, sniffed: str | None, size: int) -> MediaFacts:
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
                ).format(this=_this(fmt)),
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
                        ).format(this=_this(fmt)),
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
                    this=_this(fmt), duration=f"{duration:.1f}", end=f"{scan.primary_end_s:.1f}"
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
                shown, _("{this} is damaged: its picture has no size").format(this=_this(fmt))
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
        fmt = sniffed or (_format_from_brand(brand.ljust(4)[:4]) if brand else "mov")
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
            shown, _("{this} is damaged: it has no picture size").format(this=_this(fmt))
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


def _explain_av_failure(sniffed: str | None, exc: Exception) -> str:
    if sniffed is None:
        return _("this is not an image, a video or audio that the app can read")
    if sniffed in ("mp4", "mov", "m4a", "3gp"):
        return _(
            "{this} is damaged or truncated: its index cannot be read "
            "(was a download or copy cut short?)"
        ).format(this=_this(sniffed))
    return _("{this} is damaged and cannot be read ({error})").format(
        this=_this(sniffed), error=_short(exc)
    )


def _short(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return str(text).split(":")[0].strip() or type(exc).__name__


def _check_kind_matches_name(shown: str, file: Path, facts: MediaFacts) -> None:
    named = guess_kind(file.name)
    actual = kind_of(facts)
    if named is None or named is actual:
        return
    raise MediaError(
        shown,
        _(
            "this is {actual}, not {named}, although its name ends in {suffix}; rename it or "
            "pick the right file"
        ).format(
            actual=describe(facts.format), named=_(_KIND_PHRASE[named]), suffix=file.suffix.lower()
        ),
    )


_KIND_PHRASE = {
    MediaKind.IMAGE: N_("an image"),
    MediaKind.VIDEO: N_("a video"),
    MediaKind.AUDIO: N_("audio"),
}
