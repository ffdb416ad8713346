"""Seedance Studio's entry point: a QApplication on a qasync loop, the main window, shutdown.

`seedance-studio --simulator` runs the provider simulator in this process, points every
provider at it and uses a home folder of its own (kept in the user cache) and a session
keyring: the whole app can be tried without an account and without touching the user's own
settings, jobs or keys.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, MutableMapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from seedance_studio.core import paths
from seedance_studio.core.catalogue import N_
from seedance_studio.ui import system_quit
from seedance_studio.ui.icons import app_icon
from seedance_studio.ui.single_instance import (
    InstanceListener,
    InstanceLock,
    hand_over,
    project_argument,
)
from seedance_studio.ui.startup_shell import StartupShell
from seedance_studio.ui.theme import FUSION_PROPERTY, apply_palette, apply_theme, first_paint_scheme
from seedance_studio.ui.ui_state import APPLICATION, ORGANIZATION, ui_state_store

# Everything below loads after the window's first paint (ui/startup_shell.py): the core,
# pydantic, the job store, keyring, asyncio and qasync are imported where they are used.
if TYPE_CHECKING:
    from pathlib import Path

    import httpx
    from PySide6.QtCore import QSettings

    from seedance_studio.core.composition import Composition
    from seedance_studio.core.provider import Provider
    from seedance_studio.core.settings import Settings
    from seedance_studio.providers.base import KeySource
    from seedance_studio.providers.keys import SecretStore
    from seedance_studio.simulator import Simulator
    from seedance_studio.ui.engine_bridge import EngineBridge
    from seedance_studio.ui.help_menu import HelpMenu
    from seedance_studio.ui.main_window import MainWindow
    from seedance_studio.ui.simulator_menu import SimulatorMenu

STARTUP_FAILED = 3
"""Exit status when the window cannot open here (no display, missing libraries)."""
SIMULATOR_ENV = "SEEDANCE_STUDIO_SIMULATOR"
"""Set to 1 to start in simulator mode without the flag."""
SIMULATOR_KEY = "simulator-key"
SCREENSHOT_DELAY_MS = 2000
"""--screenshot waits this long after the window is shown, for the first paint and layout."""
SIMULATOR_POLL_S = 1.0
SHUTDOWN_TIMEOUT_S = 5.0
"""Closing never waits longer than this for the engine; jobs resume on the next start."""
SCHEME_KEY = "theme/scheme"
"""The system's light/dark scheme at the last start (UI state): the first paint uses it, as
asking Qt costs ~20 ms; the system is asked right after and wins."""
SIGNAL_SHUTDOWN_TIMEOUT_S = 0.4
"""After SIGTERM, SIGINT or a logout the app ends within a second: the composition is
autosaved at once and unfinished jobs resume on the next start."""


def simulator_settings(settings: Settings, sim: Simulator) -> Settings:
    """Every cloud provider (and the S3 host) pointed at the running simulator."""
    from seedance_studio.core import capabilities
    from seedance_studio.core.settings import S3Settings

    urls = {c.id: sim.base_url(c.id) for c in capabilities.load_all().values() if not c.local}
    return settings.model_copy(
        update={
            "base_urls": urls,
            "s3": S3Settings(endpoint_url=sim.s3_endpoint, bucket="seedance-sim"),
        }
    )


def simulator_secrets() -> SecretStore:
    """A session keyring plus a key for every provider (the simulator takes any key)."""
    from seedance_studio.core import capabilities
    from seedance_studio.providers.keys import SecretStore, env_var
    from seedance_studio.providers.memory_keyring import MemoryKeyring

    environ = {env_var(c.id): SIMULATOR_KEY for c in capabilities.load_all().values()}
    return SecretStore(MemoryKeyring(), environ=environ)


def _fast_polls(
    provider_id: str,
    settings: Settings,
    secrets: KeySource,
    *,
    http: httpx.AsyncClient | None = None,
) -> Provider:
    """Simulator jobs finish in seconds: poll them every second instead of every five."""
    from seedance_studio.providers import registry

    provider = registry.create_provider(provider_id, settings, secrets, http=http)
    if hasattr(provider, "default_poll_interval"):
        provider.default_poll_interval = SIMULATOR_POLL_S
    return provider


class Studio:
    """What one run of the app holds; `close()` takes it down in order."""

    def __init__(
        self, window: MainWindow, bridge: EngineBridge, simulator: Simulator | None = None
    ) -> None:
        import asyncio

        self.window = window
        self.bridge = bridge
        self.simulator = simulator
        self.closed = asyncio.Event()
        self.help: HelpMenu | None = None
        self.simulator_menu: SimulatorMenu | None = None

    async def close(self, timeout_s: float = SHUTDOWN_TIMEOUT_S) -> None:
        import asyncio

        # Closing must end the process whatever the engine does: unfinished jobs are in the
        # store and resume on the next start, so a failed or slow shutdown loses nothing.
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.bridge.shutdown(), timeout_s)
        if self.simulator is not None:
            self.simulator.stop()


def build_studio(*, simulator: bool = False, composition: Composition | None = None) -> Studio:
    """Settings, keys, engine and window (call with a running qasync loop)."""
    from seedance_studio.core import paths
    from seedance_studio.core.settings import load_settings, take_load_problem
    from seedance_studio.providers.keys import SecretStore
    from seedance_studio.ui.draft import load_draft
    from seedance_studio.ui.engine_bridge import EngineBridge
    from seedance_studio.ui.help_menu import install_help_menu
    from seedance_studio.ui.main_window import MainWindow
    from seedance_studio.ui.ui_state import ui_state_store

    sim = None
    settings = load_settings()
    if simulator:
        from seedance_studio.simulator import Simulator
        from seedance_studio.ui.simulator_menu import timing_for

        sim = Simulator(timing=timing_for(settings)).start()
    if sim is not None:
        settings = simulator_settings(settings, sim)
        secrets = simulator_secrets()
        bridge = EngineBridge.create(settings, secrets, provider_factory=_fast_polls)
    else:
        secrets = SecretStore()
        bridge = EngineBridge.create(settings, secrets)
    window = MainWindow(
        settings,
        secrets,
        bridge,
        composition=composition,
        simulator=sim is not None,
        keep_draft=True,
    )
    studio = Studio(window, bridge, sim)
    # Heard before the session marker is written: a SIGTERM sent once the marker names this
    # process closes the window at once, and the studio must learn of it.
    window.closed.connect(studio.closed.set)
    if composition is None:  # what the last run left: autosave, draft or project
        window.project.start(legacy_draft=load_draft)
    if (problem := take_load_problem()) is not None:  # said once, where it is seen
        window.statusBar().showMessage(problem)
    if sim is not None:
        from seedance_studio.ui.simulator_menu import SimulatorMenu

        studio.simulator_menu = SimulatorMenu(
            window, sim, lambda: window.settings, lambda s: _save_and_apply(window, s)
        )
    studio.help = install_help_menu(
        window,
        secrets,
        ui_state_store(),
        open_keys=window.open_settings,
        simulator_home=paths.home_override() if sim else None,
    )
    return studio


def _save_and_apply(window: MainWindow, settings: Settings) -> None:
    from seedance_studio.core.settings import save_settings

    """The Simulator menu's choice goes into the app's one Settings (its subscribers follow)
    and to the file."""
    window.settings.update(settings)
    with contextlib.suppress(OSError):
        save_settings(window.settings)


def _screenshot_then_close(window: MainWindow, path: str) -> None:
    """Save what the screen shows of the window (embedded video included), then close it."""
    screen = window.screen()
    picture = screen.grabWindow(int(window.winId())) if screen is not None else window.grab()
    if picture.isNull():
        picture = window.grab()
    picture.save(path)
    window.close()


_instance_lock: InstanceLock | None = None
"""Held for the life of the process: it makes this the studio of its home folder."""


async def run_studio(options: argparse.Namespace, shell: StartupShell | None = None) -> int:
    """Build the studio (on the loop's first turn, after the shell painted) and run it."""
    from PySide6.QtCore import QTimer

    studio = build_studio(simulator=options.simulator)
    if shell is not None:
        shell.hand_over(studio.window)
    else:
        studio.window.show()
    if system_quit.requested() or (shell is not None and shell.abandoned):
        studio.window.close()
    elif options.screenshot:
        QTimer.singleShot(
            SCREENSHOT_DELAY_MS, lambda: _screenshot_then_close(studio.window, options.screenshot)
        )
    elif studio.help is not None:
        studio.help.welcome_if_first_run()
    _listen_for_later_starts(studio.window)
    project = project_argument(options.paths)
    if project is not None:
        studio.window.project.open_project(project)
    try:
        await studio.bridge.start()  # jobs from earlier runs resume
    except Exception as exc:  # a broken job store must not keep the window from working
        from seedance_studio.core.i18n import _

        studio.window.statusBar().showMessage(
            _("Earlier jobs could not be resumed: {exc}").format(exc=exc)
        )
    freeze_start_up_objects()
    await studio.closed.wait()
    await studio.close(SIGNAL_SHUTDOWN_TIMEOUT_S if system_quit.requested() else SHUTDOWN_TIMEOUT_S)
    return 0


def freeze_start_up_objects() -> None:
    """Move every object start-up made (modules, classes, the window's widgets, pydantic
    schemas) out of the garbage collector's reach: they live as long as the app, and a full
    collection walking them stalled the window for 45-180 ms every few seconds of polling."""
    import gc

    gc.freeze()


HELP = {
    "description": N_(
        "A desktop studio for Seedance 2.0 reference-to-video across cloud providers."
    ),
    "--simulator": N_(
        "try the app against a built-in provider simulator "
        "(no account, no charges, a home folder of its own)"
    ),
    "--screenshot": N_(
        "save a picture of the window once it is up, then quit "
        "(for checking an installation or a bundle)"
    ),
    "paths": N_("a .seedance project to open (in the studio already running, if there is one)"),
}
"""The command line's help, translated only when it is asked for: a normal start parses its
arguments before the first paint, which the catalogue would slow (ui/startup_shell.py)."""


def _asks_for_help(argv: Sequence[str]) -> bool:
    return any(a == "-h" or (len(a) > 2 and "--help".startswith(a)) for a in argv)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    args = list(sys.argv[1:] if argv is None else argv)
    say: Callable[[str], str] = N_
    if _asks_for_help(args):
        from seedance_studio.core.i18n import _

        say = _
    parser = argparse.ArgumentParser(prog="seedance-studio", description=say(HELP["description"]))
    parser.add_argument(
        "--simulator",
        action="store_true",
        default=os.environ.get(SIMULATOR_ENV) == "1",
        help=say(HELP["--simulator"]),
    )
    parser.add_argument("--screenshot", metavar="PNG", default="", help=say(HELP["--screenshot"]))
    parser.add_argument("paths", nargs="*", metavar="PROJECT", help=say(HELP["paths"]))
    options, _qt_args = parser.parse_known_args(args)
    return options


def use_simulator_home() -> Path:
    """Simulator mode keeps its settings, jobs and library in a folder of its own in the user
    cache, kept between runs so its jobs survive a restart (Help ▸ Remove simulator data)."""
    home = paths.home_override()
    if home is None:
        home = paths.simulator_home()
        home.mkdir(parents=True, exist_ok=True)
        os.environ[paths.HOME_ENV] = str(home)
    return home


def make_application(
    argv: Sequence[str], *, stylesheet: bool = True, scheme: str | None = None
) -> QApplication:
    """The QApplication, themed (Qt's translations, the system's scheme and the stylesheet).

    `stylesheet=False` is the first paint's part: Fusion and the palette of `scheme` only;
    `after_first_paint` adds the rest."""
    # Fusion from Qt's command line: `setStyle` would wrap the style and build QStyle's enums.
    app = QApplication([*argv, "-style", "Fusion"])
    app.setProperty(FUSION_PROPERTY, True)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APPLICATION)
    app.setDesktopFileName("seedance-studio")
    app.setWindowIcon(app_icon())
    # The coroutine decides when to quit: after the engine has shut down.
    app.setQuitOnLastWindowClosed(False)
    if stylesheet:
        install_qt_translations(app)
        apply_theme(app)
    else:
        apply_palette(app, scheme)
    return app


