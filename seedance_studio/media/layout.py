"""Animatic timing and geometry as pure functions: frame size, duration, and the shot list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_DURATION_S = 5.0
MIN_SHOT_S = 0.4
SNAP_FRACTION = 0.34
"""A cut moves to an audio onset no further than this share of the shot length away."""


def frame_size(resolution: str, aspect_ratio: str) -> tuple[int, int]:
    """Output pixels: the short side is the resolution's lines (720p: 16:9 is 1280×720, 9:16 is
    720×1280), the long side follows the aspect ratio, both even."""
    lines = int(resolution.lower().rstrip("p"))
    a, b = (int(x) for x in aspect_ratio.split(":"))
    if a >= b:
        return _even(lines * a / b), lines
    return lines, _even(lines * b / a)


def resolve_duration(
    requested: int | str | None,
    audio_s: Sequence[float],
    video_s: Sequence[float],
    *,
    lowest: float,
    highest: float,
) -> float:
    """The render length: the requested seconds, or for "auto" the first audio's length (or the
    videos' total), kept inside the provider's range."""
    if isinstance(requested, int):
        return float(requested)
    basis = audio_s[0] if audio_s else (sum(video_s) if video_s else DEFAULT_DURATION_S)
    return float(min(highest, max(lowest, round(basis))))


@dataclass(frozen=True)
class Shot:
    """One cut of the animatic: which visual reference is on screen, and when."""

    index: int
    """Index into the visual references (tray order)."""
    start: float
    end: float

    @property
    def length(self) -> float:
        return self.end - self.start


def plan_shots(
    visuals: int, total: float, rhythm_s: float | None = None, onsets: Sequence[float] = ()
) -> list[Shot]:
    """Cuts through `visuals` references in order, repeating the cycle until `total`.

    The cycle lasts the first audio (`rhythm_s`) when there is one, else the whole render, split
    evenly; each cut then snaps to the nearest audio onset close enough to it.
    """
    if visuals <= 0 or total <= 0:
        return []
    cycle = min(rhythm_s, total) if rhythm_s else total
    period = max(MIN_SHOT_S, cycle / visuals)
    cuts: list[float] = []
    t = period
    while t < total - MIN_SHOT_S / 2:
        cuts.append(t)
        t += period
    cuts = _snap(cuts, sorted(onsets), period * SNAP_FRACTION, total)
    edges = [0.0, *cuts, total]
    return [Shot(i % visuals, edges[i], edges[i + 1]) for i in range(len(edges) - 1)]


def _snap(cuts: list[float], onsets: list[float], reach: float, total: float) -> list[float]:
    if not onsets:
        return cuts
    snapped: list[float] = []
    previous = 0.0
    for cut in cuts:
        near = min(onsets, key=lambda o: abs(o - cut))
        chosen = near if abs(near - cut) <= reach else cut
        if chosen - previous < MIN_SHOT_S or total - chosen < MIN_SHOT_S:
            chosen = cut
        if chosen - previous >= MIN_SHOT_S:
            snapped.append(chosen)
            previous = chosen
    return snapped


def _even(value: float) -> int:
    n = round(value)
    return n + (n & 1)
