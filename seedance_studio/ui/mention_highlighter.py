"""Draws the prompt's mentions as tokens, from the PromptDocument's spans (not from regexes).

Bound mentions take their reference kind's colour; dangling ones (their item was removed) are
red and struck through; tag-like text the tray cannot resolve gets a wavy underline.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from seedance_studio.core.composition import Composition
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.ui import theme


def _token(kind: MediaKind) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fill = QColor(theme.kind_color(kind))
    fill.setAlpha(55)
    fmt.setBackground(fill)
    fmt.setForeground(theme.kind_text_color(kind))
    fmt.setFontWeight(600)
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


class MentionHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument, composition: Composition) -> None:
        super().__init__(document)
        self._composition = composition
        self._dangling_fmt = _dangling()
        self._unknown_fmt = _unknown()

    def highlightBlock(self, text: str) -> None:
        block = self.currentBlock()
        start, end = block.position(), block.position() + len(text)
        prompt = self._composition.prompt
        tray = self._composition.tray
        if len(prompt.text) != self.document().characterCount() - 1:
            return  # the model is mid-update; the editor rehighlights once they agree
        for m in prompt.mentions:
            if m.end <= start or m.start >= end:
                continue
            if m.dangling:
                fmt = self._dangling_fmt
            else:
                ref = tray.get(m.ref_id) if m.ref_id in tray else None
                fmt = _token(ref.kind) if ref else self._dangling_fmt
            a, b = max(m.start, start), min(m.end, end)
            self.setFormat(a - start, b - a, fmt)
        for a, b, _tag in prompt.unknown_tags():
            if b <= start or a >= end:
                continue
            a, b = max(a, start), min(b, end)
            self.setFormat(a - start, b - a, self._unknown_fmt)
