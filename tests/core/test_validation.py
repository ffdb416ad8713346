"""Validation against every limit in the provider documents and the capability data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from seedance_studio.core import capabilities
from seedance_studio.core.composition import Composition
from seedance_studio.core.media_facts import MediaFacts, MediaKind
from seedance_studio.core.params import GenerationParams
from seedance_studio.core.reference import Reference
from seedance_studio.core.tags import MENTION_PATTERN
from seedance_studio.core.validation import Problem, errors, is_submittable, validate, warnings
from tests.core.builders import MB, audio, image, snapshot, video

PROVIDERS = ["shortapi", "kinovi", "kinovi-legacy", "oxen", "eachlabs"]


def baseline(provider: str) -> list[Reference]:
    """A composition every provider accepts: one image, one video, and audio where allowed."""
    refs = [image(), video()]
    if capabilities.get(provider).limits.audio.max_count:
        refs.append(audio())
    return refs


def codes(problems: list[Problem]) -> list[str]:
    return [p.code for p in problems]


def only(problems: list[Problem], code: str) -> Problem:
    found = [p for p in problems if p.code == code]
    assert len(found) == 1, codes(problems)
    return found[0]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_baseline_is_valid_for_every_provider(provider: str) -> None:
    refs = baseline(provider)
    problems = validate(snapshot(provider, refs, "@Image1 walks like @Video1"))
    assert problems == []
    assert is_submittable(problems)


# -- table: one rule broken at a time, with the documented numbers ---------------------------

CASES: list[tuple[str, str, list[Reference], dict[str, Any], str]] = [
    # (id, provider, references, params, expected code)
    ("oxen 10 images", "oxen", [image(f"i{n}.png") for n in range(10)], {}, "too_many_of_kind"),
    (
        "shortapi 2 videos",
        "shortapi",
        [video("a.mp4"), video("b.mp4", seconds=3)],
        {},
        "too_many_of_kind",
    ),
    (
        "kinovi 4 videos",
        "kinovi",
        [video(f"v{n}.mp4", seconds=3) for n in range(4)],
        {},
        "too_many_of_kind",
    ),
    (
        "eachlabs 4 audio",
        "eachlabs",
        [image(), *(audio(f"a{n}.mp3", seconds=2) for n in range(4))],
        {},
        "too_many_of_kind",
    ),
    ("legacy has no audio", "kinovi-legacy", [image(), audio()], {}, "kind_not_accepted"),
    (
        "13 files",
        "oxen",
        [
            *(image(f"i{n}.png") for n in range(9)),
            *(video(f"v{n}.mp4", seconds=2, size=MB) for n in range(3)),
            audio(),
        ],
        {},
        "too_many_files",
    ),
    ("gif image", "oxen", [image("a.gif", fmt="gif")], {}, "format_not_accepted"),
    ("kinovi takes mp4 only", "kinovi", [video("a.mov", fmt="mov")], {}, "format_not_accepted"),
    ("flac audio", "shortapi", [video(), audio("a.flac", fmt="flac")], {}, "format_not_accepted"),
    ("image over 30 MB", "eachlabs", [image(size=30 * MB + 1)], {}, "file_too_large"),
    ("audio over 15 MB", "oxen", [image(), audio(size=15 * MB + 1)], {}, "file_too_large"),
    ("legacy video over 50 MB", "kinovi-legacy", [video(size=50 * MB + 1)], {}, "file_too_large"),
    (
        "videos over 50 MB in all",
        "oxen",
        [video("a.mp4", size=30 * MB, seconds=4), video("b.mp4", size=21 * MB, seconds=4)],
        {},
        "total_size_too_large",
    ),
    ("kinovi video over 15 s", "kinovi", [video(seconds=15.5)], {}, "duration_too_long"),
    (
        "videos over 15 s in all",
        "oxen",
        [video("a.mp4", seconds=8), video("b.mp4", seconds=8)],
        {},
        "total_duration_too_long",
    ),
    (
        "audio over 15 s in all",
        "eachlabs",
        [image(), *(audio(f"a{n}.mp3", seconds=6) for n in range(3))],
        {},
        "total_duration_too_long",
    ),
    (
        "kinovi audio over 15 s",
        "kinovi",
        [image(), audio(seconds=16)],
        {},
        "total_duration_too_long",
    ),
    ("videos under 2 s", "oxen", [video(seconds=1.5)], {}, "total_duration_too_short"),
    ("1080p video", "oxen", [video(width=1920, height=1080)], {}, "too_many_pixels"),
    ("480x480 video", "eachlabs", [video(width=480, height=480)], {}, "too_few_pixels"),
    ("audio alone", "oxen", [audio()], {}, "audio_needs_visual"),
    ("shortapi needs a video", "shortapi", [image()], {}, "video_required"),
    ("kinovi needs urls", "kinovi", [], {}, "visual_required"),
    ("shortapi has no auto", "shortapi", [video()], {"duration": "auto"}, "duration_not_offered"),
    ("16 s", "oxen", [], {"duration": 16}, "duration_not_offered"),
    ("3 s", "eachlabs", [], {"duration": 3}, "duration_not_offered"),
    ("oxen 1080p", "oxen", [], {"resolution": "1080p"}, "resolution_not_offered"),
    (
        "kinovi fast 1080p",
        "kinovi",
        [image()],
        {"model": "seedance2-fast", "resolution": "1080p"},
        "resolution_not_offered",
    ),
    (
        "shortapi auto aspect",
        "shortapi",
        [video()],
        {"aspect_ratio": "auto"},
        "aspect_ratio_not_offered",
    ),
    ("shortapi mode", "shortapi", [video()], {"mode": "turbo"}, "mode_not_offered"),
    ("kinovi 8k", "kinovi", [image()], {"upscale": "8k"}, "upscale_not_offered"),
    ("oxen 5 variants", "oxen", [], {"variants": 5}, "too_many_variants"),
    ("shortapi 2 variants", "shortapi", [video()], {"variants": 2}, "too_many_variants"),
    ("unknown model", "oxen", [], {"model": "seedance-9"}, "unknown_model"),
    # eachlabs: "accept publicly-reachable HTTPS URLs only."
    ("http url", "eachlabs", [image(source="http://cdn.example.com/a.png")], {}, "url_not_https"),
    ("ftp url", "eachlabs", [image(source="ftp://cdn.example.com/a.png")], {}, "url_not_https"),
    ("data uri", "eachlabs", [image(source="data:image/png;base64,AAAA")], {}, "url_not_https"),
    ("file url", "oxen", [image(source="file:///home/me/a.png")], {}, "url_not_https"),
    ("localhost", "eachlabs", [image(source="https://localhost/a.png")], {}, "url_not_public"),
    ("loopback ip", "oxen", [image(source="http://127.0.0.1:8000/a.png")], {}, "url_not_public"),
    ("ipv6 loopback", "oxen", [image(source="https://[::1]/a.png")], {}, "url_not_public"),
    ("private network", "oxen", [image(source="https://192.168.1.20/a.png")], {}, "url_not_public"),
]


@pytest.mark.parametrize(
    ("provider", "refs", "params", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_broken_rule_is_an_error(
    provider: str, refs: list[Reference], params: dict[str, Any], code: str
) -> None:
    problems = validate(snapshot(provider, refs, "a scene", **params))
    problem = next((p for p in problems if p.code == code), None)
    assert problem is not None, codes(problems)
    assert problem.severity == "error"
    assert problem.message and problem.hint
    assert not is_submittable(problems)


WARNED: list[tuple[str, str, list[Reference], str]] = [
    # Limits of Seedance 2.0 that these pages do not state ("24–60 fps" is on no page here).
    ("120 fps", "shortapi", [video(fps=120)], "fps_too_high"),
    ("15 fps", "oxen", [video(fps=15)], "fps_too_low"),
    ("15 fps", "eachlabs", [video(fps=15)], "fps_too_low"),
]


@pytest.mark.parametrize(
    ("name", "provider", "refs", "code"), WARNED, ids=[f"{c[1]} {c[0]}" for c in WARNED]
)
def test_a_limit_the_page_does_not_state_warns_and_never_blocks(
    name: str, provider: str, refs: list[Reference], code: str
) -> None:
    problems = validate(snapshot(provider, refs, "a scene"))
    problem = only(problems, code)
    assert problem.severity == "warning" and problem.basis == "model"
    assert "page states no such limit" in problem.message and "may be refused" in problem.message
    assert is_submittable(problems)


AT_LIMIT: list[tuple[str, str, list[Reference], dict[str, Any]]] = [
    ("9 images", "oxen", [image(f"i{n}.png") for n in range(9)], {}),
    (
        "12 files",
        "oxen",
        [
            *(image(f"i{n}.png") for n in range(8)),
            *(video(f"v{n}.mp4", seconds=5, size=MB) for n in range(3)),
            audio(),
        ],
        {},
    ),
    ("30 MB image", "eachlabs", [image(size=30 * MB)], {}),
    (
        "15 s of video in all",
        "oxen",
        [video("a.mp4", seconds=7.5), video("b.mp4", seconds=7.5)],
        {},
    ),
    ("2 s of video", "oxen", [video(seconds=2)], {}),
    ("largest pixel count", "eachlabs", [video(width=834, height=1112)], {}),
    ("720p landscape fits the pixel range", "oxen", [video(width=1280, height=720)], {}),
    ("smallest pixel count", "eachlabs", [video(width=640, height=640)], {}),
    ("24 and 60 fps", "shortapi", [video(fps=24)], {}),
    ("60 fps", "oxen", [video(fps=60)], {}),
    ("4000 characters", "kinovi", [image()], {"prompt": "x" * 4000}),
    ("auto where offered", "eachlabs", [], {"duration": "auto"}),
    ("4 variants", "oxen", [], {"variants": 4}),
    ("kinovi 4k upscale", "kinovi", [image()], {"upscale": "4k", "resolution": "720p"}),
    ("kinovi video without audio limit", "kinovi", [video(seconds=15)], {}),
]


@pytest.mark.parametrize(
    ("provider", "refs", "params"), [c[1:] for c in AT_LIMIT], ids=[c[0] for c in AT_LIMIT]
)
def test_values_at_the_limit_pass(
    provider: str, refs: list[Reference], params: dict[str, Any]
) -> None:
    prompt = params.pop("prompt", "a scene")
    problems = validate(snapshot(provider, refs, prompt, **params))
    assert errors(problems) == []


# -- every limit in the capability data has a check -------------------------------------------


def _violations(provider: str) -> list[tuple[str, MediaKind, list[Reference], str]]:
    """For each numeric limit the provider's data sets, references that break just it."""
    lim = capabilities.get(provider).limits
    found: list[tuple[str, MediaKind, list[Reference], str]] = []
    builders: dict[MediaKind, Callable[..., Reference]] = {
        MediaKind.IMAGE: image,
        MediaKind.VIDEO: video,
        MediaKind.AUDIO: audio,
    }
    visual = [] if provider != "shortapi" else [video("base.mp4", seconds=2, size=MB)]
    for kind in MediaKind:
        k = lim.for_kind(kind)
        if k.max_count == 0:
            continue
        make = builders[kind]
        base: list[Reference] = [image("base.png")] if kind is MediaKind.AUDIO else []
        pre = [] if kind is MediaKind.VIDEO else visual

        def case(
            field: str,
            refs: list[Reference],
            code: str,
            kind: MediaKind = kind,
            base: list[Reference] = base,
            pre: list[Reference] = pre,
        ) -> None:
            found.append((field, kind, [*pre, *base, *refs], code))

        if k.max_bytes is not None:
            case("max_bytes", [make(size=k.max_bytes + 1)], "file_too_large")
        if k.max_total_bytes is not None:
            each = k.max_total_bytes // 2 + 1
            case(
                "max_total_bytes",
                [make("a", size=each, seconds=2), make("b", size=each, seconds=2)],
                "total_size_too_large",
            )
        if k.max_duration_s is not None:
            case("max_duration_s", [make(seconds=k.max_duration_s + 1)], "duration_too_long")
        if k.max_total_duration_s is not None:
            half = k.max_total_duration_s / 2 + 0.5
            case(
                "max_total_duration_s",
                [make("a", seconds=half), make("b", seconds=half)],
                "total_duration_too_long",
            )
        if k.min_total_duration_s is not None:
            case(
                "min_total_duration_s",
                [make(seconds=k.min_total_duration_s - 0.5)],
                "total_duration_too_short",
            )
        if k.max_pixels is not None:
            case("max_pixels", [video(width=1920, height=1080)], "too_many_pixels")
        if k.min_pixels is not None:
            case("min_pixels", [video(width=320, height=240)], "too_few_pixels")
        if k.max_fps is not None:
            case("max_fps", [video(fps=k.max_fps + 1)], "fps_too_high")
        if k.min_fps is not None:
            case("min_fps", [video(fps=k.min_fps - 1)], "fps_too_low")
        if k.formats:
            bad = {
                MediaKind.IMAGE: ("bmp", "a.bmp"),
                MediaKind.VIDEO: ("avi", "a.avi"),
                MediaKind.AUDIO: ("opus", "a.opus"),
            }[kind]
            case("formats", [make(bad[1], fmt=bad[0])], "format_not_accepted")
        case(
            "max_count",
            [make(f"n{i}", seconds=1, size=1000) for i in range(k.max_count + 1)],
            "too_many_of_kind",
        )
    return found


