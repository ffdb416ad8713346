"""Which catalogue the app speaks, where it lies, and a few of its messages read without loading it.

Apart from core/i18n.py because the window's first paint (ui/startup_shell.py) shows its panel
headings before anything else is loaded: parsing the whole catalogue (a thousand messages, and
`locale` imported for it) would cost that paint several milliseconds, while finding four
messages in the compiled file's tables costs a fraction of one. Both read the same `.mo` and
choose the language the same way, so the first frame and the studio agree.
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Iterable, Mapping
from pathlib import Path

from seedance_studio.core import paths

DOMAIN = "seedance-studio"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = {"en": "English", "zh_CN": "简体中文"}
"""Languages with a complete catalogue (English is the source), by the name each calls itself."""
MO_MAGIC = 0x950412DE
"""The first word of a compiled gettext catalogue, in the byte order it was written in."""


def N_(message: str) -> str:  # noqa: N802 (gettext's name for it)
    """Marks `message` for the catalogue where it is kept in a table; `_()` translates it
    where it is shown, in the language in use then."""
    return message


def system_language(environ: Mapping[str, str] | None = None) -> str:
    """The catalogue the system locale asks for: zh_CN for any Simplified Chinese locale
    (zh_CN, zh_SG, zh_Hans), else English."""
    env = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if not value:
            continue
        for part in value.split(":"):
            code = part.split(".", 1)[0].split("@", 1)[0].replace("-", "_")
            if code in {"C", "POSIX", ""}:
                continue
            if code.lower() in {"zh", "zh_cn", "zh_sg", "zh_hans", "zh_hans_cn"}:
                return "zh_CN"
            return "en"
    return "en"


def configured_language() -> str:
    """The language chosen in Settings ("" for the system's), read before anything is built so
    that strings made at import time are in it too; a change applies on the next start."""
    try:
        # core/settings.py's file (not imported: it loads pydantic, and may come to use i18n)
        data = json.loads((paths.config_dir() / "settings.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    value = data.get("interface_language", "") if isinstance(data, dict) else ""
    return value if isinstance(value, str) else ""


def wanted_language(code: str | None) -> str:
    """`code` if there is a catalogue for it; "" or None: the system's; otherwise English."""
    wanted = code or system_language()
    return wanted if wanted in LANGUAGES else "en"


def mo_path(code: str) -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.mo"


def look_up(code: str, messages: Iterable[str]) -> dict[str, str]:
    """Each of `messages` as the compiled catalogue of `code` words it: itself where the
    catalogue has no entry for it, or there is no catalogue that can be read (English).
    Only singular messages without a context; `_()` does the rest once i18n is loaded."""
    found = {message: message for message in messages}
    if code == "en" or code not in LANGUAGES:
        return found
    try:
        data = mo_path(code).read_bytes()
    except OSError:
        return found
    wanted = {message.encode(): message for message in found}
    sizes = {len(key) for key in wanted}
    try:
        order = "<" if struct.unpack_from("<I", data)[0] == MO_MAGIC else ">"
        if struct.unpack_from(f"{order}I", data)[0] != MO_MAGIC:
            return found  # not a catalogue
        _magic, _revision, count, originals, translations = struct.unpack_from(f"{order}5I", data)
        keys = struct.unpack_from(f"{order}{2 * count}I", data, originals)
        values = struct.unpack_from(f"{order}{2 * count}I", data, translations)
        for index in range(count):
            size, start = keys[2 * index], keys[2 * index + 1]
            if size not in sizes:
                continue
            message = wanted.get(data[start : start + size])
            if message is not None:
                size, start = values[2 * index], values[2 * index + 1]
                found[message] = data[start : start + size].decode("utf-8")
    except (struct.error, UnicodeDecodeError):
        return {message: message for message in found}
    return found
