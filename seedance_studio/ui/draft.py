"""The composition in progress, kept between runs (tray, prompt with its bindings, params).

It is a project file like any other (Composition.to_project); a draft that no longer loads
(a newer format, a removed provider) is set aside instead of blocking the start.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from pydantic import ValidationError

from seedance_studio.core import capabilities, paths
from seedance_studio.core.composition import Composition


def draft_path() -> Path:
    return paths.data_dir() / "draft.json"


def save_draft(composition: Composition, path: Path | None = None) -> None:
    path = path or draft_path()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(composition.to_project(), indent=2), "utf-8")
    tmp.replace(path)


def load_draft(path: Path | None = None) -> Composition | None:
    """The saved draft, or None when there is none or it cannot be used any more."""
    path = path or draft_path()
    try:
        composition = Composition.from_project(json.loads(path.read_text("utf-8")))
        capabilities.get(composition.params.provider).model(composition.params.model)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, ValidationError):
        with contextlib.suppress(OSError):
            path.replace(path.with_suffix(".broken.json"))
        return None
    return composition
