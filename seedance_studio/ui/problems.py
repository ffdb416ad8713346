"""What the UI needs from a validation problem, kept structural so widgets stay decoupled."""

from __future__ import annotations

from typing import Protocol

from seedance_studio.core.media_facts import MediaKind
from seedance_studio.core.validation import Value


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

    @property
    def kind(self) -> MediaKind | None: ...
    @property
    def limit(self) -> Value: ...


COUNT_CODES = {"too_many_of_kind", "too_many_files"}
"""Problems about how many references there are: every reference over the limit is at fault,
not only the first one named by `ref_id`."""


def problem_text(problem: ProblemView) -> str:
    """The message followed by its fix, as tooltips and the problems list show it."""
    hint = problem.hint.strip() if problem.hint else ""
    return f"{problem.message} — {hint}" if hint else problem.message