ALL_VIOLATIONS = [(p, *v) for p in PROVIDERS for v in _violations(p)]


@pytest.mark.parametrize(
    ("provider", "field", "kind", "refs", "code"),
    ALL_VIOLATIONS,
    ids=[f"{v[0]}-{v[2].value}-{v[1]}" for v in ALL_VIOLATIONS],
)
def test_every_limit_in_the_data_is_checked(
    provider: str, field: str, kind: MediaKind, refs: list[Reference], code: str
) -> None:
    problems = validate(snapshot(provider, refs))
    problem = next((p for p in problems if p.code == code), None)
    assert problem is not None, codes(problems)
    assert problem.limit_name == field
    limit = capabilities.get(provider).limits.for_kind(kind)
    expected = getattr(limit, field)
    assert problem.limit == (",".join(expected) if isinstance(expected, list) else expected)


def test_at_least_the_documented_limits_are_exercised() -> None:
    fields = {(v[0], v[1]) for v in ALL_VIOLATIONS}
    assert ("oxen", "max_pixels") in fields
    assert ("shortapi", "max_total_bytes") in fields
    assert ("kinovi", "max_duration_s") in fields
    assert len(ALL_VIOLATIONS) >= 40


# -- messages and structured fields ----------------------------------------------------------


def test_pixel_message_names_tag_size_and_box() -> None:
    refs = [video("a.mp4", seconds=3), video("big.mp4", width=1920, height=1080, seconds=3)]
    problem = only(validate(snapshot("oxen", refs)), "too_many_pixels")
    assert problem.message.startswith("Video2 is 1920×1080; Oxen.ai accepts up to 834×1112")
    # The hint names the size Fix makes: inside 927,408 pixels and the 834×1112 box.
    assert problem.hint == "conform it to 1110×624"
    assert problem.ref_id == refs[1].id
    assert (problem.limit, problem.actual) == (927_408, 1920 * 1080)
    assert problem.conformable


