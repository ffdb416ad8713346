"""Carry out a conform plan: write a conformed copy into the cache and return the reference
that points at it (same id and name, `original_source` set, facts probed from the copy).

`conform` is synchronous and meant for a worker thread; `conform_async` runs it on one.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from seedance_studio.core.errors import MediaError
from seedance_studio.core.i18n import _
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.core.probe import probe_file
from seedance_studio.core.reference import Reference
from seedance_studio.media.cache import cached_path, content_hash
from seedance_studio.media.encode_audio import encode_audio, mp3_bitrate_for
from seedance_studio.media.encode_image import (
    SHRINK_STEP,
    encode_picture,
    load_picture,
    quality_steps,
)
from seedance_studio.media.encode_video import encode_video, video_bitrate_for
from seedance_studio.media.plan import ConformPlan
from seedance_studio.media.progress import ProgressCallback, Work, atomic_output

EXTENSIONS = {"jpeg": "jpg", "png": "png", "webp": "webp", "mp4": "mp4", "mp3": "mp3", "wav": "wav"}
SIZE_RETRIES = 3
"""Re-encodes at a lower bitrate when an output still ends up over its byte cap."""


def conform(
    ref: Reference,
    plan: ConformPlan,
    progress: ProgressCallback | None = None,
    cancel_event: threading.Event | None = None,
) -> Reference:
    """Make (or reuse from the cache) the conformed copy of `ref` that `plan` describes.

    Raises MediaCancelledError when `cancel_event` is set (no file is left behind) and MediaError
    when the source cannot be read or the result still breaks the plan's byte cap.
    """
    if ref.is_url:
        raise MediaError(ref.source, _("only local files can be conformed"))
    if plan.ref_id != ref.id or plan.kind is not ref.kind:
        raise ValueError("the plan was made for another reference")
    source = Path(ref.source)
    work = Work(progress, cancel_event)
    work.check()
    try:
        source_hash = content_hash(source)
    except OSError as exc:
        raise MediaError(
            str(source), _("the file cannot be read: {error}").format(error=exc.strerror)
        ) from exc
    target = cached_path(source_hash, plan.settings_key(), EXTENSIONS[plan.format])
    if not target.exists():
        with atomic_output(target) as tmp:
            _make(source, tmp, plan, work)
    work.report(1.0)
    facts = probe_file(target)
    return ref.model_copy(
        update={
            "source": str(target),
            "facts": facts,
            "name": ref.display_name,
            "original_source": ref.original_source or ref.source,
        }
    )


async def conform_async(
    ref: Reference,
    plan: ConformPlan,
    progress: ProgressCallback | None = None,
    cancel_event: threading.Event | None = None,
) -> Reference:
    """`conform` on a worker thread; `progress` is called from that thread."""
    return await asyncio.to_thread(conform, ref, plan, progress, cancel_event)


def _make(source: Path, dest: Path, plan: ConformPlan, work: Work) -> None:
    if plan.kind is MediaKind.VIDEO:
        _make_video(source, dest, plan, work)
    elif plan.kind is MediaKind.AUDIO:
        _make_audio(source, dest, plan, work)
    else:
        _make_image(source, dest, plan, work)
    _check_cap(dest, plan)


def _make_video(source: Path, dest: Path, plan: ConformPlan, work: Work) -> None:
    assert plan.width is not None and plan.height is not None and plan.fps is not None
    seconds = plan.duration_s or max(0.0, _seconds(source) - plan.start_s)
    bitrate = video_bitrate_for(plan.max_bytes, seconds, has_audio=True)
    for attempt in range(SIZE_RETRIES):
        work.stage(attempt / SIZE_RETRIES if attempt else 0.0, 1.0)
        encode_video(
            source,
            dest,
            start_s=plan.start_s,
            duration_s=seconds,
            width=plan.width,
            height=plan.height,
            fps=plan.fps,
            bitrate=bitrate,
            work=work,
        )
        if plan.max_bytes is None or dest.stat().st_size < plan.max_bytes or bitrate is None:
            return
        bitrate = int(bitrate * 0.7 * plan.max_bytes / dest.stat().st_size)


def _make_audio(source: Path, dest: Path, plan: ConformPlan, work: Work) -> None:
    seconds = plan.duration_s or _seconds(source)
    bitrate = mp3_bitrate_for(plan.max_bytes, seconds)
    encode_audio(
        source,
        dest,
        fmt=plan.format,
        start_s=plan.start_s,
        duration_s=plan.duration_s,
        bitrate=bitrate,
        work=work,
    )


def _make_image(source: Path, dest: Path, plan: ConformPlan, work: Work) -> None:
    frame = load_picture(source)
    width = plan.width or int(frame.width)
    height = plan.height or int(frame.height)
    steps = quality_steps(plan.format)
    data = b""
    for attempt in range(12):
        work.report(attempt / 12)
        data = encode_picture(frame, plan.format, width, height, min(attempt, steps - 1))
        if plan.max_bytes is None or len(data) < plan.max_bytes:
            break
        if attempt >= steps - 1:  # the worst quality is still too big: make it smaller
            width = max(16, int(width * SHRINK_STEP))
            height = max(16, int(height * SHRINK_STEP))
    dest.write_bytes(data)


def _seconds(source: Path) -> float:
    return probe_file(source).duration_s or 0.0


def _check_cap(dest: Path, plan: ConformPlan) -> None:
    if plan.max_bytes is not None and dest.stat().st_size >= plan.max_bytes:
        raise MediaError(
            str(dest),
            _("the conformed copy is still {size} bytes, over the {limit}-byte limit").format(
                size=f"{dest.stat().st_size:,}", limit=f"{plan.max_bytes:,}"
            ),
        )
