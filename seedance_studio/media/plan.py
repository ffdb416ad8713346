"""Conform plans: what must change in a reference so a provider accepts it.

Planning is pure (facts + limits in, a plan out) so every limit in the provider documents can
be table-tested without touching a file; `conform.py` carries a plan out with PyAV.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from seedance_studio.core.capabilities import KindLimits, Limits, ProviderCapabilities
from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.media_facts import MediaFacts, MediaKind
from seedance_studio.core.reference import Reference
from seedance_studio.media.geometry import size_violations, target_size

GOOD_VIDEO_CODECS = frozenset({"h264"})
"""Video codecs every provider decodes; anything else (VP9, ProRes, HEVC, ...) is re-encoded."""
GOOD_AUDIO_CODECS = frozenset({"aac", "mp3"})
LOSSLESS_IMAGE_FORMATS = frozenset({"png", "bmp", "gif", "tiff"})
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


def plan_conform(ref: Reference, limits: Limits, others: Sequence[Reference] = (), *,
                 in_point_s: float = 0.0,
                 out_point_s: float | None = None) -> ConformPlan | None:
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
    cut_end = (out_point_s is not None and ref.facts.duration_s is not None
               and out_point_s < ref.facts.duration_s - 1e-3)
    if (in_point_s > 0 or cut_end) and ref.kind is not MediaKind.IMAGE:
        return _plan_from(ref, limits, others, in_point_s, out_point_s if cut_end else None)
    same = [o for o in others if o.kind is ref.kind and o.id != ref.id]
    kl = limits.for_kind(ref.kind)
    duration_budget = _budget(
        _duration(ref), [_duration(o) for o in same], kl.max_total_duration_s)
    bytes_budget = _budget(
        float(ref.facts.size_bytes), [float(o.facts.size_bytes) if o.facts else 0.0
                                      for o in same], _float(kl.max_total_bytes))
    return _plan(ref, ref.facts, kl, duration_budget, bytes_budget)


def _plan_from(ref: Reference, limits: Limits, others: Sequence[Reference],
               in_point_s: float, out_point_s: float | None = None) -> ConformPlan | None:
    """Plan for the part of `ref` between the in and out points: always a copy, since it
    starts later or ends earlier."""
    assert ref.facts is not None
    full = ref.facts.duration_s or 0.0
    end = full if out_point_s is None else min(out_point_s, full)
    if in_point_s >= end - 0.5:
        raise ValueError(f"the in point {in_point_s:g} s leaves less than half a second "
                         f"of {ref.display_name}")
    rest = ref.facts.model_copy(update={"duration_s": round(end - in_point_s, 3)})
    part = ref.model_copy(update={"facts": rest})
    plan = plan_conform(part, limits, others)
    reasons = [f"start at {in_point_s:g} s"] if in_point_s > 0 else []
    if out_point_s is not None:
        reasons.append(f"end at {out_point_s:g} s")
    if plan is None:
        if ref.kind is MediaKind.VIDEO:
            plan = _plan_video(ref.id, rest, limits.video, None, None, force=True)
        else:
            plan = _plan_audio(ref.id, rest, limits.audio, None, None, force=True)
        assert plan is not None
    # The part's facts end at the out point but the file goes on: the copy must stop there.
    duration = plan.duration_s
    if out_point_s is not None and duration is None:
        duration = round(end - in_point_s, 3)
    return plan.model_copy(update={"start_s": in_point_s, "duration_s": duration,
                                   "reasons": [*reasons, *plan.reasons]})


def plan_fix_all(snapshot: CompositionSnapshot,
                 caps: ProviderCapabilities) -> list[ConformPlan]:
    """Plans for every reference in the tray that breaks a limit, with combined limits shared
    fairly (three 10 s videos under a 15 s total become three 5 s clips)."""
    limits = caps.limits_for(snapshot.params.model)
    plans: list[ConformPlan] = []
    for kind in MediaKind:
        refs = [r for r in snapshot.references if r.kind is kind]
        kl = limits.for_kind(kind)
        durations = _fair_shares([_duration(r) for r in refs], kl.max_total_duration_s)
        sizes = _fair_shares([float(r.facts.size_bytes) if r.facts else 0.0 for r in refs],
                             _float(kl.max_total_bytes))
        for ref, duration_budget, bytes_budget in zip(refs, durations, sizes, strict=True):
            if ref.facts is None or ref.is_url:
                continue
            plan = _plan(ref, ref.facts, kl, duration_budget, bytes_budget)
            if plan is not None:
                plans.append(plan)
    order = {r.id: i for i, r in enumerate(snapshot.references)}
    return sorted(plans, key=lambda p: order[p.ref_id])


# -- budgets -------------------------------------------------------------------------------------


def _duration(ref: Reference) -> float:
    return (ref.facts.duration_s or 0.0) if ref.facts else 0.0


def _float(value: int | None) -> float | None:
    return None if value is None else float(value)


def _fair_shares(values: list[float], total: float | None) -> list[float | None]:
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


def _budget(own: float, others: list[float], total: float | None) -> float | None:
    """What `own` may use of a combined `total` next to `others` as they are, but never less
    than its fair share (None: no combined limit)."""
    if total is None:
        return None
    share = _fair_shares([own, *others], total)[0]
    assert share is not None
    return max(total - sum(others), share)


# -- per kind ------------------------------------------------------------------------------------


def _plan(ref: Reference, facts: MediaFacts, kl: KindLimits, duration_budget: float | None,
          bytes_budget: float | None) -> ConformPlan | None:
    if ref.kind is MediaKind.VIDEO:
        return _plan_video(ref.id, facts, kl, duration_budget, bytes_budget)
    if ref.kind is MediaKind.AUDIO:
        return _plan_audio(ref.id, facts, kl, duration_budget, bytes_budget)
    return _plan_image(ref.id, facts, kl, bytes_budget)


def _byte_cap(kl: KindLimits, bytes_budget: float | None) -> int | None:
    caps = [c for c in (kl.max_bytes, bytes_budget) if c is not None]
    return int(min(caps)) if caps else None


def _trim(facts: MediaFacts, kl: KindLimits,
          duration_budget: float | None) -> tuple[float | None, list[str]]:
    """The kept duration (None: keep all) and why."""
    duration = facts.duration_s
    if duration is None:
        return None, []
    keep = duration
    why = ""
    if kl.max_duration_s is not None and keep > kl.max_duration_s:
        keep, why = kl.max_duration_s, f"the {kl.max_duration_s:g} s per-file limit"
    if duration_budget is not None and keep > duration_budget + 1e-3:
        keep = duration_budget
        why = f"the combined {kl.max_total_duration_s:g} s limit"
    if keep >= duration - 1e-3:
        return None, []
    keep = max(0.5, math.floor((keep - TRIM_MARGIN_S) * 100) / 100)
    return keep, [f"trim {duration:.1f} s to {keep:.1f} s ({why})"]


def _plan_video(ref_id: str, facts: MediaFacts, kl: KindLimits,
                duration_budget: float | None, bytes_budget: float | None, *,
                force: bool = False) -> ConformPlan | None:
    reasons: list[str] = []
    if kl.formats and facts.format not in kl.formats:
        reasons.append(f"convert {facts.format.upper()} to MP4")
    if facts.video_codec and facts.video_codec not in GOOD_VIDEO_CODECS:
        reasons.append(f"re-encode {facts.video_codec} video as H.264")
    if facts.has_audio and facts.audio_codec and facts.audio_codec not in GOOD_AUDIO_CODECS:
        reasons.append(f"re-encode {facts.audio_codec} sound as AAC")
    keep, why = _trim(facts, kl, duration_budget)
    reasons += why
    width, height = facts.width, facts.height
    if width and height:
        new_w, new_h = target_size(width, height, kl, even=True)
        if (new_w, new_h) != (width, height):
            problems = size_violations(width, height, kl) or ["H.264 needs even sides"]
            reasons.append(f"scale {width}×{height} to {new_w}×{new_h} ({problems[0]})")
            width, height = new_w, new_h
    fps = facts.fps
    if fps is not None:
        if kl.min_fps is not None and fps < kl.min_fps - 0.01:
            reasons.append(f"raise {fps:g} fps to {kl.min_fps:g} fps")
            fps = kl.min_fps
        elif kl.max_fps is not None and fps > kl.max_fps + 0.01:
            reasons.append(f"lower {fps:g} fps to {kl.max_fps:g} fps")
            fps = kl.max_fps
    cap = _byte_cap(kl, bytes_budget)
    if cap is not None and facts.size_bytes >= cap and keep is None:
        reasons.append(f"shrink {_mb(facts.size_bytes)} under {_mb(cap)}")
    if not reasons and not force:
        return None
    return ConformPlan(ref_id=ref_id, kind=MediaKind.VIDEO, reasons=reasons, format="mp4",
                       duration_s=keep, width=width, height=height,
                       fps=_output_fps(fps), max_bytes=cap)


def _output_fps(fps: float | None) -> float:
    """A constant output rate: the source's (rounded to 3 decimals), or 30 when unknown."""
    return round(fps, 3) if fps else 30.0


