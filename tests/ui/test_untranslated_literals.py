"""No widget text is set from a bare English literal: each goes through the catalogue.

The catalogue test only sees strings already wrapped in `_()`; a label written as a plain
literal or an f-string never reaches it and shows in English in the Chinese window. This
reads the interface modules and flags text handed to Qt's text-taking calls that is not
wrapped.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import seedance_studio.ui

UI = Path(seedance_studio.ui.__file__).resolve().parent
APP = UI.parent / "app.py"

TEXT_CALLS = frozenset(
    {
        "QAction",
        "QCheckBox",
        "QGroupBox",
        "QLabel",
        "QMenu",
        "QPushButton",
        "QRadioButton",
        "QToolButton",
        "addAction",
        "addItem",
        "addItems",
        "addMenu",
        "addTab",
        "setAccessibleName",
        "setInformativeText",
        "setPlaceholderText",
        "setStatusTip",
        "setText",
        "setTitle",
        "setToolTip",
        "setWindowTitle",
        "showMessage",
    }
)
NOT_SHOWN = {("gallery_posters.py", "frames"), ("gallery_posters.py", "duration")}
"""QImage.setText keys: metadata in a cached poster, never on screen."""


def _words(node: ast.expr) -> str:
    """The literal letters an argument shows, '' when it has none or is wrapped."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
    if isinstance(node, ast.List | ast.Tuple):
        return " ".join(_words(e) for e in node.elts)
    if isinstance(node, ast.IfExp):
        return f"{_words(node.body)} {_words(node.orelse)}"
    return ""


def _bare_literals(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name not in TEXT_CALLS:
            continue
        for arg in node.args:
            words = re.sub(r"<[^>]*>", "", _words(arg))  # markup is not text
            if sum(c.isalpha() for c in words) >= 2 and (path.name, words) not in NOT_SHOWN:
                found.append(f"{path.name}:{node.lineno}: {name}({words!r})")
    return found


def test_every_text_given_to_a_widget_goes_through_the_catalogue() -> None:
    offenders = [hit for path in [*sorted(UI.glob("*.py")), APP] for hit in _bare_literals(path)]
    assert offenders == []


def test_the_check_sees_a_bare_label(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        'label = QLabel("Library")\n'
        'box.addItems([_("Side by side"), "A/B wipe"])\n'
        'label.setText(f"Saved {name}")\n'
        'label.setText(_("Saved {name}").format(name=name))\n'
        'clock.setText(f"{a} / {b}")\n'
    )
    assert [hit.split(": ", 1)[1] for hit in _bare_literals(sample)] == [
        "QLabel('Library')",
        "addItems(' A/B wipe')",
        "setText('Saved ')",
    ]
