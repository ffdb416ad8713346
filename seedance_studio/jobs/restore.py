"""A past take back as the composition: its tray, prompt and parameters, with references
whose files moved found again by their content hash.

The job's snapshot names each reference's path; the sidecar written with the video holds
each one's sha256. A file still at its path is used as it is. A missing one is looked for
(by size first, then hash, so a folder of unrelated files costs a stat each) in its own
folder, the folder its original came from, and any folder the caller adds (the library,
the folder the user points at). What cannot be found is reported, never guessed.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from seedance_studio.core.composition import Composition, CompositionSnapshot
from seedance_studio.core.reference import Reference
from seedance_studio.jobs.download import sha256_file
from seedance_studio.jobs.store import JobRecord

MAX_CANDIDATES = 5000
"""Files looked at per missing reference at most (a huge folder must not freeze a load)."""


class RefStatus(StrEnum):
    IN_PLACE = "in place"
    FOUND = "found by hash"
    MISSING = "missing"
    URL = "link"


@dataclass(frozen=True)
class RestoredRef:
    name: str
    status: RefStatus
    source: str
    """Where the restored reference points (the found path, or the old one when missing)."""


@dataclass(frozen=True)
class Restored:
    snapshot: CompositionSnapshot
    references: list[RestoredRef]

    @property
    def missing(self) -> list[RestoredRef]:
        return [r for r in self.references if r.status is RefStatus.MISSING]

    def summary(self) -> str:
        found = sum(r.status is RefStatus.FOUND for r in self.references)
        parts = [f"{len(self.references)} reference{'s' if len(self.references) != 1 else ''}"]
        if found:
            parts.append(f"{found} found again by content")
        if self.missing:
            parts.append("missing: " + ", ".join(r.name for r in self.missing))
        return "; ".join(parts)


def sidecar_hashes(job: JobRecord) -> list[str | None]:
    """The sha256 of each reference, in snapshot order, from the job's sidecar (if any)."""
    if not job.sidecar_path:
        return []
    try:
        data = json.loads(Path(job.sidecar_path).read_text("utf-8"))
    except (OSError, ValueError):
        return []
    entries = data.get("references") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return []
    return [e.get("sha256") if isinstance(e, dict) else None for e in entries]


def _candidates(folders: Iterable[Path], size: int | None) -> Iterator[Path]:
    seen = 0
    for folder in dict.fromkeys(folders):
        with contextlib.suppress(OSError):
            for path in folder.rglob("*"):
                seen += 1
                if seen > MAX_CANDIDATES:
                    return
                with contextlib.suppress(OSError):
                    if path.is_file() and (size is None or path.stat().st_size == size):
                        yield path


def find_by_hash(sha256: str, folders: Iterable[Path], size: int | None = None) -> Path | None:
    for path in _candidates(folders, size):
        with contextlib.suppress(OSError):
            if sha256_file(path) == sha256:
                return path
    return None


def _restore_ref(ref: Reference, sha: str | None, folders: Sequence[Path]
                 ) -> tuple[Reference, RestoredRef]:
    name = ref.display_name
    if ref.is_url:
        return ref, RestoredRef(name, RefStatus.URL, ref.source)
    if Path(ref.source).is_file():
        return ref, RestoredRef(name, RefStatus.IN_PLACE, ref.source)
    if ref.original_source and Path(ref.original_source).is_file() and sha is None:
        # A conformed copy was cleared from the cache; the user's own file is still there.
        moved = ref.model_copy(update={"source": ref.original_source, "original_source": None})
        return moved, RestoredRef(name, RefStatus.FOUND, ref.original_source)
    if sha:
        near = [Path(ref.source).parent]
        if ref.original_source:
            near.append(Path(ref.original_source).parent)
        size = ref.facts.size_bytes if ref.facts is not None else None
        found = find_by_hash(sha, [*near, *folders], size)
        if found is not None:
            moved = ref.model_copy(update={"source": str(found)})
            return moved, RestoredRef(name, RefStatus.FOUND, str(found))
    return ref, RestoredRef(name, RefStatus.MISSING, ref.source)


def restore(job: JobRecord, search: Sequence[Path] = ()) -> Restored:
    """The job's composition with every reference checked (and found again where it moved)."""
    snapshot = job.snapshot()
    hashes = sidecar_hashes(job)
    refs: list[Reference] = []
    report: list[RestoredRef] = []
    for index, ref in enumerate(snapshot.references):
        sha = hashes[index] if index < len(hashes) else None
        new, line = _restore_ref(ref, sha, search)
        refs.append(new)
        report.append(line)
    return Restored(snapshot.model_copy(update={"references": refs}), report)


def load_into(composition: Composition, snapshot: CompositionSnapshot) -> None:
    """Make the live composition `snapshot`: tray, prompt (mentions bound by id), parameters.

    The tray goes first so the prompt's mentions bind to the restored items.
    """
    composition.tray.clear()
    composition.tray.extend(list(snapshot.references))
    composition.prompt.restore(snapshot.prompt, composition.tray)
    composition.params = snapshot.params
