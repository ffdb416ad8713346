"""Where the data files live, in a source checkout and in an installed wheel alike."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def resource_dir() -> Path:
    """`resources/` of the checkout, or the copy the wheel carries as `_resources`."""
    for candidate in (_HERE / "_resources", _HERE.parent / "resources"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the resources folder is missing from this installation")


def icon_dir() -> Path:
    for candidate in (_HERE / "_icons", _HERE.parent / "icons"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the icons folder is missing from this installation")
