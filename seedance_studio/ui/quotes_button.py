"""Next to the estimate: every provider's price for the composition as it stands, or the one
line why a provider cannot take it; choosing one switches to it. The answers are the core's
(core/quotes), computed when the list opens, so typing never pays for them."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from seedance_studio.core.composition import Composition
from seedance_studio.core.i18n import _
from seedance_studio.core.quotes import Quote, quote_all
from seedance_studio.core.settings import Settings


def quote_line(q: Quote, current: str) -> str:
    mark = "● " if q.provider == current else ""
    if q.can_take:
        return f"{mark}{q.name} — {q.price_text()}"
    return _("{mark}{q_name} — cannot take it: {q_reason}").format(
        mark=mark, q_name=q.name, q_reason=q.reason
    )


class QuotesButton(QToolButton):
    provider_chosen = Signal(str)

    def __init__(
        self,
        composition: Composition,
        settings: Callable[[], Settings],
        *,
        allow_loopback: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._composition = composition
        self._settings = settings
        self._allow_loopback = allow_loopback
        self.setText(_("All providers ▾"))
        self.setToolTip(_("Every provider's price for this composition (choose one to switch)"))
        self.setAccessibleName(_("Every provider's price"))
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setProperty("role", "menu")  # its text carries the arrow: no second indicator
        self.menu_ = QMenu(self)
        self.menu_.aboutToShow.connect(self.refresh)
        self.setMenu(self.menu_)
        self.quotes: list[Quote] = []

    def refresh(self) -> list[Quote]:
        snapshot = self._composition.snapshot()
        self.quotes = quote_all(
            snapshot,
            overrides=self._settings().price_overrides,
            allow_loopback=self._allow_loopback,
        )
        self.menu_.clear()
        for q in self.quotes:
            action = self.menu_.addAction(quote_line(q, snapshot.params.provider))
            action.setToolTip(q.reason or q.price_text())
            action.triggered.connect(
                lambda _c=False, pid=q.provider: self.provider_chosen.emit(pid)
            )
        self.menu_.setToolTipsVisible(True)
        return self.quotes
