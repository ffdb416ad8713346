"""The settings dialog: keys go to the keyring (never to settings.json), the rest to the file."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDoubleSpinBox, QTableWidgetItem
from pytestqt.qtbot import QtBot

from seedance_studio.core.settings import Settings, load_settings
from seedance_studio.providers.keys import SERVICE_NAME, SecretStore
from seedance_studio.providers.memory_keyring import MemoryKeyring
from seedance_studio.simulator import Simulator
from seedance_studio.ui.connection_check import ConnectionResult
from seedance_studio.ui.settings_dialog import SettingsDialog


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def _dialog(qtbot: QtBot, settings: Settings, store: SecretStore, path: Path) -> SettingsDialog:
    dialog = SettingsDialog(settings, store, settings_path=path)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitUntil(lambda: dialog.secrets_loaded, timeout=5000)
    return dialog


def test_saving_puts_the_key_in_the_keyring_and_not_in_the_file(
    qtbot: QtBot, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    path = tmp_path / "settings.json"
    memory_keyring.set_password(SERVICE_NAME, "kinovi", "old-kinovi-key")
    dialog = _dialog(qtbot, Settings(), SecretStore(), path)
    assert not dialog.banner.isVisible()
    assert dialog.key_fields["kinovi"].text() == "old-kinovi-key"
    assert "keyring" in dialog.key_status["kinovi"].text()
    field = dialog.key_fields["eachlabs"]
    assert field.edit.echoMode() == field.edit.EchoMode.Password
    field.toggle.trigger()
    assert field.edit.echoMode() == field.edit.EchoMode.Normal
    field.edit.setText("sk-each-secret-123")
    dialog.key_fields["kinovi"].edit.clear()
    dialog.url_fields["oxen"].setText("http://127.0.0.1:9999/oxen/api")
    budget = dialog.editors["budget_usd"].control
    assert isinstance(budget, QDoubleSpinBox)
    budget.setValue(12.5)
    with qtbot.waitSignal(dialog.saved, timeout=5000) as saved:
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert memory_keyring.passwords[(SERVICE_NAME, "eachlabs")] == "sk-each-secret-123"
    assert (SERVICE_NAME, "kinovi") not in memory_keyring.passwords
    raw = path.read_text("utf-8")
    assert "sk-each-secret-123" not in raw and "old-kinovi-key" not in raw
    stored = load_settings(path)
    assert stored.base_urls == {"oxen": "http://127.0.0.1:9999/oxen/api"}
    assert str(stored.budget_usd) == "12.5"
    new: Any = saved.args[0]
    assert new == stored
    assert json.loads(raw)["schema_version"] == stored.schema_version


def test_price_override_is_saved_and_bad_rates_are_refused(
    qtbot: QtBot, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    path = tmp_path / "settings.json"
    dialog = _dialog(qtbot, Settings(), SecretStore(), path)
    table = dialog.prices

    def cell(r: int, c: int) -> QTableWidgetItem:
        item = table.item(r, c)
        assert item is not None
        return item

    row = next(
        r
        for r in range(table.rowCount())
        if cell(r, 0).text() == "eachlabs" and cell(r, 1).text() == "480p"
    )
    cell(row, 3).setText("abc")
    dialog.save()
    assert dialog.error.isVisible() and "abc" in dialog.error.text()
    assert not path.exists()
    cell(row, 3).setText("0.12")
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.save()
    assert str(load_settings(path).price_overrides["eachlabs"]["480p"]) == "0.12"


def test_missing_keyring_shows_a_banner(qtbot: QtBot, tmp_path: Path) -> None:
    # tests/conftest.py selects keyring's null backend: nothing can be stored.
    dialog = _dialog(qtbot, Settings(), SecretStore(), tmp_path / "s.json")
    assert dialog.banner.isVisible()
    assert "keyring" in dialog.banner.text().lower()
    # The key fields say why they cannot take a key instead of failing on Save.
    qtbot.waitUntil(lambda: not dialog.key_fields["eachlabs"].edit.isEnabled(), timeout=5000)
    edit = dialog.key_fields["eachlabs"].edit
    assert edit.toolTip() == dialog.banner.text()
    QTest.keyClicks(edit, "sk-x")
    assert edit.text() == ""
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.save()  # the other settings still save
    assert (tmp_path / "s.json").exists()


async def _wait(task: asyncio.Task[ConnectionResult]) -> ConnectionResult:
    return await task


def test_connection_check_against_the_simulator(
    qtbot: QtBot,
    run_async: Any,
    memory_keyring: MemoryKeyring,
    simulator: Simulator,
    tmp_path: Path,
) -> None:
    dialog = _dialog(qtbot, Settings(), SecretStore(), tmp_path / "s.json")
    dialog.url_fields["eachlabs"].setText(simulator.base_url("eachlabs"))
    dialog.key_fields["eachlabs"].edit.setText("good-key")
    result = run_async(_wait(dialog.test_key("eachlabs")))
    assert result.ok, result.message
    assert dialog.key_status["eachlabs"].text() == result.message
    dialog.key_fields["eachlabs"].edit.setText("bad-key")
    result = run_async(_wait(dialog.test_key("eachlabs")))
    assert not result.ok
    assert "refused" in dialog.key_status["eachlabs"].text()
    # Nothing was stored by testing.
    assert memory_keyring.passwords == {}
