"""Probing real files made with PyAV, including empty, truncated, corrupt and mislabelled ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from seedance_studio.core.errors import MediaError
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.core.media_formats import kind_of, sniff_format
from seedance_studio.core.probe import probe_file, reference_from_file
from tests.media_factory import copy_as, make_audio, make_image, make_video, truncate, write_text


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One small file of each kind, made once for the module."""
    d = tmp_path_factory.mktemp("media")
    return {
        "mp4": make_video(d / "clip.mp4", 160, 120, seconds=1.0, fps=24),
        "mp4_fast": make_video(d / "fast.mp4", 160, 120, seconds=1.0, fps=24, faststart=True),
        "mov": make_video(d / "clip.mov", 128, 96, seconds=1.0, fps=30, audio=False),
        "webm": make_video(d / "clip.webm", 96, 64, seconds=0.5, fps=25, codec="libvpx"),
        "png": make_image(d / "still.png", 64, 48),
        "jpeg": make_image(d / "still.jpg", 80, 60),
        "webp": make_image(d / "still.webp", 32, 32),
        "wav": make_audio(d / "tone.wav", 1.5),
        "mp3": make_audio(d / "tone.mp3", 2.0),
        "m4a": make_audio(d / "tone.m4a", 1.0),
    }


VIDEOS = [
    ("mp4", "mp4", 160, 120, 24.0, True, 1.0),
    ("mp4_fast", "mp4", 160, 120, 24.0, True, 1.0),
    ("mov", "mov", 128, 96, 30.0, False, 1.0),
    ("webm", "webm", 96, 64, 25.0, True, 0.5),
]


@pytest.mark.parametrize(("key", "fmt", "w", "h", "fps", "has_audio", "seconds"), VIDEOS)
def test_videos(
    media: dict[str, Path],
    key: str,
    fmt: str,
    w: int,
    h: int,
    fps: float,
    has_audio: bool,
    seconds: float,
) -> None:
    facts = probe_file(media[key])
    assert (facts.format, facts.width, facts.height, facts.fps) == (fmt, w, h, fps)
    assert facts.has_audio is has_audio
    assert facts.duration_s == pytest.approx(seconds, abs=0.05)
    assert facts.size_bytes == media[key].stat().st_size
    assert facts.video_codec in ("h264", "vp8")
    assert kind_of(facts) is MediaKind.VIDEO


@pytest.mark.parametrize(
    ("key", "fmt", "w", "h"),
    [("png", "png", 64, 48), ("jpeg", "jpeg", 80, 60), ("webp", "webp", 32, 32)],
)
def test_images(media: dict[str, Path], key: str, fmt: str, w: int, h: int) -> None:
    facts = probe_file(media[key])
    assert (facts.format, facts.width, facts.height) == (fmt, w, h)
    assert facts.duration_s is None and facts.fps is None and not facts.has_audio
    assert kind_of(facts) is MediaKind.IMAGE


@pytest.mark.parametrize(
    ("key", "fmt", "seconds"), [("wav", "wav", 1.5), ("mp3", "mp3", 2.0), ("m4a", "m4a", 1.0)]
)
def test_audio(media: dict[str, Path], key: str, fmt: str, seconds: float) -> None:
    facts = probe_file(media[key])
    assert facts.format == fmt and facts.has_audio
    assert facts.width is None and facts.fps is None
    assert facts.duration_s == pytest.approx(seconds, abs=0.06)
    assert kind_of(facts) is MediaKind.AUDIO


def test_mov_named_mp4_is_reported_as_mov(media: dict[str, Path], tmp_path: Path) -> None:
    """Same demuxer in PyAV; the ftyp brand tells them apart."""
    facts = probe_file(copy_as(media["mov"], tmp_path / "really-a-mov.mp4"))
    assert facts.format == "mov"
    assert probe_file(copy_as(media["mp4"], tmp_path / "really-an-mp4.mov")).format == "mp4"


