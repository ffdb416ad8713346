"""Each provider's way of writing tags, and the one function that compiles a prompt to it."""

from __future__ import annotations

import re
from enum import StrEnum

from seedance_studio.core.errors import CompositionError
from seedance_studio.core.i18n import _
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.core.prompt import PromptDocument
from seedance_studio.core.tags import Tag
from seedance_studio.core.tray import ReferenceTray


class Dialect(StrEnum):
    """How a provider wants `@Image1` written in the prompt it receives."""

    CANONICAL = "canonical"
    """`@Image1`, `@Video1`, `@Audio1`: Oxen (page in shared/), eachlabs, fal."""
    SPACED = "spaced"
    """`@Image 1`: ShortAPI."""
    LOWER = "lower"
    """`@image1`: Kinovi's current API (case-insensitive there, lower case as documented)."""
    POSITIONAL = "positional"
    """`@1..@N` across images first, then videos: Kinovi's older (seedance2-pro) API."""
    BRACKET = "bracket"
    """`[Image 1]`: Oxen's newer pages and BytePlus ModelArk."""


def tag_in_dialect(tag: Tag, dialect: Dialect, counts: dict[MediaKind, int]) -> str:
    """Write one tag the way `dialect` wants; `counts` are the tray's items per kind."""
    match dialect:
        case Dialect.CANONICAL:
            return f"@{tag.kind.label}{tag.number}"
        case Dialect.SPACED:
            return f"@{tag.kind.label} {tag.number}"
        case Dialect.LOWER:
            return f"@{tag.kind.value}{tag.number}"
        case Dialect.BRACKET:
            return f"[{tag.kind.label} {tag.number}]"
        case Dialect.POSITIONAL:
            if tag.kind is MediaKind.IMAGE:
                return f"@{tag.number}"
            if tag.kind is MediaKind.VIDEO:
                return f"@{counts[MediaKind.IMAGE] + tag.number}"
            raise CompositionError(
                _("{tag}: this API has no audio references, so it cannot be mentioned").format(
                    tag=tag.canonical
                )
            )


def compile_prompt(prompt: PromptDocument, tray: ReferenceTray, dialect: Dialect) -> str:
    """The prompt text as `dialect` writes it, with every bound mention translated.

    Dangling mentions make compiling fail: sending a prompt that points at nothing would pay
    for a generation the user did not mean.
    """
    tags = tray.tags()
    counts = {kind: len(tray.of_kind(kind)) for kind in MediaKind}
    written: dict[str, str] = {}
    """Each reference's tag in the dialect, written once (a long prompt mentions each often)."""
    pieces: list[str] = []
    cursor = 0
    text = prompt.text
    for mention in prompt.mentions:
        word = written.get(mention.ref_id)
        if word is None:
            tag = tags.get(mention.ref_id)
            if mention.dangling or tag is None:
                raise CompositionError(
                    _("the prompt mentions {tag}, which was removed from the tray").format(
                        tag=mention.last_tag
                    )
                )
            word = written[mention.ref_id] = tag_in_dialect(tag, dialect, counts)
        elif mention.dangling:
            raise CompositionError(
                _("the prompt mentions {tag}, which was removed from the tray").format(
                    tag=mention.last_tag
                )
            )
        pieces.append(text[cursor : mention.start])
        pieces.append(word)
        cursor = mention.end
    pieces.append(text[cursor:])
    return normalise_prompt("".join(pieces))


_RUNS_OF_SPACES = re.compile(r"[ \t\u00a0]{2,}")
_PUNCTUATION = ",.;:!?)]"
_SPACE_BEFORE_PUNCTUATION = re.compile(r"[ \t\u00a0]+([,.;:!?)\]])")


def normalise_prompt(text: str) -> str:
    """The prompt as it is sent: trimmed, one space between words, none before punctuation,
    line breaks kept (each line trimmed). What the sidecar records is this text."""
    text = text.strip()
    if "\t" in text or "\u00a0" in text:
        text = text.replace("\t", " ")
    elif "  " not in text and not any(f" {p}" in text for p in _PUNCTUATION):
        # Nothing to collapse or pull in (a prompt as typed, usually): only the lines' ends.
        return "\n".join(line.strip() for line in text.splitlines())
    lines = []
    for line in text.splitlines():
        line = _RUNS_OF_SPACES.sub(" ", line)
        lines.append(_SPACE_BEFORE_PUNCTUATION.sub(r"\1", line).strip())
    return "\n".join(lines)
