"""Autosave and the start-up decision after clean and unclean exits."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from seedance_studio.core import capabilities
from seedance_studio.core.composition import Composition
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.core.params import GenerationParams, with_defaults
from seedance_studio.core.redact import forget_secret, register_secret
from seedance_studio.core.reference import Reference
from seedance_studio.projects.autosave import (
    Autosaver,
    PreviousSession,
    SessionMarker,
    StartKind,
    autosave_text,
    plan_start,
    read_autosave,
)
from seedance_studio.projects.session import ProjectSession


def _composition() -> Composition:
    comp = Composition(
        with_defaults(GenerationParams(provider="kinovi"), capabilities.get("kinovi"))
    )
    comp.tray.add(Reference(kind=MediaKind.IMAGE, source="https://cdn.example.com/a.png"))
    comp.prompt.set_text("@Image1 turns", comp.tray)
    return comp


def test_autosave_round_trips_and_the_newest_write_wins(tmp_path: Path) -> None:
    comp = _composition()
    saver = Autosaver(tmp_path)
    old = autosave_text(comp.state(), project_path=None, note="", modified=True)
    comp.prompt.set_text("@Image1 turns and bows", comp.tray)
    new = autosave_text(comp.state(), project_path=None, note="", modified=True)
    saver.save_async(old)
    saver.save_now(new)
    saver.save_async(new).result(timeout=5)
    saved = read_autosave(tmp_path)
    assert saved is not None
    assert saved.state() == comp.state()
    assert [p.name for p in tmp_path.iterdir()] == ["autosave.seedance"]  # no temp files left
    saver.shutdown()


def test_a_broken_autosave_is_set_aside(tmp_path: Path) -> None:
    (tmp_path / "autosave.seedance").write_text("{half a file")
    assert read_autosave(tmp_path) is None
    assert (tmp_path / "autosave.broken.json").exists()


def test_the_marker_tells_a_kill_from_a_clean_exit(tmp_path: Path) -> None:
    marker = SessionMarker(tmp_path)
    assert marker.read() == PreviousSession(False, None)
    marker.write(clean=False, project_path=tmp_path / "p.seedance")
    text = (tmp_path / "session.json").read_text()
    # A marker left by a process that is gone (pid 0 never exists as a user process).
    (tmp_path / "session.json").write_text(text.replace(f'"pid": {os.getpid()}', '"pid": 0'))
    assert marker.read() == PreviousSession(True, tmp_path / "p.seedance")
    marker.write(clean=True, project_path=None)
    assert not marker.read().unclean


def _autosave(tmp_path: Path, project: Path | None, modified: bool, at: float) -> None:
    Autosaver(tmp_path).save_now(
        autosave_text(
            _composition().state(), project_path=project, note="", modified=modified, saved_at=at
        )
    )


def test_plan_start_covers_each_case(tmp_path: Path) -> None:
    clean, crashed = PreviousSession(False, None), PreviousSession(True, None)
    assert plan_start(clean, None).kind is StartKind.FRESH
    _autosave(tmp_path, None, True, time.time())
    untitled = read_autosave(tmp_path)
    assert plan_start(clean, untitled).kind is StartKind.DRAFT
    plan = plan_start(crashed, untitled)
    assert plan.kind is StartKind.RESTORED and plan.notice and "did not close" in plan.notice

    project = tmp_path / "p.seedance"
    project.write_text("{}")
    os.utime(project, (time.time() - 60, time.time() - 60))
    _autosave(tmp_path, project, True, time.time())
    plan = plan_start(PreviousSession(True, project), read_autosave(tmp_path))
    assert plan.kind is StartKind.OFFER_BOTH and plan.project_path == project
    _autosave(tmp_path, project, False, time.time())
    plan = plan_start(PreviousSession(False, project), read_autosave(tmp_path))
    assert plan.kind is StartKind.PROJECT and plan.notice is None
    project.unlink()
    _autosave(tmp_path, project, True, time.time())
    plan = plan_start(PreviousSession(True, project), read_autosave(tmp_path))
    assert plan.kind is StartKind.RESTORED and plan.notice and "no longer there" in plan.notice


def test_adopting_an_autosave_keeps_it_unsaved(tmp_path: Path) -> None:
    comp = _composition()
    session = ProjectSession(comp)
    target = session.save(tmp_path / "p.seedance")
    comp.prompt.set_text("@Image1 turns again", comp.tray)
    state = comp.state()
    other = ProjectSession(Composition(GenerationParams(provider="animatic")))
    other.adopt(state, path=target, note="", modified=True)
    assert other.modified and other.path == target
    assert other.composition.prompt.text == "@Image1 turns again"


def test_the_autosave_holds_no_planted_key(tmp_path: Path) -> None:
    key = "sk-autosave-planted-93ab"
    register_secret(key)
    try:
        comp = _composition()
        comp.prompt.set_text(f"@Image1 {key}", comp.tray)
        Autosaver(tmp_path).save_now(
            autosave_text(comp.state(), project_path=None, note=key, modified=True)
        )
        assert key not in (tmp_path / "autosave.seedance").read_text("utf-8")
    finally:
        forget_secret(key)


def test_the_start_notice_and_a_broken_project_are_worded_in_chinese(tmp_path: Path) -> None:
    """Before: the status bar said "Seedance Studio did not close normally last time" and a
    project that could not be opened said why in English under a Chinese locale."""
    from seedance_studio.core import i18n
    from seedance_studio.projects.project_file import ProjectError, load_project

    _autosave(tmp_path, None, True, time.time())
    broken = tmp_path / "broken.seedance"
    broken.write_text("{not json")
    newer = tmp_path / "newer.seedance"
    newer.write_text('{"format": "seedance-studio-project", "version": 999}')
    i18n.set_language("zh_CN")
    try:
        plan = plan_start(PreviousSession(True, None), read_autosave(tmp_path))
        with pytest.raises(ProjectError) as bad:
            load_project(broken)
        with pytest.raises(ProjectError) as later:
            load_project(newer)
    finally:
        i18n.set_language("en")
    assert plan.notice is not None
    assert plan.notice.startswith("Seedance Studio 上次未正常关闭：已恢复你 "), plan.notice
    assert str(bad.value).startswith("broken.seedance: 不是有效的 JSON（"), str(bad.value)
    assert "项目格式 999" in str(later.value), str(later.value)
