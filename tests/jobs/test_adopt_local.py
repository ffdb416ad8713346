"""Files a provider wrote itself: moved out of the app's cache, copied from anywhere else."""

from __future__ import annotations

from pathlib import Path

import pytest

from seedance_studio.core import paths
from seedance_studio.core.errors import MediaError
from seedance_studio.jobs.download import adopt_local, part_path


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_a_render_in_the_cache_is_moved_not_duplicated(
    clip: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(paths.HOME_ENV, str(tmp_path / "home"))
    render = write(paths.cache_dir() / "animatic" / "abc.mp4", clip)
    final = tmp_path / "library" / "day" / "video.mp4"
    adopt_local(render, final)
    assert final.read_bytes() == clip
    assert not render.exists()
    assert not part_path(final).exists()


def test_a_file_outside_the_cache_is_copied_and_left_alone(clip: bytes, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    mine = write(tmp_path / "my-videos" / "take.mp4", clip)
    final = tmp_path / "library" / "video.mp4"
    adopt_local(mine, final, cache=cache)
    assert final.read_bytes() == clip
    assert mine.read_bytes() == clip


def test_a_broken_render_stays_where_it_was(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    broken = write(cache / "animatic" / "bad.mp4", b"not a video at all")
    final = tmp_path / "library" / "video.mp4"
    with pytest.raises(MediaError):
        adopt_local(broken, final, cache=cache)
    assert broken.exists() and not final.exists()


def test_a_move_cut_short_before_the_rename_is_finished(clip: bytes, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    final = tmp_path / "library" / "video.mp4"
    write(part_path(final), clip)  # the render was moved; the process died before the rename
    adopt_local(cache / "animatic" / "gone.mp4", final, cache=cache)
    assert final.read_bytes() == clip and not part_path(final).exists()
