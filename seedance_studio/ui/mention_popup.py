"""The `@` completion list: tray items with thumbnails and tags, filtered by what is typed.

It never takes keyboard focus: the editor keeps receiving keys and forwards navigation
(Up/Down/Enter/Tab/Esc) here, so typing goes on filtering while the list is open.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QWidget

from seedance_studio.core.reference import Reference
from seedance_studio.core.tray import ReferenceTray
from seedance_studio.ui import theme
from seedance_studio.ui.formatting import format_facts
from seedance_studio.ui.thumbnail_cache import ThumbnailCache
from seedance_studio.ui.thumbnail_paint import draw_cover

REF_ID_ROLE = Qt.ItemDataRole.UserRole + 1
ICON_SIZE = QSize(64, 36)
MAX_VISIBLE = 7


def matches(query: str, tag: str, ref: Reference) -> bool:
    """`@ima`, `@image2`, `@2` or a piece of the file name all find an item."""
    q = query.strip().lower().replace(" ", "")
    if not q:
        return True
    return tag.lower().startswith(q) or tag.lower().endswith(q) or q in ref.display_name.lower()


class MentionPopup(QListWidget):
    chosen = Signal(str)
    """The reference id the user picked."""

    def __init__(self, thumbnails: ThumbnailCache, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlags(Qt.WindowType.ToolTip | Qt.WindowType.FramelessWindowHint)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setIconSize(ICON_SIZE)
        self.setUniformItemSizes(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setObjectName("mentionPopup")
        self._scheme = ""
        self._restyle()
        self._thumbnails = thumbnails
        self.itemClicked.connect(lambda item: self.chosen.emit(item.data(REF_ID_ROLE)))

    def fill(self, tray: ReferenceTray, query: str) -> int:
        """List the items matching `query`; returns how many there are."""
        self.clear()
        tags = tray.tags()
        for ref in tray:
            tag = tags[ref.id].canonical
            if not matches(query, tag, ref):
                continue
            item = QListWidgetItem(f"@{tag}   {ref.display_name}\n{format_facts(ref.facts)}")
            item.setData(REF_ID_ROLE, ref.id)
            item.setIcon(QIcon(self._framed(ref)))
            item.setSizeHint(QSize(320, ICON_SIZE.height() + 10))
            self.addItem(item)
        if self.count():
            self.setCurrentRow(0)
        return self.count()

    def _framed(self, ref: Reference) -> QPixmap:
        """The thumbnail filling a fixed-size card, so the texts line up."""
        canvas = QPixmap(ICON_SIZE)
        canvas.fill(QColor("#111417"))
        painter = QPainter(canvas)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        draw_cover(painter, self._thumbnails.pixmap(ref), QRect(QPoint(0, 0), ICON_SIZE), 3)
        painter.end()
        return canvas

    def _restyle(self) -> None:
        """The scheme's colours; set again when the scheme changed since the last show."""
        if self._scheme == theme.scheme:
            return
        self._scheme = theme.scheme
        self.setStyleSheet(
            f"#mentionPopup {{ background: {theme.PANEL.name()};"
            f" border: 1px solid {theme.ACCENT.name()}; border-radius: 6px; padding: 3px; }}"
            f"#mentionPopup::item {{ padding: 3px 6px; border-radius: 4px;"
            f" color: {theme.TEXT.name()}; }}"
            f"#mentionPopup::item:selected {{ background: {theme.POPUP_SELECTED.name()};"
            f" color: {theme.TEXT.name()}; }}"
        )

    def show_at(self, global_pos: QPoint) -> None:
        self._restyle()
        rows = min(self.count(), MAX_VISIBLE)
        height = rows * (ICON_SIZE.height() + 10) + 10
        self.resize(360, height)
        self.move(global_pos)
        self.show()
        self.raise_()

    def step(self, delta: int) -> None:
        if self.count():
            self.setCurrentRow((self.currentRow() + delta) % self.count())

    def current_ref_id(self) -> str | None:
        item = self.currentItem()
        return str(item.data(REF_ID_ROLE)) if item is not None else None