def _plan_audio(ref_id: str, facts: MediaFacts, kl: KindLimits,
                duration_budget: float | None, bytes_budget: float | None, *,
                force: bool = False) -> ConformPlan | None:
    reasons: list[str] = []
    fmt = facts.format
    if kl.formats and fmt not in kl.formats:
        fmt = "mp3" if "mp3" in kl.formats else kl.formats[0]
        reasons.append(f"convert {facts.format.upper()} to {fmt.upper()}")
    keep, why = _trim(facts, kl, duration_budget)
    reasons += why
    cap = _byte_cap(kl, bytes_budget)
    if cap is not None:
        seconds = keep or facts.duration_s or 0.0
        if fmt == "wav" and _wav_bytes(seconds) >= cap * SIZE_HEADROOM and (
                not kl.formats or "mp3" in kl.formats):
            fmt = "mp3"
        if facts.size_bytes >= cap and keep is None:
            reasons.append(f"shrink {_mb(facts.size_bytes)} under {_mb(cap)}")
    if not reasons and not force:
        return None
    return ConformPlan(ref_id=ref_id, kind=MediaKind.AUDIO, reasons=reasons, format=fmt,
                       duration_s=keep, max_bytes=cap)


def _wav_bytes(seconds: float) -> float:
    """Bytes of 16-bit stereo WAV at 48 kHz, the most a conformed WAV holds per second."""
    return seconds * DEFAULT_MAX_WAV_RATE * 2 * 2


