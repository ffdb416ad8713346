"""Test-wide isolation: no real user folders, no real keyring, no display needed by default."""

from __future__ import annotations

import importlib.util
import os
import tempfile

_home = tempfile.mkdtemp(prefix="seedance-test-home-")
os.environ["SEEDANCE_STUDIO_HOME"] = _home
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
for _name in list(os.environ):
    if _name.startswith("SEEDANCE_") and _name.endswith("_API_KEY"):
        del os.environ[_name]

pytest_plugins = (
    ["seedance_studio.simulator.pytest_plugin"]
    if importlib.util.find_spec("seedance_studio.simulator.pytest_plugin") is not None
    else []
)
