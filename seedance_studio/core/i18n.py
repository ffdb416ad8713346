"""The one translation layer: gettext, used alike by the widgets, the core and the CLI.

Every user-visible string is written `_("…")` (with `.format()` for what varies), so one
catalogue (`seedance_studio/locale/<lang>/LC_MESSAGES/seedance-studio.mo`, compiled from the
`.po` beside it) covers the whole app. The language follows the system locale (LANGUAGE,
LC_ALL, LC_MESSAGES, LANG) unless Settings names one. Qt-free: the UI only adds Qt's own
catalogue for its standard buttons.
"""

from __future__ import annotations

import gettext
import json
import os
import threading
from collections.abc import Mapping
from pathlib import Path

from seedance_studio.core import paths

DOMAIN = "seedance-studio"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = {"en": "English", "zh_CN": "简体中文"}
"""Languages with a complete catalogue (English is the source), by the name each calls itself."""

_lock = threading.Lock()
_current: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


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


def set_language(code: str | None) -> str:
    """Use `code` ("" or None: the system's); returns the language now in use."""
    global _current, _language
    wanted = code or system_language()
    if wanted not in LANGUAGES:
        wanted = "en"
    translations: gettext.NullTranslations = gettext.NullTranslations()
    if wanted != "en":
        try:
            translations = gettext.translation(DOMAIN, LOCALE_DIR, languages=[wanted])
        except OSError:
            wanted = "en"
    with _lock:
        _current, _language = translations, wanted
    return wanted


def language() -> str:
    return _language


def _(message: str) -> str:
    """`message` in the current language (itself where the catalogue has no entry)."""
    return _current.gettext(message)


def N_(message: str) -> str:  # noqa: N802 (gettext's name for it)
    """Marks `message` for the catalogue where it is kept in a table; `_()` translates it
    where it is shown, in the language in use then."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current.ngettext(singular, plural, n)


def configured_language() -> str:
    """The language chosen in Settings ("" for the system's), read before anything is built so
    that strings made at import time are in it too; a change applies on the next start."""
    try:
        # core/settings.py's file (not imported: it may come to use this module)
        data = json.loads((paths.config_dir() / "settings.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    value = data.get("interface_language", "") if isinstance(data, dict) else ""
    return value if isinstance(value, str) else ""


set_language(configured_language())
