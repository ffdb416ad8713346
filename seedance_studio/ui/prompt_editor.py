"""The prompt editor: a QPlainTextEdit that adapts the core PromptDocument.

Typing goes to the model as edits (`apply_edit`), so mentions stay bound to references; when
the model changes by itself (the tray renumbered, a mention was inserted) the difference is
applied back through a QTextCursor, which keeps the user's cursor and undo stack sane.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable

from PySide6.QtCore import QEvent, QMimeData, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QContextMenuEvent,
    QFocusEvent,
    QHelpEvent,
    QKeyEvent,
    QKeySequence,
    QTextCursor,
)
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QToolTip, QVBoxLayout, QWidget

from seedance_studio.core import capabilities
from seedance_studio.core.composition import Composition
from seedance_studio.core.errors import CompositionError
from seedance_studio.core.i18n import _, ngettext
from seedance_studio.core.prompt import Mention
from seedance_studio.core.validation import dangling_message
from seedance_studio.ui.formatting import format_facts
from seedance_studio.ui.mention_highlighter import MentionHighlighter
from seedance_studio.ui.mention_popup import MentionPopup
from seedance_studio.ui.thumbnail_cache import ThumbnailCache

_ACCEPT_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab)


def _starts_mention(text: str, at: int) -> bool:
    """An `@` opens completion at the start of a word, not inside an e-mail address."""
    return at == 0 or not text[at - 1].isalnum()


def _is_undo_key(event: QKeyEvent) -> bool:
    return (
        event.matches(QKeySequence.StandardKey.Undo)
        or event.matches(QKeySequence.StandardKey.Redo)
        or (
            event.key() == Qt.Key.Key_Z
            and bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        )
    )


class PromptEditor(QPlainTextEdit):
    completion_shown = Signal()

    def __init__(
        self, composition: Composition, thumbnails: ThumbnailCache, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._composition = composition
        self._applying = False
        """True while model changes are written into the widget (ignore its echoes)."""
        self._editing = False
        """True while a user edit is written into the model (no need to write it back)."""
        self._typed_at: int | None = None
        self._media_handler: Callable[[QMimeData], bool] | None = None
        self._mention_start: int | None = None
        self.setPlaceholderText(
            _(
                "Describe the shot. Type @ to mention a reference, "
                "e.g. “@Image1 walks through the scene of @Video1”."
            )
        )
        self.setTabChangesFocus(False)
        # Undo is the composition's (Edit > Undo), which knows about mentions and the tray.
        self.setUndoRedoEnabled(False)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self._applying = True
        self.setPlainText(composition.prompt.text)
        self._applying = False
        self.document().contentsChange.connect(self._on_contents_change)
        self.highlighter = MentionHighlighter(self, composition)
        self.highlighter.refresh()
        self.popup = MentionPopup(thumbnails, self)
        self.popup.chosen.connect(self.insert_mention)
        self.cursorPositionChanged.connect(self._update_completion)
        self.cursorPositionChanged.connect(self._type_plain)
        composition.prompt.changed.connect(self._on_model_changed)

    def detach(self) -> None:
        """Stop listening to the model (psygnal keeps strong references to bound slots)."""
        self._composition.prompt.changed.disconnect(self._on_model_changed)

    # -- widget -> model ---------------------------------------------------------------------

    def _on_contents_change(self, position: int, removed: int, added: int) -> None:
        if self._applying:
            return
        prompt = self._composition.prompt
        tray = self._composition.tray
        old, new = prompt.text, self.toPlainText()
        if old == new:
            return  # a format-only change
        inserted = new[position : position + added]
        self._editing = True
        try:
            if (
                position + removed <= len(old)
                and old[:position] + inserted + old[position + removed :] == new
            ):
                prompt.apply_edit(position, removed, inserted, tray)
            else:
                # Qt's first-block reports can be off by the block separator: diff instead.
                prompt.set_text_diff(new, tray)
        finally:
            self._editing = False
        self.highlighter.refresh()
        self._typed_at = position if inserted == "@" and removed == 0 else None

    def _type_plain(self) -> None:
        """What is typed next takes no mention's format (the document would give it the
        format of the character before it)."""
        self.setCurrentCharFormat(self.highlighter.plain)

    def createMimeDataFromSelection(self) -> QMimeData:
        """Copies carry the text alone, not the mentions' colours."""
        mime = QMimeData()
        mime.setText(self.textCursor().selection().toPlainText())
        return mime

    # -- model -> widget ---------------------------------------------------------------------

    def _on_model_changed(self) -> None:
        if self._editing:
            return
        new = self._composition.prompt.text
        if new != self.toPlainText():
            self._write_into_widget(new)
        self.highlighter.refresh()

    def _write_into_widget(self, new: str) -> None:
        old = self.toPlainText()
        ops = [
            op
            for op in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes()
            if op[0] != "equal"
        ]
        cursor = QTextCursor(self.document())
        self._applying = True
        try:
            cursor.beginEditBlock()
            for _tag, i1, i2, j1, j2 in reversed(ops):
                cursor.setPosition(i1)
                cursor.setPosition(i2, QTextCursor.MoveMode.KeepAnchor)
                cursor.insertText(new[j1:j2])
            cursor.endEditBlock()
        finally:
            self._applying = False

    # -- completion --------------------------------------------------------------------------

    @property
    def completing(self) -> bool:
        return self._mention_start is not None and self.popup.isVisible()

    def open_completion(self, at: int) -> bool:
        """Show the popup for an `@` at position `at`; False if there is nothing to offer."""
        if not len(self._composition.tray):
            return False
        self._mention_start = at
        self._refresh_completion()
        return self.completing

    def close_completion(self) -> None:
        self._mention_start = None
        self.popup.hide()

    def _update_completion(self) -> None:
        if self._applying:
            return
        pos = self.textCursor().position()
        if self._mention_start is None:
            at = self._typed_at
            self._typed_at = None
            text = self.toPlainText()
            if at is not None and pos == at + 1 and _starts_mention(text, at):
                self.open_completion(at)
            return
        self._refresh_completion()

    def _refresh_completion(self) -> None:
        start = self._mention_start
        if start is None:
            return
        text = self.toPlainText()
        pos = self.textCursor().position()
        query = text[start + 1 : pos] if start < pos <= len(text) else None
        if (
            query is None
            or text[start : start + 1] != "@"
            or len(query) > 12
            or any(c.isspace() for c in query.rstrip(" "))
            or query.count(" ") > 1
        ):
            self.close_completion()
            return
        if self.popup.fill(self._composition.tray, query) == 0:
            self.popup.hide()
            return
        cursor = QTextCursor(self.document())
        cursor.setPosition(start)
        rect = self.cursorRect(cursor)
        self.popup.show_at(self.viewport().mapToGlobal(rect.bottomLeft()))
        self.completion_shown.emit()

    def insert_mention(self, ref_id: str) -> None:
        """Replace the typed `@query` with a mention bound to `ref_id`."""
        start = self._mention_start
        self.close_completion()
        pos = self.textCursor().position()
        if start is None or start > pos:
            start = pos
        new_pos = self._composition.prompt.insert_mention(
            pos, ref_id, self._composition.tray, replace_chars=pos - start
        )
        cursor = self.textCursor()
        cursor.setPosition(min(new_pos, len(self.toPlainText())))
        self.setTextCursor(cursor)

    # -- events ------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.completing:
            key = event.key()
            if key in _ACCEPT_KEYS:
                ref_id = self.popup.current_ref_id()
                if ref_id is not None:
                    self.insert_mention(ref_id)
                    event.accept()
                    return
            elif key == Qt.Key.Key_Escape:
                self.close_completion()
                event.accept()
                return
            elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                self.popup.step(-1 if key == Qt.Key.Key_Up else 1)
                event.accept()
                return
        if self._delete_whole_mention(event):
            event.accept()
            return
        if (
            not self.completing
            and event.key() == Qt.Key.Key_Space
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            # Ctrl+Space offers the list without typing @ first.
            self.textCursor().insertText("@")
            self.open_completion(self.textCursor().position() - 1)
            event.accept()
            return
        super().keyPressEvent(event)

    def _delete_whole_mention(self, event: QKeyEvent) -> bool:
        """Backspace after a mention chip, or Delete before one, removes the chip whole (one
        undo step), so a marker like `@(removed Image2)` never decays into plain text."""
        key = event.key()
        if key not in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete) or event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        ):
            return False
        cursor = self.textCursor()
        if cursor.hasSelection():
            return False
        pos = cursor.position()
        at = pos - 1 if key == Qt.Key.Key_Backspace else pos
        mention = self._composition.prompt.mention_at(at) if at >= 0 else None
        if mention is None:
            return False
        cursor.setPosition(mention.start)
        cursor.setPosition(mention.end, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        self.setTextCursor(cursor)
        return True

    # -- drops and pastes of media ----------------------------------------------------------

    def set_media_handler(self, handler: Callable[[QMimeData], bool]) -> None:
        """Where files and media links dropped or pasted here go (the tray), instead of
        being inserted as text."""
        self._media_handler = handler

    def _is_media(self, source: QMimeData) -> bool:
        return self._media_handler is not None and (
            any(u.isLocalFile() for u in source.urls())
            or (source.hasImage() and not source.hasText())
        )

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return self._is_media(source) or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        if self._is_media(source) and self._media_handler is not None:
            self._media_handler(source)
            return
        super().insertFromMimeData(source)

    def marker_actions(self, mention: Mention) -> list[QAction]:
        """What right-clicking a removed reference's marker offers: point it at each item in
        the tray, or delete it (tests call this directly)."""
        comp = self._composition
        actions: list[QAction] = []
        tags = comp.tray.tags()
        for ref in comp.tray:
            action = QAction(
                _("Point it at {tag} — {name}").format(
                    tag=tags[ref.id].mention, name=ref.display_name
                ),
                self,
            )
            action.triggered.connect(
                lambda _c=False, r=ref.id: self._marker_edit(
                    lambda: comp.prompt.repoint(mention, r, comp.tray)
                )
            )
            actions.append(action)
        delete = QAction(_("Delete the mention"), self)
        delete.triggered.connect(
            lambda: self._marker_edit(lambda: comp.prompt.delete_mention(mention))
        )
        actions.append(delete)
        return actions

    def _marker_edit(self, edit: Callable[[], None]) -> None:
        try:
            edit()
        except KeyError:  # the prompt changed under the menu: nothing to point any more
            return

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.createStandardContextMenu(event.pos())
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        position = self.cursorForPosition(event.pos()).position()
        mention = self._composition.prompt.mention_at(position)
        if mention is not None and mention.dangling:
            actions = self.marker_actions(mention)
            existing = menu.actions()
            if existing:
                menu.insertActions(existing[0], actions)
                menu.insertSeparator(existing[0])
            else:
                menu.addActions(actions)
        menu.popup(event.globalPos())

    def focusOutEvent(self, event: QFocusEvent) -> None:
        # A click on the popup (its own top-level window) must reach it before it closes.
        if not self.popup.underMouse():
            self.close_completion()
        super().focusOutEvent(event)

    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and _is_undo_key(event)
        ):
            event.ignore()  # let the window's Undo/Redo actions have Ctrl+Z / Ctrl+Shift+Z
            return False
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            pos = self.cursorForPosition(event.pos()).position()
            mention = self._composition.prompt.mention_at(pos)
            if mention is not None:
                tray = self._composition.tray
                if mention.dangling or mention.ref_id not in tray:
                    said = dangling_message(mention, tray)
                    tip = (
                        said[:1].upper()
                        + said[1:]
                        + "\n"
                        + _("Right-click to point it at another reference")
                    )
                else:
                    ref = tray.get(mention.ref_id)
                    tip = f"{ref.display_name}\n{format_facts(ref.facts)}"
                QToolTip.showText(event.globalPos(), tip, self)
                return True
            QToolTip.hideText()
        return super().event(event)


