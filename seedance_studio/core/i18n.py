"""The one translation layer: gettext, used alike by the widgets, the core and the CLI.

Every user-visible string is written `_("…")` (with `.format()` for what varies), so one
catalogue (`seedance_studio/locale/<lang>/LC_MESSAGES/seedance-studio.mo`, compiled from the
`.po` beside it) covers the whole app. The language follows the system locale (LANGUAGE,
LC_ALL, LC_MESSAGES, LANG) unless Settings names one (core/catalogue.py decides, for the first paint
too). Qt-free: the UI only adds Qt's own catalogue for its standard buttons.
"""

from __future__ import annotations

import gettext
import threading

from seedance_studio.core.catalogue import (
    DOMAIN,
    LANGUAGES,
    LOCALE_DIR,
    N_,
    configured_language,
    system_language,
    wanted_language,
)

__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "LOCALE_DIR",
    "N_",
    "_",
    "configured_language",
    "language",
    "ngettext",
    "set_language",
    "system_language",
]

_lock = threading.Lock()
_current: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def set_language(code: str | None) -> str:
    """Use `code` ("" or None: the system's); returns the language now in use."""
    global _current, _language
    wanted = wanted_language(code)
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


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current.ngettext(singular, plural, n)


set_language(configured_language())
