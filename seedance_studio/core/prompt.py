"""A prompt whose mentions are bound to reference ids, not to the numbers shown in its text.

The text always shows current tags. When the tray renumbers, `sync` rewrites each bound mention
to its reference's new tag; a mention whose reference left the tray turns into a visible
dangling marker that no longer looks like a tag, so it can never be re-read as another item.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from psygnal import Signal

from seedance_studio.core.reference import Reference
from seedance_studio.core.tags import STARTS, Tag, TagMatch, find_tag_mentions, rescan
from seedance_studio.core.tray import ReferenceTray


def dangling_text(last_tag: str) -> str:
    """How a mention of a removed reference reads; it must not match the mention pattern."""
    return f"@(removed {last_tag})"


class Mention(NamedTuple):
    """A span of the prompt text bound to one reference (a tuple: every keystroke shifts the
    mentions after it, and a frozen dataclass costs microseconds each to copy)."""

    start: int
    end: int
    ref_id: str
    last_tag: str
    """The tag the span showed when last bound; dangling markers name it."""
    dangling: bool = False
    last_name: str = ""
    """The reference's name when last bound: a removed Image2 is told apart from the new
    Image2 by it."""


@dataclass(frozen=True)
class TextEdit:
    """Replace text[start:end] with `text`; `sync` reports these so an editor can apply them."""

    start: int
    end: int
    text: str


class PromptDocument:
    """Prompt text plus mention spans, kept consistent through edits and renumbering."""

    changed = Signal()

    def __init__(self, text: str = "", tray: ReferenceTray | None = None) -> None:
        self._text = ""
        self._mentions: list[Mention] = []
        self._found: list[TagMatch] = []
        """Every mention-like run of the text, kept up to date by each edit (an edit rescans
        only around itself)."""
        self._bound_to: tuple[ReferenceTray | None, tuple[Reference, ...]] = (None, ())
        """The tray (and its items) every run was last bound against."""
        self._synced_with: tuple[ReferenceTray | None, tuple[Reference, ...]] = (None, ())
        """The tray (and its items) the mentions were last synced with."""
        self._unsynced = False
        """A mention was bound as typed (`[Image 2]`), not as its tag reads."""
        self._version = 0
        self._unknown: tuple[int, list[tuple[int, int, Tag]]] = (-1, [])
        if text:
            self.set_text(text, tray or ReferenceTray())

    @property
    def version(self) -> int:
        """Counts changes: equal versions of one document hold the same text and mentions."""
        return self._version

    def synced_to(self, tray: ReferenceTray) -> bool:
        """Whether the text already reads as `sync(tray)` would write it: synced with these
        very items since, and no mention bound as typed (a pasted `[Image 2]` keeps its
        text until the tray next changes)."""
        return not self._unsynced and self._synced_with == (tray, tray.items)

    def copy(self, tray: ReferenceTray | None = None) -> PromptDocument:
        """A detached copy (no listeners), as a snapshot keeps it; given a `tray` holding the
        very same items, the copy counts as bound and synced to that tray."""
        doc = PromptDocument()
        doc._text, doc._mentions, doc._found = self._text, list(self._mentions), list(self._found)
        doc._bound_to, doc._version, doc._unknown = self._bound_to, self._version, self._unknown
        doc._synced_with, doc._unsynced = self._synced_with, self._unsynced
        if tray is not None:
            items = tray.items
            if _same_items(self._bound_to[1], items):
                doc._bound_to = (tray, items)
            if _same_items(self._synced_with[1], items):
                doc._synced_with = (tray, items)
        return doc

    @property
    def text(self) -> str:
        return self._text

    @property
    def mentions(self) -> tuple[Mention, ...]:
        return tuple(self._mentions)

    def live_mentions(self) -> list[Mention]:
        return [m for m in self._mentions if not m.dangling]

    def dangling_mentions(self) -> list[Mention]:
        return [m for m in self._mentions if m.dangling]

    def mention_at(self, position: int) -> Mention | None:
        for m in self._mentions:
            if m.start <= position < m.end:
                return m
        return None

    # -- edits -------------------------------------------------------------------------------

    def set_text(self, text: str, tray: ReferenceTray) -> None:
        """Replace everything, binding every tag-like run to the tray's current items."""
        self._text = text
        self._mentions = []
        self._unsynced = False
        self._rescan_all()
        self._bind_plain(tray)
        self._synced_with = (tray, tray.items)
        self._touch()
        self.changed.emit()

    def apply_edit(self, position: int, removed: int, inserted: str, tray: ReferenceTray) -> None:
        """Apply a user edit: text[position:position+removed] becomes `inserted`.

        Mentions entirely outside the edit keep their binding and shift; a mention the edit
        touches becomes plain text again and is re-read (so "@Image1" + "0" is "@Image10").
        """
        if position < 0 or position + removed > len(self._text):
            raise ValueError("edit outside the text")
        end = position + removed
        delta = len(inserted) - removed
        mentions = self._mentions
        # Sorted and disjoint: those ending before the edit stay, those from its end on move.
        before = bisect.bisect_left(mentions, position, key=_end)
        after = bisect.bisect_left(mentions, end, lo=before, key=_start)
        kept = mentions[:before]
        for m in mentions[before:after]:
            if m.end == position and not _continues_tag(inserted):
                kept.append(m)  # typing right after a mention, not extending its number
        kept += _shifted(mentions[after:], delta)
        old = self._text
        self._text = old[:position] + inserted + old[end:]
        self._mentions = kept
        if self._bound_to != (tray, tray.items):
            self._rescan_all()
            self._bind_plain(tray)
        else:
            # Runs that start before the last run-start character ahead of the edit cannot
            # read into it; runs from the edit's end on only move. Only between is read again.
            lo = max(old.rfind(c, 0, position) for c in STARTS)
            lo = position if lo < 0 else lo
            found = self._found
            first = bisect.bisect_left(found, lo, key=_start)
            after = bisect.bisect_left(found, end, lo=first, key=_start)
            fresh = rescan(self._text, lo, position + len(inserted))
            self._found = found[:first] + fresh + _moved(found[after:], delta)
            self._bind_plain(tray, fresh)
        self._touch()
        self.changed.emit()

    def set_text_diff(self, new_text: str, tray: ReferenceTray) -> None:
        """Move to `new_text` as one edit over the changed middle (for editors without deltas)."""
        old = self._text
        prefix = 0
        limit = min(len(old), len(new_text))
        while prefix < limit and old[prefix] == new_text[prefix]:
            prefix += 1
        suffix = 0
        while (
            suffix < limit - prefix
            and old[len(old) - 1 - suffix] == new_text[len(new_text) - 1 - suffix]
        ):
            suffix += 1
        self.apply_edit(
            prefix, len(old) - prefix - suffix, new_text[prefix : len(new_text) - suffix], tray
        )

    def insert_mention(
        self,
        position: int,
        ref_id: str,
        tray: ReferenceTray,
        replace_chars: int = 0,
    ) -> int:
        """Insert a bound mention of `ref_id` at `position`, replacing the `replace_chars` typed
        before it (the "@Ima" a completion started from). Returns the cursor position after it."""
        tag = tray.tag_of(ref_id)
        if tag is None:
            raise KeyError(ref_id)
        start = position - replace_chars
        # Drop mentions that the replaced run overlaps; shift the ones after it.
        text = tag.mention
        after = self._text[position : position + 1]
        spacer = "" if after[:1].isspace() or after[:1] in _CLOSING else " "
        inserted = text + spacer
        delta = len(inserted) - replace_chars
        kept = [m for m in self._mentions if m.end <= start]
        kept += _shifted([m for m in self._mentions if m.start >= position], delta)
        kept.append(
            Mention(
                start,
                start + len(text),
                ref_id,
                tag.canonical,
                last_name=tray.get(ref_id).display_name,
            )
        )
        kept.sort(key=_start)
        self._text = self._text[:start] + inserted + self._text[position:]
        self._mentions = kept
        self._rescan_all()
        self._bind_plain(tray)
        self._touch()
        self.changed.emit()
        return start + len(inserted)

    def sync(self, tray: ReferenceTray) -> list[TextEdit]:
        """Rewrite mentions to the tray's current tags; mark removed ones dangling.

        Returns the edits made (in ascending order of the *old* text) so an editor widget can
        apply them without resetting its cursor or undo stack.
        """
        tags = tray.tags()
        edits: list[TextEdit] = []
        new_mentions: list[Mention] = []
        pieces: list[str] = []
        cursor = 0
        shift = 0
        for m in self._mentions:
            tag = tags.get(m.ref_id)
            if tag is not None:
                wanted = tag.mention
                name = _name(tray, m.ref_id) or m.last_name
                updated = (
                    m
                    if (m.last_tag, m.dangling, m.last_name) == (tag.canonical, False, name)
                    else m._replace(last_tag=tag.canonical, dangling=False, last_name=name)
                )  # no copy per key
            else:
                wanted, updated = dangling_text(m.last_tag), m._replace(dangling=True)
            current = self._text[m.start : m.end]
            pieces.append(self._text[cursor : m.start])
            pieces.append(wanted)
            cursor = m.end
            if current != wanted:
                edits.append(TextEdit(m.start, m.end, wanted))
            new_start = m.start + shift
            shift += len(wanted) - len(current)
            moved = (new_start, new_start + len(wanted)) != (updated.start, updated.end)
            new_mentions.append(
                updated._replace(start=new_start, end=new_start + len(wanted)) if moved else updated
            )
        pieces.append(self._text[cursor:])
        old_count = len(self._mentions)
        self._text = "".join(pieces)
        self._mentions = new_mentions
        self._unsynced = False
        self._rescan_all()
        self._bind_plain(tray)
        self._synced_with = (tray, tray.items)
        self._touch()
        if edits or len(self._mentions) != old_count:
            self.changed.emit()
        return edits

    def repoint(self, mention: Mention, ref_id: str, tray: ReferenceTray) -> None:
        """Bind `mention` (a removed reference's marker) to another reference: its text
        becomes that reference's tag."""
        tag = tray.tag_of(ref_id)
        if tag is None or mention not in self._mentions:
            raise KeyError(ref_id)
        self._replace_span(
            tray,
            mention,
            tag.mention,
            Mention(
                mention.start,
                mention.start + len(tag.mention),
                ref_id,
                tag.canonical,
                last_name=tray.get(ref_id).display_name,
            ),
        )

    def delete_mention(self, mention: Mention) -> None:
        """Remove a mention and its text (with the space after it, so no gap is left)."""
        if mention not in self._mentions:
            raise KeyError(mention.ref_id)
        end = mention.end
        if self._text[end : end + 1] == " " and (
            mention.start == 0 or self._text[mention.start - 1] == " "
        ):
            end += 1
        self._replace_span(None, mention._replace(end=end), "", None, drop=mention)

    def _replace_span(
        self,
        tray: ReferenceTray | None,
        mention: Mention,
        text: str,
        new: Mention | None,
        *,
        drop: Mention | None = None,
    ) -> None:
        old = drop or mention
        delta = len(text) - (mention.end - mention.start)
        kept: list[Mention] = []
        for m in self._mentions:
            if m == old:
                if new is not None:
                    kept.append(new)
            elif m.start >= mention.end:
                kept += _shifted([m], delta)
            else:
                kept.append(m)
        self._text = self._text[: mention.start] + text + self._text[mention.end :]
        self._mentions = kept
        self._rescan_all()
        bound = self._bound_to[0] if tray is None else tray
        if bound is not None:
            self._bind_plain(bound)
        self._touch()
        self.changed.emit()

    # -- reading -----------------------------------------------------------------------------

    def unknown_tags(self) -> list[tuple[int, int, Tag]]:
        """Tag-like runs that are not bound: they name an item the tray does not have (read
        once per version: validation and the highlighter both ask on every keystroke)."""
        version, unknown = self._unknown
        if version != self._version:
            overlaps = self._overlap_test()
            bound = {m.start for m in self._mentions}  # a bound run starts where its mention does
            unknown = [
                (t.start, t.end, t.tag)
                for t in self._found
                if t.start not in bound and not overlaps(t.start, t.end)
            ]
            self._unknown = (self._version, unknown)
        return list(unknown)

    def to_data(self) -> dict[str, object]:
        """A JSON-able form for project files and the job store."""
        return {
            "text": self._text,
            "mentions": [
                {
                    "start": m.start,
                    "end": m.end,
                    "ref_id": m.ref_id,
                    "last_tag": m.last_tag,
                    "dangling": m.dangling,
                    "last_name": m.last_name,
                }
                for m in self._mentions
            ],
        }

    @classmethod
    def from_data(cls, data: dict[str, object], tray: ReferenceTray) -> PromptDocument:
        """Restore a saved prompt, then sync it to `tray` (ids that are gone turn dangling)."""
        doc = cls()
        doc._text = str(data.get("text", ""))
        raw = data.get("mentions", [])
        mentions: list[Mention] = []
        if isinstance(raw, list):
            for item in raw:
                if not isinstance(item, dict):
                    continue
                start, end = int(item["start"]), int(item["end"])
                if 0 <= start < end <= len(doc._text):
                    mentions.append(
                        Mention(
                            start,
                            end,
                            str(item["ref_id"]),
                            str(item.get("last_tag", "")),
                            bool(item.get("dangling", False)),
                            str(item.get("last_name", "")),
                        )
                    )
        mentions.sort(key=lambda m: m.start)
        doc._mentions = [
            m for i, m in enumerate(mentions) if i == 0 or m.start >= mentions[i - 1].end
        ]
        doc.sync(tray)
        return doc

    def restore(self, data: dict[str, object], tray: ReferenceTray) -> None:
        """Become the saved prompt `data` (bound to `tray`), in place: editors bound to this
        document follow, as when a past take is loaded as the composition."""
        saved = PromptDocument.from_data(data, tray)
        self._text, self._mentions = saved._text, list(saved._mentions)
        self._found, self._bound_to = saved._found, saved._bound_to
        self._synced_with, self._unsynced = saved._synced_with, saved._unsynced
        self._touch()
        self.changed.emit()

    # -- internals ---------------------------------------------------------------------------

    def _overlap_test(self) -> Callable[[int, int], bool]:
        """Whether a span overlaps a mention, by bisection: mentions are sorted and disjoint,
        so their ends are sorted too (a scan of every mention per tag cost milliseconds per
        keystroke in a long prompt)."""
        mentions = list(self._mentions)
        ends = [m.end for m in mentions]

        def overlaps(start: int, end: int) -> bool:
            i = bisect.bisect_right(ends, start)
            return i < len(mentions) and mentions[i].start < end

        return overlaps

    def _touch(self) -> None:
        self._version += 1

    def _rescan_all(self) -> None:
        self._found = find_tag_mentions(self._text)

    def _bind_plain(self, tray: ReferenceTray, runs: Sequence[TagMatch] | None = None) -> None:
        """Bind every unbound tag-like run (of `runs`, by default all of them) whose tag the
        tray has now; afterwards every run the tray can name is bound or covered."""
        self._bound_to = (tray, tray.items)
        if runs is not None and not runs:
            return
        added = False
        # Runs found in one scan never overlap each other, so testing against the mentions
        # as they were before this loop is enough.
        overlaps = self._overlap_test()
        for found in self._found if runs is None else runs:
            if overlaps(found.start, found.end):
                continue
            ref = tray.find(found.tag)
            if ref is None:
                continue
            self._mentions.append(
                Mention(
                    found.start, found.end, ref.id, found.tag.canonical, last_name=ref.display_name
                )
            )
            if self._text[found.start : found.end] != found.tag.mention:
                self._unsynced = True
            added = True
        if added:
            self._mentions.sort(key=_start)


def _same_items(a: tuple[Reference, ...], b: tuple[Reference, ...]) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


def _start(item: Mention | TagMatch) -> int:
    return item.start


def _end(item: Mention) -> int:
    return item.end


_new = tuple.__new__


def _shifted(mentions: list[Mention], delta: int) -> list[Mention]:
    """`mentions` moved by `delta` characters (built as tuples directly: a keystroke moves
    every mention after it)."""
    if delta == 0:
        return mentions
    return [_new(Mention, (a + delta, b + delta, c, d, e, f)) for a, b, c, d, e, f in mentions]


def _moved(runs: list[TagMatch], delta: int) -> list[TagMatch]:
    if delta == 0:
        return runs
    return [_new(TagMatch, (a + delta, b + delta, t)) for a, b, t in runs]


def _name(tray: ReferenceTray, ref_id: str) -> str:
    return tray.get(ref_id).display_name if ref_id in tray else ""


_CLOSING = frozenset(",.;:!?)]")
"""Punctuation a completed mention runs straight into, with no space before it."""


def _continues_tag(inserted: str) -> bool:
    """Whether text typed right after a mention extends its number ("@Image1" + "0")."""
    return inserted[:1].isdigit()
