"""The reference tray on screen: cards with thumbnail, tag, facts and a limit badge.

Drops (files, browser links), pastes and the file dialog go through ReferenceIngest; drags
inside the list move references in the tray; Delete removes. The widget only forwards: the
tray renumbers and the composition rewrites the prompt.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPen,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from seedance_studio.core.i18n import _
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.core.reference import Reference
from seedance_studio.ui import theme
from seedance_studio.ui.icons import icon
from seedance_studio.ui.problems import ProblemView
from seedance_studio.ui.thumbnail_paint import draw_cover
from seedance_studio.ui.tray_ingest import ReferenceIngest, mime_can_add
from seedance_studio.ui.tray_model import REF_MIME, TrayModel, TrayRoles
from seedance_studio.ui.ui_state import ui_state_store

Index = QModelIndex | QPersistentModelIndex

FILE_FILTER = _(
    "Media (*.png *.jpg *.jpeg *.webp *.gif *.bmp *.heic *.tif *.tiff "
    "*.mp4 *.mov *.m4v *.webm *.mkv *.avi *.mp3 *.wav *.m4a *.aac *.ogg *.flac *.opus)"
    ";;All files (*)"
)

DURATION_CODES = frozenset({"duration_too_long", "total_duration_too_long"})
"""Problems a chosen in/out point fixes: the Trim… button is offered next to Fix for them."""

LAST_FOLDER_KEY = "references/last-folder"
"""Where Add references opened files last; the dialog starts there next time."""

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


class TrayWidget(QWidget):
    """Heading, buttons, the card list and an inline message line."""

    message = Signal(str)
    """Something the status bar should show (rejections, counts)."""
    fix_requested = Signal(str)
    """A reference id whose problems the user asked to fix (conform)."""
    fix_all_requested = Signal()
    fix_cancel_requested = Signal()
    trim_requested = Signal(str)
    """A reference id whose in and out points the user wants to choose (Trim…)."""

    def __init__(
        self, model: TrayModel, ingest: ReferenceIngest, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._model = model
        self._ingest = ingest
        self.file_dialog: QFileDialog | None = None
        """The Add references dialog while it is open."""
        self.view = TrayView(model, ingest, self)
        self.view.remove_requested.connect(self.remove)

        heading = QLabel(_("References"))
        heading.setProperty("role", "heading")
        self._count = QLabel()
        self._count.setProperty("role", "muted")
        self.add_button = self._tool("add", _("Add files…"), self.open_file_dialog)
        self.paste_button = self._tool(
            "paste", _("Paste files, links or an image (Ctrl+V)"), self.paste
        )
        self.remove_button = self._tool(
            "remove",
            _("Remove the selected references (Delete)"),
            lambda: self.remove(self.view.selected_ids()),
        )
        self.fix_button = self._tool(
            "fix",
            _("Fix the selected reference so it fits the provider's limits"),
            self._fix_selected,
        )
        self.fix_all_button = self._tool(
            "fix", _("Fix all references that break limits"), self._fix_all_clicked
        )
        self.trim_button = self._tool(
            "trim", _("Trim…: choose which part of the clip to keep"), self._trim_selected
        )
        self.trim_button.setText(_("Trim…"))
        self.trim_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.trim_button.hide()
        self.fix_all_button.setText(_("Fix all"))
        self.fix_all_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.fix_button.hide()
        self.fix_all_button.hide()

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(heading)
        top.addWidget(self._count)
        top.addStretch(1)
        for b in (
            self.trim_button,
            self.fix_button,
            self.add_button,
            self.paste_button,
            self.remove_button,
        ):
            top.addWidget(b)

        self.broken_label = QLabel()
        self.broken_label.setProperty("role", "error")
        self.broken_label.setWordWrap(True)
        self.fix_bar = QWidget()
        fix_row = QHBoxLayout(self.fix_bar)
        fix_row.setContentsMargins(0, 0, 0, 0)
        fix_row.addWidget(self.broken_label, 1)
        fix_row.addWidget(self.fix_all_button)
        self.fix_bar.hide()

        self.notice = QLabel()
        self.notice.setProperty("role", "error")
        self.notice.setWordWrap(True)
        self.notice.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 6, 10)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.fix_bar)
        layout.addWidget(self.notice)

        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        paste = QShortcut(QKeySequence.StandardKey.Paste, self.view)
        paste.activated.connect(self.paste)
        self.busy_label = QLabel(_("Reading files…"))
        self.busy_label.setProperty("role", "muted")
        self.busy_label.hide()
        layout.insertWidget(2, self.busy_label)
        ingest.busy_changed.connect(self.busy_label.setVisible)
        ingest.rejected.connect(self._on_rejected)
        ingest.added.connect(self._on_added)
        model.modelReset.connect(self._refresh)
        model.dataChanged.connect(self._refresh)
        self.view.selectionModel().selectionChanged.connect(self._refresh)
        self._fix_available = False
        self._fixing = False
        self._rejections: list[str] = []
        self._refresh()

    def _tool(self, icon_name: str, tip: str, slot: object) -> QToolButton:
        button = QToolButton(self)
        button.setIcon(icon(icon_name))
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.clicked.connect(slot)
        return button

    def set_fixing(self, busy: bool) -> None:
        """While a conform runs, a second Fix would only queue the same work: the Fix all
        button turns into Cancel, with the progress."""
        self._fixing = busy
        self.fix_button.setEnabled(not busy)
        self.trim_button.setEnabled(not busy)
        self.fix_all_button.setText(_("Cancel fix") if busy else _("Fix all"))
        self.fix_all_button.setToolTip(
            _("Stop fixing; the references stay as they were")
            if busy
            else _("Fix all references that break limits")
        )
        self.fix_bar.setVisible(busy or self._has_broken())

    def set_fix_progress(self, fraction: float) -> None:
        if self._fixing:
            self.fix_all_button.setText(_("Cancel fix ({fraction:.0%})").format(fraction=fraction))

    def set_fix_available(self, available: bool) -> None:
        """Show Fix / Fix all (when media conform is installed)."""
        self._fix_available = available
        self._refresh()

    # -- actions -----------------------------------------------------------------------------

    def remove(self, ids: list[str]) -> None:
        tray = self._model.tray
        for ref_id in ids:
            if ref_id in tray:
                tray.remove(ref_id)

    def paste(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        if mime is not None:
            self._ingest.add_mime(mime)

    def open_file_dialog(self) -> None:
        """Non-blocking: the dialog reports through its signal, no nested event loop."""
        dialog = QFileDialog(self, _("Add references"))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setNameFilter(FILE_FILTER)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        store = ui_state_store()
        last = store.value(LAST_FOLDER_KEY)
        if isinstance(last, str) and Path(last).is_dir():
            dialog.setDirectory(last)

        def chosen(files: list[str]) -> None:
            if files:
                store.setValue(LAST_FOLDER_KEY, str(Path(files[0]).parent))
                store.sync()
            self._ingest.add_sources(list(files))

        dialog.filesSelected.connect(chosen)
        self.file_dialog = dialog
        dialog.open()

    def context_actions(self, ref_id: str) -> list[QAction]:
        """What the right-click menu offers for one reference (tests call it directly)."""
        ref = self._model.tray.get(ref_id)
        fix = QAction(icon("fix"), _("Fix to fit the provider's limits"), self)
        fix.setEnabled(self._fix_available and self._fixable(ref_id))
        fix.triggered.connect(lambda: self.fix_requested.emit(ref_id))
        copy = QAction(_("Copy link") if ref.is_url else _("Copy file path"), self)
        copy.triggered.connect(lambda: QGuiApplication.clipboard().setText(ref.source))
        remove = QAction(icon("remove"), _("Remove"), self)
        remove.triggered.connect(lambda: self.remove([ref_id]))
        return [fix, copy, remove]

    def trim_action(self, ref_id: str) -> QAction | None:
        """Trim… in the right-click menu of a local video or audio clip (else None)."""
        if not self._trimmable(ref_id):
            return None
        trim = QAction(icon("trim"), _("Trim…"), self)
        trim.setToolTip(_("Choose which part of the clip to keep"))
        trim.setEnabled(self._fix_available and not self._fixing)
        trim.triggered.connect(lambda: self.trim_requested.emit(ref_id))
        return trim

    def _context_menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        if not index.isValid():
            return
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        ref_id = self._model.reference(index.row()).id
        actions = self.context_actions(ref_id)
        trim = self.trim_action(ref_id)
        if trim is not None:
            actions.insert(1, trim)
        menu.addActions(actions)
        menu.popup(self.view.viewport().mapToGlobal(pos))

    def _fixable(self, ref_id: str) -> bool:
        return any(p.conformable for p in self._model.problems_of(ref_id))

    def _trimmable(self, ref_id: str) -> bool:
        """A local video or audio clip whose length is known."""
        if ref_id not in self._model.tray:
            return False  # removed while the view still shows it selected
        ref = self._model.tray.get(ref_id)
        return (
            ref.kind is not MediaKind.IMAGE
            and not ref.is_url
            and ref.facts is not None
            and bool(ref.facts.duration_s)
        )

    def _too_long(self, ref_id: str) -> bool:
        return self._trimmable(ref_id) and any(
            p.code in DURATION_CODES for p in self._model.problems_of(ref_id)
        )

    def _trim_selected(self) -> None:
        selected = self.view.selected_ids()
        if len(selected) == 1 and self._trimmable(selected[0]):
            self.trim_requested.emit(selected[0])

    def _fix_all_clicked(self) -> None:
        if self._fixing:
            self.fix_cancel_requested.emit()
        else:
            self.fix_all_requested.emit()

    def _has_broken(self) -> bool:
        return self._fix_available and any(
            self._fixable(self._model.reference(r).id) for r in range(self._model.rowCount())
        )

    def _fix_selected(self) -> None:
        for ref_id in self.view.selected_ids():
            if self._fixable(ref_id):
                self.fix_requested.emit(ref_id)

    # -- state -------------------------------------------------------------------------------

    def _on_rejected(self, reason: str) -> None:
        # One drop can refuse several files: the notice lists them all (the reasons of one
        # batch arrive in the same turn of the event loop), not only the last one.
        if not self._rejections:
            QTimer.singleShot(0, self._rejections.clear)
        self._rejections.append(reason)
        self.notice.setText("\n".join(self._rejections))
        self.notice.show()
        self.message.emit(reason)

    def _on_added(self, count: int) -> None:
        self.notice.hide()
        self.message.emit(
            _("Added {count} reference{value}").format(count=count, value="s" if count != 1 else "")
        )

    def _refresh(self, *_args: object) -> None:
        n = self._model.rowCount()
        self._count.setText(f"{n}" if n else "")
        tray = self._model.tray
        selected = [i for i in self.view.selected_ids() if i in tray]
        self.remove_button.setEnabled(bool(selected))
        broken = [r for r in range(n) if self._fixable(self._model.reference(r).id)]
        fixable_selected = any(self._fixable(i) for i in selected)
        self.fix_button.setVisible(self._fix_available and fixable_selected)
        self.trim_button.setVisible(
            self._fix_available and len(selected) == 1 and self._too_long(selected[0])
        )
        self.fix_all_button.setVisible(self._fixing or (self._fix_available and bool(broken)))
        self.fix_bar.setVisible(self._fixing or (self._fix_available and bool(broken)))
        n_broken = len(broken)
        self.broken_label.setText(
            _("{n_broken} reference{value} the limits").format(
                n_broken=n_broken, value=" breaks" if n_broken == 1 else "s break"
            )
        )
