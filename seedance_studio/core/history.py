"""Undo and redo for a composition: a stack of named steps, each a before and an after state.

The history watches the composition instead of asking every editor to build commands, so
nothing a user does can escape it: adding, removing, reordering and replacing references
(Fix and Trim swaps too), typing (coalesced into words), parameter changes and provider
switches. A step's name comes from what changed ("Remove Video2", "Switch to Kinovi");
a caller that knows better names the next step (`label_next("Trim Video2")`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from psygnal import Signal

from seedance_studio.core import capabilities
from seedance_studio.core.composition import Composition, CompositionState
from seedance_studio.core.i18n import N_, _
from seedance_studio.core.tray import number_tags
from seedance_studio.core.undo_stack import Step, UndoStack

DEFAULT_LIMIT = 500
"""Steps kept; the oldest fall off (a long session must not grow without bound)."""

TYPING = N_("Typing")
"""The name of a typing step (compared as is; `_()` translates it where it is shown)."""

PARAM_LABELS = {
    "model": N_("Model"),
    "duration": N_("Duration"),
    "aspect_ratio": N_("Aspect Ratio"),
    "resolution": N_("Resolution"),
    "mode": N_("Mode"),
    "seed": "Seed",
    "generate_audio": "Audio",
    "variants": "Variants",
    "upscale": "Upscale",
}


def _typed(before: str, after: str) -> tuple[str, int]:
    """What one prompt edit inserted, and how many characters it removed."""
    prefix = 0
    limit = min(len(before), len(after))
    while prefix < limit and before[prefix] == after[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < limit - prefix
        and before[len(before) - 1 - suffix] == after[len(after) - 1 - suffix]
    ):
        suffix += 1
    return after[prefix : len(after) - suffix], len(before) - prefix - suffix


def _provider_name(provider_id: str) -> str:
    try:
        return capabilities.get(provider_id).name
    except KeyError:
        return provider_id


def _mention_counts(prompt: dict[str, object]) -> tuple[int, int]:
    mentions = prompt.get("mentions")
    items = [m for m in mentions if isinstance(m, dict)] if isinstance(mentions, list) else []
    dangling = sum(1 for m in items if m.get("dangling"))
    return len(items) - dangling, dangling


def _prompt_step(before: dict[str, object], after: dict[str, object]) -> str:
    """Typing, unless a removed reference's marker was pointed elsewhere or deleted."""
    live_b, dangling_b = _mention_counts(before)
    live_a, dangling_a = _mention_counts(after)
    if dangling_a < dangling_b:
        if live_a > live_b:
            return _("Point mention at another reference")
        return _("Delete mention")
    return TYPING


def _shown(name: str) -> str:
    """A step's name as Edit > Undo shows it (typing steps keep the untranslated constant)."""
    return _(TYPING) if name == TYPING else name


def describe_change(before: CompositionState, after: CompositionState) -> str:
    """The name of the step from `before` to `after`, as Edit > Undo shows it."""
    old_ids = [r.id for r in before.references]
    new_ids = [r.id for r in after.references]
    added = [i for i in new_ids if i not in old_ids]
    removed = [i for i in old_ids if i not in new_ids]
    if added and removed:
        return _("Change references")
    if added:
        tag = number_tags(after.references)[added[0]]
        if len(added) == 1:
            return _("Add {tag}").format(tag=tag.canonical)
        return _("Add {count} references").format(count=len(added))
    if removed:
        tag = number_tags(before.references)[removed[0]]
        if len(removed) == 1:
            return _("Remove {tag}").format(tag=tag.canonical)
        return _("Remove {count} references").format(count=len(removed))
    if old_ids != new_ids:
        return _("Reorder references")
    swapped = [n for o, n in zip(before.references, after.references, strict=True) if o != n]
    if swapped:
        tag = number_tags(after.references)[swapped[0].id]
        fix = bool(swapped[0].original_source)
        if len(swapped) == 1:
            return (_("Fix {tag}") if fix else _("Replace {tag}")).format(tag=tag.canonical)
        many = _("Fix {count} references") if fix else _("Replace {count} references")
        return many.format(count=len(swapped))
    if before.prompt != after.prompt:
        return _prompt_step(before.prompt, after.prompt)
    old, new = before.params, after.params
    if old.provider != new.provider:
        return _("Switch to {provider}").format(provider=_provider_name(new.provider))
    fields = [f for f in PARAM_LABELS if getattr(old, f) != getattr(new, f)]
    if len(fields) == 1 or (fields and fields[0] == "model"):
        return _("Change {parameter}").format(parameter=_(PARAM_LABELS[fields[0]]))
    return _("Change parameters")