def test_too_many_names_the_extra_references() -> None:
    refs = [image(f"i{n}.png") for n in range(11)]
    problem = only(validate(snapshot("eachlabs", refs)), "too_many_of_kind")
    assert "11 images" in problem.message and "up to 9" in problem.message
    assert "Image10, Image11" in problem.hint
    assert problem.ref_id == refs[9].id


def test_file_size_message_in_megabytes() -> None:
    problem = only(validate(snapshot("oxen", [image(size=40 * MB)])), "file_too_large")
    assert "Image1 is 40 MB" in problem.message and "30 MB" in problem.message
    # "Max 30 MB each": Fix aims under the stricter reading, 30 × 10^6 bytes.
    assert (problem.limit, problem.actual) == (30_000_000, 40 * MB)


def test_every_reference_of_a_kind_not_accepted_is_flagged() -> None:
    refs = [image(), audio("a.mp3"), audio("b.mp3")]
    problems = validate(snapshot("kinovi-legacy", refs))
    flagged = {p.ref_id for p in problems if p.code == "kind_not_accepted"}
    assert flagged == {refs[1].id, refs[2].id}


def test_audio_limits_are_not_checked_twice_when_the_kind_is_refused() -> None:
    refs = [image(), audio(size=90 * MB, seconds=40, fmt="ogg")]
    problems = validate(snapshot("kinovi-legacy", refs))
    assert codes(problems) == ["kind_not_accepted"]


