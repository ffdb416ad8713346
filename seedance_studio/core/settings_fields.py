"""Widget hints a settings field carries (as `Annotated` metadata) for the settings dialog.

The dialog builds every editor from the field: its type, `title`, `description`,
constraints and at most one of these hints. They hold no Qt, only what a form needs to know:
the unit a number is shown in, the labels of choices, that a text is a folder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from seedance_studio.core.i18n import N_


@dataclass(frozen=True)
class Unit:
    """A whole number stored in one unit and shown in another: stored = shown × `scale`."""

    symbol: str
    scale: int = 1
    minimum: int = 0
    """Smallest value shown (in the shown unit)."""
    maximum: int = 1_000_000

    def shown(self, stored: int) -> int:
        """The stored value in the shown unit, never below `minimum`."""
        return max(self.minimum, stored // self.scale)

    def stored(self, shown: int) -> int:
        return shown * self.scale


HOURS = Unit("h", 3600, minimum=1, maximum=48)


@dataclass(frozen=True)
class Money:
    """An optional USD amount: 0 in the editor means None (`none_text` says what that is)."""

    none_text: str = N_("No limit")
    """Translated where it is shown."""
    maximum: int = 1_000_000


@dataclass(frozen=True)
class Choices:
    """Labels for the values of a Literal field, in the order they are offered."""

    labels: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Folder:
    """A folder path; the editor offers Choose… and shows `default()` while it is empty."""

    default: Callable[[], Path]


@dataclass(frozen=True)
class Placeholder:
    """Grey text shown in an empty text field (what empty means)."""

    text: str


FieldHint = Unit | Money | Choices | Folder | Placeholder
