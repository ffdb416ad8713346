"""`seedance project`: a saved project read back without Qt, moved files relinked."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from seedance_studio.cli.main import main
from seedance_studio.core import capabilities
from seedance_studio.core.composition import Composition
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.core.params import GenerationParams, with_defaults
from seedance_studio.core.reference import Reference
from seedance_studio.projects.session import ProjectSession


def test_show_then_relink_a_project_whose_files_moved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEEDANCE_STUDIO_HOME", str(tmp_path / "home"))
    media = tmp_path / "media"
    media.mkdir()
    still = media / "face.png"
    still.write_bytes(b"pixels " * 40)
    comp = Composition(
        with_defaults(GenerationParams(provider="kinovi"), capabilities.get("kinovi"))
    )
    comp.tray.add(Reference(kind=MediaKind.IMAGE, source=str(still), name="face.png"))
    comp.prompt.set_text("@Image1 waves", comp.tray)
    target = ProjectSession(comp).save(tmp_path / "wave.seedance")
    assert main(["project", str(target), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["provider"] == "kinovi" and shown["prompt"] == "@Image1 waves"
    assert shown["references"][0]["missing"] is False

    shutil.move(str(media), str(tmp_path / "moved"))
    assert main(["project", str(target)]) == 1
    out, err = capsys.readouterr()
    assert "(missing)" in out and "1 file is missing (try --relink DIR)" in err
    assert main(["project", str(target), "--relink", str(tmp_path / "moved")]) == 0
    out, _err = capsys.readouterr()
    assert "relinked 1 file and saved" in out
    assert main(["project", str(target), "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["references"][0]["source"] == str(tmp_path / "moved" / "face.png")


def test_a_broken_project_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEEDANCE_STUDIO_HOME", str(tmp_path / "home"))
    bad = tmp_path / "bad.seedance"
    bad.write_text("{nope")
    assert main(["project", str(bad)]) == 1
    # The last line is this refusal, on one line (a settings notice from earlier in the same
    # process may come first: it is said once per process).
    lines = capsys.readouterr().err.splitlines()
    assert lines[-1].startswith("seedance: bad.seedance: it is not valid JSON")
    assert not any("Traceback" in line for line in lines)
