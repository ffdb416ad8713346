"""The .seedance file: round trip, relative paths with hashes, migrations, moved files found
again by hash, and never a key inside."""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
from pathlib import Path

import pytest

from seedance_studio.core import capabilities
from seedance_studio.core.composition import Composition
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.core.params import GenerationParams, with_defaults
from seedance_studio.core.redact import forget_secret, register_secret
from seedance_studio.core.reference import Reference
from seedance_studio.projects.project_file import (
    SCHEMA_VERSION,
    MissingFile,
    ProjectError,
    load_project,
    parse_project,
)
from seedance_studio.projects.relink import find_by_hash
from seedance_studio.projects.session import ProjectSession


def _files(folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True)
    still = folder / "face.png"
    still.write_bytes(b"\x89PNG fake image " * 50)
    clip = folder / "moves.mp4"
    clip.write_bytes(b"fake video " * 300)
    return still, clip


def _session(still: Path, clip: Path) -> ProjectSession:
    caps = capabilities.get("kinovi")
    comp = Composition(with_defaults(GenerationParams(provider="kinovi"), caps))
    session = ProjectSession(comp)
    comp.tray.extend(
        [
            Reference(kind=MediaKind.IMAGE, source=str(still), name=still.name),
            Reference(kind=MediaKind.VIDEO, source=str(clip), name=clip.name),
            Reference(
                kind=MediaKind.AUDIO, source="https://cdn.example.com/beat.mp3", name="beat.mp3"
            ),
        ]
    )
    comp.prompt.set_text("@Image1 dances like @Video1 to @Audio1", comp.tray)
    comp.update_params(resolution="720p")
    comp.switch_provider("animatic")
    session.set_note("client: blue version")
    return session


def test_save_writes_relative_paths_hashes_links_and_every_providers_parameters(
    tmp_path: Path,
) -> None:
    still, clip = _files(tmp_path / "media")
    session = _session(still, clip)
    target = session.save(tmp_path / "shots" / "opening")
    assert target.name == "opening.seedance"
    assert not session.modified
    data = json.loads(target.read_text("utf-8"))
    assert data["format"] == "seedance-studio-project"
    assert data["version"] == SCHEMA_VERSION
    refs = data["composition"]["references"]
    assert refs[0]["file"] == {
        "path": "../media/face.png",
        "sha256": hashlib.sha256(still.read_bytes()).hexdigest(),
        "size": still.stat().st_size,
    }
    assert refs[2]["url"] == "https://cdn.example.com/beat.mp3"
    assert data["composition"]["provider"] == "animatic"
    assert data["composition"]["params"]["kinovi"]["resolution"] == "720p"
    assert data["note"] == "client: blue version"


def test_open_gives_back_the_same_composition(tmp_path: Path) -> None:
    still, clip = _files(tmp_path / "media")
    session = _session(still, clip)
    before = session.composition.state()
    target = session.save(tmp_path / "p.seedance")
    other = ProjectSession(Composition(GenerationParams(provider="shortapi")))
    loaded = other.open(target)
    assert loaded.missing == []
    assert other.composition.state() == before
    assert other.note == "client: blue version"
    other.composition.switch_provider("kinovi")
    assert other.composition.params.resolution == "720p"


def test_moved_files_are_missing_then_found_by_hash_in_a_folder_tree(tmp_path: Path) -> None:
    still, clip = _files(tmp_path / "media")
    session = _session(still, clip)
    before = session.composition.state()
    target = session.save(tmp_path / "p.seedance")
    moved = tmp_path / "elsewhere" / "deep" / "renamed"
    moved.mkdir(parents=True)
    shutil.move(str(still), moved / "portrait.png")
    shutil.move(str(clip), moved / "take-3.mp4")
    size = (moved / "take-3.mp4").stat().st_size
    (moved / "decoy.mp4").write_bytes(b"y" * size)  # same size, other content: not taken
    other = ProjectSession(Composition(GenerationParams(provider="animatic")))
    loaded = other.open(target)
    assert sorted(m.name for m in loaded.missing) == ["face.png", "moves.mp4"]
    assert len(other.composition.tray) == 3  # missing files stay, shown as missing
    seen: list[tuple[int, int]] = []
    result = find_by_hash(
        tmp_path / "elsewhere", loaded.missing, progress=lambda n, f: seen.append((n, f))
    )
    assert seen and seen[-1][1] == 2
    assert other.relink(result.new_sources(loaded.missing)) == 2
    assert other.missing == []
    assert [Path(r.source).name for r in other.composition.tray][:2] == [
        "portrait.png",
        "take-3.mp4",
    ]
    assert other.composition.prompt.text == before.snapshot().canonical_prompt()
    assert other.history.undo() == "Relink 2 files"


def test_a_search_can_be_cancelled(tmp_path: Path) -> None:
    still, _clip = _files(tmp_path / "media")
    cancel = threading.Event()
    cancel.set()
    wanted = [
        MissingFile(
            "x",
            "face.png",
            "/gone/face.png",
            hashlib.sha256(still.read_bytes()).hexdigest(),
            still.stat().st_size,
        )
    ]
    result = find_by_hash(tmp_path, wanted, cancel=cancel)
    assert result.cancelled and not result.found


def test_the_old_draft_format_is_migrated(tmp_path: Path) -> None:
    comp = Composition(
        with_defaults(GenerationParams(provider="kinovi"), capabilities.get("kinovi"))
    )
    comp.tray.add(Reference(kind=MediaKind.IMAGE, source="https://cdn.example.com/a.png"))
    comp.prompt.set_text("@Image1 waves", comp.tray)
    legacy = comp.to_project()
    assert legacy["format"] == 1
    project = parse_project(json.dumps(legacy))
    assert project.version == SCHEMA_VERSION
    assert project.composition.provider == "kinovi"
    assert project.composition.references[0].url == "https://cdn.example.com/a.png"
    assert project.composition.prompt.text == "@Image1 waves"


def test_a_newer_or_broken_file_is_refused_with_one_line(tmp_path: Path) -> None:
    newer = tmp_path / "newer.seedance"
    newer.write_text(json.dumps({"format": "seedance-studio-project", "version": 99}))
    with pytest.raises(ProjectError, match=r"newer\.seedance: .*newer version"):
        load_project(newer)
    broken = tmp_path / "broken.seedance"
    broken.write_text("{not json")
    with pytest.raises(ProjectError, match=r"broken\.seedance: it is not valid JSON"):
        load_project(broken)


def test_a_project_file_holds_no_planted_key(tmp_path: Path) -> None:
    key = "sk-planted-7d1f0c9a2b"
    register_secret(key)
    try:
        comp = Composition(
            with_defaults(GenerationParams(provider="shortapi"), capabilities.get("shortapi"))
        )
        session = ProjectSession(comp)
        comp.tray.add(
            Reference(kind=MediaKind.IMAGE, source=f"https://cdn.example.com/a.png?key={key}")
        )
        comp.prompt.set_text(f"@Image1 with {key}", comp.tray)
        session.set_note(f"my key is {key}")
        target = session.save(tmp_path / "k.seedance")
        assert key not in target.read_text("utf-8")
    finally:
        forget_secret(key)
