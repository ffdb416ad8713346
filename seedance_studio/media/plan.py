"""Conform plans: what must change in a reference so a provider accepts it.

Planning is pure (facts + limits in, a plan out) and reads no limit itself: it asks
`core.limit_rules` for the violations a reference has and turns each violation's target into
the copy's settings, so a reference the checks pass has no plan and every reason in a plan is
a violation the checks report. `conform.py` carries a plan out with PyAV.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from seedance_studio.core.capabilities import KindLimits, Limits, ProviderCapabilities
from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.i18n import _
from seedance_studio.core.limit_rules import (
    Convert,
    Reencode,
    Retime,
    Scale,
    Shrink,
    Trim,
    Violation,
    budget,
    fact_violations,
    fair_shares,
    target_format,
    target_size,
)
from seedance_studio.core.media_facts import MediaFacts, MediaKind
from seedance_studio.core.reference import Reference

DEFAULT_MAX_WAV_RATE = 48000
TRIM_MARGIN_S = 0.05
"""Trim this much under a duration limit: encoders pad the last audio frame."""
SIZE_HEADROOM = 0.92
"""Aim this far under a byte cap: containers add overhead that bitrates do not count."""


class ConformPlan(BaseModel):
    """The target of one conform: output format, trim window, size, frame rate and byte cap."""

    model_config = ConfigDict(frozen=True)

    ref_id: str
    kind: MediaKind
    reasons: list[str] = Field(default_factory=list)
    """Why the copy is needed, one phrase per limit ("trim 20.0 s to 15.0 s")."""
    format: str
    """Output format: mp4 for video; mp3 or wav for audio; jpeg, png or webp for images."""
    start_s: float = 0.0
    duration_s: float | None = None
    """Seconds kept from `start_s`; None keeps everything."""
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    max_bytes: int | None = None
    """The output must be smaller than this."""

    def settings_key(self) -> str:
        """The target settings as stable text: with the source hash, the cache key."""
        data = self.model_dump(mode="json", exclude={"ref_id", "reasons"})
        return json.dumps(data, sort_keys=True)

    def summary(self) -> str:
        return "; ".join(self.reasons)


def plan_conform(
    ref: Reference,
    limits: Limits,
    others: Sequence[Reference] = (),
    *,
    in_point_s: float = 0.0,
    out_point_s: float | None = None,
) -> ConformPlan | None:
    """The plan that makes `ref` fit `limits`, or None when it fits (or cannot be planned).

    `others` are the other references in the tray: their durations and sizes share the
    combined limits (videos 2–15 s together, < 50 MB together). When the others already use
    up a combined limit, `ref` still keeps its fair share; "fix all" trims the others too.
    `in_point_s` starts a video or audio there instead of at its beginning (the user's pick
    of which part to keep); a trim then keeps the seconds after it. `out_point_s` (None: the
    end) stops it there, so the copy keeps at most `out_point_s - in_point_s` seconds.
    """
    if ref.facts is None or ref.is_url:
        return None
    cut_end = (
        out_point_s is not None
        and ref.facts.duration_s is not None
        and out_point_s < ref.facts.duration_s - 1e-3
    )
    if (in_point_s > 0 or cut_end) and ref.kind is not MediaKind.IMAGE:
        return _plan_from(ref, limits, others, in_point_s, out_point_s if cut_end else None)
    same = [o for o in others if o.kind is ref.kind and o.id != ref.id]
    kl = limits.for_kind(ref.kind)
    duration_budget = budget(_duration(ref), [_duration(o) for o in same], kl.max_total_duration_s)
    bytes_budget = budget(
        float(ref.facts.size_bytes),
        [float(o.facts.size_bytes) if o.facts else 0.0 for o in same],
        _float(kl.max_total_bytes),
    )
    return plan_for(ref.id, ref.kind, ref.facts, kl, duration_budget, bytes_budget)


def _plan_from(
    ref: Reference,
    limits: Limits,
    others: Sequence[Reference],
    in_point_s: float,
    out_point_s: float | None = None,
) -> ConformPlan | None:
    """Plan for the part of `ref` between the in and out points: always a copy, since it
    starts later or ends earlier."""
    assert ref.facts is not None
    full = ref.facts.duration_s or 0.0
    end = full if out_point_s is None else min(out_point_s, full)
    if in_point_s >= end - 0.5:
        raise ValueError(
            _("the in point {point} s leaves less than half a second of {name}").format(
                point=f"{in_point_s:g}", name=ref.display_name
            )
        )
    rest = ref.facts.model_copy(update={"duration_s": round(end - in_point_s, 3)})
    part = ref.model_copy(update={"facts": rest})
    plan = plan_conform(part, limits, others)
    reasons = [_("start at {point} s").format(point=f"{in_point_s:g}")] if in_point_s > 0 else []
    if out_point_s is not None:
        reasons.append(_("end at {point} s").format(point=f"{out_point_s:g}"))
    if plan is None:
        plan = plan_for(ref.id, ref.kind, rest, limits.for_kind(ref.kind), None, None, force=True)
        assert plan is not None
    # The part's facts end at the out point but the file goes on: the copy must stop there.
    duration = plan.duration_s
    if out_point_s is not None and duration is None:
        duration = round(end - in_point_s, 3)
    return plan.model_copy(
        update={"start_s": in_point_s, "duration_s": duration, "reasons": [*reasons, *plan.reasons]}
    )


def plan_fix_all(snapshot: CompositionSnapshot, caps: ProviderCapabilities) -> list[ConformPlan]:
    """Plans for every reference in the tray that breaks a limit, with combined limits shared
    fairly (three 10 s videos under a 15 s total become three 5 s clips)."""
    limits = caps.limits_for(snapshot.params.model)
    plans: list[ConformPlan] = []
    for kind in MediaKind:
        refs = [r for r in snapshot.references if r.kind is kind]
        kl = limits.for_kind(kind)
        durations = fair_shares([_duration(r) for r in refs], kl.max_total_duration_s)
        sizes = fair_shares(
            [float(r.facts.size_bytes) if r.facts else 0.0 for r in refs],
            _float(kl.max_total_bytes),
        )
        for ref, duration_budget, bytes_budget in zip(refs, durations, sizes, strict=True):
            if ref.facts is None or ref.is_url:
                continue
            plan = plan_for(ref.id, kind, ref.facts, kl, duration_budget, bytes_budget)
            if plan is not None:
                plans.append(plan)
    order = {r.id: i for i, r in enumerate(snapshot.references)}
    return sorted(plans, key=lambda p: order[p.ref_id])


def plan_for(
    ref_id: str,
    kind: MediaKind,
    facts: MediaFacts,
    kl: KindLimits,
    duration_budget: float | None,
    bytes_budget: float | None,
    *,
    force: bool = False,
) -> ConformPlan | None:
    """The copy that satisfies every conformable violation of `facts` (None when there is
    none, unless `force`: a trim the user chose)."""
    violations = [
        v
        for v in fact_violations(
            kind, facts, kl, duration_budget=duration_budget, bytes_budget=bytes_budget
        )
        if v.conformable
    ]
    if not violations and not force:
        return None
    reasons = [_reason(v, facts, kl) for v in violations]
    fmt = facts.format
    keep: float | None = None
    width, height, fps = facts.width, facts.height, facts.fps
    caps = [c for c in (kl.max_bytes, bytes_budget) if c is not None]
    cap = int(min(caps)) if caps else None
    for v in violations:
        target = v.target
        if isinstance(target, Convert):
            fmt = target.format
        elif isinstance(target, Trim):
            seconds = max(0.5, math.floor((target.seconds - TRIM_MARGIN_S) * 100) / 100)
            keep = seconds if keep is None else min(keep, seconds)
        elif isinstance(target, Scale):
            width, height = target.width, target.height
        elif isinstance(target, Retime):
            fps = target.fps
        elif isinstance(target, Shrink):
            cap = target.max_bytes if cap is None else min(cap, target.max_bytes)
    if kind is MediaKind.VIDEO:
        if width and height:  # H.264 in yuv420p needs even sides, still inside the limits
            width, height = target_size(width, height, kl, even=True)
        return ConformPlan(
            ref_id=ref_id,
            kind=kind,
            reasons=reasons,
            format="mp4",
            duration_s=keep,
            width=width,
            height=height,
            fps=_output_fps(fps),
            max_bytes=cap,
        )
    if kind is MediaKind.AUDIO:
        seconds = keep or facts.duration_s or 0.0
        if (
            cap is not None
            and fmt == "wav"
            and _wav_bytes(seconds) >= cap * SIZE_HEADROOM
            and (not kl.formats or "mp3" in kl.formats)
        ):
            fmt = "mp3"
        return ConformPlan(
            ref_id=ref_id, kind=kind, reasons=reasons, format=fmt, duration_s=keep, max_bytes=cap
        )
    if any(isinstance(v.target, Shrink) for v in violations) and fmt in _LOSSLESS:
        fmt = target_format(kind, "jpeg", kl.formats)
    return ConformPlan(
        ref_id=ref_id,
        kind=kind,
        reasons=reasons,
        format=fmt,
        width=width,
        height=height,
        max_bytes=cap,
    )


_LOSSLESS = frozenset({"png", "bmp", "gif", "tiff"})


def _reason(v: Violation, facts: MediaFacts, kl: KindLimits) -> str:
    """One phrase per violation: what the copy changes, and which limit makes it."""
    target = v.target
    if isinstance(target, Convert):
        return _("convert {source} to {target}").format(
            source=facts.format.upper(), target=target.format.upper()
        )
    if isinstance(target, Reencode):
        source = facts.video_codec if target.stream == "video" else facts.audio_codec
        codec = "H.264" if target.codec == "h264" else target.codec.upper()
        text = (
            _("re-encode {source} video as {codec}")
            if target.stream == "video"
            else _("re-encode {source} sound as {codec}")
        )
        return text.format(source=source, codec=codec)
    if isinstance(target, Trim):
        why = (
            _("the {limit} s per-file limit").format(limit=f"{kl.max_duration_s:g}")
            if v.field == "max_duration_s"
            else _("the combined {limit} s limit").format(limit=f"{kl.max_total_duration_s:g}")
        )
        keep = max(0.5, math.floor((target.seconds - TRIM_MARGIN_S) * 100) / 100)
        return _("trim {length} s to {keep} s ({why})").format(
            length=f"{facts.duration_s or 0.0:.1f}", keep=f"{keep:.1f}", why=why
        )
    if isinstance(target, Scale):
        text = (
            _("scale {size} to {target} ({size} has more than {limit} pixels)")
            if v.field == "max_pixels"
            else _("scale {size} to {target} ({size} has fewer than {limit} pixels)")
        )
        limit = f"{v.limit:,}" if isinstance(v.limit, int | float) else str(v.limit)
        return text.format(
            size=f"{facts.width}×{facts.height}",
            target=f"{target.width}×{target.height}",
            limit=limit,
        )
    if isinstance(target, Retime):
        text = (
            _("raise {fps} fps to {target} fps")
            if v.field == "min_fps"
            else _("lower {fps} fps to {target} fps")
        )
        return text.format(fps=f"{facts.fps:g}", target=f"{target.fps:g}")
    if isinstance(target, Shrink):
        text = (
            _("recompress {size} under {limit}")
            if v.kind is MediaKind.IMAGE
            else _("shrink {size} under {limit}")
        )
        return text.format(size=_mb(facts.size_bytes), limit=_mb(target.max_bytes))
    return v.code


# -- budgets -------------------------------------------------------------------------------------


def _duration(ref: Reference) -> float:
    return (ref.facts.duration_s or 0.0) if ref.facts else 0.0


def _float(value: int | None) -> float | None:
    return None if value is None else float(value)


def _output_fps(fps: float | None) -> float:
    """A constant output rate: the source's (rounded to 3 decimals), or 30 when unknown."""
    return round(fps, 3) if fps else 30.0


def _wav_bytes(seconds: float) -> float:
    """Bytes of 16-bit stereo WAV at 48 kHz, the most a conformed WAV holds per second."""
    return seconds * DEFAULT_MAX_WAV_RATE * 2 * 2


def _mb(size: float) -> str:
    return f"{size / 1_048_576:.1f} MB"
