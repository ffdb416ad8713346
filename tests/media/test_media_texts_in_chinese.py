"""Why a media file is refused reaches the Chinese window in Chinese (the path and FFmpeg's
own words stay as they are)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from seedance_studio.core import i18n
from seedance_studio.core.errors import MediaError
from seedance_studio.media.encode_image import load_picture
from seedance_studio.media.thumbnails import audio_peaks


@pytest.fixture
def chinese() -> Iterator[None]:
    i18n.set_language("zh_CN")
    yield
    i18n.set_language("en")


def test_a_file_that_is_no_picture_or_sound_is_refused_in_chinese(
    tmp_path: Path, chinese: None
) -> None:
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"not a picture at all" * 10)
    with pytest.raises(MediaError) as picture:
        load_picture(junk)
    assert picture.value.reason.startswith("图片无法解码（"), picture.value.reason
    with pytest.raises(MediaError) as sound:
        audio_peaks(junk, 10)
    assert sound.value.reason == "没有可显示的音频", sound.value.reason
    assert str(sound.value).startswith(str(junk) + ": ")


def test_an_unknown_timeline_format_is_refused_in_chinese(tmp_path: Path, chinese: None) -> None:
    import opentimelineio as otio

    from seedance_studio.media.timeline import TimelineExportError, write_timeline

    with pytest.raises(TimelineExportError) as caught:
        write_timeline(otio.schema.Timeline(name="cut"), tmp_path / "cut.xyz")
    assert str(caught.value).startswith("cut.xyz：未知的时间线格式（请使用 "), str(caught.value)
