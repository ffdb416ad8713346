"""QAbstractListModel over the core ReferenceTray: one row per reference, in tray order.

A change of the tray is applied as the rows that were inserted, removed or moved (a reset only
when the change is none of those): a reset makes the view forget its selection and lay out and
paint every card again on the turn a drop's results land.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
)

from seedance_studio.core.i18n import _
from seedance_studio.core.reference import Reference
from seedance_studio.core.tags import Tag
from seedance_studio.core.tray import ReferenceTray, number_tags
from seedance_studio.ui import theme
from seedance_studio.ui.formatting import format_facts
from seedance_studio.ui.problems import COUNT_CODES, ProblemView, problem_text
from seedance_studio.ui.thumbnail_cache import ThumbnailCache

THUMBNAILS_MS = 16
"""Thumbnails that land within a frame repaint the tray once, not once each."""

REF_MIME = "application/x-seedance-reference-ids"
"""Drag payload for moves inside the tray: newline-separated reference ids."""

Index = QModelIndex | QPersistentModelIndex


class TrayRoles:
    REFERENCE = Qt.ItemDataRole.UserRole + 1
    TAG = Qt.ItemDataRole.UserRole + 2
    FACTS = Qt.ItemDataRole.UserRole + 3
    PROBLEMS = Qt.ItemDataRole.UserRole + 4
    THUMBNAIL = Qt.ItemDataRole.UserRole + 5


class TrayModel(QAbstractListModel):
    """Rows follow `tray.changed`; tags, facts, thumbnails and problems are read per row."""

    def __init__(
        self, tray: ReferenceTray, thumbnails: ThumbnailCache, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._tray = tray
        self._thumbnails = thumbnails
        self._rows: tuple[Reference, ...] = tray.items
        self._tags: dict[str, Tag] = number_tags(self._rows)
        self._problems: dict[str, list[ProblemView]] = {}
        self._landed: set[str] = set()
        self._landed_timer = QTimer(self)
        self._landed_timer.setSingleShot(True)
        self._landed_timer.setInterval(THUMBNAILS_MS)
        self._landed_timer.timeout.connect(self._show_thumbnails)
        tray.changed.connect(self._on_tray_changed)
        thumbnails.ready.connect(self._on_thumbnail)

    @property
    def tray(self) -> ReferenceTray:
        return self._tray

    def disconnect_tray(self) -> None:
        """psygnal holds a reference to our slot; drop it when the widget goes."""
        self._tray.changed.disconnect(self._on_tray_changed)

    # -- Qt model API ------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        ref = self._rows[index.row()]
        tag = self._tags.get(ref.id)
        mention = tag.mention if tag else ""
        match role:
            case Qt.ItemDataRole.DisplayRole:
                return f"{mention}  {ref.display_name}"
            case Qt.ItemDataRole.DecorationRole | TrayRoles.THUMBNAIL:
                return self._thumbnails.pixmap(ref)
            case Qt.ItemDataRole.ToolTipRole:
                return self._tooltip(ref, mention)
            case TrayRoles.REFERENCE:
                return ref
            case TrayRoles.TAG:
                return mention
            case TrayRoles.FACTS:
                return format_facts(ref.facts)
            case TrayRoles.PROBLEMS:
                return self._problems.get(ref.id, [])
            case Qt.ItemDataRole.SizeHintRole:
                return QSize(260, 80)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid():
            return base | Qt.ItemFlag.ItemIsDragEnabled
        return base | Qt.ItemFlag.ItemIsDropEnabled

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [REF_MIME, "text/uri-list", "text/plain"]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        mime = QMimeData()
        ids = [self._rows[i.row()].id for i in indexes if i.isValid()]
        mime.setData(REF_MIME, "\n".join(ids).encode())
        return mime

    # -- helpers -----------------------------------------------------------------------------

    def reference(self, row: int) -> Reference:
        return self._rows[row]

    def row_of(self, ref_id: str) -> int:
        for i, ref in enumerate(self._rows):
            if ref.id == ref_id:
                return i
        raise KeyError(ref_id)

    def set_problems(self, problems: Sequence[ProblemView]) -> None:
        """Attach per-reference problems (badges and tooltips); others are ignored here."""
        by_ref: dict[str, list[ProblemView]] = {}
        for p in problems:
            for ref_id in self._at_fault(p):
                by_ref.setdefault(ref_id, []).append(p)
        if by_ref != self._problems:
            self._problems = by_ref
            if self._rows:
                self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1))

    def _at_fault(self, problem: ProblemView) -> list[str]:
        """The references a problem is about; for "too many", every one over the limit, so
        each extra card carries the badge (the user sees which ones to remove)."""
        if problem.code in COUNT_CODES and isinstance(problem.limit, int):
            refs = [
                r for r in self.tray if problem.code == "too_many_files" or r.kind is problem.kind
            ]
            return [r.id for r in refs[problem.limit :]]
        return [problem.ref_id] if problem.ref_id else []

    def problems_of(self, ref_id: str) -> list[ProblemView]:
        return self._problems.get(ref_id, [])

    def _tooltip(self, ref: Reference, mention: str) -> str:
        lines = [
            f"<b>{html.escape(mention)}</b> — {html.escape(ref.display_name)}",
            html.escape(format_facts(ref.facts)),
            _("<span style='color:{colour}'>{value}</span>").format(
                colour=theme.MUTED.name(), value=html.escape(ref.source)
            ),
        ]
        if ref.original_source:
            lines.append(_("conformed from {value}").format(value=html.escape(ref.original_source)))
        for p in self._problems.get(ref.id, []):
            color = (theme.ERROR if p.severity == "error" else theme.WARNING).name()
            lines.append(
                _("<span style='color:{color}'>⚠ {value}</span>").format(
                    color=color, value=html.escape(problem_text(p))
                )
            )
        return "<br>".join(lines)

    def _on_tray_changed(self) -> None:
        old, new = self._rows, self._tray.items
        live = {r.id for r in new}
        self._problems = {k: v for k, v in self._problems.items() if k in live}
        if not self._apply_rows(old, new):
            # Tags depend on the whole order: not a run inserted, removed or moved, so reset.
            self.beginResetModel()
            self._set_rows(new)
            self.endResetModel()
            return
        if new:
            # Tags renumber at once: every card may read differently now.
            self.dataChanged.emit(self.index(0), self.index(len(new) - 1))

    def _set_rows(self, rows: tuple[Reference, ...]) -> None:
        self._rows = rows
        self._tags = number_tags(rows)

    def _apply_rows(self, old: tuple[Reference, ...], new: tuple[Reference, ...]) -> bool:
        """Turn old rows into new ones as one insert, removal or move; False when it is none."""
        old_ids, new_ids = [r.id for r in old], [r.id for r in new]
        if old_ids == new_ids:  # the same cards (a conformed copy swapped in): repaint them
            self._set_rows(new)
            return True
        head = 0
        while head < min(len(old_ids), len(new_ids)) and old_ids[head] == new_ids[head]:
            head += 1
        tail = 0
        while (
            tail < min(len(old_ids), len(new_ids)) - head
            and old_ids[-1 - tail] == new_ids[-1 - tail]
        ):
            tail += 1
        if head + tail == len(old_ids):  # a run inserted at `head`
            self.beginInsertRows(QModelIndex(), head, len(new_ids) - tail - 1)
            self._set_rows(new)
            self.endInsertRows()
            return True
        if head + tail == len(new_ids):  # a run removed at `head`
            self.beginRemoveRows(QModelIndex(), head, len(old_ids) - tail - 1)
            self._set_rows(new)
            self.endRemoveRows()
            return True
        if len(old_ids) == len(new_ids):
            return self._apply_move(old_ids, new_ids, head, len(old_ids) - tail - 1, new)
        return False

    def _apply_move(
        self,
        old_ids: list[str],
        new_ids: list[str],
        first: int,
        last: int,
        new: tuple[Reference, ...],
    ) -> bool:
        """One card moved from one end of the changed span [first, last] to the other."""
        if new_ids[last] == old_ids[first] and old_ids[first + 1 : last + 1] == new_ids[first:last]:
            source, dest = first, last + 1  # the first card of the span moved down
        elif (
            new_ids[first] == old_ids[last] and old_ids[first:last] == new_ids[first + 1 : last + 1]
        ):
            source, dest = last, first  # the last card of the span moved up
        else:
            return False
        if not self.beginMoveRows(QModelIndex(), source, source, QModelIndex(), dest):
            return False
        self._set_rows(new)
        self.endMoveRows()
        return True

    def _on_thumbnail(self, source: str) -> None:
        """Each thumbnail lands on its own loop turn (a drop of 12 files: 12 paints of the
        tray); the ones of one frame are shown together."""
        self._landed.add(source)
        if not self._landed_timer.isActive():
            self._landed_timer.start()

    def _show_thumbnails(self) -> None:
        landed, self._landed = self._landed, set()
        rows = [i for i, ref in enumerate(self._rows) if ref.source in landed]
        if rows:
            first, last = self.index(min(rows)), self.index(max(rows))
            self.dataChanged.emit(first, last, [Qt.ItemDataRole.DecorationRole])
