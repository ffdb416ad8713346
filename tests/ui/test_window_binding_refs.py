"""A guard on the Qt binding itself: PySide6 6.12.0 drops one reference to None on every call of
a Python override of a void virtual (paintEvent, delegate paint, highlightBlock...). On
Python 3.11, where None is not immortal, the app then dies after a few thousand repaints with
"Fatal Python error: none_dealloc". pyproject excludes that version; this test catches any
other binding release with the same fault."""

from __future__ import annotations

import sys

from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from seedance_studio.ui.mention_highlighter import MentionHighlighter
from tests.ui.compose_helpers import composition_for

CALLS = 300


class _Painted(QWidget):
    def paintEvent(self, event: QPaintEvent) -> None:
        pass


def test_void_overrides_keep_none_alive(qtbot: QtBot) -> None:
    widget = _Painted()
    qtbot.addWidget(widget)
    widget.resize(40, 40)
    widget.show()
    widget.repaint()
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        widget.repaint()
    # A handful either way is ordinary churn; a broken binding loses one per call.
    assert sys.getrefcount(None) - before > -CALLS // 3


def test_highlighter_keeps_none_alive(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QPlainTextEdit

    comp = composition_for()
    text = "@Image1 and @Video9 " * 4
    comp.prompt.set_text(text, comp.tray)
    editor = QPlainTextEdit(text)
    qtbot.addWidget(editor)
    highlighter = MentionHighlighter(editor, comp)
    highlighter.rehighlight()
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        highlighter.rehighlight()
    assert sys.getrefcount(None) - before > -CALLS // 3
