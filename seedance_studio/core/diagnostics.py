"""What About shows and Report a problem copies: versions, licences, platform, all redacted.

Qt-free: the UI adds what only it knows (Qt's version, libVLC's, the keyring backend) as
extra lines, and everything passes through `redact` before it reaches the clipboard.
"""

from __future__ import annotations

import importlib.metadata as metadata
import platform
import sys
from collections.abc import Mapping
from dataclasses import dataclass

from seedance_studio.core.i18n import N_, _
from seedance_studio.core.redact import redact

DISTRIBUTION = "seedance-studio"
BUNDLED = (
    "PySide6-Essentials",
    "shiboken6",
    "av",
    "python-vlc",
    "httpx",
    "httpcore",
    "anyio",
    "qasync",
    "pydantic",
    "pydantic-core",
    "keyring",
    "platformdirs",
    "psygnal",
    "botocore",
    "pillow",
)
"""The libraries a bundle carries (the run-time dependencies and their compiled parts)."""

EXTRA_NOTICES = {
    "av": N_("bundles FFmpeg (LGPL-2.1+) with libx264 (GPL-2.0+)"),
    "PySide6-Essentials": N_("Qt 6 under LGPL-3.0"),
    "python-vlc": N_("loads libVLC (LGPL-2.1+) from the system or the bundle"),
}


@dataclass(frozen=True)
class Library:
    name: str
    version: str
    licence: str


def app_version() -> str:
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "unknown"


def _licence_of(meta: metadata.PackageMetadata) -> str:
    expression = (meta.get_all("License-Expression") or [None])[0]
    if expression:
        return str(expression)
    text = str((meta.get_all("License") or [""])[0]).strip()
    if text and "\n" not in text and len(text) <= 60:
        return text
    classifiers = [
        c.rsplit(" :: ", 1)[-1]
        for c in meta.get_all("Classifier") or []
        if c.startswith("License ::")
    ]
    return ", ".join(classifiers) or _("see its package")


def libraries(names: tuple[str, ...] = BUNDLED) -> list[Library]:
    """The installed bundled libraries with their versions and licences (absent ones skipped)."""
    found = []
    for name in names:
        try:
            meta = metadata.metadata(name)
        except metadata.PackageNotFoundError:
            continue
        licence = _licence_of(meta)
        if name in EXTRA_NOTICES:
            licence += f"; {_(EXTRA_NOTICES[name])}"
        found.append(Library(str(meta["Name"]), str(meta["Version"]), licence))
    return found


def report(extra: Mapping[str, str] | None = None) -> str:
    """A plain-text block for a bug report: versions, platform and `extra`, with secrets masked."""
    lines = [
        f"Seedance Studio {app_version()}",
        f"Python {platform.python_version()} ({sys.implementation.name})",
        f"Platform {platform.platform()} ({sys.platform}, {platform.machine()})",
    ]
    lines += [f"{key}: {value}" for key, value in (extra or {}).items()]
    lines += [f"{lib.name} {lib.version}" for lib in libraries()]
    return redact("\n".join(lines))
