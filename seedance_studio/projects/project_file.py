"""The `.seedance` project file: JSON with a format name, a schema version and migrations.

A project holds one composition (a sequence of shots will hold several `SavedComposition`s):
the tray (local files by path relative to the project, with their sha256 and size, so moved
files can be found again; links as they are), the prompt with its bound mentions, the
parameters remembered per provider, the chosen provider, and a free-text note. It never
holds a key: the composition has none, and every text is redacted before it is written.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from seedance_studio.core import paths
from seedance_studio.core.composition import CompositionState, memory_key
from seedance_studio.core.errors import SeedanceError
from seedance_studio.core.i18n import _
from seedance_studio.core.media_facts import MediaFacts, MediaKind
from seedance_studio.core.params import GenerationParams
from seedance_studio.core.redact import redact
from seedance_studio.core.reference import Reference, is_url
from seedance_studio.projects.atomic import atomic_write_text
from seedance_studio.projects.digest import DIGESTS, FileDigest

PROJECT_SUFFIX = ".seedance"
FORMAT_NAME: Literal["seedance-studio-project"] = "seedance-studio-project"
SCHEMA_VERSION = 3
"""1 was the draft the app kept between runs (a composition snapshot); 2 is the project;
3 adds the sequence of shots (an app that knows only 2 must refuse it, not drop the shots)."""


class ProjectError(SeedanceError):
    """A project file that cannot be read: the message names the file and the reason."""


class SavedFile(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: str
    """Relative to the project's folder (forward slashes), or absolute for the app's own
    copies and in autosaves."""
    sha256: str | None = None
    size: int | None = None


class SavedReference(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    kind: MediaKind
    name: str = ""
    facts: MediaFacts | None = None
    url: str | None = None
    file: SavedFile | None = None
    original: SavedFile | None = None
    """The user's own file when `file` is a conformed copy the app made (Fix, Trim)."""
    original_url: str | None = None


class SavedMention(BaseModel):
    model_config = ConfigDict(frozen=True)

    start: int
    end: int
    ref_id: str
    last_tag: str = ""
    dangling: bool = False
    last_name: str = ""


class SavedPrompt(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str = ""
    mentions: list[SavedMention] = []


class SavedComposition(BaseModel):
    """One composition; kept its own type so a project can later hold a list of them."""

    model_config = ConfigDict(frozen=True)

    provider: str
    params: dict[str, GenerationParams]
    """Remembered parameters by provider (`kinovi`) and by model (`kinovi/seedance-20`);
    `params[provider]` is the chosen provider's."""
    references: list[SavedReference] = []
    prompt: SavedPrompt = SavedPrompt()


class SavedShot(BaseModel):
    """One shot of the sequence: its own composition and the jobs made for it."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str = ""
    composition: SavedComposition
    takes: list[int] = []
    pick: int | None = None
    animatic: int | None = None
    chain: bool = False


class SavedSequence(BaseModel):
    model_config = ConfigDict(frozen=True)

    shots: list[SavedShot] = []
    current: str | None = None
    """The shot the composer showed; `ProjectFile.composition` is that shot's composition."""
    soundtrack: SavedFile | None = None


class ProjectFile(BaseModel):
    model_config = ConfigDict(frozen=True)

    format: Literal["seedance-studio-project"] = FORMAT_NAME
    version: int = SCHEMA_VERSION
    note: str = ""
    composition: SavedComposition
    sequence: SavedSequence | None = None


@dataclass(frozen=True)
class MissingFile:
    """A reference whose file is not where the project says: shown as missing, relinkable."""

    ref_id: str
    name: str
    path: str
    sha256: str | None
    size: int | None


# -- migrations ------------------------------------------------------------------------------


def _from_v1(data: dict[str, Any]) -> dict[str, Any]:
    """The draft format: a CompositionSnapshot dump with absolute paths and no hashes."""
    params = dict(data.get("params") or {})
    refs: list[dict[str, Any]] = []
    for raw in data.get("references") or []:
        source = str(raw.get("source", ""))
        original = raw.get("original_source")
        ref: dict[str, Any] = {
            "id": raw["id"],
            "kind": raw["kind"],
            "name": raw.get("name", ""),
            "facts": raw.get("facts"),
        }
        if is_url(source):
            ref["url"] = source
        else:
            ref["file"] = {"path": source}
        if original:
            if is_url(str(original)):
                ref["original_url"] = original
            else:
                ref["original"] = {"path": str(original)}
        refs.append(ref)
    provider = str(params.get("provider", ""))
    return {
        "format": FORMAT_NAME,
        "version": 2,
        "note": "",
        "composition": {
            "provider": provider,
            "params": {provider: params},
            "references": refs,
            "prompt": data.get("prompt") or {},
        },
    }


def _from_v2(data: dict[str, Any]) -> dict[str, Any]:
    """Projects before sequences: the same file, with no shots."""
    return {**data, "version": 3}


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _from_v1, 2: _from_v2}
"""Version -> function that brings a file of that version to the next. Append only."""


