"""Preferences, built page by page from the settings model (ui/settings_pages.PAGES).

Keys never enter the Settings model: they go to the SecretStore, on a worker thread (a keyring
call may take seconds). Save validates the pages' values in the model, writes the keys, then
changes the app's one Settings in place: the engine and the checks follow its events. The
dialog is shown with open(), never exec(), so async code can show it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TypeVar

from pydantic import ValidationError
from PySide6.QtCore import Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from seedance_studio.core.i18n import _
from seedance_studio.core.settings import Settings, save_settings
from seedance_studio.providers.keys import SecretStore
from seedance_studio.ui import theme
from seedance_studio.ui.connection_check import ConnectionResult, check_connection
from seedance_studio.ui.settings_editors import FieldEditor, SecretField
from seedance_studio.ui.settings_pages import (
    PAGES,
    KeysPage,
    PricesPage,
    ProvidersPage,
    SettingsPage,
)
from seedance_studio.ui.workers import Worker

P = TypeVar("P", bound=SettingsPage)


class SettingsDialog(QDialog):
    saved = Signal(object)
    """The app's Settings, after they (and the keys) were written."""

    def __init__(
        self,
        settings: Settings,
        secrets: SecretStore,
        *,
        settings_path: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Settings"))
        self.setMinimumSize(720, 480)
        self._settings = settings
        self._secrets = secrets
        self._path = settings_path
        self._worker = Worker(max_workers=1, parent=self)
        self._loaded: dict[str, str] = {}
        self._tasks: set[asyncio.Task[object]] = set()

        self.banner = QLabel()
        self.banner.setProperty("role", "banner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()

        self.tabs = QTabWidget()
        self.pages: list[SettingsPage] = []
        for page_class in PAGES:
            page = page_class(settings)
            self.pages.append(page)
            self.tabs.addTab(page, page_class.title)
        keys = self._page(KeysPage)
        for provider_id, test in keys.test_buttons.items():
            test.clicked.connect(lambda _checked=False, pid=provider_id: self.test_key(pid))

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        for button in self.buttons.buttons():
            button.setIcon(QIcon())
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 14, 14, 14)
        layout.setSpacing(10)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._load_secrets()

    def _page(self, kind: type[P]) -> P:
        return next(p for p in self.pages if isinstance(p, kind))

    @property
    def editors(self) -> dict[str, FieldEditor]:
        """Every field's editor, by its dotted path."""
        return {path: e for page in self.pages for path, e in page.editors.items()}

    @property
    def secret_fields(self) -> dict[str, SecretField]:
        return {name: f for page in self.pages for name, f in page.secrets.items()}

    @property
    def key_fields(self) -> dict[str, SecretField]:
        return self._page(KeysPage).secrets

    @property
    def key_status(self) -> dict[str, QLabel]:
        return self._page(KeysPage).key_status

    @property
    def test_buttons(self) -> dict[str, QPushButton]:
        return self._page(KeysPage).test_buttons

    @property
    def url_fields(self) -> dict[str, QLineEdit]:
        return self._page(ProvidersPage).url_fields

    @property
    def prices(self) -> QTableWidget:
        return self._page(PricesPage).prices

    # -- keys --------------------------------------------------------------------------------

    def _load_secrets(self) -> None:
        names = list(self.secret_fields)
        store = self._secrets

        def read() -> tuple[str | None, dict[str, tuple[str, str | None]]]:
            problem = store.backend_problem()
            found: dict[str, tuple[str, str | None]] = {}
            for name in names:
                found[name] = (store.get(name) or "", store.source(name))
            return problem, found

        for status in self.key_status.values():
            status.setText(_("reading keyring…"))
        self._worker.submit(
            read,
            on_done=self._secrets_loaded,
            on_error=lambda exc: self._show_error(_("Keyring: {error}").format(error=exc)),
        )

    def _secrets_loaded(self, result: tuple[str | None, dict[str, tuple[str, str | None]]]) -> None:
        problem, found = result
        fields = self.secret_fields
        if problem:
            self.banner.setText(problem)
            self.banner.show()
            for field in fields.values():
                # Typing a key that Save could not keep would only fail later: say why here.
                field.edit.setEnabled(False)
                field.edit.setToolTip(problem)
                field.edit.setPlaceholderText(_("cannot be stored: see above"))
        for name, (value, source) in found.items():
            self._loaded[name] = value
            field = fields[name]
            if not field.text():
                field.set_text(value)
            if name in self.key_status:
                self.key_status[name].setText(
                    {"keyring": _("stored in keyring"), "env": _("from the environment")}.get(
                        source or "", _("not set")
                    )
                )

    @property
    def secrets_loaded(self) -> bool:
        return bool(self._loaded)

    def test_key(self, provider_id: str) -> asyncio.Task[ConnectionResult]:
        """Check the typed key against the provider (with the URLs as typed), off the UI."""
        status = self.key_status[provider_id]
        button = self.test_buttons[provider_id]
        status.setText(_("testing…"))
        status.setProperty("role", "muted")
        button.setEnabled(False)
        try:
            settings = self.collect()
        except ValueError:  # test with the URLs as saved when the form does not validate
            settings = self._settings
        task = asyncio.ensure_future(
            check_connection(provider_id, self.key_fields[provider_id].text(), settings)
        )

        def done(t: asyncio.Task[ConnectionResult]) -> None:
            self._tasks.discard(t)
            if t.cancelled():
                return
            exc = t.exception()
            result = t.result() if exc is None else ConnectionResult(False, str(exc))
            button.setEnabled(True)
            status.setText(result.message)
            status.setProperty("role", "muted" if result.ok else "error")
            status.setStyleSheet(f"color: {theme.OK.name()};" if result.ok else "")
            status.style().unpolish(status)
            status.style().polish(status)

        self._tasks.add(task)
        task.add_done_callback(done)
        return task

    # -- saving ------------------------------------------------------------------------------

    def collect(self) -> Settings:
        """The settings as the pages stand, validated by the model (a new object: the app's
        own changes only on Save). Raises ValueError with a message to show."""
        data = self._settings.model_dump()
        for page in self.pages:
            for path, value in page.values().items():
                *parents, name = path.split(".")
                target = data
                for part in parents:
                    target = target[part]
                target[name] = value
        try:
            return type(self._settings).model_validate(data)
        except ValidationError as exc:
            raise ValueError(_first_problem(exc, self.editors)) from None

    def _key_changes(self) -> dict[str, str]:
        """name -> new value ("" deletes) for every key field that differs from the keyring."""
        if not self.secrets_loaded:
            return {}
        return {
            name: f.text()
            for name, f in self.secret_fields.items()
            if f.text() != self._loaded.get(name, "")
        }

    def save(self) -> None:
        try:
            settings = self.collect()
        except ValueError as exc:
            self._show_error(str(exc))
            return
        changes = self._key_changes()
        store = self._secrets
        self.buttons.setEnabled(False)

        def write_keys() -> None:
            for name, value in changes.items():
                if value:
                    store.set(name, value)
                else:
                    store.delete(name)

        def finished(_result: None) -> None:
            try:
                save_settings(settings, self._path)
            except OSError as exc:
                self._show_error(_("The settings could not be written: {exc}").format(exc=exc))
                self.buttons.setEnabled(True)
                return
            self._settings.update(settings)  # everyone subscribed follows from here
            self.saved.emit(self._settings)
            self.accept()

        def failed(exc: BaseException) -> None:
            self.buttons.setEnabled(True)
            self._show_error(_("The keys were not saved: {exc}").format(exc=exc))

        self._worker.submit(write_keys, on_done=finished, on_error=failed)

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def done(self, result: int) -> None:
        for task in list(self._tasks):
            task.cancel()
        self._worker.shutdown()
        super().done(result)


def _first_problem(exc: ValidationError, editors: dict[str, FieldEditor]) -> str:
    """The model's first objection, named as the form names the field."""
    error = exc.errors()[0]
    loc = [str(part) for part in error["loc"]]
    path = ".".join(loc)
    editor = editors.get(path)
    if editor is not None:
        where = editor.label
    elif loc and loc[0] == "price_overrides":
        where = _("Prices: {field}").format(field=" ".join(loc[1:]))
    else:
        where = path
    return f"{where}: {error['msg']}"
