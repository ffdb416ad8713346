"""Every provider's answer for one composition; the compare view's master clock."""

from __future__ import annotations

from decimal import Decimal

from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.params import GenerationParams
from seedance_studio.core.playback_sync import (
    LOOP_MARGIN_MS,
    TOLERANCE_MS,
    MasterClock,
    TakeState,
    corrections,
)
from seedance_studio.core.prompt import PromptDocument
from seedance_studio.core.quotes import quote_all
from seedance_studio.core.reference import Reference
from seedance_studio.core.tray import ReferenceTray


def _snap(text: str, urls: list[str], duration: int) -> CompositionSnapshot:
    refs = [Reference.from_source(u) for u in urls]
    doc = PromptDocument(text, ReferenceTray(refs))
    return CompositionSnapshot(
        references=refs,
        prompt=doc.to_data(),
        params=GenerationParams(provider="eachlabs", duration=duration),
    )


def test_every_provider_answers_with_a_price_or_one_reason() -> None:
    snap = _snap(
        "@Image1 dances to @Audio1",
        ["https://example.com/a.png", "https://example.com/beat.mp3"],
        duration=5,
    )
    quotes = {q.provider: q for q in quote_all(snap)}
    assert {"eachlabs", "kinovi", "oxen", "shortapi", "animatic"} <= set(quotes)
    # eachlabs: $0.3024 per output second at 720p (its page), its default resolution.
    each = quotes["eachlabs"]
    assert each.can_take, each.reason
    assert each.estimate.max == Decimal("0.3024") * 5
    # Oxen publishes no price: a quote, no number.
    assert quotes["oxen"].price_text() == "no published price"
    # The legacy Kinovi schema takes no audio: it cannot take this, and says why in a line.
    legacy = quotes["kinovi-legacy"]
    assert not legacy.can_take
    assert legacy.reason and "\n" not in legacy.reason and "udio" in legacy.reason
    # Each quote is of the composition moved there: the provider's own defaults.
    assert quotes["kinovi"].snapshot.params.provider == "kinovi"
    assert quotes["animatic"].estimate.max in (None, Decimal(0))


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_master_clock_plays_pauses_seeks_steps_and_loops_before_the_end() -> None:
    clock = Clock()
    master = MasterClock(clock=clock)
    takes = [TakeState(0, 5000, False), TakeState(0, 4000, False)]
    master.set_length(takes)
    assert master.length_ms == 5000
    master.play()
    clock.t = 1.0
    assert master.position_ms() == 1000
    master.pause()
    clock.t = 3.0
    assert master.position_ms() == 1000
    master.seek(2500)
    master.step(40)
    assert master.position_ms() == 2540 and not master.playing
    master.play()
    clock.t += (5000 - LOOP_MARGIN_MS - 2540 + 100) / 1000
    assert master.position_ms() == 100  # wrapped before the longest take could end
    master.loop = False
    master.seek(0)
    clock.t += 10
    assert master.position_ms() == 5000 and not master.playing


def test_corrections_seek_drifted_takes_and_hold_the_shorter_one() -> None:
    clock = Clock()
    master = MasterClock(clock=clock)
    master.set_length([TakeState(0, 5000, False), TakeState(0, 3000, False)])
    master.play()
    clock.t = 1.0
    fixes = corrections(
        master,
        [
            TakeState(1000, 5000, False),
            TakeState(1000 + TOLERANCE_MS + 50, 3000, True),
            TakeState(0, 0, False),
        ],
    )
    assert fixes[0].play is True and fixes[0].seek_ms is None
    assert fixes[1].seek_ms == 1000 and fixes[1].play is None
    assert fixes[2].play is True  # not opened yet: only started
    clock.t = 4.0  # past the short take's end: it pauses on its last frame
    fixes = corrections(master, [TakeState(4000, 5000, True), TakeState(2850, 3000, True)])
    assert fixes[0].is_noop
    assert fixes[1].play is False
    master.pause()
    fixes = corrections(master, [TakeState(4000, 5000, True), TakeState(2850, 3000, False)])
    assert fixes[0].play is False
