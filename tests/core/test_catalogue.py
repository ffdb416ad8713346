"""The first paint's look-up reads the compiled catalogue as gettext does, for every message."""

from __future__ import annotations

import gettext
import struct
from pathlib import Path

import pytest

from seedance_studio.core import catalogue


def test_every_message_is_found_as_gettext_finds_it() -> None:
    with catalogue.mo_path("zh_CN").open("rb") as fh:
        zh = gettext.GNUTranslations(fh)
    singular = [key for key in zh._catalog if isinstance(key, str) and key]  # type: ignore[attr-defined]
    assert len(singular) > 500
    found = catalogue.look_up("zh_CN", [*singular, "not a message of the app"])
    assert found == {
        **{key: zh.gettext(key) for key in singular},
        "not a message of the app": "not a message of the app",
    }


def test_english_and_unknown_languages_are_the_messages_themselves() -> None:
    assert catalogue.look_up("en", ["Jobs"]) == {"Jobs": "Jobs"}
    assert catalogue.look_up("fr", ["Jobs"]) == {"Jobs": "Jobs"}


@pytest.mark.parametrize(
    "data", [b"", b"\x00" * 40, struct.pack("<5I", catalogue.MO_MAGIC, 0, 9, 9999, 9999)]
)
def test_a_broken_catalogue_falls_back_to_english(
    data: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "zh_CN" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "zh_CN" / "LC_MESSAGES" / "seedance-studio.mo").write_bytes(data)
    monkeypatch.setattr(catalogue, "LOCALE_DIR", tmp_path)
    assert catalogue.look_up("zh_CN", ["Jobs"]) == {"Jobs": "Jobs"}


def _mo(order: str, entries: dict[bytes, bytes]) -> bytes:
    """A compiled catalogue of `entries` (sorted, as msgfmt writes them) in byte order `order`."""
    keys = sorted(entries)
    count, header = len(keys), 28
    strings = b""
    key_table, value_table = [], []
    start = header + 16 * count
    for text in keys:
        key_table += [len(text), start + len(strings)]
        strings += text + b"\x00"
    for text in keys:
        value_table += [len(entries[text]), start + len(strings)]
        strings += entries[text] + b"\x00"
    return (
        struct.pack(f"{order}7I", catalogue.MO_MAGIC, 0, count, header, header + 8 * count, 0, 0)
        + struct.pack(f"{order}{2 * count}I", *key_table)
        + struct.pack(f"{order}{2 * count}I", *value_table)
        + strings
    )


def test_a_catalogue_written_big_endian_is_read_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _mo(">", {b"": b"Content-Type: text/plain; charset=UTF-8\n", b"Jobs": "任务".encode()})
    mo = tmp_path / "zh_CN" / "LC_MESSAGES" / "seedance-studio.mo"
    mo.parent.mkdir(parents=True)
    mo.write_bytes(data)
    with mo.open("rb") as fh:
        assert gettext.GNUTranslations(fh).gettext("Jobs") == "任务"  # a real catalogue
    monkeypatch.setattr(catalogue, "LOCALE_DIR", tmp_path)
    assert catalogue.look_up("zh_CN", ["Jobs", "Prompt"]) == {"Jobs": "任务", "Prompt": "Prompt"}