def _plan_image(ref_id: str, facts: MediaFacts, kl: KindLimits,
                bytes_budget: float | None) -> ConformPlan | None:
    reasons: list[str] = []
    fmt = facts.format
    if kl.formats and fmt not in kl.formats:
        fmt = _image_target(facts.format, kl.formats)
        reasons.append(f"convert {facts.format.upper()} to {fmt.upper()}")
    width, height = facts.width, facts.height
    if width and height:
        new_w, new_h = target_size(width, height, kl, even=False)
        if (new_w, new_h) != (width, height):
            problems = size_violations(width, height, kl)
            reasons.append(f"scale {width}×{height} to {new_w}×{new_h} ({problems[0]})")
            width, height = new_w, new_h
    cap = _byte_cap(kl, bytes_budget)
    if cap is not None and facts.size_bytes >= cap:
        reasons.append(f"recompress {_mb(facts.size_bytes)} under {_mb(cap)}")
        if fmt in LOSSLESS_IMAGE_FORMATS:
            fmt = _image_target("jpeg", kl.formats)
    if not reasons:
        return None
    return ConformPlan(ref_id=ref_id, kind=MediaKind.IMAGE, reasons=reasons, format=fmt,
                       width=width, height=height, max_bytes=cap)


def _image_target(source_format: str, allowed: list[str]) -> str:
    """Lossless sources stay lossless (PNG) where allowed; the rest become JPEG."""
    allowed = allowed or ["jpeg", "png", "webp"]
    preference = (["png", "webp", "jpeg"] if source_format in LOSSLESS_IMAGE_FORMATS
                  else ["jpeg", "webp", "png"])
    for fmt in preference:
        if fmt in allowed:
            return fmt
    return allowed[0]


def _mb(size: float) -> str:
    return f"{size / 1_048_576:.1f} MB"
