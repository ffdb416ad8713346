"""The Recent projects list (File > Open Recent): newest first, ten at most, in its own file."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from seedance_studio.core import paths
from seedance_studio.projects.atomic import atomic_write_text

RECENT_FILE = "recent-projects.json"
MAX_RECENT = 10


def recent_path() -> Path:
    return paths.config_dir() / RECENT_FILE


def load_recent(path: Path | None = None) -> list[Path]:
    try:
        raw = json.loads((path or recent_path()).read_text("utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(raw, list):
        return []
    return [Path(p) for p in raw if isinstance(p, str)][:MAX_RECENT]


def add_recent(project: Path, path: Path | None = None) -> list[Path]:
    """Put `project` first; returns the new list."""
    project = project.resolve()
    items = [project] + [p for p in load_recent(path) if p != project]
    items = items[:MAX_RECENT]
    with contextlib.suppress(OSError):
        atomic_write_text(path or recent_path(), json.dumps([str(p) for p in items], indent=1))
    return items


def remove_recent(project: Path, path: Path | None = None) -> list[Path]:
    items = [p for p in load_recent(path) if p != project]
    with contextlib.suppress(OSError):
        atomic_write_text(path or recent_path(), json.dumps([str(p) for p in items], indent=1))
    return items
