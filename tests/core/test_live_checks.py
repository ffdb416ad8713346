"""The live checks keep what only the references and parameters decide, and never go stale:
each keystroke's verdict is the one a fresh validation gives, at the keystroke that changes it."""

from __future__ import annotations

import random
from pathlib import Path

from seedance_studio.core import capabilities
from seedance_studio.core.composition import Composition, CompositionSnapshot
from seedance_studio.core.live_checks import LiveChecks
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.core.params import GenerationParams, with_defaults
from seedance_studio.core.probe import reference_from_file
from seedance_studio.core.reference import Reference
from seedance_studio.core.validation import validate
from tests.media_factory import make_image


def _composition(provider: str, folder: Path, images: int = 3) -> Composition:
    comp = Composition(
        with_defaults(GenerationParams(provider=provider), capabilities.get(provider))
    )
    for i in range(images):
        comp.tray.add(reference_from_file(str(make_image(folder / f"still-{i}.png", 64, 48))))
    return comp


def _codes(live: LiveChecks) -> list[str]:
    return [p.code for p in live.problems]


def test_a_keystroke_that_changes_a_verdict_changes_it_at_once(tmp_path: Path) -> None:
    comp = _composition("kinovi", tmp_path)
    limit = capabilities.get("kinovi").limits_for(comp.params.model).prompt_max_chars
    assert limit is not None
    live = LiveChecks()
    comp.prompt.set_text("@Image1 " + "x" * (limit - len("@Image1 ")), comp.tray)
    live.update(comp.snapshot())
    assert "prompt_too_long" not in _codes(live)
    comp.prompt.apply_edit(len(comp.prompt.text), 0, "y", comp.tray)  # one over
    assert live.update(comp.snapshot())
    assert "prompt_too_long" in _codes(live)
    comp.prompt.apply_edit(len(comp.prompt.text) - 1, 1, "", comp.tray)  # back to the limit
    assert live.update(comp.snapshot())
    assert "prompt_too_long" not in _codes(live)
    comp.prompt.apply_edit(0, 0, "@Image9 ", comp.tray)  # a tag naming nothing
    live.update(comp.snapshot())
    assert "unknown_tag" in _codes(live)
    comp.prompt.apply_edit(6, 1, "2", comp.tray)  # @Image9 -> @Image2: bound now
    live.update(comp.snapshot())
    assert "unknown_tag" not in _codes(live)


def test_plain_typing_changes_nothing_shown(tmp_path: Path) -> None:
    comp = _composition("eachlabs", tmp_path)
    comp.prompt.set_text("@Image1 walks past @Image2", comp.tray)
    live = LiveChecks()
    live.update(comp.snapshot())
    before = list(live.problems)
    comp.prompt.apply_edit(9, 0, "slowly ", comp.tray)
    assert not live.update(comp.snapshot())
    assert live.problems == before


def test_references_and_parameters_are_read_again_when_they_change(tmp_path: Path) -> None:
    comp = _composition("eachlabs", tmp_path)
    comp.prompt.set_text("@Image1 walks", comp.tray)
    live = LiveChecks()
    live.update(comp.snapshot())
    price = live.estimate
    caps = capabilities.get("eachlabs")
    model = caps.model(comp.params.model)
    offered = [d for d in model.durations if d != comp.params.duration]
    comp.update_params(duration=offered[0])
    assert live.update(comp.snapshot())
    assert live.estimate != price  # the price follows the duration
    comp.update_params(duration=999)
    live.update(comp.snapshot())
    assert "duration_not_offered" in _codes(live)
    comp.update_params(duration=offered[0])
    for _ in range(caps.limits_for(model.id).for_kind(MediaKind.IMAGE).max_count):
        comp.tray.add(Reference(kind=MediaKind.IMAGE, source="https://cdn.example.com/a.png"))
    live.update(comp.snapshot())
    assert "too_many_of_kind" in _codes(live)


def test_every_keystroke_agrees_with_a_fresh_validation(tmp_path: Path) -> None:
    comp = _composition("kinovi", tmp_path, images=2)
    comp.prompt.set_text("@Image1 and @Image2 dance. " * 20, comp.tray)
    live = LiveChecks()
    rng = random.Random(14)
    pieces = ["@", "Image", "1", "3", " ", "x", "[Image 2]", "@Video1", "@(removed Image1)", "."]
    for step in range(300):
        text = comp.prompt.text
        at = rng.randrange(len(text) + 1)
        removed = min(rng.choice([0, 0, 1, 3]), len(text) - at)
        comp.prompt.apply_edit(at, removed, rng.choice(pieces), comp.tray)
        if step % 50 == 25:
            comp.tray.remove(comp.tray.items[0].id)
            comp.tray.add(reference_from_file(str(make_image(tmp_path / f"n{step}.png", 64, 48))))
        snap = comp.snapshot()
        live.update(snap)
        # Read from its data alone, as a stored job's snapshot is: nothing carried over.
        again = CompositionSnapshot.model_validate(snap.model_dump())
        assert again.canonical_prompt() == snap.canonical_prompt()
        assert live.problems == validate(again), step


def test_a_file_gone_is_seen_by_a_fresh_check_at_once(tmp_path: Path) -> None:
    comp = _composition("eachlabs", tmp_path, images=1)
    comp.prompt.set_text("@Image1 walks", comp.tray)
    live = LiveChecks()
    live.update(comp.snapshot())
    assert "file_missing" not in _codes(live)
    Path(comp.tray.items[0].source).unlink()
    # Within a second the live checks may still say the file is there; Generate's never does.
    assert live.update(comp.snapshot(), fresh=True)
    assert "file_missing" in _codes(live)
