"""Seedance Studio's entry point: a QApplication on a qasync loop, the main window, shutdown.

`seedance-studio --simulator` runs the provider simulator in this process, points every
provider at it and uses a throw-away home folder and keyring: the whole app can be tried
without an account and without touching the user's own settings, jobs or keys.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from collections.abc import MutableMapping, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QApplication

from seedance_studio.ui.icons import app_icon
from seedance_studio.ui.startup_shell import StartupShell
from seedance_studio.ui.theme import apply_palette, apply_stylesheet, apply_theme
from seedance_studio.ui.ui_state import APPLICATION, ORGANIZATION

# Everything below loads after the window's first paint (ui/startup_shell.py): the core,
# pydantic, the job store, keyring, asyncio and qasync are imported where they are used.
if TYPE_CHECKING:
    from seedance_studio.core.composition import Composition
    from seedance_studio.core.provider import Provider
    from seedance_studio.core.settings import Settings
    from seedance_studio.providers.keys import SecretStore
    from seedance_studio.simulator import Simulator
    from seedance_studio.ui.engine_bridge import EngineBridge
    from seedance_studio.ui.main_window import MainWindow

SIMULATOR_ENV = "SEEDANCE_STUDIO_SIMULATOR"
"""Set to 1 to start in simulator mode without the flag."""
SIMULATOR_KEY = "simulator-key"
SIMULATOR_POLL_S = 1.0
SHUTDOWN_TIMEOUT_S = 5.0
"""Closing never waits longer than this for the engine; jobs resume on the next start."""


class MemoryKeyring:
    """A keyring that lives for one session (simulator mode must not touch the real one)."""

    priority = 1

    def __init__(self) -> None:
        self._store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self._store.pop((service, username), None)


def simulator_settings(settings: Settings, sim: Simulator) -> Settings:
    """Every cloud provider (and the S3 host) pointed at the running simulator."""
    from seedance_studio.core import capabilities
    from seedance_studio.core.settings import S3Settings

    urls = {c.id: sim.base_url(c.id) for c in capabilities.load_all().values() if not c.local}
    return settings.model_copy(update={
        "base_urls": urls,
        "s3": S3Settings(endpoint_url=sim.s3_endpoint, bucket="seedance-sim"),
    })


def simulator_secrets() -> SecretStore:
    """A session keyring plus a key for every provider (the simulator takes any key)."""
    from seedance_studio.core import capabilities
    from seedance_studio.providers.keys import SecretStore, env_var

    environ = {env_var(c.id): SIMULATOR_KEY for c in capabilities.load_all().values()}
    return SecretStore(MemoryKeyring(), environ=environ)


def _fast_polls(provider_id: str, settings: Settings, secrets: Any, *,
                http: Any = None) -> Provider:
    """Simulator jobs finish in seconds: poll them every second instead of every five."""
    from seedance_studio.providers import registry

    provider = registry.create_provider(provider_id, settings, secrets, http=http)
    if hasattr(provider, "default_poll_interval"):
        provider.default_poll_interval = SIMULATOR_POLL_S
    return provider


class Studio:
    """What one run of the app holds; `close()` takes it down in order."""

    def __init__(self, window: MainWindow, bridge: EngineBridge,
                 simulator: Simulator | None = None) -> None:
        import asyncio

        self.window = window
        self.bridge = bridge
        self.simulator = simulator
        self.closed = asyncio.Event()

    async def close(self) -> None:
        import asyncio

        # Closing must end the process whatever the engine does: unfinished jobs are in the
        # store and resume on the next start, so a failed or slow shutdown loses nothing.
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.bridge.shutdown(), SHUTDOWN_TIMEOUT_S)
        if self.simulator is not None:
            self.simulator.stop()


def build_studio(*, simulator: bool = False, composition: Composition | None = None) -> Studio:
    """Settings, keys, engine and window (call with a running qasync loop)."""
    from seedance_studio.core.settings import load_settings
    from seedance_studio.providers.keys import SecretStore
    from seedance_studio.ui.draft import load_draft
    from seedance_studio.ui.engine_bridge import EngineBridge
    from seedance_studio.ui.main_window import MainWindow

    sim = None
    if simulator:
        from seedance_studio.simulator import Simulator

        sim = Simulator().start()
    settings = load_settings()
    if sim is not None:
        settings = simulator_settings(settings, sim)
        secrets = simulator_secrets()
        bridge = EngineBridge.create(settings, secrets, provider_factory=_fast_polls)
    else:
        secrets = SecretStore()
        bridge = EngineBridge.create(settings, secrets)
    window = MainWindow(settings, secrets, bridge, composition=composition or load_draft(),
                        simulator=sim is not None, keep_draft=True)
    studio = Studio(window, bridge, sim)
    window.closed.connect(studio.closed.set)
    return studio


_quit_requested = False
"""Ctrl+C arrived, possibly before the window existed: close it as soon as it is up."""


async def run_studio(options: argparse.Namespace, shell: StartupShell | None = None) -> int:
    """Build the studio (on the loop's first turn, after the shell painted) and run it."""
    studio = build_studio(simulator=options.simulator)
    if shell is not None:
        shell.hand_over(studio.window)
    else:
        studio.window.show()
    if _quit_requested or (shell is not None and shell.abandoned):
        studio.window.close()
    try:
        await studio.bridge.start()  # jobs from earlier runs resume
    except Exception as exc:  # a broken job store must not keep the window from working
        studio.window.statusBar().showMessage(f"Earlier jobs could not be resumed: {exc}")
    await studio.closed.wait()
    await studio.close()
    return 0


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="seedance-studio",
                                     description="A desktop studio for Seedance 2.0 "
                                     "reference-to-video across cloud providers.")
    parser.add_argument("--simulator", action="store_true",
                        default=os.environ.get(SIMULATOR_ENV) == "1",
                        help="try the app against a built-in provider simulator "
                        "(no account, no charges, a temporary home folder)")
    options, _qt_args = parser.parse_known_args(argv)
    return options


