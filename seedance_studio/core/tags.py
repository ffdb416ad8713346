"""Canonical reference tags (Image1, Video2, Audio1) and the patterns users type for them."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

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


@dataclass(frozen=True)
class TagMatch:
    """A mention-like run of text found in a prompt."""

    start: int
    end: int
    tag: Tag


def find_tag_mentions(text: str) -> list[TagMatch]:
    """Every mention-like run in `text`, left to right."""
    return list(_scan(text))


@functools.lru_cache(maxsize=8)
def _scan(text: str) -> tuple[TagMatch, ...]:
    """One scan per text: a keystroke reads the same prompt several times (binding, the
    snapshot's document, validation); the matches are immutable."""
    found: list[TagMatch] = []
    for m in MENTION_PATTERN.finditer(text):
        kind = m.group("kind") or m.group("bkind")
        num = m.group("num") or m.group("bnum")
        found.append(TagMatch(m.start(), m.end(), Tag(MediaKind(kind.lower()), int(num))))
    return tuple(found)
