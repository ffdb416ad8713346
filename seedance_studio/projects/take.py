"""A past take back as the composition: its tray, prompt and parameters, with references
whose files moved found again by their content hash.

The job's snapshot names each reference's path; the sidecar written with the video holds
each one's sha256. A file still at its path is used as it is. A missing one is looked for
with the projects' own search (projects/relink: by size first, then hash) in its old folder,
the folder its original came from, and any folder the caller adds (the library, the folder
the user points at). What cannot be found is reported, never guessed. The composition is
restored in place (Composition.restore), as opening a project does, so it is one undo step.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from seedance_studio.core.composition import Composition, CompositionSnapshot, CompositionState
from seedance_studio.core.i18n import _, ngettext
from seedance_studio.core.reference import Reference
from seedance_studio.jobs.store import JobRecord
from seedance_studio.projects.project_file import MissingFile
from seedance_studio.projects.relink import find_by_hash


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
        count = len(self.references)
        parts = [ngettext("{count} reference", "{count} references", count).format(count=count)]
        if found:
            parts.append(
                ngettext(
                    "{count} found again by content", "{count} found again by content", found
                ).format(count=found)
            )
        if self.missing:
            parts.append(
                _("missing: {names}").format(names=", ".join(r.name for r in self.missing))
            )
        return _("; ").join(parts)


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


def _missing(ref: Reference, sha: str | None) -> MissingFile | None:
    if ref.is_url or Path(ref.source).is_file() or not sha:
        return None
    size = ref.facts.size_bytes if ref.facts is not None else None
    return MissingFile(ref.id, ref.display_name, ref.source, sha, size)


def _search(
    missing: list[MissingFile], refs: Sequence[Reference], folders: Sequence[Path]
) -> dict[str, str]:
    """Reference id -> where its content is now, looking near the old places first."""
    near: list[Path] = []
    for ref in refs:
        near.append(Path(ref.source).parent)
        if ref.original_source:
            near.append(Path(ref.original_source).parent)
    found: dict[str, str] = {}
    left = list(missing)
    for folder in dict.fromkeys([*near, *folders]):
        if not left:
            break
        if not folder.is_dir():
            continue
        new = find_by_hash(folder, left).new_sources(left)
        found.update(new)
        left = [m for m in left if m.ref_id not in found]
    return found


def restore(job: JobRecord, search: Sequence[Path] = ()) -> Restored:
    """The job's composition with every reference checked (and found again where it moved)."""
    snapshot = job.snapshot()
    hashes = sidecar_hashes(job)
    old = list(snapshot.references)
    missing = [
        m
        for i, ref in enumerate(old)
        if (m := _missing(ref, hashes[i] if i < len(hashes) else None)) is not None
    ]
    found = (
        _search(missing, [r for r in old if any(m.ref_id == r.id for m in missing)], search)
        if missing
        else {}
    )
    refs: list[Reference] = []
    report: list[RestoredRef] = []
    for ref in old:
        name = ref.display_name
        if ref.is_url:
            refs.append(ref)
            report.append(RestoredRef(name, RefStatus.URL, ref.source))
        elif Path(ref.source).is_file():
            refs.append(ref)
            report.append(RestoredRef(name, RefStatus.IN_PLACE, ref.source))
        elif ref.id in found:
            refs.append(ref.model_copy(update={"source": found[ref.id]}))
            report.append(RestoredRef(name, RefStatus.FOUND, found[ref.id]))
        elif ref.original_source and Path(ref.original_source).is_file():
            # A conformed copy was cleared from the cache; the user's own file is still there.
            refs.append(
                ref.model_copy(update={"source": ref.original_source, "original_source": None})
            )
            report.append(RestoredRef(name, RefStatus.FOUND, ref.original_source))
        else:
            refs.append(ref)
            report.append(RestoredRef(name, RefStatus.MISSING, ref.source))
    return Restored(snapshot.model_copy(update={"references": refs}), report)


def load_into(composition: Composition, snapshot: CompositionSnapshot) -> None:
    """Make the live composition `snapshot` (tray, prompt bound by id, parameters), keeping
    the parameters it remembers for the other providers."""
    remembered = composition.state().remembered
    composition.restore(
        CompositionState(tuple(snapshot.references), snapshot.prompt, snapshot.params, remembered)
    )
