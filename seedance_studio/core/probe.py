"""Probing local media files with PyAV: what a file really holds, whatever its name says.

Every failure becomes a `MediaError(path, reason)` whose reason a user can act on; nothing
from PyAV or the file system escapes as a traceback. The function is plain and synchronous:
callers run it off the UI thread.

How the format is named is in core/media_formats.py, what PyAV reads in core/pyav_probe.py.
A file whose content is another *kind* than its extension says (a PNG named .mp4) is an
error; a different format of the same kind (a WebP named .png) is accepted and reported with
its real format, which validation can point out.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlparse

from seedance_studio.core.errors import MediaError
from seedance_studio.core.i18n import N_, _
from seedance_studio.core.media_facts import MediaFacts, MediaKind
from seedance_studio.core.media_formats import describe, describe_this, kind_of, sniff_format
from seedance_studio.core.pyav_probe import explain_av_failure, probe_with_av
from seedance_studio.core.reference import Reference, guess_kind

_HEAD_BYTES = 64
_TAIL_BYTES = 512


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
        facts = probe_with_av(file, shown, sniffed, size)
    except MediaError:
        raise
    except Exception as exc:  # PyAV raises many types; none may reach the user raw.
        raise MediaError(shown, explain_av_failure(sniffed, exc)) from exc
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
            ).format(this=describe_this(fmt)),
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
