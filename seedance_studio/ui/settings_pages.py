"""The settings dialog's pages: each a small declarative class, all listed in PAGES.

A page names the fields it shows (`fields`, dotted paths into Settings); their editors come
from the fields themselves (ui/settings_editors.py). Adding a setting is one field in
core/settings.py and its name in one page's `fields`. A page overrides `build` and `values`
only for what is not a plain field: keys (keyring), per-provider base URLs, the price table.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from seedance_studio.core import capabilities
from seedance_studio.core.capabilities import ProviderCapabilities
from seedance_studio.core.i18n import _
from seedance_studio.core.settings import Settings
from seedance_studio.providers.keys import S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY
from seedance_studio.ui.settings_editors import FieldEditor, SecretField, editor_for


def cloud_providers() -> list[ProviderCapabilities]:
    """Providers that need a key and a base URL (the local animatic needs neither)."""
    return [c for c in capabilities.load_all().values() if not c.local]


def muted(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setProperty("role", "muted")
    return label


class SettingsPage(QWidget):
    """A form of `fields`, each from its description, under an optional `intro`."""

    title: ClassVar[str]
    fields: ClassVar[tuple[str, ...]] = ()
    intro: ClassVar[str] = ""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.editors: dict[str, FieldEditor] = {}
        self.secrets: dict[str, SecretField] = {}
        """Keyring entries this page edits (never written to the model)."""
        self.form = QFormLayout(self)
        self.form.setContentsMargins(12, 12, 12, 12)
        if self.intro:
            self.form.addRow(muted(self.intro))
        for path in self.fields:
            editor = editor_for(settings, path)
            self.editors[path] = editor
            self.form.addRow(editor.label, editor.widget)
            if editor.description:
                self.form.addRow(muted(editor.description))
        self.build()

    def build(self) -> None:
        """Rows that are not plain fields (none by default)."""

    def values(self) -> dict[str, object]:
        """Dotted path -> stored value for everything on this page. Raises ValueError with a
        message for input that is not even a value (the model validates the rest)."""
        return {path: editor.value() for path, editor in self.editors.items()}


class KeysPage(SettingsPage):
    title = _("API keys")
    intro = _(
        "Keys are kept in the system keyring, never in the settings file. Test sends "
        "one free request with the key as typed."
    )

    def build(self) -> None:
        self.key_status: dict[str, QLabel] = {}
        self.test_buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(8)
        for row, caps in enumerate(cloud_providers()):
            field = SecretField(_("not set"))
            status = muted("")
            status.setMinimumWidth(150)
            test = QPushButton(_("Test"))
            grid.addWidget(QLabel(caps.name), row, 0)
            grid.addWidget(field, row, 1)
            grid.addWidget(test, row, 2)
            grid.addWidget(status, row, 3)
            self.secrets[caps.id] = field
            self.key_status[caps.id] = status
            self.test_buttons[caps.id] = test
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(3, 2)
        self.form.addRow(grid)
        self.form.addRow(
            muted(
                _(
                    "Lookup order: the system keyring, then environment variables named "
                    "SEEDANCE_&lt;PROVIDER&gt;_API_KEY (e.g. SEEDANCE_EACHLABS_API_KEY). "
                    "Clearing a field and saving deletes the stored key."
                )
            )
        )


class ProvidersPage(SettingsPage):
    title = _("Providers")
    intro = _(
        "Leave empty to use the documented address. Point a provider at a proxy or at "
        "the local simulator here."
    )

    def build(self) -> None:
        self.url_fields: dict[str, QLineEdit] = {}
        for caps in cloud_providers():
            edit = QLineEdit(self.settings.base_urls.get(caps.id, ""))
            edit.setPlaceholderText(caps.base_url)
            self.form.addRow(caps.name, edit)
            self.url_fields[caps.id] = edit

    def values(self) -> dict[str, object]:
        kept = {k: v for k, v in self.settings.base_urls.items() if k not in self.url_fields}
        typed = {pid: e.text().strip() for pid, e in self.url_fields.items()}
        return {"base_urls": {**kept, **typed}}  # empty ones are dropped by the model


class UploadsPage(SettingsPage):
    title = _("Uploads")
    fields = (
        "asset_host",
        "s3.endpoint_url",
        "s3.region",
        "s3.bucket",
        "s3.prefix",
        "s3.url_expiry_s",
    )

    def build(self) -> None:
        for name, placeholder in (
            (S3_ACCESS_KEY_ID, _("access key id (keyring)")),
            (S3_SECRET_ACCESS_KEY, _("secret access key (keyring)")),
        ):
            field = SecretField(placeholder)
            self.secrets[name] = field
            self.form.addRow(
                _("Access key id") if name == S3_ACCESS_KEY_ID else _("Secret access key"), field
            )
        self.asset_host = self.editors["asset_host"].control
        self.asset_host.currentIndexChanged.connect(self._host_changed)  # type: ignore[attr-defined]
        self._host_changed()

    def _host_changed(self, *_args: object) -> None:
        """The bucket's fields matter only when the bucket is the host."""
        on = self.editors["asset_host"].value() == "s3"
        for path, editor in self.editors.items():
            if path.startswith("s3."):
                editor.set_enabled(on)
        for field in self.secrets.values():
            field.setEnabled(on)


