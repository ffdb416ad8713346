"""One master clock for several takes played side by side, and what each player must do to
follow it. Pure decisions (no player, no Qt): the compare view polls its players, hands
their positions here, and applies the corrections it gets back.

Why a master clock instead of "start them together": players start, buffer and drift at
their own pace; a seek or a frame step must land every take on the same instant; and a
loop must restart all of them at once, before any reaches its end (a player that has ended
shows black until it is started again).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

TOLERANCE_MS = 120
"""Drift allowed before a take is seeked back to the master (a seek costs a stutter)."""
LOOP_MARGIN_MS = 150
"""The loop wraps this long before the longest take ends, so no player reaches "ended"."""
DEFAULT_FRAME_MS = 40


@dataclass(frozen=True)
class TakeState:
    """What one player reports."""

    time_ms: int
    length_ms: int
    """0 while not known yet."""
    playing: bool


@dataclass(frozen=True)
class Correction:
    """What one player must do now (None: nothing)."""

    seek_ms: int | None = None
    play: bool | None = None
    """True: start playing; False: pause."""

    @property
    def is_noop(self) -> bool:
        return self.seek_ms is None and self.play is None


class MasterClock:
    """The compare view's timeline: playing or paused, a position, a loop flag."""

    def __init__(self, *, loop: bool = True, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.loop = loop
        self.length_ms = 0
        self._playing = False
        self._anchor_ms = 0.0
        self._anchor_at = clock()

    @property
    def playing(self) -> bool:
        return self._playing

    def position_ms(self) -> int:
        """Where every take should be now (wrapped at the loop point, held at the end)."""
        pos = self._anchor_ms
        if self._playing:
            pos += (self._clock() - self._anchor_at) * 1000
        end = self.loop_point_ms()
        if end > 0 and pos >= end:
            if self.loop and self._playing:
                pos = pos % end
                self._set(pos)
            else:
                pos = float(end)
                if self._playing:
                    self._playing = False
                    self._set(pos)
        return int(pos)

    def loop_point_ms(self) -> int:
        if self.length_ms <= 0:
            return 0
        return max(self.length_ms - LOOP_MARGIN_MS, 1) if self.loop else self.length_ms

    def set_length(self, takes: Sequence[TakeState]) -> None:
        """The longest take sets the timeline; shorter ones hold their last frame."""
        self.length_ms = max((t.length_ms for t in takes), default=0)

    def play(self) -> None:
        if not self._playing:
            pos = self.position_ms()
            if self.length_ms and pos >= self.loop_point_ms():
                pos = 0
            self._set(pos)
            self._playing = True

    def pause(self) -> None:
        if self._playing:
            self._set(self.position_ms())
            self._playing = False

    def toggle(self) -> None:
        self.pause() if self._playing else self.play()

    def seek(self, ms: int) -> None:
        limit = self.loop_point_ms() or max(ms, 0)
        self._set(min(max(0, ms), limit))

    def step(self, frame_ms: int = DEFAULT_FRAME_MS) -> None:
        """Pause and move one frame on."""
        self.pause()
        self.seek(self.position_ms() + frame_ms)

    def _set(self, pos: float) -> None:
        self._anchor_ms = pos
        self._anchor_at = self._clock()


def corrections(
    master: MasterClock, takes: Sequence[TakeState], *, tolerance_ms: int = TOLERANCE_MS
) -> list[Correction]:
    """For each take: seek it to the master if it drifted, start or pause it to match."""
    target_all = master.position_ms()
    playing = master.playing
    out: list[Correction] = []
    for take in takes:
        if take.length_ms <= 0:  # not opened yet: only start it (its length comes later)
            out.append(
                Correction(play=True)
                if playing and not take.playing
                else Correction(play=False)
                if not playing and take.playing
                else Correction()
            )
            continue
        # A shorter take holds its last frame until the loop brings everyone back.
        held = target_all >= take.length_ms - LOOP_MARGIN_MS
        target = min(target_all, max(take.length_ms - LOOP_MARGIN_MS, 0))
        want_playing = playing and not held
        seek = target if abs(take.time_ms - target) > tolerance_ms else None
        play: bool | None = None
        if want_playing and not take.playing:
            play = True
        elif not want_playing and take.playing:
            play = False
        out.append(Correction(seek_ms=seek, play=play))
    return out
