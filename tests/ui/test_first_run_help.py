"""First run and the Help menu: the welcome once, keys, About, logs, a redacted report, and the
simulator's kept home with its realistic timing."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from seedance_studio import app as app_module
from seedance_studio.app import build_studio
from seedance_studio.core import diagnostics, paths
from seedance_studio.core.redact import register_secret
from seedance_studio.core.settings import load_settings
from seedance_studio.simulator.timing import REALISTIC
from seedance_studio.ui.help_menu import HelpMenu
from seedance_studio.ui.open_path import PathDialog
from seedance_studio.ui.welcome import WelcomeDialog

PLANTED = "sk-report-planted-0123456789"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(paths.HOME_ENV, str(tmp_path / "home"))
    return tmp_path / "home"


def _help(studio: Any) -> HelpMenu:
    assert studio.help is not None
    return studio.help  # type: ignore[no-any-return]


def _close(studio: Any, qtbot: QtBot, run_async: Any) -> None:
    with qtbot.waitSignal(studio.window.closed, timeout=5000):
        studio.window.close()
    run_async(studio.close(), timeout=15)


def test_the_welcome_shows_once_links_key_pages_and_opens_settings_at_keys(
    home: Path, qtbot: QtBot, run_async: Any, qasync_loop: asyncio.AbstractEventLoop
) -> None:
    studio = build_studio()
    qtbot.addWidget(studio.window)
    studio.window.show()
    help_menu = _help(studio)
    assert help_menu.welcome_if_first_run()
    dialog = help_menu.welcome
    assert isinstance(dialog, WelcomeDialog) and dialog.isVisible()
    text = dialog.intro.text()
    assert "Animatic (local)" in text and "no account" in text
    # eachlabs names its key page; every cloud provider gets a link.
    assert 'href="https://www.eachlabs.ai/dashboard/api-keys"' in text
    assert text.count("<li>") >= 5
    QTest.mouseClick(dialog.keys_button, Qt.MouseButton.LeftButton)
    settings_dialog = studio.window.settings_dialog
    assert settings_dialog is not None and settings_dialog.isVisible()
    assert settings_dialog.tabs.tabText(settings_dialog.tabs.currentIndex()) == "API keys"
    settings_dialog.reject()
    # Remembered: not again in this run, nor in the next one (a new store on the same file).
    assert not help_menu.welcome_if_first_run()
    again = QSettings(str(home / "config" / "ui-state.ini"), QSettings.Format.IniFormat)
    assert again.value("welcome/shown", False, type=bool) is True
    _close(studio, qtbot, run_async)
    second = build_studio()
    qtbot.addWidget(second.window)
    assert not _help(second).welcome_if_first_run()
    _close(second, qtbot, run_async)


def test_about_names_the_version_and_the_bundled_licences(
    home: Path, qtbot: QtBot, run_async: Any, qasync_loop: asyncio.AbstractEventLoop
) -> None:
    studio = build_studio()
    qtbot.addWidget(studio.window)
    help_menu = _help(studio)
    assert [a.text() for a in help_menu.menu.actions() if a.text()][-1] == "About Seedance Studio"
    help_menu.about_action.trigger()
    box = help_menu.about
    assert box is not None and box.isVisible()
    text = box.text()
    assert diagnostics.app_version() in text
    assert "PySide6" in text and "LGPL-3.0" in text
    assert "FFmpeg" in text and "libVLC" in text
    box.close()
    _close(studio, qtbot, run_async)


def test_report_a_problem_copies_a_redacted_block(
    home: Path,
    qtbot: QtBot,
    run_async: Any,
    monkeypatch: pytest.MonkeyPatch,
    qasync_loop: asyncio.AbstractEventLoop,
) -> None:
    register_secret(PLANTED)
    studio = build_studio()
    qtbot.addWidget(studio.window)
    help_menu = _help(studio)
    # A secret that reached a line of the report (here: an error text from libVLC's loader).
    monkeypatch.setattr(
        "seedance_studio.ui.help_menu.libvlc_version", lambda: f"not available (token {PLANTED})"
    )
    help_menu.report_action.trigger()
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith("Seedance Studio ")
    for line in ("Platform ", "Qt: ", "libVLC: not available (token ***)", "keyring: ", "PySide6"):
        assert line in copied
    assert PLANTED not in copied
    _close(studio, qtbot, run_async)


def test_open_log_folder_opens_it_or_shows_its_path(
    home: Path, qtbot: QtBot, run_async: Any, qasync_loop: asyncio.AbstractEventLoop
) -> None:
    studio = build_studio()
    qtbot.addWidget(studio.window)
    help_menu = _help(studio)
    asked: list[QUrl] = []

    def opener(url: QUrl) -> bool:
        asked.append(url)
        return True

    help_menu.opener = opener
    assert help_menu.open_log_folder()
    assert Path(asked[0].toLocalFile()) == home / "logs"
    help_menu.opener = lambda url: False
    assert not help_menu.open_log_folder()
    shown = studio.window.findChild(PathDialog)
    assert shown is not None and shown.path_edit.text() == str(home / "logs")
    _close(studio, qtbot, run_async)


def test_the_simulator_keeps_its_home_in_the_user_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(paths.HOME_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    home = app_module.use_simulator_home()
    assert home == tmp_path / "cache" / paths.APP_NAME / "simulator-home"
    assert home.is_dir()
    # The same folder next time: jobs and settings survive a restart.
    monkeypatch.delenv(paths.HOME_ENV)
    assert app_module.use_simulator_home() == home


def test_realistic_timing_is_a_kept_simulator_setting(
    home: Path, qtbot: QtBot, run_async: Any, qasync_loop: asyncio.AbstractEventLoop
) -> None:
    studio = build_studio(simulator=True)
    qtbot.addWidget(studio.window)
    menu = studio.simulator_menu
    assert menu is not None and not menu.realistic_action.isChecked()
    assert studio.simulator is not None
    assert studio.simulator.state.timing.total_s < 5
    menu.realistic_action.trigger()
    assert studio.simulator.state.timing == REALISTIC
    assert REALISTIC.queued_s >= 10 and REALISTIC.running_s >= 10
    assert load_settings().simulator_realistic_timing
    _close(studio, qtbot, run_async)
    again = build_studio(simulator=True)
    qtbot.addWidget(again.window)
    assert again.simulator is not None and again.simulator.state.timing == REALISTIC
    assert again.simulator_menu is not None and again.simulator_menu.realistic_action.isChecked()
    _close(again, qtbot, run_async)


def test_remove_simulator_data_asks_then_deletes_the_kept_home(
    home: Path, qtbot: QtBot, run_async: Any, qasync_loop: asyncio.AbstractEventLoop
) -> None:
    kept = paths.simulator_home()
    (kept / "data").mkdir(parents=True)
    (kept / "data" / "jobs.sqlite3").write_bytes(b"x")
    studio = build_studio()
    qtbot.addWidget(studio.window)
    help_menu = _help(studio)
    assert help_menu.sim_action.isEnabled()
    help_menu.sim_action.trigger()
    box = help_menu.confirm
    assert box is not None and box.isVisible() and str(kept) in box.text()
    QTest.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not kept.exists(), timeout=5000)
    assert not help_menu.sim_action.isEnabled()
    _close(studio, qtbot, run_async)
