"""The shared undo stack: where undo and redo stand, the redo tail, the oldest steps falling off."""

from __future__ import annotations

from itertools import pairwise

from seedance_studio.core.undo_stack import Step, UndoStack


def _stack(*values: int, limit: int = 10) -> UndoStack[int]:
    stack: UndoStack[int] = UndoStack(limit)
    for before, after in pairwise(values):
        stack.push(Step(f"to {after}", before, after))
    return stack


def test_undo_and_redo_walk_the_steps_and_stop_at_the_ends() -> None:
    stack = _stack(0, 1, 2)
    assert (stack.undo_name, stack.redo_name) == ("to 2", None)
    assert [s.before for s in (stack.back(), stack.back()) if s] == [1, 0]
    assert stack.back() is None and not stack.can_undo
    assert stack.redo_name == "to 1"
    step = stack.forward()
    assert step is not None and step.after == 1 and stack.position == 1


def test_a_new_step_after_undo_drops_what_could_be_redone() -> None:
    stack = _stack(0, 1, 2, 3)
    stack.back()
    stack.back()
    stack.push(Step("to 9", 1, 9))
    assert stack.names() == ["to 1", "to 9"] and not stack.can_redo


def test_the_oldest_steps_fall_off_at_the_limit_and_push_says_how_many() -> None:
    stack = _stack(0, 1, 2, limit=2)
    assert stack.push(Step("to 3", 2, 3)) == 1
    assert stack.names() == ["to 2", "to 3"] and stack.position == 2


def test_only_the_newest_step_with_nothing_to_redo_can_be_extended() -> None:
    stack = _stack(0, 1, 2)
    last = stack.last
    assert last is not None and last.name == "to 2"
    stack.replace_last(Step("to 5", last.before, 5))
    assert stack.names() == ["to 1", "to 5"]
    stack.back()
    assert stack.last is None


def test_rewrite_carries_a_change_into_every_step() -> None:
    stack = _stack(0, 1, 2)
    stack.rewrite(lambda v: v * 10)
    step = stack.back()
    assert step is not None and (step.before, step.after) == (10, 20)
