"""The provenance sidecar beside a downloaded video: how it was made, in `<video>.json`.

Apart from the download itself (jobs/download.py) because it reads the job, its snapshot and
the provider's capabilities, while the download only moves bytes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from seedance_studio.core import capabilities
from seedance_studio.core.params import with_defaults
from seedance_studio.core.provider import ResultMedia
from seedance_studio.core.reference import Reference
from seedance_studio.jobs.download import result_target, sha256_file
from seedance_studio.jobs.store import JobRecord, dumps


def _iso(ts: float | None) -> str | None:
    return datetime.fromtimestamp(ts, UTC).isoformat() if ts is not None else None


def reference_entries(job: JobRecord) -> list[dict[str, Any]]:
    """Names, tags, sources, hosted URLs and content hashes of the job's references."""
    snapshot = job.snapshot()
    tags = snapshot.tray().tags()
    entries: list[dict[str, Any]] = []
    for ref in snapshot.references:
        entries.append(
            {
                "tag": tags[ref.id].mention if ref.id in tags else None,
                "kind": ref.kind.value,
                "name": ref.display_name,
                "source": ref.source,
                "original_source": ref.original_source,
                "url": job.ref_urls.get(ref.id) or (ref.source if ref.is_url else None),
                "sha256": _local_hash(ref),
            }
        )
    return entries


def _local_hash(ref: Reference) -> str | None:
    if ref.is_url:
        return None
    with contextlib.suppress(OSError):
        return sha256_file(Path(ref.source))
    return None


def provenance(
    job: JobRecord, video: Path, media: ResultMedia, *, sha256: str | None = None
) -> dict[str, Any]:
    """The sidecar's content: everything needed to know how this video was made (no keys).

    `sha256` is the digest `fetch` computed while the bytes streamed; without it (a local
    result, a file finished before a crash) the file is read to hash it.
    """
    snapshot = job.snapshot()
    try:
        sent = snapshot.compiled_prompt()
    except Exception:  # a snapshot that compiled at submit time; never fail the sidecar
        sent = job.prompt_text
    return {
        "format": 1,
        "file": video.name,
        "sha256": sha256 or sha256_file(video),
        "size_bytes": video.stat().st_size,
        "prompt_sent": sent,
        "prompt_canonical": snapshot.canonical_prompt(),
        "references": reference_entries(job),
        "provider": job.provider,
        "model": _model_id(job),
        "parameters": job.params,
        "parameters_applied": _applied(job),
        "seed": job.params.get("seed"),
        "estimate": job.estimate,
        "estimated_usd": job.estimated_usd,
        "actual_cost": job.actual_cost,
        "actual_usd": job.actual_usd,
        "job": {
            "id": job.id,
            "provider_job_id": job.provider_job_id,
            "group_id": job.group_id,
            "variant": job.variant,
            "batch": job.batch,
            "retry_of": job.retry_of,
        },
        "result_url": media.url,
        "last_frame": _last_frame(job, video),
        "timestamps": {
            "created": _iso(job.created_at),
            "submitted": _iso(job.submitted_at),
            "succeeded": _iso(job.succeeded_at),
            "downloaded": datetime.now(UTC).isoformat(),
        },
    }


def _last_frame(job: JobRecord, video: Path) -> str | None:
    """The file name of the last-frame still kept beside `video`, if one was."""
    for index, media in enumerate(job.results):
        if media.kind == "last_frame":
            still = result_target(video, index, media)
            if still.exists():
                return still.name
    return None


def _model_id(job: JobRecord) -> str | None:
    """The model that made the video: the user's pick, else the provider's default (the one
    the request named or the provider fell back to), never a bare null."""
    try:
        return capabilities.get(job.provider).model(job.model).id
    except KeyError:
        return job.model


def _applied(job: JobRecord) -> dict[str, object] | None:
    """`parameters` with every unset option filled with the provider's documented default:
    what the video was made with, as far as the documents say."""
    try:
        snapshot = job.snapshot()
        return with_defaults(snapshot.params, capabilities.get(job.provider)).model_dump(
            mode="json"
        )
    except (KeyError, ValueError):
        return None


def write_sidecar(video: Path, data: Mapping[str, object]) -> Path:
    """`<video>.json`, written to a temp name then renamed (never half a sidecar)."""
    sidecar = video.with_suffix(".json")
    tmp = sidecar.with_name(sidecar.name + ".tmp")
    tmp.write_text(dumps(data), "utf-8")
    tmp.replace(sidecar)
    return sidecar
