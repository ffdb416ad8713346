"""Each provider's limits, row by row, with the phrase of its document each one comes from.

A row the page allows is accepted (with a warning where a Seedance 2.0 `model` limit or an
`inferred` reading applies); a row it forbids is refused. The grid of cases measured against
the old checks is here: ShortAPI's 1080p, 16 s, 15 fps and 1 s videos, 10–11 images with a
video, 4 audio clips, a 22 MB WAV, a GIF and a 31 MB PNG; Kinovi's 9 + 3 + 1 and 56 MB MP4;
Oxen's and eachlabs' < 24 fps; http:// links.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import pytest

from seedance_studio.core import capabilities
from seedance_studio.core.capabilities import Evidenced
from seedance_studio.core.reference import Reference
from seedance_studio.core.validation import Problem, is_submittable, validate
from tests.core.builders import MB, audio, image, snapshot, video

DOCS = Path(__file__).resolve().parents[2] / "docs" / "providers"
Verdict = Literal["accepted", "warned", "refused"]

BOX = "Each video must be between ~480p (640x640) and ~720p (834x1112) in resolution."
OXEN_RES = r"Resolution between \~480p and \~720p."
FPS = "24–60 fps"


def v(**kw: object) -> Reference:
    return video(**kw)  # type: ignore[arg-type]


def images(n: int) -> list[Reference]:
    return [image(f"i{k}.png") for k in range(n)]


ROWS: list[tuple[str, str, list[Reference], Verdict, str, str]] = [
    # (provider, case, references, verdict, problem code, phrase of the limit)
    ("shortapi", "one video and an image", [image(), v()], "accepted", "", ""),
    ("shortapi", "1080p video", [v(width=1920, height=1080)], "warned", "too_many_pixels", BOX),
    (
        "shortapi",
        "16 s video",
        [v(seconds=16)],
        "warned",
        "total_duration_too_long",
        "combined duration must be between 2 and 15 seconds",
    ),
    ("shortapi", "15 fps video", [v(fps=15)], "warned", "fps_too_low", FPS),
    (
        "shortapi",
        "1 s video",
        [v(seconds=1)],
        "warned",
        "total_duration_too_short",
        "combined duration must be between 2 and 15 seconds",
    ),
    (
        "shortapi",
        "10 images with a video",
        [*images(10), v()],
        "warned",
        "too_many_of_kind",
        "Up to 9 images.",
    ),
    (
        "shortapi",
        "11 images with a video",
        [*images(11), v()],
        "warned",
        "too_many_of_kind",
        "Up to 9 images.",
    ),
    (
        "shortapi",
        "12 images with a video",
        [*images(12), v()],
        "refused",
        "too_many_files",
        "The total number of video_url, image_urls, and audio_urls must be ≤ 12",
    ),
    (
        "shortapi",
        "4 audio clips",
        [v(), *(audio(f"a{k}.mp3", seconds=2) for k in range(4))],
        "warned",
        "too_many_of_kind",
        "Up to 3 files",
    ),
    (
        "shortapi",
        "22 MB WAV",
        [v(), audio("a.wav", fmt="wav", size=22 * MB, seconds=10)],
        "warned",
        "file_too_large",
        "Max 15 MB per file.",
    ),
    (
        "shortapi",
        "GIF image",
        [v(), image("a.gif", fmt="gif")],
        "warned",
        "format_not_accepted",
        "Supported formats: JPEG, PNG, WebP.",
    ),
    (
        "shortapi",
        "31 MB PNG",
        [v(), image(size=31 * MB)],
        "warned",
        "file_too_large",
        "Max 30 MB per image.",
    ),
    (
        "shortapi",
        "2 videos",
        [v(name="a.mp4"), v(name="b.mp4", seconds=3)],
        "refused",
        "too_many_of_kind",
        "A maximum of 1 video URL is currently supported.",
    ),
    (
        "shortapi",
        "no video",
        [image()],
        "refused",
        "video_required",
        "**`video_url`** (`string`, _required_)",
    ),
    (
        "shortapi",
        "FLAC audio",
        [v(), audio("a.flac", fmt="flac")],
        "refused",
        "format_not_accepted",
        "Supported audio formats are MP3 and WAV",
    ),
    (
        "shortapi",
        "16 s audio",
        [v(), audio(seconds=16)],
        "refused",
        "duration_too_long",
        "with a maximum duration of 15 seconds",
    ),
    ("shortapi", "http:// link", [v(source="http://cdn.example.com/a.mp4")], "accepted", "", ""),
    (
        "kinovi",
        "9 images, 3 videos, 1 audio",
        [*images(9), *(v(name=f"v{k}.mp4", seconds=4) for k in range(3)), audio(seconds=3)],
        "warned",
        "too_many_files",
        "Total files across all modalities must not exceed 12.",
    ),
    (
        "kinovi",
        "9 images, 3 videos, 3 audio",
        [
            *images(9),
            *(v(name=f"v{k}.mp4", seconds=4) for k in range(3)),
            *(audio(f"a{k}.mp3", seconds=3) for k in range(3)),
        ],
        "warned",
        "too_many_files",
        "Total files across all modalities must not exceed 12.",
    ),
    (
        "kinovi",
        "56 MB MP4",
        [image(), v(size=56 * MB)],
        "warned",
        "file_too_large",
        "Video materials: max 3 videos, each up to 50MB",
    ),
    (
        "kinovi",
        "10 images",
        images(10),
        "refused",
        "too_many_of_kind",
        "| Images | 9 | JPEG, PNG, or WebP.",
    ),
    (
        "kinovi",
        "MOV video",
        [v(name="a.mov", fmt="mov")],
        "refused",
        "format_not_accepted",
        "| Videos | 3 | MP4 format. Each video max 15 seconds.",
    ),
    (
        "kinovi",
        "16 s video",
        [v(seconds=16)],
        "refused",
        "duration_too_long",
        "| Videos | 3 | MP4 format. Each video max 15 seconds.",
    ),
    (
        "kinovi",
        "16 s of audio",
        [image(), audio("a.mp3", seconds=8), audio("b.mp3", seconds=8)],
        "refused",
        "total_duration_too_long",
        "Total duration max 15 seconds.",
    ),
    (
        "kinovi",
        "no image or video",
        [audio()],
        "refused",
        "visual_required",
        "| urls | array | Yes | Reference image and video URLs.",
    ),
    ("kinovi", "http:// link", [image(source="http://cdn.example.com/a.png")], "accepted", "", ""),
    (
        "kinovi-legacy",
        "audio",
        [image(), audio()],
        "refused",
        "kind_not_accepted",
        "Audio is not supported.",
    ),
    (
        "kinovi-legacy",
        "53 MB video",
        [v(size=53 * MB)],
        "refused",
        "file_too_large",
        "Video materials: max 3 videos, each up to 50MB",
    ),
    (
        "kinovi-legacy",
        "50.5 × 10^6 bytes of video",
        [v(size=50_500_000)],
        "warned",
        "file_too_large",
        "Video materials: max 3 videos, each up to 50MB",
    ),
    ("oxen", "15 fps video", [v(fps=15)], "warned", "fps_too_low", FPS),
    ("oxen", "1280×720 video", [v(width=1280, height=720)], "accepted", "", ""),
    ("oxen", "1080p video", [v(width=1920, height=1080)], "refused", "too_many_pixels", OXEN_RES),
    (
        "oxen",
        "GIF image",
        [image("a.gif", fmt="gif")],
        "refused",
        "format_not_accepted",
        "Reference images (JPEG, PNG, WebP).",
    ),
    ("oxen", "31 MB PNG", [image(size=31 * MB)], "refused", "file_too_large", "Max 30 MB each."),
    (
        "oxen",
        "30.5 × 10^6-byte PNG",
        [image(size=30_500_000)],
        "warned",
        "file_too_large",
        "Max 30 MB each.",
    ),
    (
        "oxen",
        "13 files",
        [*images(9), v(), audio("a.mp3"), audio("b.mp3"), audio("c.mp3")],
        "refused",
        "too_many_files",
        "Total files across all modalities must not exceed 12.",
    ),
    (
        "oxen",
        "audio alone",
        [audio()],
        "refused",
        "audio_needs_visual",
        "Requires at least one reference image or video.",
    ),
    ("oxen", "http:// link", [image(source="http://cdn.example.com/a.png")], "accepted", "", ""),
    ("eachlabs", "15 fps video", [v(fps=15)], "warned", "fps_too_low", FPS),
    ("eachlabs", "1280×720 video", [v(width=1280, height=720)], "accepted", "", ""),
    ("eachlabs", "1080p video", [v(width=1920, height=1080)], "refused", "too_many_pixels", BOX),
    (
        "eachlabs",
        "GIF image",
        [image("a.gif", fmt="gif")],
        "refused",
        "format_not_accepted",
        "Supported formats: JPEG, PNG, WebP.",
    ),
    (
        "eachlabs",
        "http:// link",
        [image(source="http://cdn.example.com/a.png")],
        "refused",
        "url_not_https",
        "accept publicly-reachable HTTPS URLs only.",
    ),
    (
        "eachlabs",
        "4 videos",
        [v(name=f"v{k}.mp4", seconds=3) for k in range(4)],
        "refused",
        "too_many_of_kind",
        "Up to 3 videos",
    ),
]


def _group(provider: str, problem: Problem) -> Evidenced:
    limits = capabilities.get(provider).limits
    if problem.kind is not None and problem.limit_name in type(limits.image).model_fields:
        return limits.for_kind(problem.kind)
    return limits


@pytest.mark.parametrize(
    ("provider", "case", "refs", "verdict", "code", "phrase"),
    ROWS,
    ids=[f"{r[0]}: {r[1]}" for r in ROWS],
)
def test_provider_limit_row(
    provider: str, case: str, refs: list[Reference], verdict: Verdict, code: str, phrase: str
) -> None:
    problems = validate(snapshot(provider, refs, "a scene"))
    if verdict == "accepted":
        assert problems == [], [p.message for p in problems]
        return
    found = [p for p in problems if p.code == code]
    assert found, [p.code for p in problems]
    problem = found[0]
    tiers = _group(provider, problem).tiers(problem.limit_name or "")
    assert any(t.phrase == phrase for t in tiers), f"{code} is not quoted from {phrase!r}"
    caps = capabilities.get(provider)
    cited = next(t for t in tiers if t.phrase == phrase)
    copy = caps.documents[cited.document].copy_name
    assert copy and re.sub(r"\s+", " ", phrase) in re.sub(
        r"\s+", " ", (DOCS / copy).read_text("utf-8")
    )
    if verdict == "refused":
        assert problem.severity == "error" and not is_submittable(problems)
        assert any(t.phrase == phrase and t.basis == "documented" for t in tiers)
    else:
        assert is_submittable(problems), [p.message for p in problems if p.is_error]
        assert problem.severity == "warning" and problem.basis in ("model", "inferred")
        assert "may be refused" in problem.message


def test_a_model_limit_says_whose_page_states_it() -> None:
    problem = next(
        p
        for p in validate(snapshot("shortapi", [v(width=1920, height=1080)]))
        if p.code == "too_many_pixels"
    )
    assert problem.message == (
        "Video1 is 1920×1080; ShortAPI's page states no such limit, but Seedance 2.0 itself "
        "accepts up to 834×1112 pixels (927,408 pixels in all) "
        f"(“{BOX}”, eachlabs: Bytedance | Seedance 2.0 | Reference to Video), "
        "so the job may be refused"
    )
    assert problem.hint == "conform it to 1110×624; Fix does it"
