"""`seedance export`: a saved project's sequence, its picked takes rendered by the free
animatic through `seedance submit`, written as an OTIO timeline and one MP4."""

from __future__ import annotations

import json
from pathlib import Path

import opentimelineio as otio
import pytest

from seedance_studio.core import capabilities
from seedance_studio.core.composition import Composition
from seedance_studio.core.params import GenerationParams, with_defaults
from seedance_studio.media.flatten import take_duration
from seedance_studio.media.timeline import METADATA_KEY
from seedance_studio.projects.session import ProjectSession
from tests.cli.conftest import Cli
from tests.media_factory import make_image


def _render(cli: Cli, image: Path, prompt: str, seconds: int) -> int:
    result = cli(
        "submit",
        "--provider",
        "animatic",
        "--image",
        str(image),
        "--prompt",
        prompt,
        "--duration",
        str(seconds),
        "--resolution",
        "480p",
    )
    assert result.code == 0, result.err
    jobs = json.loads(cli("jobs", "--json").out)
    return int(jobs[0]["id"])


def test_export_writes_the_timeline_and_the_cut(cli: Cli, tmp_path: Path) -> None:
    hero = make_image(tmp_path / "hero.png", 320, 240)
    first = _render(cli, hero, "@Image1 walks in", 4)
    second = _render(cli, hero, "@Image1 walks out", 5)

    caps = capabilities.get("animatic")
    comp = Composition(with_defaults(GenerationParams(provider="animatic"), caps))
    session = ProjectSession(comp)
    doc = session.sequence
    a = doc.add_shot(comp.snapshot())
    b = doc.add_shot(comp.snapshot())
    doc.replace_silently(
        doc.sequence.with_take(a, first)
        .with_pick(a, first)
        .with_take(b, second)
        .with_pick(b, second)
    )
    project = session.save(tmp_path / "film")

    out = cli(
        "export",
        str(project),
        "--otio",
        str(tmp_path / "film.otio"),
        "--mp4",
        str(tmp_path / "film.mp4"),
    )
    assert out.code == 0, out.err
    assert "2 clips" in out.out and "packets copied" in out.out
    clips = list(otio.adapters.read_from_file(str(tmp_path / "film.otio")).find_clips())
    jobs = {j["id"]: j for j in json.loads(cli("jobs", "--json").out)}
    assert [otio.url_utils.filepath_from_url(c.media_reference.target_url) for c in clips] == [
        str(Path(jobs[first]["result_path"]).resolve()),
        str(Path(jobs[second]["result_path"]).resolve()),
    ]
    assert clips[1].metadata[METADATA_KEY]["prompt_canonical"] == "@Image1 walks out"
    assert take_duration(tmp_path / "film.mp4") == pytest.approx(4 + 5, abs=0.05)


def test_export_of_a_project_without_shots_says_so(cli: Cli, tmp_path: Path) -> None:
    comp = Composition(
        with_defaults(GenerationParams(provider="animatic"), capabilities.get("animatic"))
    )
    project = ProjectSession(comp).save(tmp_path / "single")
    out = cli("export", str(project), "--otio", str(tmp_path / "x.otio"))
    assert out.code == 1
    assert out.err.strip() == "seedance: single.seedance has no shots: add them in the Shots panel"
    assert cli("export", str(project)).code == 2
