"""Picture sizes that satisfy a provider's pixel limits while keeping the aspect ratio.

Providers state a pixel *range* ("between ~480p (640×640) and ~720p (834×1112)") rather than
a fixed size. The box is read orientation-free (a landscape clip may be 1112 wide), the pixel
count is the hard bound, and the minimum side is honoured only where the box leaves room for it
(a 16:9 clip cannot have both sides ≥ 640 inside an 834×1112 box).
"""

from __future__ import annotations

import math

from seedance_studio.core.capabilities import KindLimits


def size_violations(width: int, height: int, limits: KindLimits) -> list[str]:
    """What is wrong with `width`×`height` under `limits`, as short phrases (empty when fine)."""
    problems: list[str] = []
    pixels = width * height
    if limits.max_pixels is not None and pixels > limits.max_pixels:
        problems.append(f"{width}×{height} has more than {limits.max_pixels:,} pixels")
    if limits.min_pixels is not None and pixels < limits.min_pixels:
        problems.append(f"{width}×{height} has fewer than {limits.min_pixels:,} pixels")
    box = _box(limits)
    if box is not None:
        long_max, short_max = box
        if max(width, height) > long_max or min(width, height) > short_max:
            problems.append(f"{width}×{height} does not fit in {short_max}×{long_max}")
    return problems


def target_size(width: int, height: int, limits: KindLimits, *, even: bool) -> tuple[int, int]:
    """The size closest to `width`×`height` (same aspect) that fits `limits`.

    `even` rounds both sides to even numbers, which H.264 in yuv420p needs. Returns the
    input size when it already fits (and is even when asked).
    """
    if not size_violations(width, height, limits) and not (even and (width % 2 or height % 2)):
        return width, height
    s_max = math.inf
    s_min = 0.0
    pixels = width * height
    box = _box(limits)
    if box is not None:
        s_max = min(s_max, box[0] / max(width, height), box[1] / min(width, height))
    if limits.max_pixels is not None:
        s_max = min(s_max, math.sqrt(limits.max_pixels / pixels))
    if limits.min_pixels is not None:
        s_min = max(s_min, math.sqrt(limits.min_pixels / pixels))
    side_min = _side_min(limits)
    if side_min is not None:
        s_side = side_min / min(width, height)
        if s_side <= s_max:
            s_min = max(s_min, s_side)
    scale = min(max(1.0, s_min), s_max) if s_min <= s_max else s_max
    return _round_fitting(width, height, scale, limits, even=even)


def cover_crop(src_w: int, src_h: int, out_w: int, out_h: int) -> tuple[int, int, int, int]:
    """The centred (x, y, w, h) of the source that fills `out_w`×`out_h` after scaling."""
    if src_w * out_h > out_w * src_h:  # source is wider: crop the sides
        w = max(1, round(src_h * out_w / out_h))
        return (src_w - w) // 2, 0, w, src_h
    h = max(1, round(src_w * out_h / out_w))
    return 0, (src_h - h) // 2, src_w, h


def _box(limits: KindLimits) -> tuple[int, int] | None:
    """(long side max, short side max), or None when the limits name no box."""
    sides = [s for s in (limits.max_width, limits.max_height) if s is not None]
    if not sides:
        return None
    return max(sides), min(sides) if len(sides) == 2 else max(sides)


def _side_min(limits: KindLimits) -> int | None:
    sides = [s for s in (limits.min_width, limits.min_height) if s is not None]
    return min(sides) if sides else None


def _round_fitting(width: int, height: int, scale: float, limits: KindLimits, *,
                   even: bool) -> tuple[int, int]:
    """Round the scaled size, trying the neighbouring sizes so rounding cannot break a limit."""
    step = 2 if even else 1
    exact_w, exact_h = width * scale, height * scale
    candidates: list[tuple[int, int]] = []
    for dw in (-1, 0, 1):
        for dh in (-1, 0, 1):
            w = max(step, (math.floor(exact_w / step) + dw) * step)
            h = max(step, (math.floor(exact_h / step) + dh) * step)
            candidates.append((w, h))
    aspect = width / height

    def badness(size: tuple[int, int]) -> tuple[int, float, float]:
        w, h = size
        return (len(size_violations(w, h, limits)), abs(math.log((w / h) / aspect)),
                abs(w - exact_w) + abs(h - exact_h))

    return min(candidates, key=badness)
