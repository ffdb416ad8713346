"""Checks made before Qt starts, so a missing display or library is one clear line, not an abort.

Without them Qt aborts the process (exit 134) with a hint that blames libxcb-cursor0 whatever
is missing, and without a display it prints a paragraph about platform plugins. Qt-free: this
runs before PySide6 is imported, and before the first paint, so ctypes, socket and the
translations are imported only by the checks that need them (offscreen and Wayland need none).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

XCB_LIBRARIES: dict[str, str] = {
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
}
"""The system libraries Qt's xcb platform plugin links against (from `ldd libqxcb.so` of the
PySide6 wheel: the wheel carries Qt itself but not these), with the Debian package of each."""

X11_SOCKET_DIR = Path("/tmp/.X11-unix")


def _(message: str) -> str:
    """The catalogue's translation, loaded only when there is something to say."""
    from seedance_studio.core.i18n import _ as translate

    return translate(message)


def _loads(name: str) -> bool:
    import ctypes

    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True


def missing_libraries(
    libraries: Mapping[str, str] = XCB_LIBRARIES, loads: Callable[[str], bool] = _loads
) -> list[str]:
    """The sonames among `libraries` that the dynamic loader cannot find."""
    return [name for name in libraries if not loads(name)]


def x_display_reachable(display: str, socket_dir: Path | None = None) -> bool:
    """Whether a local X server answers on `display` (":0", ":1.0"); remote ones are assumed up.

    Only the local socket is tried (no network): the path in /tmp/.X11-unix, then Linux's
    abstract socket of the same name, which XWayland and Xvfb also listen on.
    """
    import socket

    host, _sep, rest = display.partition(":")
    if host and host not in {"unix", "localhost"}:
        return True
    number = rest.split(".", 1)[0]
    if not number.isdigit():
        return False
    path = (socket_dir or X11_SOCKET_DIR) / f"X{number}"
    for address in (str(path), "\0" + str(path)):
        with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(1.0)
            s.connect(address)
            return True
    return False


def startup_problem(
    environ: Mapping[str, str] | None = None,
    *,
    platform: str = sys.platform,
    loads: Callable[[str], bool] = _loads,
    socket_dir: Path | None = None,
) -> str | None:
    """One line saying what to do when the window cannot open here, or None when it can.

    Only Linux's xcb and wayland platforms are checked; any other QT_QPA_PLATFORM (offscreen,
    vnc, …) is the user's choice and left to Qt.
    """
    env = os.environ if environ is None else environ
    if not platform.startswith("linux"):
        return None
    qpa = env.get("QT_QPA_PLATFORM", "").split(":", 1)[0].split(";", 1)[0].strip()
    display = env.get("DISPLAY", "")
    wayland = env.get("WAYLAND_DISPLAY", "")
    if qpa == "wayland":
        if wayland:
            return None
        return _(
            "QT_QPA_PLATFORM=wayland is set but there is no Wayland display "
            "(WAYLAND_DISPLAY is empty): start it from a Wayland session or unset "
            "QT_QPA_PLATFORM"
        )
    if qpa not in {"", "xcb"}:
        return None
    if not display:
        if wayland:
            return _(
                "this Wayland session has no XWayland (DISPLAY is empty), which the "
                "embedded video preview needs: install XWayland (Debian/Ubuntu: sudo apt-get "
                "install xwayland), or start with QT_QPA_PLATFORM=wayland to run without "
                "the embedded preview"
            )
        return _(
            "no display to open the window on (DISPLAY and WAYLAND_DISPLAY are empty): "
            "start Seedance Studio from a desktop session, run it under a virtual display "
            "with 'xvfb-run -a seedance-studio', or use the 'seedance' command line"
        )
    if not x_display_reachable(display, socket_dir):
        return _(
            "no X server answers on DISPLAY={display}: start one (or a desktop session), "
            "or point DISPLAY at a running display"
        ).format(display=display)
    missing = missing_libraries(loads=loads)
    if missing:
        packages = " ".join(XCB_LIBRARIES[name] for name in missing)
        return _(
            "Qt's X11 platform needs system libraries that are missing ({value}): "
            "install them (Debian/Ubuntu: sudo apt-get install {packages}) or run "
            "scripts/bootstrap app"
        ).format(value=", ".join(missing), packages=packages)
    return None
