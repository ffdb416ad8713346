"""A sequence saved in the project: shots with their own compositions, takes, pick and
chaining come back as they were, files relative to the project, and an unsaved shot edit
marks the project modified."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from seedance_studio.core import capabilities
from seedance_studio.core.composition import Composition
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.core.params import GenerationParams, with_defaults
from seedance_studio.core.reference import Reference
from seedance_studio.projects.autosave import autosave_text
from seedance_studio.projects.project_file import SCHEMA_VERSION, migrate, parse_project
from seedance_studio.projects.sequence_file import decode_sequence
from seedance_studio.projects.session import ProjectSession


def _session(folder: Path) -> tuple[ProjectSession, Path]:
    folder.mkdir(parents=True)
    hero = folder / "hero.png"
    hero.write_bytes(b"\x89PNG hero " * 40)
    caps = capabilities.get("eachlabs")
    comp = Composition(with_defaults(GenerationParams(provider="eachlabs"), caps))
    session = ProjectSession(comp)
    comp.tray.extend([Reference(kind=MediaKind.IMAGE, source=str(hero), name="hero.png")])
    comp.prompt.set_text("@Image1 walks in", comp.tray)
    doc = session.sequence
    first = doc.add_shot(comp.snapshot())
    second = doc.add_shot(
        comp.snapshot().model_copy(update={"prompt": {"text": "@Image1 leaves", "mentions": []}})
    )
    doc.replace_silently(
        doc.sequence.with_take(first, 3)
        .with_take(first, 4)
        .with_pick(first, 4)
        .with_animatic(second, 9)
    )
    doc.set_chain(second, True)
    return session, hero


def test_shots_round_trip_through_the_project_file(tmp_path: Path) -> None:
    session, _hero = _session(tmp_path / "work")
    target = session.save(tmp_path / "work" / "film")
    data = json.loads(target.read_text("utf-8"))
    assert data["version"] == SCHEMA_VERSION == 3
    saved = data["sequence"]["shots"]
    assert [s["takes"] for s in saved] == [[3, 4], []]
    assert saved[0]["composition"]["references"][0]["file"]["path"] == "hero.png"
    assert saved[0]["composition"]["references"][0]["file"]["sha256"]
    assert not session.modified

    moved = tmp_path / "elsewhere"
    shutil.copytree(tmp_path / "work", moved)
    other = ProjectSession(Composition(GenerationParams(provider="animatic")))
    other.open(moved / "film.seedance")
    seq = other.sequence.sequence
    original = session.sequence.sequence
    assert [s.id for s in seq.shots] == [s.id for s in original.shots]
    assert [(s.pick, s.animatic, s.chain, s.takes) for s in seq.shots] == [
        (4, None, False, (3, 4)),
        (None, 9, True, ()),
    ]
    assert seq.shots[0].composition.references[0].source == str(moved / "hero.png")
    assert other.sequence.current == session.sequence.current
    assert not other.modified
    other.sequence.set_chain(seq.shots[1].id, False)
    assert other.modified


def test_projects_before_sequences_open_with_no_shots(tmp_path: Path) -> None:
    session, _ = _session(tmp_path / "work")
    target = session.save(tmp_path / "work" / "film")
    data = json.loads(target.read_text("utf-8"))
    data.pop("sequence")
    data["version"] = 2
    project = parse_project(json.dumps(data))
    assert project.version == 3 and project.sequence is None
    assert decode_sequence(project.sequence, None)[0].shots == ()
    assert migrate({**data})["version"] == 3


def test_the_autosave_carries_the_shots(tmp_path: Path) -> None:
    session, _ = _session(tmp_path / "work")
    text = autosave_text(
        session.composition.state(),
        project_path=None,
        note="",
        modified=True,
        sequence=session.sequence_encoder(),
    )
    raw = json.loads(text)
    seq, current, _ = decode_sequence(parse_project(json.dumps(raw["project"])).sequence, None)
    assert [s.id for s in seq.shots] == [s.id for s in session.sequence.sequence.shots]
    assert current == session.sequence.current
