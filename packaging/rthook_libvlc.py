"""PyInstaller run-time hook: use a libVLC copied next to the bundle (in `vlc/`) when there is
one, else python-vlc finds the system's; without either the preview panel says how to install
it and the rest of the app works."""

import os
import sys
from pathlib import Path

_base = Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
for _folder in (_base / "vlc", Path(sys.executable).parent / "vlc"):
    _libs = (
        sorted(_folder.glob("libvlc.so*"))
        + sorted(_folder.glob("libvlc.dll"))
        + sorted(_folder.glob("libvlc.dylib"))
    )
    if _libs:
        os.environ.setdefault("PYTHON_VLC_LIB_PATH", str(_libs[0]))
        os.environ.setdefault("PYTHON_VLC_MODULE_PATH", str(_folder / "plugins"))
        os.environ.setdefault("VLC_PLUGIN_PATH", str(_folder / "plugins"))
        break
