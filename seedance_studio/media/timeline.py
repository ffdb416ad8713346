"""A sequence as an editable timeline for an editor (Resolve, Premiere, Final Cut, Kdenlive).

Built with OpenTimelineIO: each picked take is a clip whose media reference points at the
downloaded file and whose metadata carries how it was made (prompt, provider, ids, cost), so
the provenance travels into the edit. The file's extension picks the adapter: `.otio`
(native), `.xml` (Final Cut Pro 7 XML, read by Premiere and Resolve) or `.edl` (CMX 3600).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import opentimelineio as otio

from seedance_studio.core.errors import SeedanceError
from seedance_studio.core.i18n import _

JSONValue = str | int | float | bool | None | list["JSONValue"] | dict[str, "JSONValue"]
METADATA_KEY = "seedance_studio"
"""The namespace of our metadata in each clip, as OTIO's docs ask of every application."""

ADAPTERS = {".otio": "otio_json", ".xml": "fcp_xml", ".edl": "cmx_3600"}


class TimelineExportError(SeedanceError):
    """The timeline cannot be written in the asked format."""


@dataclass(frozen=True)
class TimelineClip:
    """One take on the timeline."""

    name: str
    path: Path
    duration_s: float
    rate: float = 24.0
    metadata: Mapping[str, JSONValue] = field(default_factory=dict)


def build_timeline(
    name: str, clips: Sequence[TimelineClip], soundtrack: TimelineClip | None = None
) -> otio.schema.Timeline:
    """A timeline with one video track of `clips` end to end, and the soundtrack (if any) on
    an audio track from the start."""
    timeline = otio.schema.Timeline(name=name)
    video = otio.schema.Track(name="Shots", kind=otio.schema.TrackKind.Video)
    for clip in clips:
        video.append(_clip(clip))
    timeline.tracks.append(video)
    if soundtrack is not None:
        audio = otio.schema.Track(name="Soundtrack", kind=otio.schema.TrackKind.Audio)
        audio.append(_clip(soundtrack))
        timeline.tracks.append(audio)
    return timeline


def write_timeline(timeline: otio.schema.Timeline, dest: Path) -> Path:
    """Write `timeline` to `dest` in the format its extension names."""
    adapter = ADAPTERS.get(dest.suffix.lower())
    if adapter is None:
        known = ", ".join(ADAPTERS)
        raise TimelineExportError(
            _("{name}: unknown timeline format (use {known})").format(name=dest.name, known=known)
        )
    available = {a.name for a in otio.plugins.ActiveManifest().adapters}
    if adapter not in available:
        raise TimelineExportError(
            _("{name}: the {adapter} adapter is not installed ({command})").format(
                name=dest.name,
                adapter=adapter,
                command=f"pip install otio-{adapter.replace('_', '-')}-adapter",
            )
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.part")
    try:
        otio.adapters.write_to_file(timeline, str(tmp), adapter_name=adapter)
        tmp.replace(dest)
    except Exception as exc:  # an adapter's own error types are not part of OTIO's API
        tmp.unlink(missing_ok=True)
        raise TimelineExportError(
            _("{name}: cannot write the timeline ({error})").format(name=dest.name, error=exc)
        ) from exc
    return dest


def _clip(clip: TimelineClip) -> otio.schema.Clip:
    rate = clip.rate or 24.0
    frames = max(1, round(clip.duration_s * rate))
    available = otio.opentime.TimeRange(
        start_time=otio.opentime.RationalTime(0, rate),
        duration=otio.opentime.RationalTime(frames, rate),
    )
    media = otio.schema.ExternalReference(
        target_url=clip.path.resolve().as_uri(), available_range=available
    )
    result = otio.schema.Clip(name=clip.name, media_reference=media, source_range=available)
    result.metadata[METADATA_KEY] = dict(clip.metadata)
    return result
