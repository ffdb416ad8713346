"""Drawing for the queue: a progress bar for uploads, generation and downloads."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
)

from seedance_studio.ui.job_model import BAR_ROLE


class ProgressDelegate(QStyledItemDelegate):
    """Paints the model's BAR_ROLE (label, fraction) as a native progress bar."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        bar = index.data(BAR_ROLE)
        if not bar:
            super().paint(painter, option, index)
            return
        label, fraction = bar
        style_option = QStyleOptionProgressBar()
        style_option.rect = option.rect.adjusted(2, 3, -2, -3)
        style_option.minimum = 0
        if fraction is None:  # the provider gives no figure: an empty bar that says so
            style_option.maximum = 1000
            style_option.progress = 0
            style_option.text = f"{label}…"
        else:
            style_option.maximum = 1000
            style_option.progress = max(0, min(1000, round(float(fraction) * 1000)))
            style_option.text = f"{label} {fraction:.0%}"
        style_option.textVisible = True
        style_option.state = option.state
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, style_option, painter, widget)
