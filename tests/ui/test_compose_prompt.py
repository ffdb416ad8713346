"""The prompt editor: @-completion from the tray, bound mentions and renumbering."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat, QTextCursor
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from seedance_studio.core import capabilities
from seedance_studio.core.composition import Composition
from seedance_studio.core.media_facts import MediaFacts, MediaKind
from seedance_studio.core.params import switch_model
from seedance_studio.core.reference import Reference
from seedance_studio.ui.prompt_editor import PromptPanel
from seedance_studio.ui.thumbnail_cache import ThumbnailCache
from seedance_studio.ui.workers import Worker
from tests.ui.compose_helpers import composition_for


def _ref(kind: MediaKind, name: str) -> Reference:
    return Reference(
        kind=kind,
        source=f"https://example.com/{name}",
        name=name,
        facts=MediaFacts(format="png", size_bytes=1000, width=64, height=48),
    )


class EditorHarness:
    def __init__(self, qtbot: QtBot) -> None:
        self.composition: Composition = composition_for("eachlabs")
        self.worker = Worker()
        self.panel = PromptPanel(self.composition, ThumbnailCache(self.worker))
        self.editor = self.panel.editor
        qtbot.addWidget(self.panel)
        self.panel.resize(500, 300)
        self.panel.show()
        self.editor.setFocus()
        qtbot.waitExposed(self.panel)


@pytest.fixture
def harness(qtbot: QtBot) -> Iterator[EditorHarness]:
    h = EditorHarness(qtbot)
    yield h
    h.editor.close_completion()
    h.panel.detach()
    h.worker.shutdown()


def _fill_tray(comp: Composition) -> tuple[Reference, Reference, Reference]:
    face, street, song = (
        _ref(MediaKind.IMAGE, "face.png"),
        _ref(MediaKind.IMAGE, "street.png"),
        _ref(MediaKind.AUDIO, "song.mp3"),
    )
    comp.tray.extend([face, street, song])
    return face, street, song


def test_typing_at_opens_popup_and_enter_binds_the_mention(harness: EditorHarness) -> None:
    comp = harness.composition
    _face, street, _song = _fill_tray(comp)
    QTest.keyClicks(harness.editor, "A portrait of ")
    QTest.keyClicks(harness.editor, "@")
    assert harness.editor.completing
    assert harness.editor.popup.count() == 3
    QTest.keyClicks(harness.editor, "ima")
    assert harness.editor.popup.count() == 2  # typing filters; audio is gone
    QTest.keyClick(harness.editor, Qt.Key.Key_Down)
    QTest.keyClick(harness.editor, Qt.Key.Key_Return)
    assert not harness.editor.popup.isVisible()
    assert comp.prompt.text == "A portrait of @Image2 "
    assert harness.editor.toPlainText() == comp.prompt.text
    [mention] = comp.prompt.live_mentions()
    assert mention.ref_id == street.id
    QTest.keyClicks(harness.editor, "at night")
    assert comp.prompt.text == "A portrait of @Image2 at night"
    assert comp.prompt.live_mentions()[0].ref_id == street.id


def test_tab_inserts_and_escape_closes(harness: EditorHarness) -> None:
    comp = harness.composition
    face, _street, song = _fill_tray(comp)
    QTest.keyClicks(harness.editor, "@")
    QTest.keyClick(harness.editor, Qt.Key.Key_Escape)
    assert not harness.editor.completing
    assert comp.prompt.text == "@"
    QTest.keyClick(harness.editor, Qt.Key.Key_Backspace)
    QTest.keyClicks(harness.editor, "Beat: @aud")
    assert harness.editor.popup.count() == 1
    QTest.keyClick(harness.editor, Qt.Key.Key_Tab)
    assert comp.prompt.text == "Beat: @Audio1 "
    assert comp.prompt.live_mentions()[0].ref_id == song.id
    assert face.id not in {m.ref_id for m in comp.prompt.mentions}


def test_email_at_sign_does_not_open_completion(harness: EditorHarness) -> None:
    _fill_tray(harness.composition)
    QTest.keyClicks(harness.editor, "mail me@")
    assert not harness.editor.completing


def test_removing_an_item_renumbers_the_text_in_the_editor(harness: EditorHarness) -> None:
    comp = harness.composition
    face, street, _song = _fill_tray(comp)
    QTest.keyClicks(harness.editor, "@Image1 meets @Image2 here")
    assert [m.ref_id for m in comp.prompt.live_mentions()] == [face.id, street.id]
    cursor = harness.editor.textCursor()
    cursor.setPosition(len("@Image1 meets @Image2 he"))
    harness.editor.setTextCursor(cursor)
    comp.tray.remove(face.id)
    expected = "@(removed Image1) meets @Image1 here"
    assert comp.prompt.text == expected
    assert harness.editor.toPlainText() == expected
    # The cursor stays in the same place in the (longer) text: "he|re".
    assert harness.editor.textCursor().position() == expected.index("here") + 2
    # Typing continues to edit the model consistently.
    QTest.keyClicks(harness.editor, "X")
    assert comp.prompt.text == "@(removed Image1) meets @Image1 heXre"
    harness.editor.moveCursor(QTextCursor.MoveOperation.End)
    assert comp.prompt.live_mentions()[0].ref_id == street.id


def test_undo_after_a_sync_keeps_model_and_widget_equal(harness: EditorHarness) -> None:
    comp = harness.composition
    face, _street, _song = _fill_tray(comp)
    QTest.keyClicks(harness.editor, "@Image2 and @Image1")
    comp.tray.move(face.id, 1)
    assert harness.editor.toPlainText() == comp.prompt.text == "@Image1 and @Image2"
    harness.editor.undo()
    assert harness.editor.toPlainText() == comp.prompt.text


def test_character_count_follows_the_text(harness: EditorHarness) -> None:
    QTest.keyClicks(harness.editor, "hello")
    assert harness.panel.count_label.text().startswith("5")


def _formats(editor: PromptPanel) -> list[tuple[str, QTextCharFormat]]:
    """(covered text, format) for every run of the editor's first block."""
    block = editor.editor.document().firstBlock()
    found = []
    it = block.begin()
    while not it.atEnd():
        fragment = it.fragment()
        found.append((fragment.text(), QTextCharFormat(fragment.charFormat())))
        it += 1
    return found


