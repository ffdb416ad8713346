"""The live price: one line (range for auto duration, credits where billed in credits) and an
itemized tooltip. It renders what ComposeChecks computed; no price rule lives here."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QLabel, QWidget

from seedance_studio.core import capabilities
from seedance_studio.core.i18n import _
from seedance_studio.core.money import format_rate
from seedance_studio.core.pricing import Estimate, amount_text, format_estimate, quantity_text
from seedance_studio.ui import theme
from seedance_studio.ui.compose_checks import ComposeChecks


def estimate_tooltip(est: Estimate, provider_name: str, credits: bool) -> str:
    """An HTML table: one row per billed item, then the total and any notes."""
    rows = []
    for item in est.items:
        span = amount_text(item, credits)
        rate = format_rate(item.rate, credits=credits)
        mark = _(" <i>(your rate)</i>") if item.overridden else ""
        rows.append(
            _(
                "<tr><td>{value}{mark}</td><td align='right'>{quantity_text_item} {value2} × "
                "{rate}</td><td align='right'><b>{span}</b></td></tr>"
            ).format(
                value=html.escape(item.label),
                mark=mark,
                quantity_text_item=quantity_text(item),
                value2=html.escape(item.unit),
                rate=rate,
                span=span,
            )
        )
        if item.warning:
            rows.append(
                _("<tr><td colspan='3' style='color:{colour}'>{value}</td></tr>").format(
                    colour=theme.WARNING.name(), value=html.escape(item.warning)
                )
            )
    table = (_("<table cellspacing='4'>") + "".join(rows) + "</table>") if rows else ""
    muted = theme.MUTED.name()
    notes = "".join(f"<p style='color:{muted}'>{html.escape(n)}</p>" for n in est.notes)
    return f"<b>{html.escape(provider_name)}</b>: {html.escape(format_estimate(est))}{table}{notes}"


class EstimateLabel(QLabel):
    def __init__(self, checks: ComposeChecks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._checks = checks
        self.setProperty("role", "estimate")
        checks.updated.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        est = self._checks.estimate
        provider = self._checks.provider_id
        caps = capabilities.load_all().get(provider)
        credits = bool(caps and caps.pricing.unit == "credits")
        text = format_estimate(est)
        self.setText(
            _("Estimate: {text}").format(text=text) if est.published else text.capitalize()
        )
        self.setToolTip(estimate_tooltip(est, caps.name if caps else provider, credits))
