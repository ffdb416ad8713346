"""Adding a setting is a field in the model and its name in one page: the dialog shows it
from the field's description, saves it through the model, and everyone subscribed hears it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Literal

import pytest
from pydantic import Field
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QSpinBox
from pytestqt.qtbot import QtBot

from seedance_studio.core.settings import Settings
from seedance_studio.core.settings_fields import Choices, Unit
from seedance_studio.providers.keys import SecretStore
from seedance_studio.providers.memory_keyring import MemoryKeyring
from seedance_studio.ui import settings_pages
from seedance_studio.ui.settings_dialog import SettingsDialog


class MoreSettings(Settings):
    """The model with three settings added, the way a new one is added."""

    loop_previews: Annotated[
        bool, Field(title="Loop previews", description="Play finished jobs over and over.")
    ] = False
    language: Annotated[
        Literal["en", "de"],
        Choices((("en", "English"), ("de", "Deutsch"))),
        Field(title="Language"),
    ] = "en"
    sim_delay_s: Annotated[
        int, Unit("min", 60, minimum=0, maximum=30), Field(ge=0, title="Simulated render time")
    ] = 120


@pytest.fixture
def added(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[settings_pages.SettingsPage]]:
    """One page class gains the new fields' names: nothing else changes."""
    page = settings_pages.LibraryPage
    monkeypatch.setattr(page, "fields", (*page.fields, "loop_previews", "language", "sim_delay_s"))
    yield page


def test_a_new_setting_needs_a_field_and_one_page(
    added: type[settings_pages.SettingsPage], qtbot: QtBot, tmp_path: Path
) -> None:
    settings = MoreSettings()
    heard: list[str] = []
    settings.events.all.connect(lambda info: heard.append(info.signal.name))
    path = tmp_path / "settings.json"
    dialog = SettingsDialog(settings, SecretStore(MemoryKeyring(), environ={}), settings_path=path)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitUntil(lambda: dialog.secrets_loaded, timeout=5000)
    page = next(p for p in dialog.pages if isinstance(p, added))
    labels = [w.text() for w in page.findChildren(QLabel)]
    assert "Loop previews" in labels and "Play finished jobs over and over." in labels
    loop = dialog.editors["loop_previews"].control
    language = dialog.editors["language"].control
    delay = dialog.editors["sim_delay_s"].control
    assert isinstance(loop, QCheckBox) and isinstance(language, QComboBox)
    assert isinstance(delay, QSpinBox)
    assert delay.value() == 2 and delay.suffix() == " min"  # shown in its unit
    loop.setChecked(True)
    language.setCurrentIndex(language.findData("de"))
    delay.setValue(5)
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert (settings.loop_previews, settings.language, settings.sim_delay_s) == (True, "de", 300)
    assert {"loop_previews", "language", "sim_delay_s"} <= set(heard)
    stored = json.loads(path.read_text("utf-8"))
    assert (stored["loop_previews"], stored["language"], stored["sim_delay_s"]) == (True, "de", 300)


def test_the_model_s_objection_is_shown_under_the_field_s_own_name(
    qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "settings.json"
    dialog = SettingsDialog(
        Settings(), SecretStore(MemoryKeyring(), environ={}), settings_path=path
    )
    qtbot.addWidget(dialog)
    dialog.open()
    table = dialog.prices
    item = table.item(0, 3)
    assert item is not None
    item.setText("-0.5")
    dialog.save()
    assert dialog.error.isVisible() and dialog.error.text().startswith("Prices:")
    assert not path.exists()


def test_every_page_is_registered_once_with_a_title() -> None:
    assert len(set(settings_pages.PAGES)) == len(settings_pages.PAGES)
    assert all(page.title for page in settings_pages.PAGES)
    fields = [f for page in settings_pages.PAGES for f in page.fields]
    assert len(fields) == len(set(fields))  # a field lives on one page
