"""The first-run welcome: what works without an account, and where each provider's key is made.

Shown once (remembered in the window-state file); Help ▸ Welcome shows it again.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from seedance_studio.core import capabilities
from seedance_studio.core.i18n import _
from seedance_studio.core.key_pages import key_page

SHOWN_KEY = "welcome/shown"


def provider_links_html() -> str:
    """One line per cloud provider, linking to where its key is made (or its documentation)."""
    items = []
    for caps in capabilities.load_all().values():
        page = key_page(caps)
        if page is None:
            continue
        what = (
            _("get a key")
            if page.is_key_page
            else _("documentation (keys are made in its account)")
        )
        items.append(
            f'<li><b>{escape(caps.name)}</b>: <a href="{escape(page.url)}">{what}</a></li>'
        )
    return "<ul>" + "".join(items) + "</ul>"


class WelcomeDialog(QDialog):
    open_keys = Signal()
    """The person chose to add a key now: open Settings at the keys."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome-dialog")
        self.setWindowTitle(_("Welcome to Seedance Studio"))
        intro = QLabel(
            _(
                "<h2>Welcome to Seedance Studio</h2>"
                "<p>Compose a prompt with reference images, videos and audio, see what it costs on "
                "each provider, generate, and play the result here.</p>"
                "<p><b>Try it free first:</b> the <b>Animatic (local)</b> provider needs no "
                "account and costs nothing. It renders a draft video on this computer from "
                "your references and prompt, so you can check timing and tags before paying "
                "for a generation.</p>"
                "<p>To generate with Seedance 2.0 itself, add an API key of one of these "
                "providers:</p>"
            )
            + provider_links_html()
        )
        intro.setWordWrap(True)
        intro.setOpenExternalLinks(True)
        intro.setMinimumWidth(460)
        self.intro = intro
        buttons = QDialogButtonBox()
        self.keys_button = QPushButton(_("Add an API key…"))
        self.start_button = QPushButton(_("Start with the Animatic"))
        self.start_button.setDefault(True)
        buttons.addButton(self.start_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.keys_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.start_button.clicked.connect(self.accept)
        self.keys_button.clicked.connect(self._keys)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(buttons)

    def _keys(self) -> None:
        self.accept()
        self.open_keys.emit()


def should_welcome(store: QSettings) -> bool:
    return store.value(SHOWN_KEY, False, type=bool) is not True


def mark_welcomed(store: QSettings) -> None:
    store.setValue(SHOWN_KEY, True)
    store.sync()
