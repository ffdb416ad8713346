"""Naming media formats: from a file's first bytes, as people say them, and which kind of
reference each can be.

- The first bytes decide (PNG, JPEG, WebP, GIF, WAV, MP3, Matroska/WebM, Ogg, FLAC, ISO media).
- PyAV reports MP4, MOV and M4A as one demuxer ("mov,mp4,m4a,3gp,3g2,mj2"), so the ISO
  `ftyp` major brand separates them: "qt  " is MOV, "M4A "/"M4B " is M4A, "3g*" is 3GP, any
  other brand is MP4. A file with no `ftyp` box at all is classic QuickTime, hence MOV. An
  MP4-family file with sound but no picture is reported as M4A, whatever its brand.
"""

from __future__ import annotations

from seedance_studio.core.i18n import N_, _
from seedance_studio.core.media_facts import MediaFacts, MediaKind

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
        return format_from_brand(head[8:12])
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


def format_from_brand(brand: bytes) -> str:
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


def describe_this(fmt: str) -> str:
    """ "this PNG image", "this MP3 audio": `describe` without its article."""
    label = THIS_LABELS.get(fmt)
    return _(label) if label else _("this {format} file").format(format=fmt.upper())