# -- prompt ----------------------------------------------------------------------------------


def test_prompt_required() -> None:
    problems = validate(snapshot("oxen", [image()], "   "))
    assert "prompt_required" in codes(problems)


def test_prompt_length_counts_what_is_sent() -> None:
    refs = [image()]
    ok = validate(snapshot("kinovi", refs, "y" * 3992 + " @Image1"))
    assert errors(ok) == []  # "@image1" is as long as "@Image1": 4000 characters
    problem = only(validate(snapshot("kinovi", refs, "y" * 3993 + " @Image1")), "prompt_too_long")
    assert (problem.limit, problem.actual) == (4000, 4001)
    assert "4,001 characters" in problem.message


def test_dangling_mention_is_an_error() -> None:
    comp = Composition(GenerationParams(provider="oxen"))
    first, second = image("a.png"), image("b.png")
    comp.tray.extend([first, second])
    comp.prompt.set_text("@Image1 meets @Image2", comp.tray)
    comp.tray.remove(second.id)
    problems = validate(comp.snapshot())
    assert codes(problems) == ["dangling_mention"]
    problem = problems[0]
    assert "Image2" in problem.message and "removed" in problem.message


def test_unknown_tag_names_what_exists() -> None:
    refs = [image("a.png"), image("b.png")]
    problem = only(validate(snapshot("oxen", refs, "@Image1 and @Image5")), "unknown_tag")
    assert "@Image5" in problem.message and "only 2 images" in problem.message
    problem = only(validate(snapshot("oxen", [image()], "to @Audio1")), "unknown_tag")
    assert "no audio clip" in problem.message


