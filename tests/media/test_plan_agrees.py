"""The checks and Fix agree: over generated media facts and every provider, a composition with
no conformable problem has no planned fix, and every planned fix removes the problems it is for.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seedance_studio.core import capabilities
from seedance_studio.core.limit_rules import fact_violations
from seedance_studio.core.media_facts import MediaFacts, MediaKind
from seedance_studio.core.reference import Reference
from seedance_studio.core.validation import validate
from seedance_studio.media.plan import ConformPlan, plan_conform, plan_fix_all
from tests.core.builders import snapshot

PROVIDERS = capabilities.provider_ids()
MB = 1024 * 1024

sizes = st.integers(min_value=10_000, max_value=90 * MB)
seconds = st.floats(min_value=0.3, max_value=40.0, allow_nan=False).map(lambda s: round(s, 2))
sides = st.integers(min_value=64, max_value=4096)


@st.composite
def references(draw: st.DrawFn) -> Reference:
    kind = draw(st.sampled_from(list(MediaKind)))
    if kind is MediaKind.IMAGE:
        facts = MediaFacts(
            format=draw(st.sampled_from(["jpeg", "png", "webp", "gif", "bmp"])),
            size_bytes=draw(sizes),
            width=draw(sides),
            height=draw(sides),
        )
    elif kind is MediaKind.VIDEO:
        facts = MediaFacts(
            format=draw(st.sampled_from(["mp4", "mov", "webm"])),
            size_bytes=draw(sizes),
            duration_s=draw(seconds),
            width=draw(sides),
            height=draw(sides),
            fps=draw(st.sampled_from([10.0, 15.0, 23.976, 24.0, 30.0, 60.0, 120.0])),
            has_audio=draw(st.booleans()),
            video_codec=draw(st.sampled_from(["h264", "hevc", "vp9"])),
            audio_codec=draw(st.sampled_from(["aac", "opus", "mp3"])),
        )
    else:
        fmt = draw(st.sampled_from(["mp3", "wav", "flac", "ogg"]))
        facts = MediaFacts(
            format=fmt,
            size_bytes=draw(sizes),
            duration_s=draw(seconds),
            has_audio=True,
            audio_codec=fmt,
        )
    ext = {"jpeg": "jpg"}.get(facts.format, facts.format)
    return Reference(kind=kind, source=f"/media/{kind.value}.{ext}", name=f"r.{ext}", facts=facts)


def conformed(facts: MediaFacts, plan: ConformPlan) -> MediaFacts:
    """The facts of the copy a plan asks for (conform.py's own tests check that it makes
    them): its format, codecs, size, frame rate, kept duration, under its byte cap."""
    size = facts.size_bytes if plan.max_bytes is None else min(facts.size_bytes, plan.max_bytes - 1)
    duration = facts.duration_s
    if plan.duration_s is not None and duration is not None:
        duration = min(duration, plan.duration_s)
    video = plan.kind is MediaKind.VIDEO
    return facts.model_copy(
        update={
            "format": plan.format,
            "size_bytes": size,
            "duration_s": duration,
            "width": plan.width if plan.width else facts.width,
            "height": plan.height if plan.height else facts.height,
            "fps": plan.fps if video else facts.fps,
            "video_codec": "h264" if video else facts.video_codec,
            "audio_codec": ("aac" if video else plan.format) if facts.has_audio else None,
        }
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(provider=st.sampled_from(PROVIDERS), ref=references())
def test_one_reference_is_planned_exactly_when_the_checks_find_a_conformable_problem(
    provider: str, ref: Reference
) -> None:
    caps = capabilities.get(provider)
    problems = [
        p
        for p in validate(snapshot(provider, [ref]), caps, check_files=False)
        if p.ref_id == ref.id and p.conformable
    ]
    plan = plan_conform(ref, caps.limits, [])
    assert (plan is None) == (not problems), (problems, plan)
    if plan is None:
        return
    assert ref.facts is not None
    kl = caps.limits.for_kind(ref.kind)
    assert len(plan.reasons) == len(
        [
            v
            for v in fact_violations(
                ref.kind,
                ref.facts,
                kl,
                duration_budget=kl.max_total_duration_s,
                bytes_budget=kl.max_total_bytes,
            )
            if v.conformable
        ]
    )
    after = conformed(ref.facts, plan)
    left = [
        v
        for v in fact_violations(
            ref.kind,
            after,
            kl,
            duration_budget=kl.max_total_duration_s,
            bytes_budget=kl.max_total_bytes,
        )
        if v.conformable
    ]
    assert left == [], (plan, left)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(provider=st.sampled_from(PROVIDERS), refs=st.lists(references(), min_size=1, max_size=6))
def test_fix_all_plans_nothing_for_a_passing_tray_and_leaves_no_conformable_problem(
    provider: str, refs: list[Reference]
) -> None:
    caps = capabilities.get(provider)
    snap = snapshot(provider, refs)
    problems = [p for p in validate(snap, caps, check_files=False) if p.conformable]
    plans = plan_fix_all(snap, caps)
    assert (plans == []) == (problems == []), (problems, plans)
    by_id = {p.ref_id: p for p in plans}
    fixed = []
    for ref in snap.references:
        plan = by_id.get(ref.id)
        if plan is not None and ref.facts is not None:
            ref = ref.model_copy(update={"facts": conformed(ref.facts, plan)})
        fixed.append(ref)
    left = [
        p for p in validate(snapshot(provider, fixed), caps, check_files=False) if p.conformable
    ]
    assert left == [], (plans, left)


def test_even_sides_for_h264_never_round_a_fitting_size_under_the_pixel_minimum() -> None:
    # Found by the property above: 443×925 (409,775 pixels) fits BytePlus' 409,600 minimum,
    # but 442×924 does not; a retime-only plan keeps the size, made even upwards.
    facts = MediaFacts(
        format="mp4",
        size_bytes=10_000,
        duration_s=1.0,
        width=443,
        height=925,
        fps=10.0,
        video_codec="h264",
    )
    ref = Reference(kind=MediaKind.VIDEO, source="/media/video.mp4", name="r.mp4", facts=facts)
    caps = capabilities.get("byteplus")
    [plan] = plan_fix_all(snapshot("byteplus", [ref]), caps)
    assert plan.width is not None and plan.height is not None
    assert plan.width % 2 == 0 and plan.height % 2 == 0
    fixed = ref.model_copy(update={"facts": conformed(facts, plan)})
    left = validate(snapshot("byteplus", [fixed]), caps, check_files=False)
    assert [p.code for p in left if p.conformable] == []
