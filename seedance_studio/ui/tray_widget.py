"""The reference tray on screen: cards with thumbnail, tag, facts and a limit badge.

Drops (files, browser links), pastes and the file dialog go through ReferenceIngest; drags
inside the list move references in the tray; Delete removes. The widget only forwards: the
tray renumbers and the composition rewrites the prompt.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QGuiApplication,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from seedance_studio.core.i18n import _, ngettext
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.core.reference import known_extensions
from seedance_studio.ui.icons import icon
from seedance_studio.ui.tray_ingest import ReferenceIngest
from seedance_studio.ui.tray_model import TrayModel
from seedance_studio.ui.tray_view import TrayView
from seedance_studio.ui.ui_state import ui_state_store

FILE_FILTER = _("Media ({patterns});;All files (*)").format(
    patterns=" ".join(f"*.{ext}" for ext in known_extensions())
)

DURATION_CODES = frozenset({"duration_too_long", "total_duration_too_long"})
"""Problems a chosen in/out point fixes: the Trim… button is offered next to Fix for them."""

LAST_FOLDER_KEY = "references/last-folder"
"""Where Add references opened files last; the dialog starts there next time."""


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
        for change in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.rowsMoved):
            change.connect(self._refresh)
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
            ngettext(
                "{count} reference breaks the limits",
                "{count} references break the limits",
                n_broken,
            ).format(count=n_broken)
        )
