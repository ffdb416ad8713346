"""The undo stack both editors share: named steps, each the value before and after it.

The composition history and the shot list keep different values (a composition state, an
immutable sequence) and decide differently what a step is, but the stack itself — where
undo and redo stand, how a new step drops the redo tail, how the oldest steps fall off — is
one piece of logic, kept here once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Step(Generic[T]):
    name: str
    before: T
    after: T


class UndoStack(Generic[T]):
    """Steps before `position` are done; the rest can be redone."""

    def __init__(self, limit: int) -> None:
        self._steps: list[Step[T]] = []
        self._index = 0
        self._limit = limit

    @property
    def position(self) -> int:
        return self._index

    @property
    def can_undo(self) -> bool:
        return self._index > 0

    @property
    def can_redo(self) -> bool:
        return self._index < len(self._steps)

    @property
    def undo_name(self) -> str | None:
        return self._steps[self._index - 1].name if self.can_undo else None

    @property
    def redo_name(self) -> str | None:
        return self._steps[self._index].name if self.can_redo else None

    @property
    def last(self) -> Step[T] | None:
        """The newest step, when nothing is left to redo (the one typing may extend)."""
        return self._steps[-1] if self._steps and not self.can_redo else None

    def names(self) -> list[str]:
        """Every step's name, oldest first."""
        return [s.name for s in self._steps]

    def push(self, step: Step[T]) -> int:
        """Record `step` after the current position, dropping the redo tail; returns how
        many of the oldest steps fell off to keep the limit."""
        del self._steps[self._index :]
        self._steps.append(step)
        self._index = len(self._steps)
        overflow = max(0, len(self._steps) - self._limit)
        if overflow:
            del self._steps[:overflow]
            self._index -= overflow
        return overflow

    def replace_last(self, step: Step[T]) -> None:
        """Swap the newest step (a word still being typed grows its step)."""
        if self.last is None:
            raise IndexError("no step to replace")
        self._steps[-1] = step

    def back(self) -> Step[T] | None:
        """Move back over one step and return it (None at the start)."""
        if not self.can_undo:
            return None
        self._index -= 1
        return self._steps[self._index]

    def forward(self) -> Step[T] | None:
        """Move forward over one step and return it (None at the end)."""
        if not self.can_redo:
            return None
        step = self._steps[self._index]
        self._index += 1
        return step

    def clear(self) -> None:
        self._steps.clear()
        self._index = 0

    def rewrite(self, change: Callable[[T], T]) -> None:
        """Pass every step's values through `change` (later edits carried into old steps)."""
        self._steps = [Step(s.name, change(s.before), change(s.after)) for s in self._steps]