def file_version(data: dict[str, Any]) -> int:
    if data.get("format") == FORMAT_NAME:
        return int(data.get("version", 0))
    if data.get("format") == 1 and "references" in data:
        return 1
    raise ValueError(_("this is not a Seedance Studio project"))


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """`data` brought to SCHEMA_VERSION; ValueError for newer or unknown files."""
    version = file_version(data)
    if version > SCHEMA_VERSION:
        raise ValueError(
            _(
                "it was written by a newer version of Seedance Studio "
                "(project format {version}); update the app to open it"
            ).format(version=version)
        )
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](data)
        version = file_version(data)
    return data


# -- encoding --------------------------------------------------------------------------------


def _app_owned(path: Path) -> bool:
    """Copies the app made (conformed references, pasted images) stay where the app keeps
    them; they are stored by absolute path so moving the project does not lose them."""
    for root in (paths.cache_dir(), paths.data_dir()):
        try:
            path.resolve().relative_to(root.resolve())
            return True
        except ValueError:
            continue
    return False


def store_path(path: Path, base_dir: Path | None) -> str:
    if base_dir is None or _app_owned(path):
        return str(path)
    try:
        return Path(os.path.relpath(path, base_dir)).as_posix()
    except ValueError:  # another drive (Windows): no relative path exists
        return str(path)


def resolve_path(stored: str, base_dir: Path | None) -> Path:
    path = Path(stored)
    if path.is_absolute() or base_dir is None:
        return path
    return Path(os.path.normpath(base_dir / path))


DigestFn = Callable[[Path], FileDigest | None]


def saved_file(source: str, base_dir: Path | None, digest: DigestFn) -> SavedFile:
    path = Path(source)
    found = digest(path)
    return SavedFile(
        path=store_path(path, base_dir),
        sha256=found.sha256 if found else None,
        size=found.size if found else None,
    )


def encode_state(
    state: CompositionState,
    base_dir: Path | None,
    *,
    digest: DigestFn | None = None,
    previous: dict[str, SavedReference] | None = None,
) -> SavedComposition:
    """The composition as it is written: `digest` hashes local files (DIGESTS.digest by
    default; an autosave passes DIGESTS.cached so it never reads a large file). A file that
    is missing now keeps the hash and size it was saved with (`previous`)."""
    digest = digest or DIGESTS.digest
    refs: list[SavedReference] = []
    for ref in state.references:
        saved: dict[str, Any] = {
            "id": ref.id,
            "kind": ref.kind,
            "name": redact(ref.name),
            "facts": ref.facts,
        }
        if ref.is_url:
            saved["url"] = redact(ref.source)
        else:
            file = saved_file(ref.source, base_dir, digest)
            old = (previous or {}).get(ref.id)
            if file.sha256 is None and old is not None and old.file is not None:
                file = file.model_copy(update={"sha256": old.file.sha256, "size": old.file.size})
            saved["file"] = file
        if ref.original_source:
            if is_url(ref.original_source):
                saved["original_url"] = redact(ref.original_source)
            else:
                saved["original"] = saved_file(ref.original_source, base_dir, digest)
        refs.append(SavedReference(**saved))
    prompt = state.prompt
    mentions = [SavedMention(**m) for m in prompt.get("mentions", [])]
    params = dict(state.remembered)
    params[memory_key(state.params.provider)] = state.params
    return SavedComposition(
        provider=state.params.provider,
        params=params,
        references=refs,
        prompt=SavedPrompt(text=redact(str(prompt.get("text", ""))), mentions=mentions),
    )


