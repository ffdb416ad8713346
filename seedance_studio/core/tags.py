"""Canonical reference tags (Image1, Video2, Audio1) and the patterns users type for them."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import NamedTuple

from seedance_studio.core.media_facts import MediaKind


@dataclass(frozen=True, order=True)
class Tag:
    """A kind plus a 1-based number among the tray's items of that kind."""

    kind: MediaKind
    number: int

    @property
    def canonical(self) -> str:
        """The tag without its @: `Image1`."""
        return f"{self.kind.label}{self.number}"

    @property
    def mention(self) -> str:
        """How the prompt editor shows a bound mention: `@Image1`."""
        return f"@{self.canonical}"

    def __str__(self) -> str:
        return self.canonical


_KINDS = "|".join(k.value for k in MediaKind)

MENTION_PATTERN = re.compile(
    rf"@\s?(?P<kind>{_KINDS})\s?(?P<num>\d{{1,2}})(?!\d)"
    rf"|\[\s*(?P<bkind>{_KINDS})\s*(?P<bnum>\d{{1,2}})\s*\]",
    re.IGNORECASE,
)
"""What users type or paste for a mention: @Image2, @image 2, @IMAGE2, [Image 2].

The optional space is a single one, so `@ image` at a line end does not swallow the next word.
"""


class TagMatch(NamedTuple):
    """A mention-like run of text found in a prompt (a tuple: a keystroke re-reads a hundred
    of them, and a frozen dataclass costs a microsecond each to build)."""

    start: int
    end: int
    tag: Tag


_KIND_OF = {k.value: k for k in MediaKind}
STARTS = "@["
"""Every mention-like run starts with one of these and holds no other: each run is decided by
the text from its first character on, which is what lets an edit rescan only around itself."""


@functools.lru_cache(maxsize=512)
def _tag(kind: str, number: str) -> Tag:
    return Tag(_KIND_OF[kind.lower()], int(number))


def _match(m: re.Match[str]) -> TagMatch:
    kind = m.group("kind") or m.group("bkind")
    num = m.group("num") or m.group("bnum")
    return TagMatch(m.start(), m.end(), _tag(kind, num))


def find_tag_mentions(text: str) -> list[TagMatch]:
    """Every mention-like run in `text`, left to right."""
    return list(_scan(text))


@functools.lru_cache(maxsize=8)
def _scan(text: str) -> tuple[TagMatch, ...]:
    """One scan per text: a keystroke reads the same prompt several times (binding, the
    snapshot's document, validation); the matches are immutable."""
    return tuple(_match(m) for m in MENTION_PATTERN.finditer(text))


def rescan(text: str, start: int, stop: int) -> list[TagMatch]:
    """The runs of `text` that begin in [start, stop); `start` must be 0 or a run's possible
    first character (see STARTS), so no run is entered half-way."""
    found: list[TagMatch] = []
    pos = start
    while pos < stop:
        m = MENTION_PATTERN.search(text, pos)
        if m is None or m.start() >= stop:
            break
        found.append(_match(m))
        pos = m.end()
    return found
