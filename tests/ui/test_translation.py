"""The interface in Simplified Chinese: one catalogue, complete, and the window in it under a
Chinese locale."""

from __future__ import annotations

import gettext
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from seedance_studio.core import capabilities, i18n
from seedance_studio.core.media_facts import MediaKind

CJK = re.compile(r"[\u4e00-\u9fff]")
PO = i18n.LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "seedance-studio.po"


def test_system_locale_picks_the_catalogue() -> None:
    assert i18n.system_language({"LANG": "zh_CN.UTF-8"}) == "zh_CN"
    assert i18n.system_language({"LANGUAGE": "zh_CN:en", "LANG": "en_US.UTF-8"}) == "zh_CN"
    assert i18n.system_language({"LC_ALL": "C", "LANG": "zh_SG.UTF-8"}) == "zh_CN"
    assert i18n.system_language({"LANG": "de_DE.UTF-8"}) == "en"
    assert i18n.system_language({}) == "en"


def test_every_string_in_the_code_has_a_current_chinese_translation() -> None:
    babel = pytest.importorskip("babel.messages.extract")
    from babel.messages.pofile import read_po

    root = Path(i18n.__file__).resolve().parent.parent
    extracted: set[str] = set()
    for path in sorted(root.rglob("*.py")):
        with path.open("rb") as fh:
            for _line, _func, message, _comments in babel.extract_python(
                fh, ["_", "N_", "ngettext"], [], {}
            ):
                msgid = message[0] if isinstance(message, tuple) else message
                if msgid:
                    extracted.add(msgid)
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="zh_CN")
    translated: dict[str, str] = {}
    plurals: dict[str, tuple[str, str]] = {}
    for m in catalog:
        if not m.id or "fuzzy" in m.flags:
            continue
        if isinstance(m.id, tuple | list):  # ngettext: one form in Chinese
            if m.string and m.string[0]:
                translated[str(m.id[0])] = str(m.string[0])
                plurals[str(m.id[0])] = (str(m.id[0]), str(m.id[1]))
        elif m.string:
            translated[str(m.id)] = str(m.string)
    missing = sorted(extracted - translated.keys())
    assert missing == [], f"{len(missing)} strings without a translation (run scripts/i18n)"
    mo = gettext.GNUTranslations((PO.with_suffix(".mo")).open("rb"))
    stale = [
        msgid
        for msgid, text in translated.items()
        if (mo.ngettext(*plurals[msgid], 2) if msgid in plurals else mo.gettext(msgid)) != text
    ]
    assert stale == [], "the .mo is older than the .po: run scripts/i18n compile"
    for msgid, text in translated.items():  # every placeholder the code fills is kept
        names = {m.split(":")[0].split("!")[0] for m in re.findall(r"\{([^{}]*)\}", msgid)}
        kept = {m.split(":")[0].split("!")[0] for m in re.findall(r"\{([^{}]*)\}", text)}
        assert kept <= names, (msgid, text)


def _catalogue() -> gettext.GNUTranslations:
    with PO.with_suffix(".mo").open("rb") as fh:
        return gettext.GNUTranslations(fh)


def test_the_main_window_is_in_chinese_under_a_chinese_locale(tmp_path: Path) -> None:
    png = tmp_path / "zh.png"
    media = tmp_path / "media"
    media.mkdir()
    env = {
        **os.environ,
        "LANG": "zh_CN.UTF-8",
        "LANGUAGE": "",
        "LC_ALL": "",
        "LC_MESSAGES": "",
        "SEEDANCE_STUDIO_HOME": str(tmp_path / "home"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.zh_window", str(png), str(media)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    texts = [t for t in shown["texts"] if re.search(r"[A-Za-z\u4e00-\u9fff]", t)]
    for expected in ("生成", "设置", "帮助(&H)", "文件(&F)", "参考素材", "提示词", "预览", "任务"):
        assert expected in texts, (expected, texts)

    # The problem list: the core's rule messages, each as the catalogue words it.
    zh = _catalogue()
    problems: list[str] = shown["problems"]
    gone = zh.gettext("{tag}: the file {path} is no longer there").format(
        tag="Image1", path=str(media / "gone.png")
    )
    assert any(p.startswith(gone) for p in problems), problems
    assert any(zh.gettext("put the file back or replace the reference") in p for p in problems)
    video = zh.gettext("the prompt mentions {tag}, but {there}").format(
        tag="@Video1", there=zh.gettext("there is no {kind}").format(kind=zh.gettext("video"))
    )
    assert any(p.startswith(video) for p in problems), problems
    caps = capabilities.get("eachlabs")
    cap = caps.limits_for(caps.default_model).for_kind(MediaKind.IMAGE).max_bytes
    assert cap is not None
    size = zh.gettext("{tag} is {value}").format(tag="Image2", value="100 MB")
    template = zh.gettext("{fact}; {provider} {accepts}")
    joint = template.split("{fact}")[1].split("{accepts}")[0].format(provider="eachlabs")
    assert joint == "；eachlabs "  # the catalogue's own separator
    assert any(p.startswith(size + joint) for p in problems), problems
    for p in problems:  # every message Chinese, nothing English but names and tags
        assert CJK.search(p), p
        words = p.replace(str(media), "")
        assert not re.search(r"\b(the|and|to|or|of|is|are|not)\b", words), p
    assert (
        zh.ngettext("{count} error", "{count} errors", 3).format(count=3)
        in (shown["checks_heading"])
    )

    # The estimate and its breakdown.
    label, _rest = zh.gettext("Estimate: {text}").split("{text}")
    assert shown["estimate"].startswith(label), shown["estimate"]
    assert zh.gettext("output s") in shown["estimate_tip"], shown["estimate_tip"]

    # What is left in Latin letters is names (providers, tags, formats), not sentences.
    english = [
        t
        for t in [*texts, shown["generate_tip"]]
        if not CJK.search(t)
        and not t.startswith("<table")
        and re.search(r"\b(the|and|to|or|of|a|is)\b", t)
    ]
    assert english == [], english
    assert png.stat().st_size > 10_000


def test_the_studios_command_line_help_is_in_chinese_under_a_chinese_locale(
    tmp_path: Path,
) -> None:
    """Before: `seedance-studio --help` described the app and its options in English."""
    env = {
        **os.environ,
        "LANG": "zh_CN.UTF-8",
        "LANGUAGE": "",
        "LC_ALL": "",
        "LC_MESSAGES": "",
        "SEEDANCE_STUDIO_HOME": str(tmp_path / "home"),
    }
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from seedance_studio.app import parse_args; parse_args(['--help'])",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    zh = _catalogue()
    from seedance_studio.app import HELP

    for text in HELP.values():
        assert zh.gettext(text) != text, text
    help_text = " ".join(done.stdout.split())  # argparse wraps the lines
    assert zh.gettext(HELP["description"]) in help_text, done.stdout
    assert "--simulator" in help_text and "provider simulator" not in help_text