class PromptPanel(QWidget):
    """The editor with a heading and the character count against the provider's limit."""

    def __init__(
        self, composition: Composition, thumbnails: ThumbnailCache, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._composition = composition
        self.editor = PromptEditor(composition, thumbnails, self)
        heading = QLabel(_("Prompt"))
        heading.setProperty("role", "heading")
        hint = QLabel(_("@ to mention · Ctrl+Space"))
        hint.setProperty("role", "muted")
        self.count_label = QLabel()
        self.count_label.setProperty("role", "muted")
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(hint)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.addStretch(1)
        bottom.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.editor, 1)
        layout.addLayout(bottom)
        composition.changed.connect(self._update_count)
        self._update_count()

    def detach(self) -> None:
        self.editor.detach()
        self._composition.changed.disconnect(self._update_count)

    def prompt_length(self) -> int:
        """Characters as sent: the compiled prompt, or the text while it cannot compile (the
        snapshot is the one the live checks read, compiled once for both)."""
        snap = self._composition.snapshot()
        try:
            return len(snap.compiled_prompt())
        except (CompositionError, KeyError):
            return len(snap.canonical_prompt())

    def _update_count(self) -> None:
        n = self.prompt_length()
        params = self._composition.params
        try:
            limit = capabilities.get(params.provider).limits_for(params.model).prompt_max_chars
        except KeyError:
            limit = None
        if limit is None:
            text = ngettext("{n:,} character", "{n:,} characters", n).format(n=n)
            over = False
        else:
            text = _("{n:,} / {limit:,} characters").format(n=n, limit=limit)
            over = n > limit
        if text != self.count_label.text():
            self.count_label.setText(text)
        role = "error" if over else "muted"
        if role != self.count_label.property("role"):  # a re-polish costs a style pass
            self.count_label.setProperty("role", role)
            self.count_label.style().unpolish(self.count_label)
            self.count_label.style().polish(self.count_label)
