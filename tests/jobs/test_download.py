"""Streaming to .part with Range resume, content checks, and what a sidecar holds."""

from __future__ import annotations

import hashlib
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from seedance_studio.core import capabilities
from seedance_studio.core.errors import MediaError, NotFoundError
from seedance_studio.core.pricing import Estimate
from seedance_studio.jobs import download as dl
from seedance_studio.jobs.sidecar import provenance, write_sidecar
from seedance_studio.jobs.store import JobStore, NewJob
from tests.jobs.fakes import ResultServer, make_snapshot


async def fetch(server: ResultServer, part: Path) -> dl.Fetched:
    async with server.client() as http:
        return await dl.fetch(http, "https://results.example/x.mp4", part, sleep=_no_sleep)


async def _no_sleep(_s: float) -> None:
    return None


async def test_partial_file_is_continued_not_restarted(
    results: ResultServer, clip: bytes, tmp_path: Path
) -> None:
    part = tmp_path / "v.mp4.part"
    part.write_bytes(clip[:1000])
    fetched = await fetch(results, part)
    assert fetched.size == len(clip)
    assert part.read_bytes() == clip
    assert fetched.sha256 == hashlib.sha256(clip).hexdigest()  # the kept bytes count too
    assert results.requests[0].headers["range"] == "bytes=1000-"


async def test_server_ignoring_range_starts_over(clip: bytes, tmp_path: Path) -> None:
    class NoRange(ResultServer):
        def handler(self, request):  # type: ignore[no-untyped-def]
            request.headers.pop("range", None)
            return super().handler(request)

    part = tmp_path / "v.mp4.part"
    part.write_bytes(b"garbage" * 100)
    fetched = await fetch(NoRange(clip), part)
    assert part.read_bytes() == clip
    assert fetched.sha256 == hashlib.sha256(clip).hexdigest()  # not the garbage's


async def test_expired_url_and_wrong_type_are_errors(results: ResultServer, tmp_path: Path) -> None:
    results.gone = True
    with pytest.raises(NotFoundError, match="expired"):
        await fetch(results, tmp_path / "a.part")
    results.gone = False
    results.content_type = "text/html"
    with pytest.raises(dl.DownloadError, match="not a video"):
        await fetch(results, tmp_path / "b.part")


async def test_every_drop_exhausts_attempts(results: ResultServer, tmp_path: Path) -> None:
    results.truncate_next = 1000
    with pytest.raises(dl.DownloadError, match="kept failing"):
        await fetch(results, tmp_path / "c.part")
    assert len(results.requests) == dl.MAX_ATTEMPTS


def test_verify_playable_rejects_half_a_video(clip: bytes, tmp_path: Path) -> None:
    good = tmp_path / "good.mp4"
    good.write_bytes(clip)
    dl.verify_playable(good)
    half = tmp_path / "half.mp4"
    half.write_bytes(clip[: len(clip) // 3])
    with pytest.raises(MediaError):
        dl.verify_playable(half)


def test_library_target_and_sidecar(store: JobStore, clip: bytes, tmp_path: Path) -> None:
    local = tmp_path / "ref.png"
    local.write_bytes(b"\x89PNG fake")
    snap = make_snapshot(
        "kinovi", "@Image1 dances with @Image2", [str(local), "https://example.com/b.png"]
    )
    [job_id] = store.insert_jobs(
        [NewJob(snapshot=snap, group_id="g", batch="b", estimate=Estimate(max=Decimal("0.2")))]
    )
    store.update(
        job_id, provider_job_id="task-9", ref_urls={snap.references[0].id: "https://host/ref.png"}
    )
    job = store.get(job_id)
    when = datetime(2026, 3, 4, 12, 0)
    target = dl.library_target(tmp_path / "lib", job, when=when)
    assert target.parent.name == "2026-03-04"
    assert target.name == f"image1-dances-with-image2-job{job_id}.mp4"
    target.parent.mkdir(parents=True)
    target.write_bytes(clip)
    assert dl.library_target(tmp_path / "lib", job, when=when) != target  # never overwrite
    from seedance_studio.core.provider import ResultMedia

    data = provenance(job, target, ResultMedia(url="https://cdn/x.mp4"))
    assert data["prompt_sent"] == "@image1 dances with @image2"
    assert data["prompt_canonical"] == "@Image1 dances with @Image2"
    first, second = data["references"]
    assert first["tag"] == "@Image1" and first["url"] == "https://host/ref.png"
    assert len(first["sha256"]) == 64 and second["sha256"] is None
    assert data["job"]["provider_job_id"] == "task-9"
    # Nothing was chosen but the provider: the sidecar still says what made the video.
    kinovi = capabilities.get("kinovi").model(None)
    assert data["model"] == kinovi.id
    assert data["parameters"]["resolution"] is None
    assert data["parameters_applied"]["resolution"] == kinovi.default_resolution
    assert data["parameters_applied"]["duration"] == kinovi.default_duration
    sidecar = write_sidecar(target, data)
    assert sidecar == target.with_suffix(".json")
