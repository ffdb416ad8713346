"""Tray numbering per kind, and the events the UI listens to."""

from __future__ import annotations

import pytest

from seedance_studio.core.media_facts import MediaKind
from seedance_studio.core.tags import Tag
from seedance_studio.core.tray import ReferenceTray, number_tags
from tests.core.builders import audio, image, video


def test_number_tags_per_kind_in_order() -> None:
    refs = [video("v1.mp4"), image("i1.png"), audio(), image("i2.png"), video("v2.mp4")]
    tags = number_tags(refs)
    assert [tags[r.id].canonical for r in refs] == [
        "Video1",
        "Image1",
        "Audio1",
        "Image2",
        "Video2",
    ]


def test_remove_and_move_renumber() -> None:
    a, b, c = image("a.png"), image("b.png"), image("c.png")
    tray = ReferenceTray([a, b, c])
    tray.remove(a.id)
    assert tray.tag_of(b.id) == Tag(MediaKind.IMAGE, 1)
    tray.move(c.id, 0)
    assert [tray.tags()[r.id].number for r in (c, b)] == [1, 2]
    assert tray.find(Tag(MediaKind.IMAGE, 1)) == c
    assert tray.find(Tag(MediaKind.IMAGE, 3)) is None
    assert tray.tag_of(a.id) is None


def test_events() -> None:
    a, b = image("a.png"), video()
    tray = ReferenceTray()
    changed: list[int] = []
    removed: list[str] = []
    tray.changed.connect(lambda: changed.append(1))
    tray.removed.connect(removed.append)
    tray.add(a)
    tray.add(b, index=0)
    tray.move(a.id, 0)
    tray.move(a.id, 0)  # no-op: no event
    tray.remove(b.id)
    tray.extend([])
    tray.clear()
    assert len(changed) == 5
    assert removed == [b.id, a.id]


def test_add_at_index_clamps_and_refuses_duplicates() -> None:
    a, b = image("a.png"), image("b.png")
    tray = ReferenceTray([a])
    tray.add(b, index=99)
    assert tray.items == (a, b)
    with pytest.raises(ValueError):
        tray.add(a)
    with pytest.raises(ValueError):
        ReferenceTray([a, a])


def test_replace_must_keep_the_kind() -> None:
    a = image()
    tray = ReferenceTray([a])
    with pytest.raises(ValueError):
        tray.replace(a.id, video())
    kept = tray.replace(a.id, image("new.png"))
    assert kept.id == a.id and tray.get(a.id).name == "new.png"


def test_lookups() -> None:
    a, v = image(), video()
    tray = ReferenceTray([a, v])
    assert len(tray) == 2 and a.id in tray and "x" not in tray
    assert tray.of_kind(MediaKind.VIDEO) == [v]
    assert tray.index_of(v.id) == 1
    with pytest.raises(KeyError):
        tray.get("missing")
