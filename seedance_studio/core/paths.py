"""User folders (platformdirs), overridable as one root for tests and portable installs.

platformdirs is imported where a folder is first asked for: the window's first paint reads
only the config folder, and not even that under SEEDANCE_STUDIO_HOME.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "SeedanceStudio"
HOME_ENV = "SEEDANCE_STUDIO_HOME"
"""When set, every folder lives under this one directory (tests, portable installs)."""


def home_override() -> Path | None:
    """The one folder everything lives under, when SEEDANCE_STUDIO_HOME sets one."""
    home = os.environ.get(HOME_ENV)
    return Path(home) if home else None


def _root(kind: str) -> Path | None:
    home = os.environ.get(HOME_ENV)
    return Path(home) / kind if home else None


def _user_path(kind: str) -> Path:
    import platformdirs

    find = {
        "config": platformdirs.user_config_path,
        "data": platformdirs.user_data_path,
        "cache": platformdirs.user_cache_path,
        "log": platformdirs.user_log_path,
    }[kind]
    return find(APP_NAME, appauthor=False)


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    return _ensure(_root("config") or _user_path("config"))


def data_dir() -> Path:
    return _ensure(_root("data") or _user_path("data"))


def cache_dir() -> Path:
    return _ensure(_root("cache") or _user_path("cache"))


def log_dir() -> Path:
    return _ensure(_root("logs") or _user_path("log"))


def simulator_home() -> Path:
    """Where `--simulator` keeps its own settings, jobs and videos between runs (not created)."""
    return cache_dir() / "simulator-home"


def default_library_dir() -> Path:
    """Where finished videos go unless the user picks another folder."""
    root = _root("library")
    if root:
        return root
    import platformdirs

    return platformdirs.user_videos_path() / "Seedance Studio"