def decode_composition(
    saved: SavedComposition, base_dir: Path | None
) -> tuple[CompositionState, list[MissingFile]]:
    """The state to restore, and the local files that are not where the project says."""
    refs: list[Reference] = []
    missing: list[MissingFile] = []
    for item in saved.references:
        if item.url is not None:
            source = item.url
        elif item.file is not None:
            path = resolve_path(item.file.path, base_dir)
            source = str(path)
            if not path.is_file():
                missing.append(
                    MissingFile(
                        item.id, item.name or path.name, source, item.file.sha256, item.file.size
                    )
                )
        else:
            continue
        original: str | None = item.original_url
        if item.original is not None:
            original = str(resolve_path(item.original.path, base_dir))
        refs.append(
            Reference(
                id=item.id,
                kind=item.kind,
                source=source,
                name=item.name,
                facts=item.facts,
                original_source=original,
            )
        )
    params = saved.params.get(memory_key(saved.provider))
    if params is None:
        raise ValueError(
            _("no parameters for its provider {provider}").format(provider=repr(saved.provider))
        )
    prompt = {
        "text": saved.prompt.text,
        "mentions": [m.model_dump() for m in saved.prompt.mentions],
    }
    remembered = tuple(sorted(saved.params.items()))
    return CompositionState(tuple(refs), prompt, params, remembered), missing


# -- files -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedProject:
    path: Path
    file: ProjectFile
    state: CompositionState
    missing: list[MissingFile]

    @property
    def name(self) -> str:
        return self.path.stem


def parse_project(text: str) -> ProjectFile:
    """A project from JSON text, migrated to the current format (ValueError if it is not)."""
    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise ValueError(_("it is not valid JSON ({error})").format(error=exc)) from None
    if not isinstance(raw, dict):
        raise ValueError(_("this is not a Seedance Studio project"))
    try:
        return ProjectFile.model_validate(migrate(raw))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ValueError(f"{where}: {first['msg']}") from None


def load_project(path: Path) -> LoadedProject:
    """Read a project; ProjectError with a one-line reason when it cannot be used."""
    try:
        project = parse_project(path.read_text("utf-8"))
        state, missing = decode_composition(project.composition, path.parent)
    except OSError as exc:
        raise ProjectError(
            _("{name}: cannot be read ({error})").format(name=path.name, error=exc.strerror or exc)
        ) from None
    except (ValueError, KeyError) as exc:
        raise ProjectError(f"{path.name}: {exc}") from None
    return LoadedProject(path, project, state, missing)


def project_text(project: ProjectFile) -> str:
    """The file's text; redacted once more as a whole, so no field can carry a key out."""
    return (
        redact(
            json.dumps(
                project.model_dump(mode="json", exclude_none=True), indent=2, ensure_ascii=False
            )
        )
        + "\n"
    )


SequenceEncoder = Callable[[Path | None, DigestFn], SavedSequence | None]
"""Encodes the sequence (if any) for a project in a folder (None: an autosave)."""


def build_project(
    state: CompositionState,
    path: Path,
    *,
    note: str = "",
    digest: DigestFn | None = None,
    previous: ProjectFile | None = None,
    sequence: SequenceEncoder | None = None,
) -> ProjectFile:
    old = {r.id: r for r in previous.composition.references} if previous else None
    saved_sequence = sequence(path.parent, digest or DIGESTS.digest) if sequence else None
    return ProjectFile(
        note=redact(note),
        composition=encode_state(state, path.parent, digest=digest, previous=old),
        sequence=saved_sequence,
    )


def save_project(
    state: CompositionState,
    path: Path,
    *,
    note: str = "",
    previous: ProjectFile | None = None,
    sequence: SequenceEncoder | None = None,
) -> ProjectFile:
    """Write the project atomically (hashing local files: call it off the UI thread)."""
    project = build_project(state, path, note=note, previous=previous, sequence=sequence)
    atomic_write_text(path, project_text(project))
    return project


def with_project_suffix(path: Path) -> Path:
    return path if path.suffix == PROJECT_SUFFIX else path.with_name(path.name + PROJECT_SUFFIX)
