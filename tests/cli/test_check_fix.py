"""`seedance check` and `seedance fix`: the window's checks and Fix all from the command line."""

from __future__ import annotations

import gettext
import json
import os
import re
from pathlib import Path

from seedance_studio.core import i18n
from seedance_studio.core.probe import probe_file as probe
from tests.cli.conftest import Cli, seedance
from tests.media_factory import make_video

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_check_lists_each_references_problems_and_planned_fix(cli: Cli, tmp_path: Path) -> None:
    # 1920×1080 is past "~720p" on Oxen's page (a refusal); 10 fps is under the 24 fps no
    # page here states (a warning).
    clip = make_video(tmp_path / "hd.mp4", 1920, 1080, seconds=2.5, fps=10)
    result = cli(
        "check", "--provider", "oxen", "--prompt", "@Video1 dances", "--video", str(clip), "--json"
    )
    assert result.code == 2, result.err
    data = json.loads(result.out)
    assert data["verdict"] == "errors"
    [ref] = data["references"]
    assert ref["tag"] == "Video1" and ref["source"] == str(clip)
    by_code = {p["code"]: p for p in ref["problems"]}
    assert by_code["too_many_pixels"]["severity"] == "error"
    assert by_code["fps_too_low"]["severity"] == "warning"
    assert by_code["fps_too_low"]["basis"] == "model"
    assert ref["fix"]["width"] * ref["fix"]["height"] <= 927_408
    assert ref["fix"]["fps"] == 24


def test_check_prints_warning_lines_and_exits_0_for_warnings_only(cli: Cli, tmp_path: Path) -> None:
    clip = make_video(tmp_path / "slow.mp4", 1280, 720, seconds=2.5, fps=10)
    result = cli(
        "check", "--provider", "eachlabs", "--prompt", "@Video1 dances", "--video", str(clip)
    )
    assert result.code == 0, result.out + result.err
    lines = result.out.splitlines()
    assert lines[0].startswith(f"Video1  {clip}  1 problem")
    assert lines[1].startswith(
        "  warning: Video1 runs at 10 fps; eachlabs's page states no such limit"
    )
    assert lines[2] == "  fix: raise 10 fps to 24 fps"
    assert lines[-1] == "ready to generate, with warnings"


def test_check_of_a_fitting_composition_plans_nothing(cli: Cli, tmp_path: Path) -> None:
    # The case the old copies disagreed on: 1280×720 passes and Fix plans no scaling.
    clip = make_video(tmp_path / "ok.mp4", 1280, 720, seconds=2.5)
    result = cli(
        "check", "--provider", "oxen", "--prompt", "@Video1 dances", "--video", str(clip), "--json"
    )
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["verdict"] == "ok" and data["references"][0]["fix"] is None


def test_fix_writes_the_copies_prints_old_and_new_and_rechecks(cli: Cli, tmp_path: Path) -> None:
    clip = make_video(tmp_path / "hd.mp4", 1920, 1080, seconds=2.5, fps=10)
    out = tmp_path / "fixed"
    result = cli(
        "fix",
        "--provider",
        "oxen",
        "--prompt",
        "@Video1 dances",
        "--video",
        str(clip),
        "--out",
        str(out),
    )
    new = out / "hd.conformed.mp4"
    assert result.out.splitlines()[0].startswith(f"Video1: {clip} → {new} (scale 1920×1080 to")
    facts = probe(new)
    assert facts.width is not None and facts.height is not None
    assert facts.width * facts.height <= 927_408 and facts.fps == 24
    # The copy passes what the original broke, so the composition can go.
    assert result.code == 0, result.out + result.err
    assert result.out.splitlines()[-1] == "ready to generate"
    again = cli(
        "check", "--provider", "oxen", "--prompt", "@Video1 dances", "--video", str(new), "--json"
    )
    assert json.loads(again.out)["verdict"] == "ok"


def test_fix_with_nothing_to_fix_says_so(cli: Cli, tmp_path: Path) -> None:
    clip = make_video(tmp_path / "ok.mp4", 1280, 720, seconds=2.5)
    result = cli("fix", "--provider", "oxen", "--prompt", "@Video1 dances", "--video", str(clip))
    assert result.code == 0 and result.out.splitlines()[0] == "nothing to fix"


def test_check_speaks_chinese_under_a_chinese_locale(tmp_path: Path) -> None:
    """The same report as above in a Chinese terminal: every line from the catalogue (the
    --json keys and codes stay as they are)."""
    clip = make_video(tmp_path / "slow.mp4", 1280, 720, seconds=2.5, fps=10)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SEEDANCE_", "LC_"))}
    env.update(
        SEEDANCE_STUDIO_HOME=str(tmp_path / "home"),
        LANG="zh_CN.UTF-8",
        LANGUAGE="",
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
    )
    args = ("check", "--provider", "eachlabs", "--prompt", "@Video1 跳舞，@Audio1", "--video")
    result = seedance(env, *args, str(clip))
    assert result.code == 2, result.out + result.err
    with (i18n.LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "seedance-studio.mo").open("rb") as fh:
        zh = gettext.GNUTranslations(fh)
    lines = result.out.splitlines()
    one = zh.ngettext("{count} problem", "{count} problems", 1).format(count=1)
    assert lines[0] == f"Video1  {clip}  {one}", lines
    runs = zh.gettext("{tag} runs at {value} fps").format(tag="Video1", value="10")
    warning = zh.gettext("warning: {text}").format(text=runs)
    assert lines[1].startswith("  " + warning), lines
    raise_fps = zh.gettext("raise {fps} fps to {target} fps").format(fps="10", target="24")
    assert lines[2] == "  " + zh.gettext("fix: {reasons}").format(reasons=raise_fps), lines
    there = zh.gettext("there is no {kind}").format(kind=zh.gettext("audio clip"))
    audio = zh.gettext("the prompt mentions {tag}, but {there}").format(tag="@Audio1", there=there)
    assert any(line.startswith(audio) for line in lines), lines
    assert lines[-1] == zh.gettext("cannot generate: fix the problems above")
    assert all(CJK.search(line) for line in lines[1:]), lines
    data = json.loads(seedance(env, *args, str(clip), "--json").out)
    assert data["verdict"] == "errors"  # machine-readable fields are not translated
    assert {p["code"] for p in data["problems"]} == {"unknown_tag"}
