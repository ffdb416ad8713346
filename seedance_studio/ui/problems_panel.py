"""The list of what is wrong with the composition (errors block Generate, warnings do not).

Rows are word-wrapped labels (a list view cannot size wrapped rows well); a problem about one
reference is a link that selects that reference in the tray. The heading and `messages()` follow
every change at once; the rows' rich text (a table whose layout costs several milliseconds) is
laid out on the next frame, once for the changes of that frame, not on the turn a drop of files
lands with everything else.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from seedance_studio.core.i18n import _, ngettext
from seedance_studio.resources import icon_dir
from seedance_studio.ui import theme
from seedance_studio.ui.compose_checks import ComposeChecks
from seedance_studio.ui.problems import problem_text

REF_LINK = "ref:"
BODY_MS = 16
"""The rows are laid out once per frame."""


class ProblemsPanel(QWidget):
    reference_activated = Signal(str)
    """A problem about one reference was clicked: show that reference."""

    def __init__(self, checks: ComposeChecks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._checks = checks
        self._messages: list[str] = []
        self.heading = QLabel(_("Checks"))
        self.heading.setProperty("role", "heading")
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.body.linkActivated.connect(self._link)
        self.scroller = QScrollArea()
        self.scroller.setWidget(self.body)
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.heading)
        layout.addWidget(self.scroller, 1)
        self._body_html = ""
        self._body_timer = QTimer(self)
        self._body_timer.setSingleShot(True)
        self._body_timer.setInterval(BODY_MS)
        self._body_timer.timeout.connect(self._show_body)
        checks.updated.connect(self.refresh)
        self.refresh()
        self._show_body()

    def messages(self) -> list[str]:
        return list(self._messages)

    def refresh(self) -> None:
        blank = self._checks.blank_start()
        if blank is not None:
            # A new composition: what to do first, in muted text, not an error count.
            self._messages = [problem_text(blank)]
            self.heading.setText(_("Checks"))
            self._set_body(
                f"<span style='color:{theme.MUTED.name()}'>"
                + html.escape(_("Describe the video you want, or add a reference."))
                + "</span>"
            )
            return
        problems = sorted(self._checks.problems, key=lambda p: 0 if p.is_error else 1)
        self._messages = [problem_text(p) for p in problems]
        n_err = sum(1 for p in problems if p.is_error)
        n_warn = len(problems) - n_err
        parts = (
            [ngettext("{count} error", "{count} errors", n_err).format(count=n_err)]
            if n_err
            else []
        )
        if n_warn:
            parts.append(
                ngettext("{count} warning", "{count} warnings", n_warn).format(count=n_warn)
            )
        self.heading.setText(_("Checks") + (f" · {_(', ').join(parts)}" if parts else ""))
        if not problems:
            # Only the limits: whether Generate can run (a key, a budget) is the submit bar's
            # one verdict, so this never reads "ready" above "Cannot generate".
            self._set_body(
                f"<span style='color:{theme.OK.name()}'>✓</span> "
                f"<span style='color:{theme.MUTED.name()}'>"
                + _("Nothing breaks this provider's limits.")
                + "</span>"
            )
            return
        rows = []
        icons = icon_dir().as_posix()
        for p, text in zip(problems, self._messages, strict=True):
            icon_file = f"{icons}/{'error' if p.is_error else 'warning'}.svg"
            body = html.escape(text)
            if p.ref_id:
                body = (
                    f"<a href='{REF_LINK}{p.ref_id}' style='color:{theme.TEXT.name()};"
                    f"text-decoration:none'>{body}</a>"
                )
            rows.append(
                f"<tr><td width='20' valign='top'><img src='{icon_file}' width='15' "
                f"height='15'></td><td style='padding-bottom:5px'>{body}</td></tr>"
            )
        self._set_body("<table cellspacing='0' cellpadding='1'>" + "".join(rows) + "</table>")

    def _set_body(self, text: str) -> None:
        if text != self._body_html:
            self._body_html = text
            if not self._body_timer.isActive():
                self._body_timer.start()

    def _show_body(self) -> None:
        self._body_timer.stop()
        if self.body.text() != self._body_html:
            self.body.setText(self._body_html)

    def _link(self, href: str) -> None:
        if href.startswith(REF_LINK):
            self.reference_activated.emit(href[len(REF_LINK) :])
