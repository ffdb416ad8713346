"""No widget text is set from a bare English literal: each goes through the catalogue.

The catalogue test only sees strings already wrapped in `_()`; a label written as a plain
literal or an f-string never reaches it and shows in English in the Chinese window. This
reads the interface modules and flags text handed to Qt's text-taking calls that is not
wrapped.
"""

from __future__ import annotations

import re
from pathlib import Path

import seedance_studio.ui
from tests.literal_text import literal_words, named_calls

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


def _bare_literals(path: Path) -> list[str]:
    found = []
    for name, node in named_calls(path):
        if name not in TEXT_CALLS:
            continue
        for arg in node.args:
            words = re.sub(r"<[^>]*>", "", literal_words(arg))  # markup is not text
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