def after_first_paint(app: QApplication, ui_state: QSettings) -> str:
    """What the first paint did not wait for: the log file, Qt's translations, the system's
    colour scheme (repainting if it differs from the remembered one) and the stylesheet.
    Returns the scheme applied."""
    from seedance_studio.core.logs import setup_logging

    with contextlib.suppress(OSError):  # a read-only log folder must not keep the window shut
        setup_logging()
    install_qt_translations(app)
    chosen = apply_theme(app)  # and following the system's light/dark switch from now on
    if ui_state.value(SCHEME_KEY) != chosen:
        ui_state.setValue(SCHEME_KEY, chosen)
    return chosen


def install_qt_translations(app: QApplication) -> None:
    """Qt's own strings (standard buttons, file dialogs) in the language of ours."""
    from PySide6.QtCore import QLibraryInfo, QTranslator

    from seedance_studio.core import i18n

    code = i18n.language()
    if code == "en":
        return
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(f"qtbase_{code}", folder):
        app.installTranslator(translator)


def prefer_xcb_for_embedded_video(
    environ: MutableMapping[str, str], platform: str = sys.platform
) -> bool:
    """Under a Wayland session, run on XWayland so the VLC preview can embed in the window.

    libVLC draws into an X11 window id; native Wayland gives it none. An explicit
    QT_QPA_PLATFORM is the user's choice and is left alone. Returns whether it switched.
    """
    if (
        platform.startswith("linux")
        and environ.get("WAYLAND_DISPLAY")
        and environ.get("DISPLAY")
        and not environ.get("QT_QPA_PLATFORM")
    ):
        environ["QT_QPA_PLATFORM"] = "xcb"
        return True
    return False


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    options = parse_args(argv[1:])
    prefer_xcb_for_embedded_video(os.environ)
    from seedance_studio.preflight import startup_problem

    problem = startup_problem()
    if problem is not None:
        print(f"seedance-studio: {problem}", file=sys.stderr)
        return STARTUP_FAILED
    if options.simulator:
        use_simulator_home()
    ui_state = ui_state_store()
    app = make_application(
        argv, stylesheet=False, scheme=first_paint_scheme(ui_state.value(SCHEME_KEY))
    )
    global _instance_lock
    _instance_lock = InstanceLock(paths.data_dir())
    if not _instance_lock.acquire():
        handover = hand_over(_instance_lock, project_argument(options.paths))
        print(f"seedance-studio: {handover.message}", file=sys.stderr)
        return 0 if handover.delivered else STARTUP_FAILED
    # Ctrl+C in the terminal, SIGTERM and a logout close the window at once, autosaved.
    system_quit.listen(app)
    shell = StartupShell(simulator=options.simulator, ui_state=ui_state)
    shell.show()
    shell.wait_painted(app)  # the frame is on screen before the studio's imports begin
    after_first_paint(app, ui_state)
    import asyncio
    import logging

    import qasync

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    system_quit.wake_on_signals(app)  # no polling timer: a signal wakes the loop through its socket
    app.commitDataRequest.connect(lambda _manager: system_quit.autosave_windows(app))
    with loop:
        code = int(loop.run_until_complete(run_studio(options, shell)))
    if system_quit.requested():
        # Ended by a signal or a logout: everything is written and closed by now, so skip
        # tearing down every Qt object one by one (that alone can take most of a second).
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def _listen_for_later_starts(window: MainWindow) -> None:
    """A later start of the studio brings this window forward and opens its project here."""
    if _instance_lock is None:
        return  # built without main() (tests): nothing to listen for

    def requested(project: Path | None) -> None:
        if window.isMinimized():
            window.showNormal()
        window.raise_()
        window.activateWindow()
        if project is not None:
            window.project.open_project(project)

    listener = InstanceListener(_instance_lock.data_dir, window)
    listener.requested.connect(requested)


if __name__ == "__main__":
    sys.exit(main())
