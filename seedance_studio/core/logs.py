"""The app's log file: rotating, in the user log folder, with every registered secret masked.

One line per job transition (written by the job store) and per provider error (written by the
HTTP layer) at INFO/WARNING; `Help ▸ Open log folder` shows where it is.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from seedance_studio.core import paths
from seedance_studio.core.redact import install_log_redaction

LOG_NAME = "seedance-studio.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
"""At most four files of about 1 MB: enough for weeks of jobs, never a full disk."""
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _AppLogHandler(logging.handlers.RotatingFileHandler):
    """The handler `setup_logging` adds, told apart from any the embedding program has."""


def log_file() -> Path:
    return paths.log_dir() / LOG_NAME


def setup_logging(level: int = logging.INFO) -> Path:
    """Send the app's log records to the rotating file (once per process); returns its path."""
    target = log_file()
    root = logging.getLogger()
    for old in list(root.handlers):
        if isinstance(old, _AppLogHandler):
            if Path(old.baseFilename) == target:
                return target
            root.removeHandler(old)  # the home folder moved (tests, simulator mode)
            old.close()
    handler = _AppLogHandler(
        target, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True
    )
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.setLevel(level)
    root.addHandler(handler)
    seedance = logging.getLogger("seedance_studio")
    if seedance.level == logging.NOTSET or seedance.level > level:
        seedance.setLevel(level)
    install_log_redaction(root)
    return target


def teardown_logging() -> None:
    """Close the file handlers `setup_logging` added (tests, and before removing the folder)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, _AppLogHandler):
            root.removeHandler(handler)
            handler.close()
