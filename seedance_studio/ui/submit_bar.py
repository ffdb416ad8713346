"""Estimate, the reason Generate is disabled (if it is), and the Generate button."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from seedance_studio.core import capabilities
from seedance_studio.core.i18n import _
from seedance_studio.ui import theme
from seedance_studio.ui.compose_checks import ComposeChecks
from seedance_studio.ui.estimate_label import EstimateLabel
from seedance_studio.ui.icons import icon

SETTINGS_LINK = "settings"


class SubmitBar(QWidget):
    submit_requested = Signal()
    settings_requested = Signal()
    """The user followed an "Open Settings" link (a missing or refused key)."""

    def __init__(self, checks: ComposeChecks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._checks = checks
        self._busy = False
        self._blocker: str | None = None
        self._blocker_settings = False
        self.estimate = EstimateLabel(checks)
        self.reason = QLabel()
        self.reason.setProperty("role", "error")
        self.reason.setWordWrap(True)
        self.reason.setTextFormat(Qt.TextFormat.RichText)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.reason.linkActivated.connect(self._on_link)
        self.notice = QLabel()
        """What became of the last Generate when it went wrong (kept until the next one)."""
        self.notice.setProperty("role", "error")
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.RichText)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.notice.linkActivated.connect(self._on_link)
        self.notice.hide()
        self.caution = QLabel()
        """What cancelling cannot undo on this provider, said before Generate."""
        self.caution.setProperty("role", "muted")
        self.caution.setWordWrap(True)
        self.caution.hide()
        self.button = QPushButton(icon("generate"), _("Generate"))
        self.button.setProperty("role", "primary")
        self.button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.button.clicked.connect(self.submit_requested.emit)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(12)
        row.addWidget(self.estimate)
        self._row = row
        row.addStretch(1)
        row.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(row)
        layout.addWidget(self.reason)
        layout.addWidget(self.caution)
        layout.addWidget(self.notice)
        # The reason and notice lines keep their room while empty: the prompt box above must
        # not jump when one appears.
        for line in (self.reason, self.notice):
            policy = line.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            line.setSizePolicy(policy)
            line.setMinimumHeight(line.fontMetrics().lineSpacing() * 2)
        checks.updated.connect(self.refresh)
        self.refresh()

    def add_beside_estimate(self, widget: QWidget) -> None:
        self._row.insertWidget(1, widget)

    def add_beside_button(self, widget: QWidget) -> None:
        self._row.insertWidget(self._row.indexOf(self.button), widget)

    def set_busy(self, busy: bool) -> None:
        """While a submission is on its way, a second click must not send it twice."""
        self._busy = busy
        self.button.setText(_("Sending…") if busy else _("Generate"))
        self.refresh()

    def set_blocker(self, reason: str | None, *, open_settings: bool = False) -> None:
        """A reason from outside the composition (no API key yet) that also blocks Generate;
        `open_settings` adds a link to where it is fixed."""
        self._blocker = reason
        self._blocker_settings = open_settings
        self.refresh()

    def blocked_reason(self) -> tuple[str, bool] | None:
        """Why Generate cannot run now, and whether Settings is where it is fixed."""
        own = self._checks.blocking_reason()
        if own is not None:
            return own, False
        if self._blocker is not None:
            return self._blocker, self._blocker_settings
        return None

    def show_notice(self, text: str, *, open_settings: bool = False) -> None:
        self.notice.setText(_rich(text, open_settings))
        self.notice.setToolTip(text)
        self.notice.show()

    def clear_notice(self) -> None:
        self.notice.clear()
        self.notice.hide()

    def refresh(self) -> None:
        own = self._checks.blocking_reason()
        reason = own or self._blocker
        self.button.setEnabled(reason is None and not self._busy)
        link = own is None and self._blocker_settings
        blank = self._checks.blank_start() if own is not None else None
        # Nothing composed yet is a starting point: say so quietly, not in red.
        self.reason.setProperty("role", "muted" if blank is not None else "error")
        self.reason.style().polish(self.reason)
        if blank is not None:
            self.reason.setText(html.escape(_("Add a prompt or a reference to generate")))
        else:
            self.reason.setText(
                _rich(_("Cannot generate: {reason}").format(reason=reason), link) if reason else ""
            )
        self.reason.setVisible(bool(reason))
        self.reason.setToolTip(reason or "")
        self.button.setToolTip(
            _("Cannot generate yet: {reason}").format(reason=reason)
            if reason
            else _("Send this composition to the provider (Ctrl+Enter)")
        )
        warning = cancel_warning(self._checks.provider_id)
        self.caution.setText(_("Note: {warning}.").format(warning=warning) if warning else "")
        self.caution.setVisible(bool(warning))

    def _on_link(self, href: str) -> None:
        if href == SETTINGS_LINK:
            self.settings_requested.emit()


def cancel_warning(provider_id: str) -> str | None:
    try:
        return capabilities.get(provider_id).cancel_warning()
    except KeyError:
        return None


def _rich(text: str, open_settings: bool) -> str:
    body = html.escape(text)
    if open_settings:
        body += _(' <a href="{SETTINGS_LINK}" style="color:{colour}">Open Settings</a>').format(
            colour=theme.LINK.name(), SETTINGS_LINK=SETTINGS_LINK
        )
    return body