class LibraryPage(SettingsPage):
    title = _("Library && budget")
    fields = ("library_dir", "budget_usd", "job_timeout_s", "interface_language")


class PricesPage(SettingsPage):
    title = _("Prices")
    intro = _(
        "Prices come from each provider's page (with its date). If your account pays "
        "another rate, enter it in the same unit (per output second, or per million "
        "tokens); empty keeps the published one."
    )

    def build(self) -> None:
        self.prices = QTableWidget(0, 4)
        self.prices.setHorizontalHeaderLabels(
            [_("Provider"), _("Price line"), _("Published"), _("Your rate")]
        )
        self.prices.verticalHeader().hide()
        for caps in cloud_providers():
            if caps.pricing.published:
                self._add_rows(caps)
        self.prices.resizeColumnsToContents()
        self.prices.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.form.addRow(self.prices)

    def _add_rows(self, caps: ProviderCapabilities) -> None:
        unit = "credits/s" if caps.pricing.unit == "credits" else "$/s"
        mine = self.settings.price_overrides.get(caps.id, {})
        for rule in caps.pricing.rules:
            r = self.prices.rowCount()
            self.prices.insertRow(r)
            published = (
                f"{rule.per_million_tokens.normalize():f} $/M tokens"
                if rule.per_million_tokens
                else f"{rule.per_output_second.normalize():f} {unit}"
            )
            cells = [
                caps.name,
                rule.label,
                published,
                f"{mine[rule.id].normalize():f}" if rule.id in mine else "",
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c < 3:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                item.setData(Qt.ItemDataRole.UserRole, (caps.id, rule.id))
                self.prices.setItem(r, c, item)

    def values(self) -> dict[str, object]:
        """The typed rates; one that is not a number is refused here, with its row."""
        out: dict[str, dict[str, Decimal]] = {}
        for r in range(self.prices.rowCount()):
            item = self.prices.item(r, 3)
            text = item.text().strip().lstrip("$").strip() if item is not None else ""
            if item is None or not text:
                continue
            provider_id, rule_id = item.data(Qt.ItemDataRole.UserRole)
            try:
                out.setdefault(provider_id, {})[rule_id] = Decimal(text)
            except InvalidOperation:
                raise ValueError(
                    _("“{value}” is not a rate (row {value2} of Prices)").format(
                        value=item.text(), value2=r + 1
                    )
                ) from None
        return {"price_overrides": out}


PAGES: tuple[type[SettingsPage], ...] = (
    KeysPage,
    ProvidersPage,
    UploadsPage,
    LibraryPage,
    PricesPage,
)
"""Every page, in tab order: the one place a page is registered."""
