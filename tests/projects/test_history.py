"""Undo and redo of every kind of composition edit, without Qt."""

from __future__ import annotations

from seedance_studio.core import capabilities
from seedance_studio.core.composition import Composition
from seedance_studio.core.history import CompositionHistory
from seedance_studio.core.params import GenerationParams, with_defaults
from tests.core.builders import audio, image, video


def _composition(provider: str = "kinovi") -> Composition:
    return Composition(
        with_defaults(GenerationParams(provider=provider), capabilities.get(provider))
    )


def _modified(history: CompositionHistory) -> bool:
    return history.is_modified


def _type(comp: Composition, text: str) -> None:
    for ch in text:
        comp.prompt.apply_edit(len(comp.prompt.text), 0, ch, comp.tray)


def test_add_remove_reorder_and_replace_are_named_steps_that_undo_and_redo() -> None:
    comp = _composition()
    history = CompositionHistory(comp)
    a, v1, v2 = image("a.png"), video("one.mp4"), video("two.mp4")
    comp.tray.add(a)
    with comp.tray.batch():
        comp.tray.add(v1)
        comp.tray.add(v2)
    comp.tray.move(v2.id, 0)
    comp.tray.replace(
        v1.id,
        v1.model_copy(update={"source": "/cache/one-fixed.mp4", "original_source": v1.source}),
    )
    comp.tray.remove(v2.id)
    assert history.names() == [
        "Add Image1",
        "Add 2 references",
        "Reorder references",
        "Fix Video2",
        "Remove Video1",
    ]
    assert history.undo_name == "Remove Video1"
    states = []
    while history.can_undo:
        states.append([r.source for r in comp.tray])
        history.undo()
    assert len(comp.tray) == 0
    assert history.redo_name == "Add Image1"
    replayed = []
    while history.can_redo:
        history.redo()
        replayed.append([r.source for r in comp.tray])
    assert replayed == list(reversed(states))


def test_undoing_a_remove_rebinds_the_mentions_to_the_same_item() -> None:
    comp = _composition()
    history = CompositionHistory(comp)
    clip = video("dance.mp4")
    comp.tray.extend([image("a.png"), clip])
    comp.prompt.set_text("@Image1 copies @Video1", comp.tray)
    comp.tray.remove(clip.id)
    assert comp.prompt.text == "@Image1 copies @(removed Video1)"
    assert history.undo() == "Remove Video1"
    assert comp.prompt.text == "@Image1 copies @Video1"
    assert {m.ref_id for m in comp.prompt.live_mentions()} == {r.id for r in comp.tray}
    assert history.redo() == "Remove Video1"
    assert comp.prompt.dangling_mentions()[0].ref_id == clip.id


def test_typing_is_coalesced_into_words() -> None:
    comp = _composition()
    history = CompositionHistory(comp)
    _type(comp, "a slow dolly shot")
    assert history.names() == ["Typing"] * 4
    history.undo()
    assert comp.prompt.text == "a slow dolly "
    history.undo()
    assert comp.prompt.text == "a slow "
    history.redo()
    history.redo()
    assert comp.prompt.text == "a slow dolly shot"


def test_deleting_after_typing_is_its_own_step() -> None:
    comp = _composition()
    history = CompositionHistory(comp)
    _type(comp, "pan")
    for _ in range(2):
        n = len(comp.prompt.text)
        comp.prompt.apply_edit(n - 1, 1, "", comp.tray)
    assert history.names() == ["Typing", "Typing"]
    history.undo()
    assert comp.prompt.text == "pan"


def test_parameter_changes_and_provider_switches_undo() -> None:
    comp = _composition("kinovi")
    history = CompositionHistory(comp)
    comp.update_params(resolution="720p")
    comp.switch_provider("animatic")
    assert history.names() == ["Change Resolution", "Switch to Animatic (local)"]
    history.undo()
    assert comp.params.provider == "kinovi"
    assert comp.params.resolution == "720p"
    history.undo()
    assert comp.params.resolution != "720p"
    history.redo()
    history.redo()
    assert comp.params.provider == "animatic"


def test_a_new_edit_after_undo_drops_the_redo_steps_and_the_saved_mark() -> None:
    comp = _composition()
    history = CompositionHistory(comp)
    comp.tray.add(audio("beat.mp3"))
    history.mark_clean()
    assert not _modified(history)
    history.undo()
    assert _modified(history)
    comp.tray.add(image("b.png"))
    assert not history.can_redo
    assert _modified(history)  # the saved state is no longer reachable


def test_label_next_names_a_trim_and_groups_make_one_step() -> None:
    comp = _composition()
    history = CompositionHistory(comp)
    clip = video("long.mp4", seconds=30)
    comp.tray.add(clip)
    history.label_next("Trim Video1")
    comp.tray.replace(
        clip.id,
        clip.model_copy(update={"source": "/cache/short.mp4", "original_source": clip.source}),
    )
    with history.group("Relink 2 files"):
        comp.tray.add(image("x.png"))
        comp.tray.add(image("y.png"))
    assert history.names() == ["Add Video1", "Trim Video1", "Relink 2 files"]
    history.undo()
    assert len(comp.tray) == 1


def test_provider_round_trip_keeps_its_parameters_and_a_new_one_starts_at_defaults() -> None:
    comp = _composition("kinovi")
    comp.update_params(resolution="720p", duration=10)
    chosen = comp.params
    comp.switch_provider("kinovi-legacy")
    legacy = capabilities.get("kinovi-legacy")
    assert comp.params == with_defaults(GenerationParams(provider="kinovi-legacy"), legacy)
    comp.switch_provider("kinovi")
    assert comp.params == chosen


def test_a_removed_references_marker_says_which_is_which_and_can_be_pointed_elsewhere() -> None:
    from seedance_studio.core.validation import dangling_message

    comp = _composition()
    history = CompositionHistory(comp)
    old, new = image("face.png"), image("street.png")
    comp.tray.extend([image("a.png"), old])
    comp.prompt.set_text("@Image2 smiles", comp.tray)
    comp.tray.remove(old.id)
    comp.tray.add(new)  # the new item is Image2 now
    marker = comp.prompt.dangling_mentions()[0]
    assert dangling_message(marker, comp.tray) == (
        "the prompt mentions Image2 (face.png), which was removed from the tray; "
        "the Image2 in the tray now is street.png, another reference"
    )
    comp.prompt.repoint(marker, new.id, comp.tray)
    assert comp.prompt.text == "@Image2 smiles"
    assert comp.prompt.live_mentions()[0].ref_id == new.id
    assert history.undo() == "Point mention at another reference"
    assert comp.prompt.text == "@(removed Image2) smiles"
    comp.prompt.delete_mention(comp.prompt.dangling_mentions()[0])
    assert comp.prompt.text == "smiles"
    assert history.undo_name == "Delete mention"