def use_throwaway_home() -> None:
    """Simulator mode keeps its settings, jobs and library in a temporary folder."""
    import tempfile

    from seedance_studio.core import paths

    if not os.environ.get(paths.HOME_ENV):
        os.environ[paths.HOME_ENV] = tempfile.mkdtemp(prefix="seedance-studio-sim-")


def make_application(argv: Sequence[str], *, stylesheet: bool = True) -> QApplication:
    """The QApplication, themed; `stylesheet=False` leaves the stylesheet for later
    (`theme.apply_stylesheet`), as the first paint does not need it."""
    app = QApplication(list(argv))
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APPLICATION)
    app.setDesktopFileName("seedance-studio")
    app.setWindowIcon(app_icon())
    # The coroutine decides when to quit: after the engine has shut down.
    app.setQuitOnLastWindowClosed(False)
    if stylesheet:
        apply_theme(app)
    else:
        apply_palette(app)
    return app


def prefer_xcb_for_embedded_video(environ: MutableMapping[str, str],
                                   platform: str = sys.platform) -> bool:
    """Under a Wayland session, run on XWayland so the VLC preview can embed in the window.

    libVLC draws into an X11 window id; native Wayland gives it none. An explicit
    QT_QPA_PLATFORM is the user's choice and is left alone. Returns whether it switched.
    """
    if (platform.startswith("linux") and environ.get("WAYLAND_DISPLAY")
            and environ.get("DISPLAY") and not environ.get("QT_QPA_PLATFORM")):
        environ["QT_QPA_PLATFORM"] = "xcb"
        return True
    return False


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    options = parse_args(argv[1:])
    if options.simulator:
        use_throwaway_home()
    prefer_xcb_for_embedded_video(os.environ)
    app = make_application(argv, stylesheet=False)
    # Ctrl+C in the terminal closes the window like the close button would.
    signal.signal(signal.SIGINT, lambda *_: _close_windows(app))
    shell = StartupShell(simulator=options.simulator)
    shell.show()
    shell.wait_painted(app)  # the frame is on screen before the studio's imports begin
    apply_stylesheet(app)
    import asyncio

    import qasync
    from PySide6.QtCore import QTimer

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    tick = QTimer()
    tick.start(250)  # lets Python run its signal handlers while Qt waits for events
    tick.timeout.connect(lambda: None)
    with loop:
        return int(loop.run_until_complete(run_studio(options, shell)))


def _close_windows(app: QApplication) -> None:
    global _quit_requested
    _quit_requested = True
    main_window = sys.modules.get("seedance_studio.ui.main_window")
    if main_window is None:  # still on the shell: the studio closes as soon as it is built
        return
    for widget in app.topLevelWidgets():
        if isinstance(widget, main_window.MainWindow) and getattr(widget, "ready", False):
            widget.close()


if __name__ == "__main__":
    sys.exit(main())
