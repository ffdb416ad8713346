"""A reference: one tray item, with a stable id that mentions bind to."""

from __future__ import annotations

import uuid
from pathlib import Path
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field

from seedance_studio.core.i18n import _
from seedance_studio.core.media_facts import MediaFacts, MediaKind

_IMAGE_EXT = {
    "jpg": "jpeg",
    "jpeg": "jpeg",
    "png": "png",
    "webp": "webp",
    "gif": "gif",
    "bmp": "bmp",
    "heic": "heic",
    "tif": "tiff",
    "tiff": "tiff",
}
_VIDEO_EXT = {"mp4": "mp4", "mov": "mov", "m4v": "mp4", "webm": "webm", "mkv": "mkv", "avi": "avi"}
_AUDIO_EXT = {
    "mp3": "mp3",
    "wav": "wav",
    "m4a": "m4a",
    "aac": "aac",
    "ogg": "ogg",
    "flac": "flac",
    "opus": "opus",
}


def known_extensions() -> tuple[str, ...]:
    """Every file extension a reference is recognised by, images first, then video, audio
    (the file dialog filters on these)."""
    return (*_IMAGE_EXT, *_VIDEO_EXT, *_AUDIO_EXT)


def new_reference_id() -> str:
    """A short random id; mentions hold it, so it must never be reused for another item."""
    return uuid.uuid4().hex[:12]


def guess_kind(name: str) -> MediaKind | None:
    """The kind a file name or URL path suggests by its extension, or None if it says nothing."""
    ext = Path(urlparse(name).path if "://" in name else name).suffix.lower().lstrip(".")
    if ext in _IMAGE_EXT:
        return MediaKind.IMAGE
    if ext in _VIDEO_EXT:
        return MediaKind.VIDEO
    if ext in _AUDIO_EXT:
        return MediaKind.AUDIO
    return None


def format_from_name(name: str) -> str | None:
    """The normalised format an extension names (jpg -> jpeg, m4v -> mp4), if known."""
    ext = Path(urlparse(name).path if "://" in name else name).suffix.lower().lstrip(".")
    return _IMAGE_EXT.get(ext) or _VIDEO_EXT.get(ext) or _AUDIO_EXT.get(ext)


def is_url(source: str) -> bool:
    """True for anything with a URL scheme other than file:// (which is a local path)."""
    scheme = urlparse(source).scheme.lower()
    return scheme not in ("", "file") and len(scheme) > 1


class Reference(BaseModel):
    """One reference image, video or audio clip in the tray."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(default_factory=new_reference_id)
    kind: MediaKind
    source: str
    """A local file path, or a URL (https for real providers)."""
    name: str = ""
    """What the user sees: the file name, kept when a conformed copy replaces the source."""
    facts: MediaFacts | None = None
    """Probed facts; None for URLs that were not probed."""
    original_source: str | None = None
    """The user's own file when `source` is a conformed copy made by the app."""

    @property
    def is_url(self) -> bool:
        return is_url(self.source)

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        if self.is_url:
            return Path(urlparse(self.source).path).name or self.source
        return Path(self.source).name

    @classmethod
    def from_source(
        cls,
        source: str,
        kind: MediaKind | None = None,
        facts: MediaFacts | None = None,
    ) -> Reference:
        """Build a reference from a path or URL; the kind comes from facts' caller or the name."""
        if source.startswith("file://"):
            source = urlparse(source).path
        resolved = kind or guess_kind(source)
        if resolved is None:
            from seedance_studio.core.errors import MediaError

            raise MediaError(source, _("cannot tell whether this is an image, a video or audio"))
        ref = cls(kind=resolved, source=source, facts=facts)
        return ref.model_copy(update={"name": ref.display_name})
