"""The checks of the prompt: empty, required, its mentions (removed references, tags that name
nothing, kinds the provider takes none of) and its length as sent."""

from __future__ import annotations

import bisect
import re

from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.errors import CompositionError
from seedance_studio.core.i18n import _
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.core.prompt import Mention, PromptDocument
from seedance_studio.core.tags import find_tag_mentions
from seedance_studio.core.tray import ReferenceTray
from seedance_studio.core.validation.problem import (
    Checker,
    Problem,
    plural_word,
    says,
    singular_word,
)


class PromptChecks(Checker):
    def run(self, snapshot: CompositionSnapshot) -> list[Problem]:
        self._check_prompt(snapshot)
        return self.take()

    def _check_prompt(self, snapshot: CompositionSnapshot) -> None:
        tray = snapshot.reading_tray()
        doc = snapshot.document()
        text = doc.text
        blank = not text.strip()
        if blank and not self.refs:
            self.add(
                "error",
                "empty_composition",
                _("nothing to generate: the prompt is empty and there are no references"),
                _("describe the video you want or add a reference"),
            )
            return
        if self.limits.prompt_required and blank:
            self.add(
                "error",
                "prompt_required",
                _("{provider} needs a prompt; it is empty").format(provider=self.name),
                _("describe the video you want"),
                limit_name="prompt_required",
            )
        self._check_mentions(doc, tray)
        max_chars = self.limits.prompt_max_chars
        if max_chars is not None:
            try:  # the prompt as it would be sent (its length is what counts)
                sent = len(snapshot.compiled_prompt(self.caps.dialect))
            except CompositionError:  # or the text as shown
                sent = len(text)
            if sent > max_chars:
                self.add(
                    "error",
                    "prompt_too_long",
                    says(
                        _("the prompt is {count} characters").format(count=f"{sent:,}"),
                        self.name,
                        _("accepts up to {count}").format(count=f"{max_chars:,}"),
                    ),
                    _("shorten it by {count} characters").format(count=f"{sent - max_chars:,}"),
                    limit_name="prompt_max_chars",
                    limit=max_chars,
                    actual=sent,
                )

    def _check_mentions(self, doc: PromptDocument, tray: ReferenceTray) -> None:
        text = doc.text
        for mention in doc.dangling_mentions():
            self.add(
                "error",
                "dangling_mention",
                dangling_message(mention, tray),
                _("right-click the marker to point it at another reference or delete it"),
                limit_name="mentions",
                actual=mention.last_tag,
            )
        unknown = doc.unknown_tags()
        spans = _Spans([(m.start, m.end) for m in doc.mentions] + [(a, b) for a, b, _t in unknown])
        for found in _REMOVED_MARKER.finditer(text):
            if not spans.overlaps(found.start(), found.end()):
                spans.add(found.start(), found.end())
                self.add(
                    "error",
                    "removed_marker_text",
                    _(
                        "the prompt still reads “{text}”, left from a removed reference; it "
                        "points at nothing"
                    ).format(text=found.group()),
                    _("delete it or mention a reference"),
                    limit_name="mentions",
                    actual=found.group(),
                )
        for found in _TAG_LIKE.finditer(text):
            if spans.overlaps(found.start(), found.end()):
                continue
            self.add(
                "error",
                "unbound_tag",
                _(
                    "the prompt reads “{text}”, which looks like a tag but names no reference"
                ).format(text=found.group()),
                _("finish the mention with @ and a tag from the list, or delete it"),
                limit_name="mentions",
                actual=found.group(),
            )
        refused = {kind for kind in MediaKind if self.kind_limits(kind).max_count == 0}
        if refused:
            by_id = {r.id: r for r in self.refs}
            for mention in doc.live_mentions():
                ref = by_id.get(mention.ref_id)
                if ref is not None and ref.kind in refused:
                    self.add(
                        "error",
                        "mention_kind_not_accepted",
                        _("the prompt mentions {tag}, but {provider} takes no {kind}").format(
                            tag=self.tag(ref), provider=self.name, kind=plural_word(ref.kind)
                        ),
                        _("delete the mention of {tag}").format(tag=self.tag(ref)),
                        ref=ref,
                        limit_name="max_count",
                        limit=0,
                    )
        counts = {kind: len(tray.of_kind(kind)) for kind in MediaKind} if unknown else {}
        for _start, _end, tag in unknown:
            if tag.kind in refused:
                self.add(
                    "error",
                    "mention_kind_not_accepted",
                    _("the prompt mentions {tag}, but {provider} takes no {kind}").format(
                        tag=f"@{tag.canonical}", provider=self.name, kind=plural_word(tag.kind)
                    ),
                    _("delete {tag}").format(tag=f"@{tag.canonical}"),
                    kind=tag.kind,
                    limit_name="max_count",
                    limit=0,
                    actual=tag.canonical,
                )
                continue
            have = counts[tag.kind]
            if have == 0:
                there = _("there is no {kind}").format(kind=singular_word(tag.kind))
            elif have == 1:
                there = _("there is only 1 {kind}").format(kind=singular_word(tag.kind))
            else:
                there = _("there are only {count} {kind}").format(
                    count=have, kind=plural_word(tag.kind)
                )
            self.add(
                "error",
                "unknown_tag",
                _("the prompt mentions {tag}, but {there}").format(
                    tag=f"@{tag.canonical}", there=there
                ),
                _("add the {kind} or correct the mention").format(kind=singular_word(tag.kind)),
                kind=tag.kind,
                limit_name="mentions",
                limit=have,
                actual=tag.canonical,
            )


class _Spans:
    """Disjoint spans of the prompt (mentions, tags that name nothing, stray markers) and
    whether a run overlaps one: by its start first (a bound mention's run starts where the
    mention does), then by bisection."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans.sort()
        self._starts = [a for a, _b in spans]
        self._ends = [b for _a, b in spans]
        self._at = set(self._starts)

    def overlaps(self, start: int, end: int) -> bool:
        if start in self._at:
            return True
        i = bisect.bisect_right(self._ends, start)
        return i < len(self._starts) and self._starts[i] < end

    def add(self, start: int, end: int) -> None:
        i = bisect.bisect_left(self._starts, start)
        self._starts.insert(i, start)
        self._ends.insert(i, end)
        self._at.add(start)


def dangling_message(mention: Mention, tray: ReferenceTray) -> str:
    """What a removed reference's mention says; when another item now carries the same tag,
    it says which is which."""
    named = f"{mention.last_tag} ({mention.last_name})" if mention.last_name else mention.last_tag
    text = _("the prompt mentions {tag}, which was removed from the tray").format(tag=named)
    found = find_tag_mentions(f"@{mention.last_tag}")
    now = tray.find(found[0].tag) if found else None
    if now is not None and now.id != mention.ref_id:
        text += _("; the {tag} in the tray now is {name}, another reference").format(
            tag=mention.last_tag, name=now.display_name
        )
    return text


_REMOVED_MARKER = re.compile(r"@\(remo?v?e?d?[^)\n]{0,20}\)?")
_TAG_LIKE = re.compile(
    r"@(?<![\w@]@)(?:im(?:a(?:ge?)?)?|vi(?:d(?:eo?)?)?|au(?:d(?:io?)?)?)\b\s?\d*", re.IGNORECASE
)
"""An @-word that starts like a tag (`@Imag`, `@vid`, `@Audio`) but binds to nothing (not
after a letter, a digit or another @). The `@` comes first so the scan jumps from @ to @: a
look-behind first is tried at every character, five times slower over a long prompt."""
"""What is left of a dangling mention's marker once an edit has cut it loose from its span."""
