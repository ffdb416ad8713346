"""Where the data files live, in a source checkout and in an installed wheel alike."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent


@cache
def resource_dir() -> Path:
    """`resources/` of the checkout, or the copy the wheel carries as `_resources`."""
    for candidate in (_HERE / "_resources", _HERE.parent / "resources"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the resources folder is missing from this installation")


@cache
def icon_dir() -> Path:
    """Found once: views ask for icons on every paint."""
    for candidate in (_HERE / "_icons", _HERE.parent / "icons"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the icons folder is missing from this installation")
