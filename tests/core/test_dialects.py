"""Every provider dialect, table-driven, from one canonical prompt."""

from __future__ import annotations

import pytest

from seedance_studio.core import capabilities
from seedance_studio.core.dialects import Dialect, compile_prompt, tag_in_dialect
from seedance_studio.core.errors import CompositionError
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.core.prompt import PromptDocument
from seedance_studio.core.tags import Tag
from seedance_studio.core.tray import ReferenceTray
from tests.core.builders import audio, image, snapshot, video

CANONICAL = "@Image1 dances like @Video1 beside @Image2, then @Video2"

COMPILED = [
    (Dialect.CANONICAL, "@Image1 dances like @Video1 beside @Image2, then @Video2"),
    (Dialect.SPACED, "@Image 1 dances like @Video 1 beside @Image 2, then @Video 2"),
    (Dialect.LOWER, "@image1 dances like @video1 beside @image2, then @video2"),
    (Dialect.BRACKET, "[Image 1] dances like [Video 1] beside [Image 2], then [Video 2]"),
    # images first, then videos: 2 images + 2 videos -> @1 @2 images, @3 @4 videos
    (Dialect.POSITIONAL, "@1 dances like @3 beside @2, then @4"),
]


def mixed_tray() -> ReferenceTray:
    """Tray order interleaves kinds; the positional dialect still numbers images first."""
    return ReferenceTray([video("v1.mp4"), image("i1.png"), video("v2.mp4"), image("i2.png")])


@pytest.mark.parametrize(("dialect", "expected"), COMPILED, ids=[d.value for d, _ in COMPILED])
def test_compile_each_dialect(dialect: Dialect, expected: str) -> None:
    tray = mixed_tray()
    doc = PromptDocument(CANONICAL, tray)
    assert len(doc.live_mentions()) == 4
    assert compile_prompt(doc, tray, dialect) == expected


@pytest.mark.parametrize(
    ("provider", "expected"),
    [
        ("shortapi", "@Image 1 with @Audio 1 in @Video 1"),
        ("kinovi", "@image1 with @audio1 in @video1"),
        ("oxen", "@Image1 with @Audio1 in @Video1"),
        ("eachlabs", "@Image1 with @Audio1 in @Video1"),
    ],
)
def test_each_provider_compiles_in_its_dialect(provider: str, expected: str) -> None:
    snap = snapshot(provider, [video(), image(), audio()], "@Image1 with @Audio1 in @Video1")
    assert snap.compiled_prompt() == expected
    assert snap.canonical_prompt() == "@Image1 with @Audio1 in @Video1"


def test_legacy_kinovi_is_positional() -> None:
    snap = snapshot(
        "kinovi-legacy",
        [video(), image("a.png"), image("b.png")],
        "@Image2 then @Video1 then @Image1",
    )
    assert capabilities.get("kinovi-legacy").dialect is Dialect.POSITIONAL
    assert snap.compiled_prompt() == "@2 then @3 then @1"


@pytest.mark.parametrize(
    ("tag", "dialect", "text"),
    [
        (Tag(MediaKind.AUDIO, 3), Dialect.CANONICAL, "@Audio3"),
        (Tag(MediaKind.AUDIO, 3), Dialect.SPACED, "@Audio 3"),
        (Tag(MediaKind.AUDIO, 3), Dialect.LOWER, "@audio3"),
        (Tag(MediaKind.AUDIO, 3), Dialect.BRACKET, "[Audio 3]"),
        (Tag(MediaKind.VIDEO, 1), Dialect.POSITIONAL, "@10"),
        (Tag(MediaKind.IMAGE, 9), Dialect.POSITIONAL, "@9"),
    ],
)
def test_single_tags(tag: Tag, dialect: Dialect, text: str) -> None:
    counts = {MediaKind.IMAGE: 9, MediaKind.VIDEO: 3, MediaKind.AUDIO: 3}
    assert tag_in_dialect(tag, dialect, counts) == text


def test_positional_cannot_write_audio() -> None:
    tray = ReferenceTray([image(), audio()])
    doc = PromptDocument("@Image1 and @Audio1", tray)
    with pytest.raises(CompositionError, match="Audio1"):
        compile_prompt(doc, tray, Dialect.POSITIONAL)


def test_dangling_mentions_refuse_to_compile() -> None:
    tray = ReferenceTray([image("a.png"), image("b.png")])
    doc = PromptDocument("@Image1 and @Image2", tray)
    tray.remove(tray.items[0].id)
    doc.sync(tray)
    with pytest.raises(CompositionError, match="Image1"):
        compile_prompt(doc, tray, Dialect.CANONICAL)


def test_unbound_text_passes_through_unchanged() -> None:
    tray = ReferenceTray([image()])
    doc = PromptDocument("@Image1 and an email a@b.c and @Image7", tray)
    assert compile_prompt(doc, tray, Dialect.SPACED) == "@Image 1 and an email a@b.c and @Image7"


def test_the_prompt_is_sent_normalised() -> None:
    """Trimmed, one space between words, none before punctuation, line breaks kept: what the
    provider gets and the sidecar records (`compiled_prompt`)."""
    from seedance_studio.core.dialects import normalise_prompt
    from tests.core.builders import image as image_ref
    from tests.core.builders import snapshot as snap

    shot = snap("shortapi", [image_ref()], "  @Image1   walks , then  stops .\n  Slowly !  ")
    assert shot.compiled_prompt() == "@Image 1 walks, then stops.\nSlowly!"
    assert normalise_prompt("a  b") == "a b" and normalise_prompt("fine.") == "fine."
