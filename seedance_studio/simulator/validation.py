"""Field checks shared by the provider pages; limits are data, not code."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from seedance_studio.simulator.http import ApiError

ASPECT_RATIOS = ("21:9", "16:9", "4:3", "1:1", "3:4", "9:16")


@dataclass(frozen=True)
class Limits:
    """Reference-media limits for one provider and model."""

    images: int = 9
    videos: int = 3
    audios: int = 3
    total: int = 12
    video_seconds_min: float = 2.0
    video_seconds_max: float = 15.0
    audio_seconds_max: float = 15.0
    image_suffixes: tuple[str, ...] = ()
    """File types the page lists for images (empty: the page lists none)."""
    video_max_pixels: int | None = None
    """Past the page's "~720p (834x1112)"; the simulator checks it where it knows the size."""


def require_str(obj: Mapping[str, object], name: str, label: str | None = None) -> str:
    value = obj.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ApiError(400, f"{label or name} is required")
    return value


def optional_str(obj: Mapping[str, object], name: str, label: str | None = None) -> str | None:
    value = obj.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ApiError(400, f"{label or name} must be a string")
    return value


def optional_enum(
    obj: Mapping[str, object], name: str, allowed: Iterable[str], message: str
) -> str | None:
    value = optional_str(obj, name)
    if value is not None and value not in tuple(allowed):
        raise ApiError(400, message)
    return value


def str_list(obj: Mapping[str, object], name: str, *, allow_single: bool = False) -> list[object]:
    """A list-of-URLs field; `allow_single` also takes one bare string (eachlabs)."""
    value = obj.get(name)
    if value is None:
        return []
    if allow_single and isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        raise ApiError(400, f"{name} must be an array of URLs")
    return value


def optional_bool(obj: Mapping[str, object], name: str) -> bool | None:
    value = obj.get(name)
    if value is not None and not isinstance(value, bool):
        raise ApiError(400, f"{name} must be a boolean")
    return value


def count_problem(images: int, videos: int, audios: int, limits: Limits) -> str | None:
    """Which documented count rule is broken, as a key the provider maps to its message."""
    if images + videos + audios > limits.total:
        return "total"
    if images > limits.images:
        return "images"
    if videos > limits.videos:
        return "videos"
    if audios > limits.audios:
        return "audios"
    if audios and not (images or videos):
        return "audio_alone"
    return None


def duration_problem(
    video_seconds: list[float | None], audio_seconds: list[float | None], limits: Limits
) -> str | None:
    """Duration rules, checked only where the simulator knows the real length."""
    known_video = [s for s in video_seconds if s is not None]
    if known_video and len(known_video) == len(video_seconds):
        total = sum(known_video)
        if total < limits.video_seconds_min - 0.05 or total > limits.video_seconds_max + 0.05:
            return "video_seconds"
    known_audio = [s for s in audio_seconds if s is not None]
    if sum(known_audio) > limits.audio_seconds_max + 0.05:
        return "audio_seconds"
    return None


def ratio_dims(aspect: str, short_side: int) -> tuple[int, int]:
    """Nominal pixel size for an aspect ratio at a resolution's short side."""
    w_part, h_part = (int(x) for x in aspect.split(":"))
    if w_part >= h_part:
        return _even(short_side * w_part / h_part), short_side
    return short_side, _even(short_side * h_part / w_part)


def _even(value: float) -> int:
    return max(2, round(value / 2.0) * 2)


def file_dims(width: int, height: int, short_side: int = 180) -> tuple[int, int]:
    """The small size actually encoded, keeping the requested shape."""
    scale = short_side / min(width, height)
    return _even(width * scale), _even(height * scale)


def media_problem(
    kind: str, suffix: str, width: int | None, height: int | None, limits: Limits
) -> str | None:
    """What a page says its API refuses about one fetched file (its type, its size)."""
    if (
        kind == "image"
        and limits.image_suffixes
        and suffix
        and (suffix not in limits.image_suffixes)
    ):
        return f"unsupported image format {suffix.upper()}: use JPEG, PNG or WebP"
    if (
        kind == "video"
        and limits.video_max_pixels is not None
        and width
        and height
        and width * height > limits.video_max_pixels
    ):
        return f"video resolution {width}x{height} is above ~720p (834x1112)"
    return None
