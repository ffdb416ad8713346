"""The provider limits as pure predicates: media facts in, typed violations out.

Each violation names the limit it breaks, the tier of evidence that decides its severity, and
the target that satisfies it (a size, a frame rate, a duration, a byte cap, a format, a codec).
Validation turns violations into messages; the conform planner turns the same violations into
a plan. Neither keeps its own copy of a limit, so a reference that passes the checks has no
planned fix, and every planned fix removes a violation the checks report.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from seedance_studio.core.capabilities import Evidenced, KindLimits
from seedance_studio.core.evidence import Tier
from seedance_studio.core.i18n import _
from seedance_studio.core.media_facts import MediaFacts, MediaKind

Severity = Literal["error", "warning"]
Actual = int | float | str | bool | None

TOLERANCE_S = 1e-6
FPS_TOLERANCE = 0.01
LOSSLESS_IMAGE_FORMATS = frozenset({"png", "bmp", "gif", "tiff"})


# -- targets: what satisfies a violation -----------------------------------------------------


@dataclass(frozen=True)
class Scale:
    width: int
    height: int


@dataclass(frozen=True)
class Retime:
    fps: float


@dataclass(frozen=True)
class Trim:
    seconds: float
    """The most a copy may keep."""


@dataclass(frozen=True)
class Shrink:
    max_bytes: int
    """The copy must be at most this big."""


@dataclass(frozen=True)
class Convert:
    format: str


@dataclass(frozen=True)
class Reencode:
    stream: Literal["video", "audio"]
    codec: str


Target = Scale | Retime | Trim | Shrink | Convert | Reencode


@dataclass(frozen=True)
class Violation:
    """One limit a reference (or a kind's references together) breaks."""

    code: str
    field: str
    """The KindLimits field that sets the limit."""
    kind: MediaKind
    actual: Actual
    limit: Actual
    """The strictest reading of the limit, what `target` satisfies."""
    tier: Tier | None
    """The evidence that decides the severity (None: a limit written in code, checked as is)."""
    target: Target | None
    """What a conformed copy must become; None when re-encoding cannot help."""

    @property
    def severity(self) -> Severity:
        return "error" if self.tier is None or self.tier.blocks else "warning"

    @property
    def conformable(self) -> bool:
        return self.target is not None


# -- tiers ------------------------------------------------------------------------------------


_CHOICE_FIELDS = frozenset(
    {
        "formats",
        "video_codecs",
        "audio_codecs",
        "resolutions",
        "aspect_ratios",
        "modes",
        "upscale",
        "durations",
    }
)


def breaks(field: str, tier_value: object, actual: Actual) -> bool:
    """Whether `actual` breaks one tier of `field` (a broken flag is always broken)."""
    if isinstance(tier_value, bool):
        return tier_value
    if isinstance(tier_value, list):
        return actual not in tier_value if field in _CHOICE_FIELDS else True
    if not isinstance(tier_value, int | float) or not isinstance(actual, int | float):
        return True
    if field.startswith("min_"):
        return actual < tier_value - TOLERANCE_S
    return actual > tier_value + TOLERANCE_S


def deciding_tier(group: Evidenced | None, field: str, actual: Actual) -> Tier | None:
    """The tier that sets the severity of breaking `field` with `actual`: a broken
    `documented` tier if there is one, else the first broken (or first written) tier. None when
    the limit has no evidence (one built in code), which counts as blocking."""
    tiers = group.tiers(field) if group is not None else []
    if not tiers:
        return None
    broken = [t for t in tiers if breaks(field, t.value, actual)]
    for tier in broken:
        if tier.blocks:
            return tier
    return (broken or tiers)[0]


def blocks(group: Evidenced | None, field: str) -> bool:
    """Whether breaking `field` can block at all (some tier is documented, or no evidence)."""
    tiers = group.tiers(field) if group is not None else []
    return not tiers or any(t.blocks for t in tiers)


# -- per-reference predicates ------------------------------------------------------------------


def fact_violations(
    kind: MediaKind,
    facts: MediaFacts,
    kl: KindLimits,
    *,
    duration_budget: float | None = None,
    bytes_budget: float | None = None,
) -> list[Violation]:
    """Every limit of `kl` that a file with `facts` breaks on its own.

    `duration_budget` and `bytes_budget` are this file's share of a combined limit (the room
    the other files of its kind leave); the planner passes them, validation checks the sums.
    """
    found: list[Violation] = []

    def add(code: str, field: str, actual: Actual, limit: Actual, target: Target | None) -> None:
        found.append(
            Violation(code, field, kind, actual, limit, deciding_tier(kl, field, actual), target)
        )

    if kl.formats and facts.format not in kl.formats:
        add(
            "format_not_accepted",
            "formats",
            facts.format,
            ",".join(kl.formats),
            Convert(target_format(kind, facts.format, kl.formats)),
        )
    if kind is MediaKind.VIDEO:
        if kl.video_codecs and facts.video_codec and facts.video_codec not in kl.video_codecs:
            add(
                "video_codec_not_accepted",
                "video_codecs",
                facts.video_codec,
                ",".join(kl.video_codecs),
                Reencode("video", kl.video_codecs[0]),
            )
        if (
            kl.audio_codecs
            and facts.has_audio
            and facts.audio_codec
            and facts.audio_codec not in kl.audio_codecs
        ):
            add(
                "audio_codec_not_accepted",
                "audio_codecs",
                facts.audio_codec,
                ",".join(kl.audio_codecs),
                Reencode("audio", kl.audio_codecs[0]),
            )
    if kl.max_bytes is not None and facts.size_bytes > kl.max_bytes:
        add("file_too_large", "max_bytes", facts.size_bytes, kl.max_bytes, Shrink(kl.max_bytes))
    if bytes_budget is not None and facts.size_bytes > bytes_budget:
        add(
            "total_size_too_large",
            "max_total_bytes",
            facts.size_bytes,
            kl.max_total_bytes,
            Shrink(int(bytes_budget)),
        )
    seconds = facts.duration_s
    if seconds is not None and kind is not MediaKind.IMAGE:
        if kl.max_duration_s is not None and seconds > kl.max_duration_s + TOLERANCE_S:
            add(
                "duration_too_long",
                "max_duration_s",
                seconds,
                kl.max_duration_s,
                Trim(kl.max_duration_s),
            )
        if duration_budget is not None and seconds > duration_budget + 1e-3:
            add(
                "total_duration_too_long",
                "max_total_duration_s",
                seconds,
                kl.max_total_duration_s,
                Trim(max(0.5, duration_budget)),
            )
        if kl.min_duration_s is not None and seconds < kl.min_duration_s - TOLERANCE_S:
            add("duration_too_short", "min_duration_s", seconds, kl.min_duration_s, None)
    pixels = facts.pixels
    if pixels is not None and facts.width and facts.height:
        size = Scale(*target_size(facts.width, facts.height, kl, even=kind is MediaKind.VIDEO))
        if kl.max_pixels is not None and pixels > kl.max_pixels:
            add("too_many_pixels", "max_pixels", pixels, kl.max_pixels, size)
        if kl.min_pixels is not None and pixels < kl.min_pixels:
            add("too_few_pixels", "min_pixels", pixels, kl.min_pixels, size)
    if facts.fps is not None and kind is MediaKind.VIDEO:
        if kl.max_fps is not None and facts.fps > kl.max_fps + FPS_TOLERANCE:
            add("fps_too_high", "max_fps", facts.fps, kl.max_fps, Retime(kl.max_fps))
        if kl.min_fps is not None and facts.fps < kl.min_fps - FPS_TOLERANCE:
            add("fps_too_low", "min_fps", facts.fps, kl.min_fps, Retime(kl.min_fps))
    return found


def total_violations(
    kind: MediaKind, facts: Sequence[MediaFacts | None], kl: KindLimits
) -> list[Violation]:
    """The combined limits the files of one kind break together (unknown facts count 0 toward
    the maxima and make a minimum unknowable)."""
    found: list[Violation] = []
    known = [f for f in facts if f is not None]
    total_bytes = sum(f.size_bytes for f in known)
    if kl.max_total_bytes is not None and total_bytes > kl.max_total_bytes:
        found.append(
            Violation(
                "total_size_too_large",
                "max_total_bytes",
                kind,
                total_bytes,
                kl.max_total_bytes,
                deciding_tier(kl, "max_total_bytes", total_bytes),
                Shrink(kl.max_total_bytes),
            )
        )
    durations = [f.duration_s for f in known if f.duration_s is not None]
    total = round(sum(durations), 3)
    if kl.max_total_duration_s is not None and total > kl.max_total_duration_s + TOLERANCE_S:
        found.append(
            Violation(
                "total_duration_too_long",
                "max_total_duration_s",
                kind,
                total,
                kl.max_total_duration_s,
                deciding_tier(kl, "max_total_duration_s", total),
                Trim(kl.max_total_duration_s),
            )
        )
    all_known = len(durations) == len(facts)
    if (
        kl.min_total_duration_s is not None
        and all_known
        and facts
        and total < kl.min_total_duration_s - TOLERANCE_S
    ):
        found.append(
            Violation(
                "total_duration_too_short",
                "min_total_duration_s",
                kind,
                total,
                kl.min_total_duration_s,
                deciding_tier(kl, "min_total_duration_s", total),
                None,
            )
        )
    return found


def fair_shares(values: Sequence[float], total: float | None) -> list[float | None]:
    """Each item's budget under a combined `total`: while the sum fits, whatever room the others
    leave; past it, water-filling (the largest items are cut to one level so the sum is
    `total`)."""
    if total is None:
        return [None] * len(values)
    whole = sum(values)
    if whole <= total:
        return [total - (whole - v) for v in values]
    remaining, left = total, len(values)
    level = 0.0
    for value in sorted(values):
        level = remaining / left
        if value > level:
            break
        remaining -= value
        left -= 1
    return [min(v, level) for v in values]


def budget(own: float, others: Sequence[float], total: float | None) -> float | None:
    """What `own` may use of a combined `total` next to `others` as they are, but never less
    than its fair share (None: no combined limit)."""
    if total is None:
        return None
    share = fair_shares([own, *others], total)[0]
    assert share is not None
    return max(total - sum(others), share)


# -- targets -----------------------------------------------------------------------------------


def target_format(kind: MediaKind, source: str, allowed: Sequence[str]) -> str:
    """The format a copy is written in: MP4 video, MP3 audio where taken, lossless images stay
    lossless (PNG) where allowed and the rest become JPEG."""
    if kind is MediaKind.VIDEO:
        return "mp4" if not allowed or "mp4" in allowed else allowed[0]
    if kind is MediaKind.AUDIO:
        return "mp3" if not allowed or "mp3" in allowed else allowed[0]
    choices = list(allowed) or ["jpeg", "png", "webp"]
    preference = (
        ["png", "webp", "jpeg"] if source in LOSSLESS_IMAGE_FORMATS else ["jpeg", "webp", "png"]
    )
    return next((f for f in preference if f in choices), choices[0])


def pixel_violations(width: int, height: int, limits: KindLimits) -> list[str]:
    """What is wrong with `width`×`height` under the pixel-count limits, as short phrases."""
    problems: list[str] = []
    pixels = width * height
    if limits.max_pixels is not None and pixels > limits.max_pixels:
        problems.append(
            _("{size} has more than {limit} pixels").format(
                size=f"{width}×{height}", limit=f"{limits.max_pixels:,}"
            )
        )
    if limits.min_pixels is not None and pixels < limits.min_pixels:
        problems.append(
            _("{size} has fewer than {limit} pixels").format(
                size=f"{width}×{height}", limit=f"{limits.min_pixels:,}"
            )
        )
    return problems


def target_size(width: int, height: int, limits: KindLimits, *, even: bool) -> tuple[int, int]:
    """The size closest to `width`×`height` (same aspect) that fits the pixel-count limits.

    The pixel count is the bound ("between ~480p (640x640) and ~720p (834x1112)" read as
    409,600–927,408 pixels), so a size inside it is returned unchanged. A size outside it is
    scaled into the count and, where that leaves room, into the named box (orientation-free)
    and up to its shortest side. `even` rounds both sides to even numbers for H.264.
    """
    if not pixel_violations(width, height, limits):
        if even and (width % 2 or height % 2):
            return _even_inside(width, height, limits)
        return width, height
    s_max = math.inf
    s_min = 0.0
    pixels = width * height
    if limits.max_pixels is not None:
        s_max = math.sqrt(limits.max_pixels / pixels)
        box = _box(limits)
        if box is not None:
            s_box = min(box[0] / max(width, height), box[1] / min(width, height))
            floor = math.sqrt(limits.min_pixels / pixels) if limits.min_pixels else 0.0
            if s_box >= floor:
                s_max = min(s_max, s_box)
    if limits.min_pixels is not None:
        s_min = max(s_min, math.sqrt(limits.min_pixels / pixels))
    side_min = _side_min(limits)
    if side_min is not None and limits.min_pixels is not None and s_min > 1.0:
        s_side = side_min / min(width, height)
        if s_side <= s_max:
            s_min = max(s_min, s_side)
    scale = min(max(1.0, s_min), s_max) if s_min <= s_max else s_max
    return _round_fitting(width, height, scale, limits, even=even)


def _even_inside(width: int, height: int, limits: KindLimits) -> tuple[int, int]:
    """The even size next to an odd one that the limits still take: rounding down can fall
    under a minimum pixel count (443×925 → 442×924 is under 409,600), rounding up over a
    maximum; down is preferred, as it never upscales."""
    sides = [
        (w, h)
        for w in dict.fromkeys((width - width % 2, width + width % 2))
        for h in dict.fromkeys((height - height % 2, height + height % 2))
    ]
    sides.sort(key=lambda wh: (wh[0] > width) + (wh[1] > height))
    for w, h in sides:
        if w >= 2 and h >= 2 and not pixel_violations(w, h, limits):
            return w, h
    return _round_fitting(width, height, 1.0, limits, even=True)


def _box(limits: KindLimits) -> tuple[int, int] | None:
    """(long side max, short side max), or None when the limits name no box."""
    sides = [s for s in (limits.max_width, limits.max_height) if s is not None]
    if not sides:
        return None
    return max(sides), min(sides) if len(sides) == 2 else max(sides)


def _side_min(limits: KindLimits) -> int | None:
    sides = [s for s in (limits.min_width, limits.min_height) if s is not None]
    return min(sides) if sides else None


def _round_fitting(
    width: int, height: int, scale: float, limits: KindLimits, *, even: bool
) -> tuple[int, int]:
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
        return (
            len(pixel_violations(w, h, limits)),
            abs(math.log((w / h) / aspect)),
            abs(w - exact_w) + abs(h - exact_h),
        )

    return min(candidates, key=badness)


__all__ = [
    "Convert",
    "Reencode",
    "Retime",
    "Scale",
    "Shrink",
    "Target",
    "Trim",
    "Violation",
    "blocks",
    "breaks",
    "budget",
    "deciding_tier",
    "fact_violations",
    "fair_shares",
    "pixel_violations",
    "target_format",
    "target_size",
    "total_violations",
]