def test_same_kind_other_format_keeps_the_real_format(
    media: dict[str, Path], tmp_path: Path
) -> None:
    assert probe_file(copy_as(media["webp"], tmp_path / "photo.png")).format == "webp"


def test_reference_from_file(media: dict[str, Path]) -> None:
    ref = reference_from_file(media["mp4"])
    assert ref.kind is MediaKind.VIDEO and ref.name == "clip.mp4"
    assert Path(ref.source).is_absolute() and ref.facts is not None
    assert reference_from_file(str(media["wav"])).kind is MediaKind.AUDIO
    assert reference_from_file(media["png"].as_uri()).kind is MediaKind.IMAGE


def test_kind_comes_from_content_when_the_name_says_nothing(
    media: dict[str, Path], tmp_path: Path
) -> None:
    ref = reference_from_file(copy_as(media["jpeg"], tmp_path / "download"))
    assert ref.kind is MediaKind.IMAGE and ref.facts is not None
    assert ref.facts.format == "jpeg"
    assert reference_from_file(copy_as(media["mp4"], tmp_path / "blob.bin")).kind is MediaKind.VIDEO


# -- broken files: a MediaError naming the file, never a traceback ------------------------------


def _broken(media: dict[str, Path], tmp: Path) -> list[tuple[str, Path, str]]:
    return [
        ("png named .mp4", copy_as(media["png"], tmp / "a.mp4"), "PNG image, not a video"),
        ("video named .jpg", copy_as(media["mp4"], tmp / "b.jpg"), "MP4 video, not an image"),
        ("audio named .mp4", copy_as(media["m4a"], tmp / "c.mp4"), "M4A audio, not a video"),
        ("wav named .png", copy_as(media["wav"], tmp / "d.png"), "WAV audio, not an image"),
        ("text named .jpg", write_text(tmp / "e.jpg"), "text file"),
        ("empty", write_text(tmp / "f.mp4", ""), "empty"),
        ("truncated mp4 (index at end)", truncate(media["mp4"], tmp / "g.mp4", 0.5), "truncated"),
        (
            "truncated mp4 (index first)",
            truncate(media["mp4_fast"], tmp / "h.mp4", 0.6),
            "truncated",
        ),
        ("truncated png", truncate(media["png"], tmp / "i.png", 0.5), "truncated"),
        ("truncated jpeg", truncate(media["jpeg"], tmp / "j.jpg", 0.5), "truncated"),
        ("truncated webp", truncate(media["webp"], tmp / "k.webp", 0.5), "truncated"),
        ("truncated wav", truncate(media["wav"], tmp / "l.wav", 0.5), "truncated"),
        ("truncated mp3", truncate(media["mp3"], tmp / "m.mp3", 0.4), "truncated"),
        ("truncated webm", truncate(media["webm"], tmp / "n.webm", 0.5), "truncated"),
        ("random bytes", _write(tmp / "o.mp4", bytes(range(256)) * 64), "not an image"),
        (
            "png header, garbage body",
            _write(tmp / "p.png", media["png"].read_bytes()[:16] + bytes(200) + b"IEND\xaeB`\x82"),
            "damaged",
        ),
        ("missing", tmp / "q.mp4", "does not exist"),
        ("folder", tmp, "folder"),
    ]


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_broken_files_raise_media_error_naming_the_file(
    media: dict[str, Path], tmp_path: Path
) -> None:
    for label, path, reason in _broken(media, tmp_path):
        with pytest.raises(MediaError) as info:
            probe_file(path)
        err = info.value
        assert err.path == str(path), label
        assert str(path) in str(err), label
        assert reason in err.reason, f"{label}: {err.reason}"
        assert "Traceback" not in str(err) and "avcodec" not in err.reason, label


def test_reference_from_file_refuses_a_mislabelled_file(
    media: dict[str, Path], tmp_path: Path
) -> None:
    with pytest.raises(MediaError, match="not a video"):
        reference_from_file(copy_as(media["png"], tmp_path / "clip.mp4"))


