"""Draws the prompt's mentions as tokens, from the PromptDocument's spans (not from regexes).

Bound mentions take their reference kind's colour; dangling ones (their item was removed) are
red and struck through; tag-like text the tray cannot resolve gets a wavy underline.

The marks are character formats in the editor's document, set only where a mark appears,
moves off its text or changes: a QSyntaxHighlighter re-lays out its whole block after every
keystroke (a 4,000-character prompt is one block), which doubled what a key press cost, and
extra selections are painted once each over the text, ~110 passes per paint for a long
prompt. Formats move with the text they cover, so a keystroke that leaves every mention as it
was changes nothing here; what the editor types takes no mark's format (`plain`).
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit

from seedance_studio.core.composition import Composition
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.ui import theme

Mark = tuple[int, int, str]
"""(start, end, style): the style is `dangling`, `unknown` or a kind with its colours."""


def _token(kind: MediaKind) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fill = QColor(theme.kind_color(kind))
    fill.setAlpha(55)
    fmt.setBackground(fill)
    fmt.setForeground(theme.kind_text_color(kind))
    fmt.setFontWeight(600)  # a bound mention reads as a chip, not as typed text
    return fmt


def _dangling() -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(theme.ERROR)
    fmt.setFontStrikeOut(True)
    fill = QColor(theme.ERROR)
    fill.setAlpha(40)
    fmt.setBackground(fill)
    return fmt


def _unknown() -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
    fmt.setUnderlineColor(theme.WARNING)
    fmt.setForeground(theme.WARNING)
    return fmt


class MentionHighlighter:
    """Keeps the formats of `editor`'s document on the composition's mentions (`refresh` after
    each change of the prompt or the tray)."""

    def __init__(self, editor: QPlainTextEdit, composition: Composition) -> None:
        self._editor = editor
        self._composition = composition
        self._formats: dict[str, QTextCharFormat] = {}
        self._shown: list[tuple[QTextCursor, str]] = []
        """A cursor over each formatted span: cursors follow edits, so this says where the
        document's formats are now without reading them back."""
        self.plain = QTextCharFormat()

    def marks(self) -> list[Mark]:
        """What the model says should be marked, left to right."""
        prompt = self._composition.prompt
        # The style names the kind and the scheme's colours for it: a theme change is a
        # change of style, so its marks are set again.
        scheme = {
            k: f"{k.value} {theme.kind_color(k).rgba()} {theme.kind_text_color(k).rgba()}"
            for k in MediaKind
        }
        colors = {r.id: scheme[r.kind] for r in self._composition.tray.items}
        wanted: list[Mark] = []
        for m in prompt.mentions:
            style = "dangling" if m.dangling else colors.get(m.ref_id, "dangling")
            wanted.append((m.start, m.end, style))
        unknown = prompt.unknown_tags()
        if unknown:
            wanted += [(a, b, "unknown") for a, b, _tag in unknown]
            wanted.sort()
        return wanted

    def shown(self) -> list[Mark]:
        """What the formats cover now (their cursors moved with every edit since)."""
        return [(c.selectionStart(), c.selectionEnd(), style) for c, style in self._shown]

    def rehighlight(self) -> None:
        self.refresh(force=True)

    def refresh(self, *, force: bool = False) -> None:
        prompt = self._composition.prompt
        document = self._editor.document()
        if len(prompt.text) != document.characterCount() - 1:
            return  # the model is mid-update; the editor refreshes once they agree
        wanted = self.marks()
        shown = self.shown()
        if not force and wanted == shown:
            return
        keep = set(wanted) & set(shown) if not force else set()
        edit = QTextCursor(document)
        edit.beginEditBlock()  # one layout for all of it
        try:
            for (start, end, _style), (_cursor, _s) in zip(shown, self._shown, strict=True):
                if (start, end, _style) not in keep and start < end:
                    edit.setPosition(start)
                    edit.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
                    edit.setCharFormat(self.plain)
            cursors: list[tuple[QTextCursor, str]] = []
            for start, end, style in wanted:
                cursor = QTextCursor(document)
                cursor.setPosition(start)
                cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
                # Text typed right after a mention is not part of it (its number aside,
                # which the model re-reads): the span keeps its end.
                cursor.setKeepPositionOnInsert(True)
                cursors.append((cursor, style))
                if (start, end, style) not in keep:
                    edit.setPosition(start)
                    edit.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
                    edit.setCharFormat(self._format(style))
        finally:
            edit.endEditBlock()
        self._shown = cursors

    def _format(self, style: str) -> QTextCharFormat:
        fmt = self._formats.get(style)
        if fmt is None:
            if style == "dangling":
                fmt = _dangling()
            elif style == "unknown":
                fmt = _unknown()
            else:
                fmt = _token(MediaKind(style.split()[0]))
            self._formats[style] = fmt
        return fmt
