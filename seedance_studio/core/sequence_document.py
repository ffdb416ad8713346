"""The editable sequence behind the shot list: the current shot, and undo/redo of shot edits.

Shot edits (add, duplicate, reorder, remove, chain, pick) are steps of their own here; the
edits inside one shot's composition belong to the composition's history while that shot is
the one being composed. Because a Sequence is immutable, a step is simply the value before
and after it.
"""

from __future__ import annotations

from psygnal import Signal

from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.i18n import _
from seedance_studio.core.sequence import Sequence
from seedance_studio.core.undo_stack import Step, UndoStack

DEFAULT_LIMIT = 200


class SequenceDocument:
    """Holds the sequence, which shot is being composed, and the undo stack of shot edits."""

    changed = Signal()
    """The sequence changed (any edit, undo or redo)."""
    current_changed = Signal(object)
    """The shot being composed changed: its id, or None."""
    history_changed = Signal()

    def __init__(self, sequence: Sequence | None = None, *, limit: int = DEFAULT_LIMIT) -> None:
        self._sequence = sequence or Sequence()
        self._current: str | None = self._sequence.shots[0].id if self._sequence.shots else None
        self._stack: UndoStack[Sequence] = UndoStack(limit)

    # -- reading -----------------------------------------------------------------------------

    @property
    def sequence(self) -> Sequence:
        return self._sequence

    @property
    def current(self) -> str | None:
        return self._current

    @property
    def can_undo(self) -> bool:
        return self._stack.can_undo

    @property
    def can_redo(self) -> bool:
        return self._stack.can_redo

    @property
    def undo_name(self) -> str | None:
        return self._stack.undo_name

    @property
    def redo_name(self) -> str | None:
        return self._stack.redo_name

    # -- edits -------------------------------------------------------------------------------

    def apply(self, after: Sequence, name: str) -> None:
        """Make `after` the sequence, as one undoable step called `name`."""
        if after == self._sequence:
            return
        self._stack.push(Step(name, self._sequence, after))
        self._set(after)
        self.history_changed.emit()

    def replace_silently(self, after: Sequence) -> None:
        """Take `after` without an undo step: a composition edit inside the current shot
        (undone by the composition's own history) or a take that arrived from the engine."""
        if after == self._sequence:
            return
        self._sequence = after
        self._stack.rewrite(self._carry)
        self.changed.emit()

    def load(self, sequence: Sequence, current: str | None = None) -> None:
        """Another project's sequence: its history starts empty."""
        self._stack.clear()
        self._sequence = sequence
        ids = [s.id for s in sequence.shots]
        self._current = current if current in ids else (ids[0] if ids else None)
        self.changed.emit()
        self.current_changed.emit(self._current)
        self.history_changed.emit()

    def undo(self) -> str | None:
        step = self._stack.back()
        if step is None:
            return None
        self._set(step.before)
        self.history_changed.emit()
        return step.name

    def redo(self) -> str | None:
        step = self._stack.forward()
        if step is None:
            return None
        self._set(step.after)
        self.history_changed.emit()
        return step.name

    def set_current(self, shot_id: str | None) -> None:
        if shot_id == self._current:
            return
        if shot_id is not None:
            self._sequence.index(shot_id)  # SequenceError for a shot that is not there
        self._current = shot_id
        self.current_changed.emit(shot_id)

    # -- named edits -------------------------------------------------------------------------

    def add_shot(self, composition: CompositionSnapshot, *, after: str | None = None) -> str:
        index = self._sequence.index(after) + 1 if after is not None else None
        seq, shot_id = self._sequence.add(composition, index=index)
        self.apply(seq, _("Add Shot {number}").format(number=seq.index(shot_id) + 1))
        self.set_current(shot_id)
        return shot_id

    def duplicate(self, shot_id: str) -> str:
        seq, copy = self._sequence.duplicate(shot_id)
        self.apply(
            seq, _("Duplicate Shot {number}").format(number=self._sequence.index(shot_id) + 1)
        )
        self.set_current(copy)
        return copy

    def remove(self, shot_id: str) -> None:
        index = self._sequence.index(shot_id)
        seq = self._sequence.remove(shot_id)
        self.apply(seq, _("Remove Shot {number}").format(number=index + 1))

    def move(self, shot_id: str, to: int) -> None:
        index = self._sequence.index(shot_id)
        self.apply(
            self._sequence.move(shot_id, to), _("Move Shot {number}").format(number=index + 1)
        )

    def set_chain(self, shot_id: str, chain: bool) -> None:
        index = self._sequence.index(shot_id)
        name = _("Chain Shot {number}") if chain else _("Unchain Shot {number}")
        self.apply(self._sequence.update_shot(shot_id, chain=chain), name.format(number=index + 1))

    def set_pick(self, shot_id: str, job_id: int | None) -> None:
        index = self._sequence.index(shot_id)
        self.apply(
            self._sequence.with_pick(shot_id, job_id),
            _("Pick Take of Shot {number}").format(number=index + 1),
        )

    def set_soundtrack(self, path: str | None) -> None:
        name = _("Set Soundtrack") if path else _("Remove Soundtrack")
        self.apply(self._sequence.with_soundtrack(path), name)

    # -- internals ---------------------------------------------------------------------------

    def _set(self, seq: Sequence) -> None:
        self._sequence = seq
        if self._current is not None and all(s.id != self._current for s in seq.shots):
            self._current = seq.shots[0].id if seq.shots else None
            self.current_changed.emit(self._current)
        self.changed.emit()

    def _carry(self, old: Sequence) -> Sequence:
        """`old` with the shots' compositions and takes as they are now: undoing a shot edit
        must not also undo composing or generating done since (those have their own steps)."""
        now = {s.id: s for s in self._sequence.shots}
        shots = tuple(
            s.model_copy(
                update={
                    "composition": now[s.id].composition,
                    "takes": now[s.id].takes,
                    "animatic": now[s.id].animatic,
                }
            )
            if s.id in now
            else s
            for s in old.shots
        )
        return old.model_copy(update={"shots": shots})
