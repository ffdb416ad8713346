"""What the UI needs from a validation problem, kept structural so widgets stay decoupled."""

from __future__ import annotations

from typing import Protocol


class ProblemView(Protocol):
    """The fields of core.validation.Problem that widgets show."""

    @property
    def severity(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def ref_id(self) -> str | None: ...
    @property
    def hint(self) -> str: ...
    @property
    def conformable(self) -> bool:
        """A conform (re-encode, trim, scale) would fix it."""


def problem_text(problem: ProblemView) -> str:
    """The message followed by its fix, as tooltips and the problems list show it."""
    hint = problem.hint.strip() if problem.hint else ""
    return f"{problem.message} — {hint}" if hint else problem.message
