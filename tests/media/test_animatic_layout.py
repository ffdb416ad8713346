"""Where the animatic's text lands: the draft label, the shot's tag and the caption never
overprint each other and stay inside the frame, at every aspect ratio and resolution."""

from __future__ import annotations

import itertools
from pathlib import Path

import av
import pytest

from seedance_studio.core import capabilities
from seedance_studio.media import captions
from seedance_studio.media.animatic import (
    DRAFT_HEAD,
    DRAFT_LABEL,
    DRAFT_TAIL,
    label_lines,
    overlay_boxes,
    render_animatic,
    spec_from_snapshot,
)
from seedance_studio.media.font import normalise
from seedance_studio.media.layout import frame_size
from tests.media.conftest import ref, snapshot_of
from tests.media_factory import make_image

ANIMATIC = capabilities.get("animatic")
ASPECTS = ["16:9", "9:16", "1:1", "4:3", "3:4", "21:9"]
RESOLUTIONS = ["480p", "720p"]
LONG_PROMPT = (
    "@Image1 walks through the rain-soaked neon street of @Video1 at night, the "
    "camera slowly pushing in; cuts land on the beat of @Audio1 " * 3
)


@pytest.mark.parametrize(("resolution", "aspect"), list(itertools.product(RESOLUTIONS, ASPECTS)))
@pytest.mark.parametrize("tag", ["@Image1", "@Video12", ""])
def test_label_tag_and_caption_never_overlap(resolution: str, aspect: str, tag: str) -> None:
    width, height = frame_size(resolution, aspect)
    boxes = overlay_boxes(width, height, tag, LONG_PROMPT)
    for box in boxes:
        assert box.inside(width, height), (box, width, height)
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), (a, b, width, height)
    texts = [box.text for box in boxes]
    label = " ".join(texts)
    assert normalise(DRAFT_HEAD) in label and normalise(DRAFT_TAIL) in label
    if tag:
        assert normalise(tag) in texts  # the whole tag, as a run of its own


@pytest.mark.parametrize("width", [300, 360, 420])
def test_narrow_frames_split_the_label_instead_of_overprinting(width: int) -> None:
    scale = 2
    assert not captions.fits_on_line(DRAFT_LABEL, "@Video1", width, scale)
    lines = label_lines("@Video1", width, scale)
    assert lines[0][0] == DRAFT_HEAD
    boxes = captions.line_boxes(lines, top=0, width=width, scale=scale)
    head = next(b for b in boxes if b.text == normalise(DRAFT_HEAD))
    tag = next(b for b in boxes if b.text == "@Video1")
    assert tag.x > head.x + head.width or tag.y > head.y  # right of it, or on a line below
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b)


def test_wide_frames_keep_label_and_tag_on_one_line() -> None:
    width, height = frame_size("720p", "16:9")
    boxes = overlay_boxes(width, height, "@Video1", "")
    assert len(boxes) == 2 and boxes[0].y == boxes[1].y
    assert boxes[0].text.endswith(normalise(DRAFT_TAIL))


def test_portrait_render_draws_text_only_inside_the_layout_boxes(tmp_path: Path) -> None:
    """In a real 9:16 frame the top band's bright pixels all fall inside the laid-out boxes,
    and every box (label halves and tag) carries letters."""
    refs = [ref(make_image(tmp_path / "a.png", 90, 160))]
    snap = snapshot_of(refs, "animatic", "", duration=4, resolution="480p", aspect_ratio="9:16")
    spec = spec_from_snapshot(snap, ANIMATIC)
    tag = next(iter(spec.tags.values()))
    out = render_animatic(spec, tmp_path / "tall.mp4")
    with av.open(str(out)) as container:
        frame = next(f for i, f in enumerate(container.decode(video=0)) if i == 5)
    gray = frame.reformat(format="gray")
    data, stride = bytes(gray.planes[0]), gray.planes[0].line_size
    width, height = frame.width, frame.height
    scale = captions.font_scale(height, width)
    boxes = [b for b in overlay_boxes(width, height, tag, "") if b.y < height // 2]

    # The tag's pixels are the tag's glyphs alone: nothing else is printed over them.
    tag_box = next(b for b in boxes if b.text == normalise(tag))
    alone = captions.text_band(
        [("", tag)], top=0, width=width, luma_stride=width, chroma_stride=width // 2, scale=scale
    )
    (ref_box,) = captions.line_boxes([("", tag)], top=0, width=width, scale=scale)
    assert (ref_box.x, ref_box.width) == (tag_box.x, tag_box.width)
    differ = sum(
        (data[(tag_box.y + dy) * stride + tag_box.x + dx] > 128)
        != (alone.luma[(ref_box.y + dy) * width + ref_box.x + dx] > 128)
        for dy in range(tag_box.height)
        for dx in range(tag_box.width)
    )
    assert differ < tag_box.width * tag_box.height * 0.05
    assert normalise(tag) in {b.text for b in boxes}
    assert any(b.text.startswith(normalise(DRAFT_HEAD)) for b in boxes)
    band_rows = max(b.y + b.height for b in boxes) + 2 * scale

    def near_a_box(x: int, y: int) -> bool:
        return any(
            b.x - scale <= x < b.x + b.width + scale and b.y - scale <= y < b.y + b.height + scale
            for b in boxes
        )

    stray = [
        (x, y)
        for y in range(band_rows)
        for x in range(width)
        if data[y * stride + x] > 150 and not near_a_box(x, y)
    ]
    assert stray == []
    for box in boxes:
        lit = sum(
            data[y * stride + x] > 150
            for y in range(box.y, box.y + box.height)
            for x in range(box.x, box.x + box.width)
        )
        assert lit > len(box.text) * scale * scale * 4, box