def test_mention_of_a_kind_the_provider_cannot_take() -> None:
    problems = validate(snapshot("kinovi-legacy", [image()], "@Image1 sings @Audio1"))
    problem = only(problems, "mention_kind_not_accepted")
    assert "@Audio1" in problem.message
    problems = validate(snapshot("kinovi-legacy", [image(), audio()], "@Image1 sings @Audio1"))
    assert "mention_kind_not_accepted" in codes(problems)


# -- sources ---------------------------------------------------------------------------------


def test_loopback_urls_allowed_only_when_asked() -> None:
    refs = [
        image(source="http://127.0.0.1:8765/media/a.png"),
        video(source="http://localhost:8765/media/a.mp4"),
    ]
    assert errors(validate(snapshot("oxen", refs), allow_loopback=True)) == []
    assert codes(errors(validate(snapshot("oxen", refs)))) == ["url_not_public"] * 2
    other = [image(source="http://cdn.example.com/a.png")]
    assert "url_not_https" in codes(validate(snapshot("eachlabs", other), allow_loopback=True))
    # Oxen's page says nothing of the scheme: a public http:// link is its to fetch.
    assert validate(snapshot("oxen", other), allow_loopback=True) == []


def test_unprobed_url_is_a_warning_not_an_error() -> None:
    refs = [image(probed=False), video(probed=False)]
    problems = validate(snapshot("oxen", refs))
    assert codes(problems) == ["not_probed", "not_probed"]
    assert all(p.severity == "warning" for p in problems)
    assert is_submittable(problems)


def test_unprobed_url_still_checks_the_format_its_name_gives() -> None:
    refs = [video("a.webm", probed=False)]
    assert "format_not_accepted" in codes(validate(snapshot("oxen", refs)))


def test_unprobed_local_file_warns(tmp_path: Path) -> None:
    path = tmp_path / "face.png"
    path.write_bytes(b"\x89PNG")
    ref = Reference(kind=MediaKind.IMAGE, source=str(path), name="face.png")
    problem = only(validate(snapshot("oxen", [ref])), "not_probed")
    assert problem.severity == "warning" and "could not be probed" in problem.message


def test_local_file_gone(tmp_path: Path) -> None:
    ref = image(source=str(tmp_path / "gone.png"))
    assert "file_missing" in codes(validate(snapshot("oxen", [ref])))
    assert validate(snapshot("oxen", [ref]), check_files=False) == []


def test_mislabelled_format_is_a_warning() -> None:
    ref = image("photo.png", fmt="webp")
    problem = only(validate(snapshot("oxen", [ref])), "format_mislabelled")
    assert problem.severity == "warning"
    assert "WEBP" in problem.message and "PNG" in problem.message


