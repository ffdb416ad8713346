"""The reference library: one item per content, every place it was seen, where it was used,
what the uploader holds, and missing files shown as missing."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from seedance_studio.core.media_facts import MediaFacts, MediaKind
from seedance_studio.core.reference import Reference
from seedance_studio.projects.library import ReferenceLibrary
from seedance_studio.providers.assets.cache import UploadCache


def _file(path: Path, data: bytes) -> Reference:
    path.write_bytes(data)
    facts = MediaFacts(format="png", size_bytes=len(data), width=8, height=8)
    return Reference(kind=MediaKind.IMAGE, source=str(path), name=path.name, facts=facts)


def test_a_copy_is_the_same_item_seen_in_two_places(tmp_path: Path) -> None:
    lib = ReferenceLibrary(tmp_path / "lib.sqlite3")
    a = _file(tmp_path / "face.png", b"same pixels")
    b = _file(tmp_path / "face-copy.png", b"same pixels")
    keys = lib.record([a], project="/p/one.seedance")
    lib.record([b], job_ids=[7, 8])
    assert len(lib) == 1
    item = lib.item(keys[0])
    assert item is not None
    assert item.sha256 == hashlib.sha256(b"same pixels").hexdigest()
    assert {p.path for p in item.places} == {
        str(tmp_path / "face.png"),
        str(tmp_path / "face-copy.png"),
    }
    assert item.projects == ("/p/one.seedance",)
    assert item.jobs == (7, 8)


def test_search_matches_names_places_and_projects(tmp_path: Path) -> None:
    lib = ReferenceLibrary(tmp_path / "lib.sqlite3")
    lib.record([_file(tmp_path / "heroine.png", b"1")], project="/work/opening.seedance")
    lib.record([_file(tmp_path / "street.png", b"2")])
    lib.record(
        [
            Reference(
                kind=MediaKind.AUDIO, source="https://cdn.example.com/beat.mp3", name="beat.mp3"
            )
        ]
    )
    assert [i.name for i in lib.search("hero")] == ["heroine.png"]
    assert [i.name for i in lib.search("opening")] == ["heroine.png"]
    assert {i.name for i in lib.search("")} == {"heroine.png", "street.png", "beat.mp3"}
    assert [i.name for i in lib.search("", kind=MediaKind.AUDIO)] == ["beat.mp3"]
    link = lib.search("beat")[0]
    assert link.is_url and link.source == "https://cdn.example.com/beat.mp3"


def test_a_moved_file_is_shown_missing_until_seen_again(tmp_path: Path) -> None:
    lib = ReferenceLibrary(tmp_path / "lib.sqlite3")
    ref = _file(tmp_path / "clip.png", b"moving")
    key = lib.record([ref])[0]
    moved = tmp_path / "elsewhere.png"
    shutil.move(ref.source, moved)
    item = lib.item(key)
    assert item is not None and item.missing and item.source is None
    assert [p.exists for p in item.places] == [False]  # kept, not dropped
    lib.record([ref.model_copy(update={"source": str(moved)})])
    again = lib.item(key)
    assert again is not None and again.source == str(moved)


def test_the_upload_cache_says_which_host_holds_a_copy_until_when(tmp_path: Path) -> None:
    now = [1000.0]
    cache = UploadCache(tmp_path / "uploads.json", clock=lambda: now[0])
    lib = ReferenceLibrary(tmp_path / "lib.sqlite3", uploads=cache)
    ref = _file(tmp_path / "a.png", b"hosted")
    key = lib.record([ref])[0]
    cache.put("s3@http://127.0.0.1/b", key, "https://bucket/a.png", lifetime_s=7200, size=6)
    cache.put("eachlabs@http://127.0.0.1", key, "https://storage/a.png", lifetime_s=None, size=6)
    item = lib.item(key)
    assert item is not None
    hosted = lib.hosted(item)
    assert [(h.host, h.expires_at) for h in hosted] == [
        ("eachlabs@http://127.0.0.1", None),
        ("s3@http://127.0.0.1/b", 8200.0),
    ]
    now[0] = 8000.0  # too close to its expiry to hand to a provider
    assert [h.host for h in lib.hosted(item)] == ["eachlabs@http://127.0.0.1"]
