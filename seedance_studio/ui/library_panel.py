"""The reference library on screen: search, a card per item (thumbnail, facts, missing files
marked as missing), what it was used in; double-click or drag to add it to the tray.

The library (projects/library.py) is opened and searched on a worker thread: nothing here
touches SQLite or a file on the UI thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import (
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QColor, QPainter, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from seedance_studio.core.i18n import _, ngettext
from seedance_studio.core.reference import Reference
from seedance_studio.projects.library import LibraryItem, ReferenceLibrary
from seedance_studio.ui import theme
from seedance_studio.ui.formatting import format_facts
from seedance_studio.ui.thumbnail_cache import ThumbnailCache
from seedance_studio.ui.workers import Worker

Index = QModelIndex | QPersistentModelIndex
ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_DELAY_MS = 150
THUMB = QSize(64, 40)


def used_in(item: LibraryItem) -> str:
    parts = []
    if item.projects:
        names = ", ".join(p.rsplit("/", 1)[-1] for p in item.projects[:3])
        if len(item.projects) > 3:
            names = _("{names} and {count} more").format(names=names, count=len(item.projects) - 3)
        parts.append(
            ngettext("{n} project ({names})", "{n} projects ({names})", len(item.projects)).format(
                n=len(item.projects), names=names
            )
        )
    if item.jobs:
        numbers = ", ".join(f"#{j}" for j in item.jobs[:5])
        parts.append(
            ngettext("{n} job ({numbers})", "{n} jobs ({numbers})", len(item.jobs)).format(
                n=len(item.jobs), numbers=numbers
            )
        )
    if not parts:
        return _("Not used in a project or job yet")
    if len(parts) == 1:
        return _("Used in {where}").format(where=parts[0])
    return _("Used in {first} and {second}").format(first=parts[0], second=parts[1])


def describe(item: LibraryItem, hosted: Sequence[tuple[str, float | None]] = ()) -> str:
    """The details line (and tooltip): facts, where it lives, where it was used, uploads."""
    lines = [
        item.name,
        format_facts(item.facts) if item.facts else (_("Link") if item.is_url else _("Not probed")),
    ]
    if item.is_url:
        lines.append(item.key.split(":", 1)[1])
    elif item.missing:
        last = item.places[0].path if item.places else _("unknown")
        lines.append(_("Missing: last seen at {place}").format(place=last))
    else:
        lines.append(_("At {place}").format(place=item.source))
        if len(item.places) > 1:
            lines.append(_("Seen in {count} places").format(count=len(item.places)))
    lines.append(used_in(item))
    for host, expires in hosted:
        until = (
            _("no expiry")
            if expires is None
            else _("until {when}").format(
                when=time.strftime("%d %b %H:%M", time.localtime(expires))
            )
        )
        lines.append(
            _("Uploaded to {host} ({until})").format(host=host.split("@", 1)[0], until=until)
        )
    return "\n".join(lines)


def _boxed(pixmap: QPixmap | None, *, missing: bool = False) -> QPixmap:
    """Every thumbnail in a box of the same size, so names line up whatever the shape."""
    box = QPixmap(THUMB)
    box.fill(QColor("#111417"))
    painter = QPainter(box)
    if pixmap is not None and not pixmap.isNull():
        scaled = pixmap.scaled(
            THUMB, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        painter.drawPixmap(
            (THUMB.width() - scaled.width()) // 2, (THUMB.height() - scaled.height()) // 2, scaled
        )
    if missing:
        painter.setPen(theme.WARNING)
        painter.drawText(box.rect(), int(Qt.AlignmentFlag.AlignCenter), "missing")
    painter.end()
    return box


class LibraryModel(QAbstractListModel):
    def __init__(self, thumbnails: ThumbnailCache, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[LibraryItem] = []
        self._thumbnails = thumbnails
        thumbnails.ready.connect(self._thumbnail_ready)

    def set_items(self, items: list[LibraryItem]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def item(self, row: int) -> LibraryItem:
        return self._items[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._items)

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and not self._items[index.row()].missing:
            base |= Qt.ItemFlag.ItemIsDragEnabled
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            facts = format_facts(item.facts) if item.facts else (_("link") if item.is_url else "")
            state = "  — " + _("missing") if item.missing else ""
            return f"{item.name}{state}\n{facts}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return describe(item)
        if role == Qt.ItemDataRole.ForegroundRole and item.missing:
            return QColor(theme.MUTED)
        if role == Qt.ItemDataRole.DecorationRole:
            source = item.source
            if source is None:
                return _boxed(None, missing=True)
            return _boxed(self._thumbnails.pixmap(Reference(kind=item.kind, source=source), THUMB))
        if role == ITEM_ROLE:
            return item
        return None

    def mimeTypes(self) -> list[str]:
        return ["text/uri-list"]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        mime = QMimeData()
        urls = []
        for index in indexes:
            source = self._items[index.row()].source
            if source is not None:
                urls.append(QUrl(source) if "://" in source else QUrl.fromLocalFile(source))
        mime.setUrls(urls)
        return mime

    def _thumbnail_ready(self, source: str) -> None:
        for row, item in enumerate(self._items):
            if item.source == source:
                index = self.index(row)
                self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])


class LibraryPanel(QWidget):
    add_requested = Signal(list)
    """Sources (paths or links) the user asked to add to the tray."""
    message = Signal(str)
    refreshed = Signal()

    def __init__(
        self,
        library: Callable[[], ReferenceLibrary],
        worker: Worker,
        thumbnails: ThumbnailCache,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._library = library
        self._worker = worker
        heading = QLabel(_("Library"))
        heading.setProperty("role", "heading")
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search by name, folder or project"))
        self.search.setClearButtonEnabled(True)
        self.model = LibraryModel(thumbnails, self)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setIconSize(THUMB)
        self.view.setSpacing(2)
        self.view.setUniformItemSizes(True)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setDragEnabled(True)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setAccessibleName(_("Library"))
        self.details = QLabel()
        self.details.setProperty("role", "muted")
        self.details.setWordWrap(True)
        self.empty = QLabel(
            _("Every reference you add appears here, found by its content even after it moves.")
        )
        self.empty.setProperty("role", "muted")
        self.empty.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 6, 10)
        layout.setSpacing(6)
        layout.addWidget(heading)
        layout.addWidget(self.search)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.details)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.view.doubleClicked.connect(self._activated)
        self.view.selectionModel().currentChanged.connect(self._show_details)

    def refresh_if_shown(self) -> None:
        if self.isVisible():
            self._timer.start()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()  # the library is read when the panel is first looked at, not at start

    def refresh(self) -> None:
        """Search again on the worker (the list updates when the answer arrives)."""
        text = self.search.text()

        def search() -> list[LibraryItem]:
            return self._library().search(text)

        self._worker.submit(search, on_done=self._show, on_error=self._failed)

    def _show(self, items: list[LibraryItem]) -> None:
        self.model.set_items(items)
        self.empty.setVisible(not items)
        self.details.setText("")
        self.refreshed.emit()

    def _failed(self, exc: BaseException) -> None:
        self.message.emit(_("The library could not be read: {exc}").format(exc=exc))

    def _activated(self, index: QModelIndex) -> None:
        self.add_rows([index.row()])

    def add_rows(self, rows: list[int]) -> None:
        sources = []
        for row in rows:
            item = self.model.item(row)
            if item.source is None:
                last = item.places[0].path if item.places else _("an unknown place")
                self.message.emit(
                    _("{name} is missing: it was last at {place}").format(
                        name=item.name, place=last
                    )
                )
            else:
                sources.append(item.source)
        if sources:
            self.add_requested.emit(sources)

    def _show_details(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.details.setText("")
            return
        item = self.model.item(current.row())
        library = self._library

        def details() -> str:
            hosted = [(h.host, h.expires_at) for h in library().hosted(item)]
            return describe(item, hosted)

        self._worker.submit(details, on_done=self.details.setText)