class CompositionHistory:
    """The undo stack of one composition; `changed` fires when what Undo/Redo offer changes."""

    changed = Signal()

    def __init__(self, composition: Composition, *, limit: int = DEFAULT_LIMIT) -> None:
        self._composition = composition
        self._stack: UndoStack[CompositionState] = UndoStack(limit)
        self._clean: int | None = 0
        """The index at the last save (None: that state is no longer on the stack)."""
        self._current = composition.state()
        self._applying = False
        self._typing_open = False
        self._typing_deletes = False
        self._label: str | None = None
        self._group: str | None = None
        self._group_before: CompositionState | None = None
        composition.changed.connect(self._on_changed)

    def detach(self) -> None:
        self._composition.changed.disconnect(self._on_changed)

    # -- reading -----------------------------------------------------------------------------

    @property
    def can_undo(self) -> bool:
        return self._stack.can_undo

    @property
    def can_redo(self) -> bool:
        return self._stack.can_redo

    @property
    def undo_name(self) -> str | None:
        name = self._stack.undo_name
        return None if name is None else _shown(name)

    @property
    def redo_name(self) -> str | None:
        name = self._stack.redo_name
        return None if name is None else _shown(name)

    @property
    def is_modified(self) -> bool:
        """Whether the composition differs from the last save (or the fresh start)."""
        return self._clean != self._stack.position

    def names(self) -> list[str]:
        """Every step's name, oldest first (tests and diagnostics)."""
        return self._stack.names()

    # -- acting ------------------------------------------------------------------------------

    def undo(self) -> str | None:
        """Go back one step; returns its name (None when there was nothing to undo)."""
        step = self._stack.back()
        if step is None:
            return None
        self._apply(step.before)
        return step.name

    def redo(self) -> str | None:
        step = self._stack.forward()
        if step is None:
            return None
        self._apply(step.after)
        return step.name

    @property
    def position(self) -> int:
        """Where the stack is now; a save started here passes it to `mark_clean`."""
        return self._stack.position

    def mark_clean(self, position: int | None = None) -> None:
        """The composition was saved as it was at `position` (default: now)."""
        self._clean = self._stack.position if position is None else position
        self._typing_open = False
        self.changed.emit()

    def mark_clean_lost(self) -> None:
        """What is on screen matches no saved file (work restored from an autosave)."""
        self._clean = None
        self.changed.emit()

    def reset(self) -> None:
        """Forget every step (a project was opened or a new one started) and call it clean."""
        self._stack.clear()
        self._clean = 0
        self._current = self._composition.state()
        self._typing_open = False
        self.changed.emit()

    def label_next(self, name: str) -> None:
        """Name the next recorded step (a caller that knows: "Trim Video2")."""
        self._label = name

    @contextmanager
    def group(self, name: str) -> Iterator[None]:
        """Record every change made inside as one step called `name`."""
        if self._group is not None:
            yield
            return
        self._group, self._group_before = name, self._current
        try:
            yield
        finally:
            before = self._group_before
            self._group, self._group_before = None, None
            after = self._composition.state()
            if before is not None and after != before:
                self._push(Step(name, before, after))
            self._current = after

    # -- internals ---------------------------------------------------------------------------

    def _apply(self, state: CompositionState) -> None:
        self._applying = True
        try:
            self._composition.restore(state)
        finally:
            self._applying = False
        self._current = self._composition.state()
        self._typing_open = False
        self.changed.emit()

    def _on_changed(self) -> None:
        if self._applying or self._group is not None:
            return
        after = self._composition.state()
        before = self._current
        if after == before:
            return
        self._current = after
        name = self._label or describe_change(before, after)
        self._label = None
        if name == TYPING:
            inserted, removed = _typed(
                str(before.prompt.get("text", "")), str(after.prompt.get("text", ""))
            )
            deleting = removed > 0 and not inserted
            last = self._stack.last
            if (
                self._typing_open
                and deleting == self._typing_deletes
                and last is not None
                and last.name == TYPING
            ):
                self._stack.replace_last(Step(TYPING, last.before, after))
                if self._clean == self._stack.position:
                    self._clean = None  # the saved state was folded into this step
                self._typing_open = not any(c.isspace() for c in inserted)
                self.changed.emit()
                return
            self._push(Step(TYPING, before, after))
            # A word ends at whitespace: the next keystroke starts a new step.
            self._typing_open = not any(c.isspace() for c in inserted)
            self._typing_deletes = deleting
            return
        self._push(Step(name, before, after))

    def _push(self, step: Step[CompositionState]) -> None:
        if self._clean is not None and self._clean > self._stack.position:
            self._clean = None  # the saved state was in the redo tail this step drops
        overflow = self._stack.push(step)
        self._typing_open = False
        if overflow > 0 and self._clean is not None:
            self._clean = self._clean - overflow if self._clean >= overflow else None
        self.changed.emit()
