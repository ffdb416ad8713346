"""The Help menu: the welcome again, About, the log folder, a redacted problem report, and
removing the simulator's kept home. Its dialogs are imported when first asked for."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QUrl, qVersion
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMainWindow, QMessageBox

from seedance_studio.core import diagnostics, paths
from seedance_studio.core.i18n import _
from seedance_studio.providers.keys import SecretStore

if TYPE_CHECKING:
    from seedance_studio.ui.welcome import WelcomeDialog


def libvlc_version() -> str:
    """libVLC's version and where it was loaded from, or why it could not be."""
    from seedance_studio.ui.player_vlc import VlcUnavailableError, load_vlc

    try:
        vlc = load_vlc()
        version = vlc.libvlc_get_version()
    except (VlcUnavailableError, OSError, NameError, AttributeError) as exc:
        return _("not available ({exc})").format(exc=exc)
    text = version.decode() if isinstance(version, bytes) else str(version)
    where = getattr(getattr(vlc, "dll", None), "_name", None)
    return f"{text} ({where})" if where else text


def report_lines(secrets: SecretStore) -> dict[str, str]:
    """What only the UI knows, for `diagnostics.report`."""
    return {
        "Qt": qVersion(),
        "Qt platform": QGuiApplication.platformName(),
        "libVLC": libvlc_version(),
        "keyring": f"{secrets!r}; {secrets.backend_problem() or _('keeps keys')}",
        "log folder": str(paths.log_dir()),
        "frozen bundle": "yes" if getattr(sys, "frozen", False) else "no",
    }


class HelpMenu:
    """Builds the menu on `window` and holds its dialogs (shown with open(), never exec())."""

    def __init__(
        self,
        window: QMainWindow,
        secrets: SecretStore,
        store: QSettings,
        *,
        open_keys: Callable[[], object],
        simulator_home: Path | None = None,
        opener: Callable[[QUrl], bool] = QDesktopServices.openUrl,
    ) -> None:
        self.window = window
        self.secrets = secrets
        self.store = store
        self.open_keys = open_keys
        self.simulator_home = simulator_home
        self.opener = opener
        self.welcome: WelcomeDialog | None = None
        self.about: QMessageBox | None = None
        self.confirm: QMessageBox | None = None
        menu = window.menuBar().addMenu(_("&Help"))
        self.menu = menu
        self.welcome_action = self._add(_("Welcome…"), self.show_welcome)
        menu.addSeparator()
        self.log_action = self._add(_("Open log folder"), self.open_log_folder)
        self.report_action = self._add(_("Report a problem (copy diagnostics)"), self.copy_report)
        self.sim_action = self._add(_("Remove simulator data…"), self.remove_simulator_data)
        self.sim_action.setEnabled(self.simulator_home is None and self._sim_cache().exists())
        menu.addSeparator()
        self.about_action = self._add(_("About Seedance Studio"), self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)

    def _add(self, text: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self.window)
        action.triggered.connect(slot)
        self.menu.addAction(action)
        return action

    # -- welcome --------------------------------------------------------------------------
    def show_welcome(self) -> WelcomeDialog:
        from seedance_studio.ui.welcome import WelcomeDialog, mark_welcomed

        if self.welcome is None:
            self.welcome = WelcomeDialog(self.window)
            self.welcome.open_keys.connect(self.open_keys)
        mark_welcomed(self.store)
        self.welcome.open()
        return self.welcome

    def welcome_if_first_run(self) -> bool:
        from seedance_studio.ui.welcome import should_welcome

        if not should_welcome(self.store):
            return False
        self.show_welcome()
        return True

    # -- about ----------------------------------------------------------------------------
    def about_text(self) -> str:
        rows = "".join(
            f"<tr><td>{lib.name}</td><td>{lib.version}</td><td>{lib.licence}</td></tr>"
            for lib in diagnostics.libraries()
        )
        return _(
            "<h3>Seedance Studio {value}</h3><p>A desktop studio for Seedance 2.0 "
            "reference-to-video across cloud providers. MIT licence.</p><p>Qt {value2}, "
            "libVLC {value3}</p><p>Bundled libraries and their licences:</p><table "
            "cellspacing='6'>{rows}</table>"
        ).format(
            value=diagnostics.app_version(), value2=qVersion(), value3=libvlc_version(), rows=rows
        )

    def show_about(self) -> QMessageBox:
        box = QMessageBox(
            QMessageBox.Icon.NoIcon,
            _("About Seedance Studio"),
            self.about_text(),
            QMessageBox.StandardButton.Close,
            self.window,
        )
        box.setObjectName("about-box")
        self.about = box
        box.open()
        return box

    # -- logs and reports -----------------------------------------------------------------
    def open_log_folder(self) -> bool:
        folder = paths.log_dir()
        if self.opener(QUrl.fromLocalFile(str(folder))):
            return True
        from seedance_studio.ui.open_path import open_or_show

        open_or_show(
            str(folder),
            self.window,
            opener=lambda _p: False,
            message=_("No file manager was found on this system. The logs are here:"),
        )
        return False

    def copy_report(self) -> str:
        text = diagnostics.report(report_lines(self.secrets))
        QGuiApplication.clipboard().setText(text)
        status = getattr(self.window, "statusBar", None)
        if status is not None:
            status().showMessage(_("Diagnostics copied: paste them into your report"), 6000)
        return text

    # -- simulator ------------------------------------------------------------------------
    def _sim_cache(self) -> Path:
        return paths.simulator_home()

    def remove_simulator_data(self) -> QMessageBox | None:
        """Ask, then delete the simulator's kept home (its settings, jobs and videos)."""
        home = self._sim_cache()
        if self.simulator_home is not None:
            text = _(
                "The simulator is using that folder now: remove it after a normal start "
                "(without --simulator).\n\n{home}"
            ).format(home=home)
            box = QMessageBox(
                QMessageBox.Icon.Information,
                _("Remove simulator data"),
                text,
                QMessageBox.StandardButton.Close,
                self.window,
            )
        else:
            box = QMessageBox(
                QMessageBox.Icon.Question,
                _("Remove simulator data"),
                _("Delete the simulator's settings, jobs and videos in {home}?").format(home=home),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                self.window,
            )
            box.finished.connect(lambda result: self._removal_answered(box, home))
        box.setObjectName("remove-simulator-box")
        self.confirm = box
        box.open()
        return box

    def _removal_answered(self, box: QMessageBox, home: Path) -> None:
        if box.standardButton(box.clickedButton()) == QMessageBox.StandardButton.Yes:
            shutil.rmtree(home, ignore_errors=True)
        self.sim_action.setEnabled(home.exists())


def install_help_menu(
    window: QMainWindow,
    secrets: SecretStore,
    store: QSettings,
    *,
    open_keys: Callable[[], object],
    simulator_home: Path | None = None,
) -> HelpMenu:
    return HelpMenu(window, secrets, store, open_keys=open_keys, simulator_home=simulator_home)
