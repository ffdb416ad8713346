"""Finding moved files again by their content: a recursive search of a folder for files with
the sha256 (and size) a project recorded. Runs on a worker thread; reports progress; stops
when everything is found or when it is cancelled."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from seedance_studio.projects.digest import DIGESTS, sha256_of
from seedance_studio.projects.project_file import MissingFile

Progress = Callable[[int, int], None]
"""(files looked at, files found so far)."""


@dataclass
class RelinkResult:
    found: dict[str, Path] = field(default_factory=dict)
    """sha256 -> where a file with that content is now."""
    scanned: int = 0
    cancelled: bool = False

    def new_sources(self, missing: Iterable[MissingFile]) -> dict[str, str]:
        """Reference id -> new path for every missing file that was found."""
        return {
            m.ref_id: str(self.found[m.sha256])
            for m in missing
            if m.sha256 is not None and m.sha256 in self.found
        }


def find_by_hash(
    root: Path,
    missing: Iterable[MissingFile],
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> RelinkResult:
    """Search `root` and every folder below it. Only files of a wanted size are hashed, so
    a large folder costs a directory walk plus the few candidates."""
    wanted: dict[str, int | None] = {m.sha256: m.size for m in missing if m.sha256}
    sizes = {s for s in wanted.values() if s is not None}
    any_size = any(s is None for s in wanted.values())
    names = {Path(m.path).name for m in missing}
    result = RelinkResult()
    if not wanted:
        return result
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        # Same-named files first: a moved folder is found without hashing its neighbours.
        for name in sorted(files, key=lambda n: (n not in names, n)):
            if cancel is not None and cancel.is_set():
                result.cancelled = True
                return result
            path = Path(folder) / name
            result.scanned += 1
            try:
                size = path.stat().st_size
            except OSError:
                continue
            if size in sizes or any_size:
                try:
                    digest = sha256_of(path, cancel)
                except OSError:
                    digest = None
                if digest is not None and digest in wanted and digest not in result.found:
                    result.found[digest] = path
                    DIGESTS.remember(path, digest)
            if progress is not None:
                progress(result.scanned, len(result.found))
            if len(result.found) == len(wanted):
                return result
    return result
