"""The list of reference cards: how a card is painted, and drags that move references.

The view only reports: a drop of files goes to the ingest, a drag inside the list moves ids in
the tray model, and the tray renumbers.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from seedance_studio.core.i18n import _
from seedance_studio.core.reference import Reference
from seedance_studio.ui import theme
from seedance_studio.ui.icons import icon
from seedance_studio.ui.problems import ProblemView
from seedance_studio.ui.thumbnail_paint import draw_cover
from seedance_studio.ui.tray_ingest import ReferenceIngest, mime_can_add
from seedance_studio.ui.tray_model import REF_MIME, TrayModel, TrayRoles

Index = QModelIndex | QPersistentModelIndex

CARD_HEIGHT = 80
THUMB = QSize(112, 63)


class TrayDelegate(QStyledItemDelegate):
    """Paints one card: thumbnail (with a badge when the item breaks a limit), tag chip,
    name and facts."""

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return QSize(max(option.rect.width(), 220), CARD_HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        ref = index.data(TrayRoles.REFERENCE)
        if not isinstance(ref, Reference):
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = option.rect.adjusted(4, 3, -4, -3)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        bg = theme.CARD_SELECTED if selected else (theme.CARD_HOVER if hovered else theme.PANEL)
        painter.setPen(QPen(theme.ACCENT if selected else theme.BORDER, 1))
        painter.setBrush(bg)
        painter.drawRoundedRect(rect, 7, 7)

        thumb_rect = QRect(
            rect.left() + 7,
            rect.top() + (rect.height() - THUMB.height()) // 2,
            THUMB.width(),
            THUMB.height(),
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#111417"))
        painter.drawRoundedRect(thumb_rect, 4, 4)
        pixmap = index.data(TrayRoles.THUMBNAIL)
        if pixmap is not None and not pixmap.isNull():
            draw_cover(painter, pixmap, thumb_rect, radius=4)

        problems: list[ProblemView] = index.data(TrayRoles.PROBLEMS) or []
        if problems:
            worst = "error" if any(p.severity == "error" for p in problems) else "warning"
            badge = QRect(thumb_rect.right() - 19, thumb_rect.top() + 2, 18, 18)
            icon(worst).paint(painter, badge)

        text_left = thumb_rect.right() + 10
        text_width = max(10, rect.right() - text_left - 8)
        tag = str(index.data(TrayRoles.TAG) or "")
        chip_font = QFont(option.font)
        chip_font.setBold(True)
        painter.setFont(chip_font)
        chip_w = painter.fontMetrics().horizontalAdvance(tag) + 12
        chip = QRect(text_left, rect.top() + 7, chip_w, 20)
        color = theme.kind_color(ref.kind)
        fill = QColor(color)
        fill.setAlpha(60)
        painter.setBrush(fill)
        painter.setPen(QPen(color, 1))
        painter.drawRoundedRect(chip, 5, 5)
        painter.setPen(theme.kind_text_color(ref.kind))
        painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, tag)
        if ref.original_source:
            painter.setFont(option.font)
            painter.setPen(theme.OK)
            painter.drawText(
                QRect(chip.right() + 8, chip.top(), text_width, 20),
                int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                "fixed",
            )

        painter.setFont(option.font)
        fm = painter.fontMetrics()
        name = fm.elidedText(ref.display_name, Qt.TextElideMode.ElideMiddle, text_width)
        painter.setPen(theme.TEXT)
        painter.drawText(
            QRect(text_left, chip.bottom() + 3, text_width, 18),
            int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
            name,
        )

        facts = str(index.data(TrayRoles.FACTS) or "")
        if problems:
            facts_color = (
                theme.ERROR if any(p.severity == "error" for p in problems) else theme.WARNING
            )
            facts = problems[0].message
        else:
            facts_color = theme.MUTED
        small = QFont(option.font)
        small.setPointSizeF(max(7.0, small.pointSizeF() - 1))
        painter.setFont(small)
        painter.setPen(facts_color)
        facts = painter.fontMetrics().elidedText(facts, Qt.TextElideMode.ElideRight, text_width)
        painter.drawText(
            QRect(text_left, chip.bottom() + 21, text_width, 18),
            int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
            facts,
        )
        painter.restore()


class TrayView(QListView):
    """The list: accepts external drops (add) and internal drags (move); Delete removes."""

    remove_requested = Signal(list)

    def __init__(
        self, model: TrayModel, ingest: ReferenceIngest, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ingest = ingest
        self.setModel(model)
        self.setItemDelegate(TrayDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setMouseTracking(True)
        self.setUniformItemSizes(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setSpacing(0)
        self.viewport().setAcceptDrops(True)

    def tray_model(self) -> TrayModel:
        model = self.model()
        assert isinstance(model, TrayModel)
        return model

    def selected_ids(self) -> list[str]:
        model = self.tray_model()
        rows = sorted(i.row() for i in self.selectionModel().selectedRows())
        return [model.reference(r).id for r in rows]

    # -- drag and drop -----------------------------------------------------------------------

    def _drop_row(self, pos: QPoint) -> int:
        """The tray index a drop at `pos` lands on: before the card under it, or at the end."""
        idx = self.indexAt(pos)
        if not idx.isValid():
            return self.tray_model().rowCount()
        rect = self.visualRect(idx)
        return idx.row() + (1 if pos.y() > rect.center().y() else 0)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self._judge_drag(event)

    def _judge_drag(self, event: QDragMoveEvent) -> None:
        mime = event.mimeData()
        if self._moved_ids(mime):
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
        elif mime_can_add(mime):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self._judge_drag(event)
        if event.isAccepted():
            super().dragMoveEvent(event)
            event.accept()

    def dropEvent(self, event: QDropEvent) -> None:
        mime = event.mimeData()
        row = self._drop_row(event.position().toPoint())
        ids = self._moved_ids(mime)
        if ids:
            self._move(ids, row)
            # Copy, not Move: the move already happened in the tray; a Move result would make
            # the view delete the dragged rows.
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        elif self._ingest.add_mime(mime, None if row >= self.tray_model().rowCount() else row):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.ignore()
        self.setState(QAbstractItemView.State.NoState)
        self.viewport().update()

    def _moved_ids(self, mime: QMimeData) -> list[str]:
        """The dragged references when this drop is a move inside the tray, else []."""
        if not mime.hasFormat(REF_MIME):
            return []
        ids = bytes(mime.data(REF_MIME).data()).decode().split()
        tray = self.tray_model().tray
        return ids if ids and all(i in tray for i in ids) else []

    def _move(self, ids: list[str], row: int) -> None:
        tray = self.tray_model().tray
        for ref_id in ids:
            old = tray.index_of(ref_id)
            target = row - 1 if old < row else row
            tray.move(ref_id, target)
            row = tray.index_of(ref_id) + 1
        self._select(ids)

    def _select(self, ids: list[str]) -> None:
        model = self.tray_model()
        self.clearSelection()
        for ref_id in ids:
            idx = model.index(model.row_of(ref_id))
            self.selectionModel().select(idx, self.selectionModel().SelectionFlag.Select)

    # -- keys and empty state ------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.selected_ids():
            self.remove_requested.emit(self.selected_ids())
            event.accept()
            return
        super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.tray_model().rowCount() == 0:
            painter = QPainter(self.viewport())
            painter.setPen(theme.MUTED)
            rect = self.viewport().rect().adjusted(16, 16, -16, -16)
            painter.drawText(
                rect,
                int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
                _(
                    "Drop images, videos or audio here\nor paste links to them\n\n"
                    "Up to 9 images · 3 videos · 3 audio"
                ),
            )
            painter.end()
