"""Undo and redo of shot edits, and the current shot following them."""

from __future__ import annotations

from seedance_studio.core.sequence_document import SequenceDocument
from tests.core.builders import image, snapshot


def ids(doc: SequenceDocument) -> list[str]:
    return [s.id for s in doc.sequence.shots]


def doc_with_two() -> tuple[SequenceDocument, str, str]:
    doc = SequenceDocument()
    a = doc.add_shot(snapshot("animatic", [image()], "@Image1 enters"))
    b = doc.add_shot(snapshot("animatic", [image()], "@Image1 exits"))
    return doc, a, b


def test_every_shot_edit_undoes_and_redoes_with_its_name() -> None:
    doc, a, b = doc_with_two()
    c = doc.duplicate(b)
    doc.move(c, 0)
    doc.set_chain(b, True)
    doc.remove(a)
    names = []
    while doc.can_undo:
        names.append(doc.undo_name)
        doc.undo()
    assert names == [
        "Remove Shot 2",
        "Chain Shot 3",
        "Move Shot 3",
        "Duplicate Shot 2",
        "Add Shot 2",
        "Add Shot 1",
    ]
    assert ids(doc) == []
    while doc.can_redo:
        doc.redo()
    assert ids(doc) == [c, b]
    assert doc.sequence.shot(b).chain


def test_the_current_shot_follows_adds_and_survives_removal() -> None:
    doc, a, b = doc_with_two()
    seen: list[object] = []
    doc.current_changed.connect(seen.append)
    assert doc.current == b
    doc.remove(b)
    assert doc.current == a and seen == [a]
    doc.undo()
    assert doc.current == a  # still there: undo does not steal the composer


def test_undoing_a_reorder_keeps_what_was_composed_since() -> None:
    doc, a, b = doc_with_two()
    doc.move(b, 0)
    edited = snapshot("animatic", [image()], "@Image1 exits slowly")
    doc.replace_silently(doc.sequence.update_shot(b, composition=edited).with_take(b, 7))
    doc.undo()
    assert [s.id for s in doc.sequence.shots] == [a, b]
    assert doc.sequence.shot(b).composition == edited
    assert doc.sequence.shot(b).takes == (7,)
    doc.redo()
    assert [s.id for s in doc.sequence.shots] == [b, a]
    assert doc.sequence.shot(b).composition == edited


def test_a_new_edit_after_undo_drops_the_redo_steps() -> None:
    doc, a, _ = doc_with_two()
    doc.undo()
    before = (doc.undo_name, doc.redo_name)
    doc.set_chain(a, True)
    assert before == ("Add Shot 1", "Add Shot 2")
    assert (doc.undo_name, doc.redo_name) == ("Chain Shot 1", None)