def test_mentions_are_drawn_as_tokens_dangling_struck_unknown_underlined(
    harness: EditorHarness,
) -> None:
    comp = harness.composition
    face, _street, _song = _fill_tray(comp)
    QTest.keyClicks(harness.editor, "@Image1 with @Video4")
    comp.tray.remove(face.id)
    formats = dict(_formats(harness.panel))
    assert formats["@(removed Image1)"].fontStrikeOut()
    assert formats["@Video4"].underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline
    QTest.keyClicks(harness.editor, " and @Image1")
    formats = dict(_formats(harness.panel))
    token = formats["@Image1"]
    assert not token.fontStrikeOut() and token.background().color().alpha() > 0
    assert token.fontWeight() >= 600  # a bound mention reads as a chip


def test_clicking_a_popup_item_inserts_it(harness: EditorHarness) -> None:
    comp = harness.composition
    _face, _street, song = _fill_tray(comp)
    QTest.keyClicks(harness.editor, "@")
    popup = harness.editor.popup
    item = popup.item(2)
    assert item is not None
    QTest.mouseClick(
        popup.viewport(), Qt.MouseButton.LeftButton, pos=popup.visualItemRect(item).center()
    )
    assert comp.prompt.text == "@Audio1 "
    assert comp.prompt.live_mentions()[0].ref_id == song.id


def test_character_count_against_the_provider_limit(harness: EditorHarness) -> None:
    comp = harness.composition
    limit = capabilities.get("kinovi").limits_for(None).prompt_max_chars
    assert limit is not None
    comp.params = switch_model(comp.params, capabilities.get("kinovi"))
    comp.prompt.set_text("x" * (limit + 1), comp.tray)
    label = harness.panel.count_label
    assert label.text() == f"{limit + 1:,} / {limit:,} characters"
    assert label.property("role") == "error"
    comp.prompt.set_text("short", comp.tray)
    assert label.property("role") == "muted"


def test_backspace_and_delete_remove_a_mention_chip_whole(harness: EditorHarness) -> None:
    comp = harness.composition
    face, street, _song = _fill_tray(comp)
    QTest.keyClicks(harness.editor, "@Image1 meets @Image2")
    comp.tray.remove(face.id)
    assert comp.prompt.text == "@(removed Image1) meets @Image1"
    # Backspace at the end of the live chip takes all of it, not its last character.
    harness.editor.moveCursor(QTextCursor.MoveOperation.End)
    QTest.keyClick(harness.editor, Qt.Key.Key_Backspace)
    assert comp.prompt.text == "@(removed Image1) meets "
    assert harness.editor.toPlainText() == comp.prompt.text
    # Delete in front of the removed marker takes the marker whole: nothing is left of it to
    # decay into plain text that would be sent.
    harness.editor.moveCursor(QTextCursor.MoveOperation.Start)
    QTest.keyClick(harness.editor, Qt.Key.Key_Delete)
    assert comp.prompt.text == " meets "
    assert comp.prompt.mentions == () and street.id in comp.tray


def test_completion_before_punctuation_adds_no_space(harness: EditorHarness) -> None:
    comp = harness.composition
    _fill_tray(comp)
    QTest.keyClicks(harness.editor, "See , now")
    cursor = harness.editor.textCursor()
    cursor.setPosition(len("See "))
    harness.editor.setTextCursor(cursor)
    QTest.keyClicks(harness.editor, "@ima")
    QTest.keyClick(harness.editor, Qt.Key.Key_Return)
    assert comp.prompt.text == "See @Image1, now"


def test_typed_keys_update_the_live_checks_at_the_key_that_changes_them(
    harness: EditorHarness, qtbot: QtBot
) -> None:
    from seedance_studio.core.settings import Settings
    from seedance_studio.ui.compose_checks import ComposeChecks
    from seedance_studio.ui.problems_panel import ProblemsPanel

    comp = harness.composition
    _fill_tray(comp)
    checks = ComposeChecks(comp, Settings())
    problems = ProblemsPanel(checks)
    qtbot.addWidget(problems)
    QTest.keyClicks(harness.editor, "A walk past @Image")
    harness.editor.close_completion()
    QTest.keyClicks(harness.editor, "7")
    assert "unknown_tag" in [p.code for p in checks.problems]
    assert any("@Image7" in m for m in problems.messages())
    QTest.keyClick(harness.editor, Qt.Key.Key_Backspace)
    QTest.keyClicks(harness.editor, "2")  # @Image2 is in the tray: bound, no error left
    assert "unknown_tag" not in [p.code for p in checks.problems]
    assert not any("@Image7" in m for m in problems.messages())
    formats = dict(_formats(harness.panel))
    assert formats["@Image2"].background().color().alpha() > 0
    QTest.keyClicks(harness.editor, " slowly")  # typed after a mention: not part of it
    assert dict(_formats(harness.panel))[" slowly"].background().style() == Qt.BrushStyle.NoBrush
    checks.detach()
