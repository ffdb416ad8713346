"""Preferences: API keys (keyring), provider URLs, asset host, library, budget, prices.

Keys never enter the Settings model: they go to the SecretStore, on a worker thread (a keyring
call may take seconds). The dialog is shown with open(), never exec(), so async code can show it.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from seedance_studio.core import capabilities
from seedance_studio.core.capabilities import ProviderCapabilities
from seedance_studio.core.settings import S3Settings, Settings, save_settings
from seedance_studio.providers.keys import S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, SecretStore
from seedance_studio.ui.connection_check import ConnectionResult, check_connection
from seedance_studio.ui.icons import icon
from seedance_studio.ui.workers import Worker

ASSET_HOSTS = [
    ("eachlabs", "eachlabs uploads (uses the eachlabs API key)"),
    ("s3", "My S3-compatible bucket (AWS S3, Cloudflare R2, MinIO)"),
    ("fal", "fal.ai's CDN (uses the fal API key)"),
    ("none", "None: only web links can be used as references"),
]


def cloud_providers() -> list[ProviderCapabilities]:
    """Providers that need a key and a base URL (the local animatic needs neither)."""
    return [c for c in capabilities.load_all().values() if not c.local]


class SecretField(QWidget):
    """A masked line edit with a show/hide eye."""

    def __init__(self, placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setPlaceholderText(placeholder)
        self.edit.setClearButtonEnabled(True)
        self.toggle = QAction(icon("show"), "Show", self.edit)
        self.toggle.setCheckable(True)
        self.toggle.toggled.connect(self._toggled)
        self.edit.addAction(self.toggle, QLineEdit.ActionPosition.TrailingPosition)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)

    def _toggled(self, shown: bool) -> None:
        self.edit.setEchoMode(QLineEdit.EchoMode.Normal if shown
                              else QLineEdit.EchoMode.Password)
        self.toggle.setIcon(icon("hide" if shown else "show"))
        self.toggle.setText("Hide" if shown else "Show")

    def text(self) -> str:
        return self.edit.text().strip()

    def set_text(self, text: str) -> None:
        self.edit.setText(text)


class SettingsDialog(QDialog):
    saved = Signal(object)
    """The new Settings, after they (and the keys) were written."""

    def __init__(self, settings: Settings, secrets: SecretStore, *,
                 settings_path: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setMinimumSize(720, 480)
        self._settings = settings
        self._secrets = secrets
        self._path = settings_path
        self._worker = Worker(max_workers=1, parent=self)
        self._loaded: dict[str, str] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self.key_fields: dict[str, SecretField] = {}
        self.key_status: dict[str, QLabel] = {}
        self.test_buttons: dict[str, QPushButton] = {}
        self.url_fields: dict[str, QLineEdit] = {}

        self.banner = QLabel()
        self.banner.setProperty("role", "banner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()

        self.tabs = QTabWidget()
        self.tabs.addTab(self._keys_page(), "API keys")
        self.tabs.addTab(self._urls_page(), "Providers")
        self.tabs.addTab(self._uploads_page(), "Uploads")
        self.tabs.addTab(self._library_page(), "Library && budget")
        self.tabs.addTab(self._prices_page(), "Prices")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
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

    # -- pages -------------------------------------------------------------------------------

    def _keys_page(self) -> QWidget:
        page = QWidget()
        grid = QGridLayout(page)
        grid.setContentsMargins(12, 12, 12, 12)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(8)
        intro = QLabel("Keys are kept in the system keyring, never in the settings file. "
                       "Test sends one free request with the key as typed.")
        intro.setWordWrap(True)
        intro.setProperty("role", "muted")
        grid.addWidget(intro, 0, 0, 1, 4)
        for row, caps in enumerate(cloud_providers(), start=1):
            field = SecretField("not set")
            status = QLabel()
            status.setProperty("role", "muted")
            status.setMinimumWidth(150)
            status.setWordWrap(True)
            test = QPushButton("Test")
            test.clicked.connect(lambda _=False, pid=caps.id: self.test_key(pid))
            grid.addWidget(QLabel(caps.name), row, 0)
            grid.addWidget(field, row, 1)
            grid.addWidget(test, row, 2)
            grid.addWidget(status, row, 3)
            self.key_fields[caps.id] = field
            self.key_status[caps.id] = status
            self.test_buttons[caps.id] = test
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(3, 2)
        grid.setRowStretch(len(self.key_fields) + 1, 1)
        where = QLabel("Lookup order: the system keyring, then environment variables named "
                       "SEEDANCE_&lt;PROVIDER&gt;_API_KEY (e.g. SEEDANCE_EACHLABS_API_KEY). "
                       "Clearing a field and saving deletes the stored key.")
        where.setWordWrap(True)
        where.setProperty("role", "muted")
        grid.addWidget(where, len(self.key_fields) + 2, 0, 1, 4)
        return page

    def _urls_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setContentsMargins(12, 12, 12, 12)
        note = QLabel("Leave empty to use the documented address. Point a provider at a "
                      "proxy or at the local simulator here.")
        note.setWordWrap(True)
        note.setProperty("role", "muted")
        form.addRow(note)
        for caps in cloud_providers():
            edit = QLineEdit(self._settings.base_urls.get(caps.id, ""))
            edit.setPlaceholderText(caps.base_url)
            form.addRow(caps.name, edit)
            self.url_fields[caps.id] = edit
        return page

    def _uploads_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 12, 12, 12)
        top = QFormLayout()
        self.asset_host = QComboBox()
        for value, label in ASSET_HOSTS:
            self.asset_host.addItem(label, value)
        self.asset_host.setCurrentIndex(max(0, self.asset_host.findData(
            self._settings.asset_host)))
        top.addRow("Host local files on", self.asset_host)
        note = QLabel("Providers fetch references from public https links. Local files are "
                      "uploaded once (cached by content) to the host chosen here.")
        note.setWordWrap(True)
        note.setProperty("role", "muted")
        top.addRow(note)
        layout.addLayout(top)
        self.s3_group = QGroupBox("S3-compatible bucket")
        form = QFormLayout(self.s3_group)
        s3 = self._settings.s3
        self.s3_endpoint = QLineEdit(s3.endpoint_url)
        self.s3_endpoint.setPlaceholderText("empty for AWS; https://<account>.r2.cloudflarestorage.com")
        self.s3_region = QLineEdit(s3.region)
        self.s3_bucket = QLineEdit(s3.bucket)
        self.s3_prefix = QLineEdit(s3.prefix)
        self.s3_expiry = QSpinBox()
        self.s3_expiry.setRange(1, 7 * 24)
        self.s3_expiry.setSuffix(" h")
        self.s3_expiry.setValue(max(1, s3.url_expiry_s // 3600))
        self.s3_key_id = SecretField("access key id (keyring)")
        self.s3_secret = SecretField("secret access key (keyring)")
        form.addRow("Endpoint URL", self.s3_endpoint)
        form.addRow("Region", self.s3_region)
        form.addRow("Bucket", self.s3_bucket)
        form.addRow("Key prefix", self.s3_prefix)
        form.addRow("Link lifetime", self.s3_expiry)
        form.addRow("Access key id", self.s3_key_id)
        form.addRow("Secret access key", self.s3_secret)
        layout.addWidget(self.s3_group)
        layout.addStretch(1)
        self.asset_host.currentIndexChanged.connect(self._asset_host_changed)
        self._asset_host_changed()
        return page

    def _library_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setContentsMargins(12, 12, 12, 12)
        self.library = QLineEdit(self._settings.library_dir)
        self.library.setPlaceholderText(str(self._settings.library_path()))
        browse = QPushButton(icon("folder"), "Choose…")
        browse.clicked.connect(self._choose_library)
        row = QHBoxLayout()
        row.addWidget(self.library, 1)
        row.addWidget(browse)
        form.addRow("Library folder", row)
        self.budget = QDoubleSpinBox()
        self.budget.setRange(0, 1_000_000)
        self.budget.setDecimals(2)
        self.budget.setPrefix("$ ")
        self.budget.setSpecialValueText("No limit")
        self.budget.setValue(float(self._settings.budget_usd or 0))
        form.addRow("Daily budget", self.budget)
        hint = QLabel("Before a submission would take today's spend above the budget, the app "
                      "asks first.")
        hint.setWordWrap(True)
        hint.setProperty("role", "muted")
        form.addRow(hint)
        self.timeout = QSpinBox()
        self.timeout.setRange(1, 48)
        self.timeout.setSuffix(" h")
        self.timeout.setValue(max(1, self._settings.job_timeout_s // 3600))
        form.addRow("Mark jobs stuck after", self.timeout)
        return page

    def _prices_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 12, 12, 12)
        note = QLabel("Prices come from each provider's page (with its date). If your account "
                      "pays another rate, enter it in the same unit (per output second, or "
                      "per million tokens); empty keeps the published one.")
        note.setWordWrap(True)
        note.setProperty("role", "muted")
        layout.addWidget(note)
        self.prices = QTableWidget(0, 4)
        self.prices.setHorizontalHeaderLabels(["Provider", "Price line", "Published",
                                               "Your rate"])
        self.prices.verticalHeader().hide()
        header = self.prices.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for caps in cloud_providers():
            if not caps.pricing.published:
                continue
            unit = "credits/s" if caps.pricing.unit == "credits" else "$/s"
            mine = self._settings.price_overrides.get(caps.id, {})
            for rule in caps.pricing.rules:
                r = self.prices.rowCount()
                self.prices.insertRow(r)
                published = (f"{rule.per_million_tokens.normalize():f} $/M tokens"
                             if rule.per_million_tokens else
                             f"{rule.per_output_second.normalize():f} {unit}")
                cells = [caps.name, rule.label, published,
                         f"{mine[rule.id].normalize():f}" if rule.id in mine else ""]
                for c, text in enumerate(cells):
                    item = QTableWidgetItem(text)
                    if c < 3:
                        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                    item.setData(Qt.ItemDataRole.UserRole, (caps.id, rule.id))
                    self.prices.setItem(r, c, item)
        self.prices.resizeColumnsToContents()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.prices, 1)
        return page

    def _asset_host_changed(self, *_args: object) -> None:
        self.s3_group.setEnabled(self.asset_host.currentData() == "s3")

    def _choose_library(self) -> None:
        dialog = QFileDialog(self, "Library folder")
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(self.library.setText)
        dialog.open()

    # -- keys --------------------------------------------------------------------------------

    def _load_secrets(self) -> None:
        names = [*self.key_fields, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY]
        store = self._secrets

        def read() -> tuple[str | None, dict[str, tuple[str, str | None]]]:
            problem = store.backend_problem()
            found: dict[str, tuple[str, str | None]] = {}
            for name in names:
                found[name] = (store.get(name) or "", store.source(name))
            return problem, found

        for status in self.key_status.values():
            status.setText("reading keyring…")
        self._worker.submit(read, on_done=self._secrets_loaded,
                            on_error=lambda exc: self._show_error(f"Keyring: {exc}"))

    def _secrets_loaded(self, result: tuple[str | None, dict[str, tuple[str, str | None]]]
                        ) -> None:
        problem, found = result
        if problem:
            self.banner.setText(problem)
            self.banner.show()
        fields = {**self.key_fields, S3_ACCESS_KEY_ID: self.s3_key_id,
                  S3_SECRET_ACCESS_KEY: self.s3_secret}
        for name, (value, source) in found.items():
            self._loaded[name] = value
            field = fields[name]
            if not field.text():
                field.set_text(value)
            if name in self.key_status:
                self.key_status[name].setText({"keyring": "stored in keyring",
                                               "env": "from the environment"}.get(
                                                   source or "", "not set"))

    @property
    def secrets_loaded(self) -> bool:
        return bool(self._loaded)

    def test_key(self, provider_id: str) -> asyncio.Task[ConnectionResult]:
        """Check the typed key against the provider (with the URLs as typed), off the UI."""
        status = self.key_status[provider_id]
        button = self.test_buttons[provider_id]
        status.setText("testing…")
        status.setProperty("role", "muted")
        button.setEnabled(False)
        settings = self._collect()
        task = asyncio.ensure_future(
            check_connection(provider_id, self.key_fields[provider_id].text(), settings))

        def done(t: asyncio.Task[ConnectionResult]) -> None:
            self._tasks.discard(t)
            if t.cancelled():
                return
            exc = t.exception()
            result = t.result() if exc is None else ConnectionResult(False, str(exc))
            button.setEnabled(True)
            status.setText(result.message)
            status.setProperty("role", "muted" if result.ok else "error")
            status.setStyleSheet("color: #3fb950;" if result.ok else "")
            status.style().unpolish(status)
            status.style().polish(status)

        self._tasks.add(task)
        task.add_done_callback(done)
        return task

    # -- saving ------------------------------------------------------------------------------

    def _collect(self) -> Settings:
        """A Settings from the form (no keys: those are not settings)."""
        urls = {pid: e.text().strip() for pid, e in self.url_fields.items() if e.text().strip()}
        kept_urls = {k: v for k, v in self._settings.base_urls.items() if k not in self.url_fields}
        budget = Decimal(str(round(self.budget.value(), 2))) if self.budget.value() > 0 else None
        return self._settings.model_copy(update={
            "base_urls": {**kept_urls, **urls},
            "asset_host": self.asset_host.currentData(),
            "s3": S3Settings(endpoint_url=self.s3_endpoint.text().strip(),
                             region=self.s3_region.text().strip() or "us-east-1",
                             bucket=self.s3_bucket.text().strip(),
                             prefix=self.s3_prefix.text().strip(),
                             url_expiry_s=self.s3_expiry.value() * 3600),
            "library_dir": self.library.text().strip(),
            "budget_usd": budget,
            "price_overrides": self._collect_prices(),
            "job_timeout_s": self.timeout.value() * 3600,
        })

    def _collect_prices(self) -> dict[str, dict[str, Decimal]]:
        out: dict[str, dict[str, Decimal]] = {}
        for r in range(self.prices.rowCount()):
            item = self.prices.item(r, 3)
            if item is None or not item.text().strip().lstrip("$"):
                continue
            text = item.text().strip().lstrip("$")
            provider_id, rule_id = item.data(Qt.ItemDataRole.UserRole)
            try:
                value = Decimal(text)
            except InvalidOperation:
                raise ValueError(f"“{item.text()}” is not a rate (row {r + 1} of Prices)") \
                    from None
            if value < 0:
                raise ValueError(f"A rate cannot be negative (row {r + 1} of Prices)")
            out.setdefault(provider_id, {})[rule_id] = value
        return out

    def _key_changes(self) -> dict[str, str]:
        """name -> new value ("" deletes) for every key field that differs from the keyring."""
        if not self.secrets_loaded:
            return {}
        fields = {**self.key_fields, S3_ACCESS_KEY_ID: self.s3_key_id,
                  S3_SECRET_ACCESS_KEY: self.s3_secret}
        return {name: f.text() for name, f in fields.items()
                if f.text() != self._loaded.get(name, "")}

    def save(self) -> None:
        try:
            settings = self._collect()
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
                self._show_error(f"The settings could not be written: {exc}")
                self.buttons.setEnabled(True)
                return
            self._settings = settings
            self.saved.emit(settings)
            self.accept()

        def failed(exc: BaseException) -> None:
            self.buttons.setEnabled(True)
            self._show_error(f"The keys were not saved: {exc}")

        self._worker.submit(write_keys, on_done=finished, on_error=failed)

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def done(self, result: int) -> None:
        for task in list(self._tasks):
            task.cancel()
        self._worker.shutdown()
        super().done(result)