def test_conformed_copy_is_not_a_mislabel() -> None:
    conformed = video("clip.webm").model_copy(
        update={"source": "/cache/conformed/clip-720p.mp4", "original_source": "/home/me/clip.webm"}
    )
    assert validate(snapshot("oxen", [conformed]), check_files=False) == []


def test_mp4_named_mov_is_not_a_mislabel() -> None:
    assert validate(snapshot("oxen", [video("clip.mov", fmt="mp4")])) == []


def test_kind_mismatch() -> None:
    facts = MediaFacts(format="png", size_bytes=100, width=10, height=10)
    ref = Reference(kind=MediaKind.VIDEO, source="https://cdn.example.com/a.mp4", facts=facts)
    assert "kind_mismatch" in codes(validate(snapshot("oxen", [ref])))


# -- parameters ------------------------------------------------------------------------------


def test_options_a_model_does_not_have_are_warnings() -> None:
    problems = validate(
        snapshot(
            "shortapi", [video()], seed=7, resolution="720p", generate_audio=False, upscale="4k"
        )
    )
    assert sorted(codes(problems)) == [
        "generate_audio_ignored",
        "resolution_ignored",
        "seed_ignored",
        "upscale_ignored",
    ]
    assert is_submittable(problems)


def test_unknown_provider() -> None:
    problems = validate(snapshot("oxen"), capabilities.get("oxen"))
    assert problems == []
    snap = snapshot("oxen").model_copy(update={"params": GenerationParams(provider="nobody")})
    assert codes(validate(snap)) == ["unknown_provider"]


def test_explicit_caps_override_the_snapshot_provider() -> None:
    snap = snapshot("oxen", [image()])
    assert "video_required" in codes(validate(snap, capabilities.get("shortapi")))


def test_warnings_and_errors_helpers() -> None:
    problems = validate(snapshot("oxen", [image(probed=False), image(size=40 * MB)]))
    assert [p.code for p in warnings(problems)] == ["not_probed"]
    assert [p.code for p in errors(problems)] == ["file_too_large"]


def test_dangling_text_never_reads_as_a_mention() -> None:
    comp = Composition(GenerationParams(provider="oxen"))
    ref = image()
    comp.tray.add(ref)
    comp.prompt.set_text("see @Image1", comp.tray)
    comp.tray.remove(ref.id)
    assert MENTION_PATTERN.search(comp.prompt.text) is None


def test_leftover_removed_marker_text_is_an_error() -> None:
    comp = Composition(GenerationParams(provider="oxen"))
    a, b = image("a.png"), image("b.png")
    comp.tray.extend([a, b])
    comp.prompt.set_text("@Image1 meets @Image2", comp.tray)
    comp.tray.remove(b.id)
    text = comp.prompt.text
    assert text.endswith("@(removed Image2)")
    # typing inside the marker cuts it loose from its mention: it is plain text now
    comp.prompt.apply_edit(len(text) - 1, 0, "!", comp.tray)
    problems = validate(comp.snapshot())
    assert codes(problems) == ["removed_marker_text"] and not is_submittable(problems)
    assert "@(removed Image2!)" in problems[0].message


@pytest.mark.parametrize("text", ["@Imag walks", "a @vid of", "@AUDIO", "@(removed Image2"])
def test_a_tag_like_word_that_binds_to_nothing_is_an_error(text: str) -> None:
    problems = validate(snapshot("oxen", [image()], f"@Image1 and {text}"))
    assert not is_submittable(problems), codes(problems)
    assert set(codes(problems)) <= {"unbound_tag", "removed_marker_text"}


@pytest.mark.parametrize(
    "text", ["mail me@image.example", "@Image1 imagines", "an @ sign", "@immense sky"]
)
def test_words_that_only_contain_at_signs_are_not_tags(text: str) -> None:
    assert validate(snapshot("oxen", [image()], f"@Image1 {text}")) == []


def test_an_empty_composition_is_refused_with_a_reason_even_on_the_animatic() -> None:
    """The animatic takes no prompt and no reference alone, but not neither: that would be a
    blank "untitled" job."""
    problems = validate(snapshot("animatic", [], "   "))
    assert codes(problems) == ["empty_composition"] and not is_submittable(problems)
    assert problems[0].message.startswith("nothing to generate")
    assert validate(snapshot("animatic", [], "a title card")) == []
    assert validate(snapshot("animatic", [image()], "")) == []
