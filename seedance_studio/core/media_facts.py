"""What the app knows about one media file, independent of where it lives."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class MediaKind(StrEnum):
    """The three kinds of reference a Seedance prompt can point at."""

    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"

    @property
    def label(self) -> str:
        """The capitalised word used in canonical tags: Image, Video, Audio."""
        return self.value.capitalize()


def quarter_turns(degrees: float | None) -> int:
    """A display rotation as 0, 90, 180 or 270 degrees counter-clockwise: the one rule the probe
    (what the facts say) and the conform (what it applies to the pixels) both use, so an 89.6°
    or -90° tag reads the same in both."""
    return round((degrees or 0) / 90) * 90 % 360


class MediaFacts(BaseModel):
    """Probed facts about a media file; every field a provider limit can test."""

    model_config = ConfigDict(frozen=True)

    format: str
    """Normalised file format: jpeg, png, webp, mp4, mov, mp3, wav, ... (lower case)."""
    size_bytes: int
    duration_s: float | None = None
    """Seconds of playback for video and audio; None for still images."""
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    has_audio: bool = False
    video_codec: str | None = None
    audio_codec: str | None = None
    rotation: int = 0
    """Degrees (counter-clockwise) a player turns the stored picture, as phones record it;
    `width` × `height` are already the displayed size."""

    @property
    def pixels(self) -> int | None:
        """Total pixels per frame, which is what providers' video ranges bound."""
        if self.width is None or self.height is None:
            return None
        return self.width * self.height
