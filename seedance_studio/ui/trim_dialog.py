"""Trim…: pick which part of a video (or audio) clip to keep before it is conformed.

Fix always keeps the start; a creative often wants the middle. The dialog only chooses the
in and out points and judges them against the provider's window; the conform itself runs in
ConformActions, off the UI thread, like Fix.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from seedance_studio.core.i18n import _

MIN_SPAN_S = 0.5
"""The shortest part worth a copy (the conform plan refuses less)."""
EPSILON_S = 1e-6


@dataclass(frozen=True)
class TrimWindow:
    """What the dialog needs to judge a span: the clip's length and the limits it must fit."""

    name: str
    kind: str
    """"video" or "audio", for the messages."""
    full_s: float
    longest_s: float
    """The longest span the limits allow next to the other clips (the Fix plan's length)."""
    max_s: float | None = None
    """The per-file limit."""
    max_total_s: float | None = None
    min_total_s: float | None = None
    others_s: float = 0.0
    """Seconds the other clips of this kind already use of the combined window."""

    def default_out(self, in_s: float) -> float:
        """The out point that keeps the longest allowed span from `in_s`."""
        return round(min(self.full_s, in_s + self.longest_s), 2)

    def problem(self, in_s: float, out_s: float) -> str | None:
        """Why the span from `in_s` to `out_s` would not fit, or None when it does."""
        span = out_s - in_s
        if span < MIN_SPAN_S - EPSILON_S:
            return _(
                "Keep at least {MIN_SPAN_S:g} s: move the out point after the in point"
            ).format(MIN_SPAN_S=MIN_SPAN_S)
        if self.max_s is not None and span > self.max_s + EPSILON_S:
            return _("{span:.1f} s is over the {max_s:g} s limit per {kind}").format(
                span=span, max_s=self.max_s, kind=self.kind
            )
        total = self.others_s + span
        with_others = (
            _(" with the other {kind}s ({others_s:.1f} s)").format(
                kind=self.kind, others_s=self.others_s
            )
            if self.others_s > 0
            else ""
        )
        if self.max_total_s is not None and total > self.max_total_s + EPSILON_S:
            return _(
                "{total:.1f} s{with_others} is over the combined {max_total_s:g} s limit"
            ).format(total=total, with_others=with_others, max_total_s=self.max_total_s)
        if self.min_total_s is not None and total < self.min_total_s - EPSILON_S:
            return _(
                "{total:.1f} s{with_others} is under the combined {min_total_s:g} s minimum"
            ).format(total=total, with_others=with_others, min_total_s=self.min_total_s)
        return None


class TrimDialog(QDialog):
    """In and out points in seconds, what they keep, and whether that fits. Non-modal: open()
    it; `span_chosen(in_s, out_s)` is emitted on OK (out_s is -1 when it is the clip's end)."""

    span_chosen = Signal(float, float)

    def __init__(self, window: TrimWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._window = window
        self._out_follows = True
        """The out point tracks the in point (keeping the longest span) until it is edited."""
        self.setWindowTitle(_("Trim {name}").format(name=window.name))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setMinimumWidth(340)

        intro = QLabel(
            _("{window_name} is {window_full_s:.1f} s long. Choose the part to keep.").format(
                window_name=window.name, window_full_s=window.full_s
            )
        )
        intro.setWordWrap(True)
        self.in_spin = self._spin(0.0, max(0.0, window.full_s - MIN_SPAN_S), 0.0)
        self.out_spin = self._spin(MIN_SPAN_S, window.full_s, window.default_out(0.0))
        self.keeps_label = QLabel()
        self.hint_label = QLabel()
        self.hint_label.setProperty("role", "error")
        self.hint_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(_("Trim"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(_("Start at"), self.in_spin)
        form.addRow(_("End at"), self.out_spin)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.keeps_label)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.buttons)

        self.in_spin.valueChanged.connect(self._on_in_changed)
        self.out_spin.valueChanged.connect(self._on_out_changed)
        self._update()

    def _spin(self, low: float, high: float, value: float) -> QDoubleSpinBox:
        spin = QDoubleSpinBox(self)
        spin.setDecimals(2)
        spin.setSingleStep(0.1)
        spin.setSuffix(" s")
        spin.setRange(low, high)
        spin.setValue(value)
        spin.setKeyboardTracking(False)
        return spin

    @property
    def span(self) -> tuple[float, float]:
        return self.in_spin.value(), self.out_spin.value()

    def problem(self) -> str | None:
        return self._window.problem(*self.span)

    def _on_in_changed(self, in_s: float) -> None:
        out_s = self.out_spin.value()
        if self._out_follows or out_s - in_s < MIN_SPAN_S:
            self.out_spin.blockSignals(True)
            self.out_spin.setValue(self._window.default_out(in_s))
            self.out_spin.blockSignals(False)
        self._update()

    def _on_out_changed(self, _out_s: float) -> None:
        self._out_follows = False
        self._update()

    def _update(self) -> None:
        in_s, out_s = self.span
        self.keeps_label.setText(
            _("Keeps {kept:.1f} s of {full:.1f} s").format(
                kept=max(0.0, out_s - in_s), full=self._window.full_s
            )
        )
        problem = self.problem()
        self.hint_label.setText(problem or "")
        self.hint_label.setVisible(problem is not None)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(problem is None)

    def accept(self) -> None:
        if self.problem() is not None:
            return
        in_s, out_s = self.span
        at_end = out_s >= self._window.full_s - 1e-3
        self.span_chosen.emit(in_s, -1.0 if at_end else out_s)
        super().accept()
