"""The top-level boxes of an MP4 (ISO base media, QuickTime), read without FFmpeg.

Why: after a download the playability check needs to know, in a few small reads, where the
index (`moov`) sits, whether the file holds every box it announces (a cut file does not) and
whether the index names a video track. FFmpeg answers the same only by opening the file and
decoding, which costs tens of milliseconds on a large picture.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass

ReadAt = Callable[[int, int], bytes]
"""(offset, count) -> up to `count` bytes from `offset` (fewer at the end of the file)."""
MAX_BOXES = 100_000
"""A fragmented file has two boxes a fragment; more than this is not a video we made."""
INDEX_LIMIT = 64 << 20
"""An index larger than this is read by FFmpeg, not here."""
FIRST_KINDS = frozenset(
    {b"ftyp", b"styp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot", b"uuid", b"sidx"}
)
"""What an MP4 or QuickTime file starts with; anything else is not one (FFmpeg judges it)."""


class NotBoxesError(ValueError):
    """The bytes are not a sequence of ISO base media boxes."""


@dataclass(frozen=True)
class Box:
    kind: bytes
    offset: int
    size: int
    """Header included; a box announced "to the end" has the rest of the file's size."""
    header: int

    @property
    def end(self) -> int:
        return self.offset + self.size


def _is_kind(kind: bytes) -> bool:
    return all(32 <= c < 127 for c in kind)


def box_at(read_at: ReadAt, offset: int, file_size: int | None) -> Box | None:
    """The box whose header starts at `offset`; None at the end of the file."""
    head = read_at(offset, 16)
    if not head:
        return None
    if len(head) < 8:
        raise NotBoxesError(f"{len(head)} stray bytes at {offset}")
    size, kind = struct.unpack(">I4s", head[:8])
    if not _is_kind(kind):
        raise NotBoxesError(f"no box at {offset}")
    header = 8
    if size == 1:
        if len(head) < 16:
            raise NotBoxesError(f"a cut box header at {offset}")
        size, header = struct.unpack(">Q", head[8:16])[0], 16
    elif size == 0:
        if file_size is None:
            raise NotBoxesError("a box to the end of a file of unknown size")
        size = file_size - offset
    if size < header:
        raise NotBoxesError(f"a box of {size} bytes at {offset}")
    return Box(kind, offset, size, header)


def top_level(read_at: ReadAt, file_size: int | None) -> Iterator[Box]:
    """Every top-level box in order, until the end of the file."""
    offset = 0
    for _ in range(MAX_BOXES):
        box = box_at(read_at, offset, file_size)
        if box is None:
            return
        yield box
        offset = box.end
    raise NotBoxesError("too many boxes")


def _children(data: bytes, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(kind, payload start, payload end) of the boxes in `data[start:end]`."""
    offset = start
    while offset + 8 <= end:
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        header = 8
        if size == 1 and offset + 16 <= end:
            size, header = struct.unpack(">Q", data[offset + 8 : offset + 16])[0], 16
        elif size == 0:
            size = end - offset
        if size < header or offset + size > end:
            return
        yield kind, offset + header, offset + size
        offset += size


def has_video_track(index: bytes) -> bool:
    """Whether a `moov` box's payload holds a track whose handler is `vide`."""
    for kind, start, end in _children(index, 0, len(index)):
        if kind != b"trak":
            continue
        for mdia, m_start, m_end in _children(index, start, end):
            if mdia != b"mdia":
                continue
            for hdlr, h_start, h_end in _children(index, m_start, m_end):
                if hdlr == b"hdlr" and index[h_start:h_end][8:12] == b"vide":
                    return True
    return False