@pytest.mark.parametrize(
    ("head", "fmt"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "png"),
        (b"\xff\xd8\xff\xe0", "jpeg"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "wav"),
        (b"GIF89a", "gif"),
        (b"\x00\x00\x00\x18ftypisom", "mp4"),
        (b"\x00\x00\x00\x14ftypqt  ", "mov"),
        (b"\x00\x00\x00\x1cftypM4A ", "m4a"),
        (b"\x00\x00\x00\x08wide", "mov"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01webm", "webm"),
        (b"ID3\x04\x00", "mp3"),
        (b"\xff\xfb\x90\x00", "mp3"),
        (b"\xff\xf1\x50\x80", "aac"),
        (b"OggS\x00\x02", "ogg"),
        (b"fLaC\x00", "flac"),
        (b"hello world", None),
        (b"", None),
    ],
)
def test_sniff_format(head: bytes, fmt: str | None) -> None:
    assert sniff_format(head) == fmt


def test_jpeg_with_a_video_appended_is_not_truncated(
    media: dict[str, Path], tmp_path: Path
) -> None:
    """Phone "motion photos" carry an MP4 after the JPEG's end marker."""
    path = _write(tmp_path / "PXL_MP.jpg", media["jpeg"].read_bytes() + media["mp4"].read_bytes())
    facts = probe_file(path)
    assert (facts.format, facts.width, facts.height) == ("jpeg", 80, 60)


def test_png_with_trailing_bytes_is_not_truncated(media: dict[str, Path], tmp_path: Path) -> None:
    path = _write(tmp_path / "extra.png", media["png"].read_bytes() + bytes(1000))
    assert probe_file(path).format == "png"


def test_truncated_jpeg_with_a_thumbnail_end_marker_is_caught(
    media: dict[str, Path], tmp_path: Path
) -> None:
    """An EXIF thumbnail holds its own end marker; it must not pass for the image's end."""
    data = media["jpeg"].read_bytes()
    thumbnail = b"Exif\x00\x00" + b"\xff\xd8\xff\xd9" + bytes(600)
    app1 = b"\xff\xe1" + (len(thumbnail) + 2).to_bytes(2, "big") + thumbnail
    with_thumb = data[:2] + app1 + data[2:]
    assert probe_file(_write(tmp_path / "thumb.jpg", with_thumb)).format == "jpeg"
    cut = with_thumb[: len(app1) + (len(data) // 2)]
    with pytest.raises(MediaError, match="truncated"):
        probe_file(_write(tmp_path / "thumb-cut.jpg", cut))


@pytest.mark.parametrize(
    ("rotation", "size"), [(90, (96, 160)), (270, (96, 160)), (180, (160, 96))]
)
def test_phone_rotation_gives_the_displayed_size(
    tmp_path: Path, rotation: int, size: tuple[int, int]
) -> None:
    path = make_video(tmp_path / "portrait.mov", 160, 96, seconds=0.5, rotation=rotation)
    facts = probe_file(path)
    assert (facts.width, facts.height) == size
    assert facts.rotation == rotation


def test_unrotated_video_reports_no_rotation(media: dict[str, Path]) -> None:
    assert probe_file(media["mp4"]).rotation == 0


@pytest.mark.parametrize(
    ("degrees", "turns"),
    [
        (0, 0),
        (None, 0),
        (90, 90),
        (89.6, 90),
        (-90, 270),
        (180, 180),
        (270, 270),
        (-270, 90),
        (360, 0),
        (44, 0),
        (46, 90),
    ],
)
def test_one_rotation_rule_for_the_probe_and_the_conform(degrees: float | None, turns: int) -> None:
    import av

    from seedance_studio.core.media_facts import quarter_turns
    from seedance_studio.media.rotation import frame_rotation

    assert quarter_turns(degrees) == turns
    assert frame_rotation(av.VideoFrame(16, 16, "yuv420p")) == 0  # the same rule, unrotated
