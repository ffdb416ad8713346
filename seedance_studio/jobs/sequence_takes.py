"""A sequence's takes as files on disk: what plays, what chains, what is handed to an editor.

The sequence itself only names job ids; this module asks the job store where each take's
video is, extracts last frames for chaining (cached beside the other caches, made once per
take) and gathers each take's provenance from its sidecar for the timeline's clip metadata.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path

from seedance_studio.core import paths
from seedance_studio.core.errors import MediaError
from seedance_studio.core.i18n import _
from seedance_studio.core.redact import redact
from seedance_studio.core.sequence import PlayItem, Sequence, playlist
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobRecord, JobStore
from seedance_studio.media.flatten import Flattened, flatten, take_duration
from seedance_studio.media.last_frame import extract_last_frame
from seedance_studio.media.progress import ProgressCallback
from seedance_studio.media.timeline import (
    JSONValue,
    TimelineClip,
    build_timeline,
    write_timeline,
)


class SequenceTakes:
    """Resolves a sequence's job ids against one job store."""

    def __init__(self, store: JobStore, cache: Path | None = None) -> None:
        self._store = store
        self._cache = cache

    def record(self, job_id: int) -> JobRecord | None:
        return self._store.find(job_id)

    def path_of(self, job_id: int) -> Path | None:
        """The downloaded video of a finished job, if it is still on disk."""
        job = self._store.find(job_id)
        if job is None or job.state is not JobState.DONE or not job.result_path:
            return None
        path = Path(job.result_path)
        return path if path.is_file() else None

    def last_frame(self, job_id: int) -> Path | None:
        """The take's last frame as PNG (extracted on first use, then cached); None while the
        take has no file. Runs PyAV: call it off the UI thread."""
        video = self.path_of(job_id)
        if video is None:
            return None
        target = (self._cache or paths.cache_dir() / "last-frames") / f"job-{job_id}.png"
        if target.is_file() and target.stat().st_mtime >= video.stat().st_mtime:
            return target
        try:
            return extract_last_frame(video, target)
        except MediaError:
            return None

    def playlist(self, seq: Sequence) -> list[PlayItem]:
        return playlist(seq, self.path_of)


@dataclass(frozen=True)
class ExportResult:
    timeline: Path | None
    movie: Flattened | None
    clips: int
    missing: tuple[str, ...]
    """Shots left out because they have neither a picked take nor an animatic on disk."""


def provenance_of(job: JobRecord) -> dict[str, JSONValue]:
    """What the take's sidecar says about how it was made (else the job record's essentials),
    redacted again on the way out as a second line of defence."""
    data: dict[str, JSONValue] = {}
    if job.sidecar_path:
        try:
            loaded = json.loads(Path(job.sidecar_path).read_text("utf-8"))
            if isinstance(loaded, dict):
                data = loaded
        except (OSError, ValueError):
            data = {}
    if not data:
        data = {
            "prompt_canonical": job.prompt_text,
            "provider": job.provider,
            "model": job.model,
            "parameters": json.loads(json.dumps(job.params)),
            "job": {"id": job.id, "provider_job_id": job.provider_job_id},
            "estimated_usd": None if job.estimated_usd is None else str(job.estimated_usd),
            "actual_usd": None if job.actual_usd is None else str(job.actual_usd),
        }
    clean = json.loads(redact(json.dumps(data, ensure_ascii=False)))
    return clean if isinstance(clean, dict) else {}


def export_sequence(
    takes: SequenceTakes,
    seq: Sequence,
    *,
    name: str,
    timeline: Path | None = None,
    movie: Path | None = None,
    progress: ProgressCallback | None = None,
    cancel_event: threading.Event | None = None,
) -> ExportResult:
    """Write the sequence's timeline (OTIO, FCP XML or EDL by extension) and/or one flattened
    MP4 of its picked takes, animatics standing in where no take is picked."""
    items = takes.playlist(seq)
    played = {i.shot_id for i in items}
    missing = tuple(s.label(n) for n, s in enumerate(seq.shots) if s.id not in played)
    if not items:
        raise MediaError(name, _("no shot has a picked take or an animatic on disk to export"))
    clips = []
    for item in items:
        job = takes.record(item.job_id)
        meta = provenance_of(job) if job is not None else {}
        meta = {**meta, "shot": item.label, "animatic": item.is_animatic}
        clips.append(
            TimelineClip(item.label, item.path, take_duration(item.path), _rate(item.path), meta)
        )
    sound = None
    if seq.soundtrack:
        sound_path = Path(seq.soundtrack)
        sound = TimelineClip("Soundtrack", sound_path, sum(c.duration_s for c in clips))
    written = None
    if timeline is not None:
        written = write_timeline(build_timeline(name, clips, sound), timeline)
    flat = None
    if movie is not None:
        flat = flatten(
            [i.path for i in items],
            movie,
            sound=Path(seq.soundtrack) if seq.soundtrack else None,
            progress=progress,
            cancel_event=cancel_event,
        )
    return ExportResult(written, flat, len(clips), missing)


def _rate(path: Path) -> float:
    import av  # the probe is the only PyAV use here; keep the import with it

    with av.open(str(path)) as src:
        stream = src.streams.video[0]
        rate = stream.average_rate or stream.guessed_rate
    return float(rate) if rate else 24.0
