"""What a job records about its uploaded references: the media's own name, no credential."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.core.params import GenerationParams
from seedance_studio.core.prompt import PromptDocument
from seedance_studio.core.redact import without_signature
from seedance_studio.core.reference import Reference
from seedance_studio.core.settings import S3Settings, Settings
from seedance_studio.core.tray import ReferenceTray
from seedance_studio.jobs.engine import JobEngine
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobStore
from seedance_studio.providers.keys import S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY
from seedance_studio.simulator import Simulator
from seedance_studio.simulator.media import png_bytes, wav_bytes
from seedance_studio.simulator.simulator import BASE_PATHS

ACCESS_KEY_ID = "AKIDSOAKPLANTED42"


class Keys:
    def get(self, name: str) -> str | None:
        return {
            S3_ACCESS_KEY_ID: ACCESS_KEY_ID,
            S3_SECRET_ACCESS_KEY: "s3-secret-planted-0123456789",
        }.get(name, f"sim-key-{name}")


def snapshot(provider: str, image: Path, audio: Path) -> CompositionSnapshot:
    refs = [
        Reference.from_source(str(image), MediaKind.IMAGE),
        Reference.from_source(str(audio), MediaKind.AUDIO),
    ]
    doc = PromptDocument("@Image1 sings @Audio1", ReferenceTray(refs))
    return CompositionSnapshot(
        references=refs,
        prompt=doc.to_data(),
        params=GenerationParams(provider=provider, duration=4),
    )


def read_all(paths: list[Path]) -> bytes:
    return b"".join(p.read_bytes() for p in paths)


def media(tmp_path: Path) -> tuple[Path, Path]:
    image, audio = tmp_path / "face.png", tmp_path / "voice.wav"
    image.write_bytes(png_bytes(640, 640))
    audio.write_bytes(wav_bytes(2.0))
    return image, audio


async def test_a_local_wav_keeps_its_extension_on_eachlabs_storage(
    simulator: Simulator, store: JobStore, tmp_path: Path
) -> None:
    """Before: the .wav was hosted as `….bin`, a name no provider reads as audio."""
    image, audio = media(tmp_path)
    settings = Settings(
        library_dir=str(tmp_path / "lib"),
        asset_host="eachlabs",
        base_urls={p: simulator.base_url(p) for p in BASE_PATHS},
    )
    engine = JobEngine(store, settings, Keys(), poll_interval=0.05)
    try:
        [job_id] = await engine.submit(snapshot("kinovi", image, audio))
        [job] = await engine.wait([job_id])
    finally:
        await engine.aclose()
    assert job.state is JobState.DONE, job.message
    hosted = {urlsplit(u).path.rsplit(".", 1)[-1] for u in job.ref_urls.values()}
    assert hosted == {"png", "wav"}


async def test_presigned_reference_urls_are_stored_without_their_credential(
    simulator: Simulator, store: JobStore, tmp_path: Path
) -> None:
    """Before: the S3 access key id was in every reference URL in the database and sidecar."""
    image, audio = media(tmp_path)
    settings = Settings(
        library_dir=str(tmp_path / "lib"),
        asset_host="s3",
        base_urls={p: simulator.base_url(p) for p in BASE_PATHS},
        s3=S3Settings(endpoint_url=simulator.s3_endpoint, bucket="refs", prefix="p/"),
    )
    engine = JobEngine(store, settings, Keys(), poll_interval=0.05)
    try:
        [job_id] = await engine.submit(snapshot("oxen", image, audio))
        [job] = await engine.wait([job_id])
    finally:
        await engine.aclose()
    assert job.state is JobState.DONE, job.message
    sent = [r.json for r in simulator.requests("oxen", "create")]
    assert ACCESS_KEY_ID in json.dumps(sent)  # the provider was given signed URLs
    for url in job.ref_urls.values():
        assert urlsplit(url).path.startswith("/s3/refs/p/")
        assert not any(k.lower().startswith("x-amz-") for k in parse_qs(urlsplit(url).query))
    assert job.sidecar_path is not None
    written = [*Path(store.path).parent.glob("jobs.sqlite3*"), Path(job.sidecar_path)]
    assert ACCESS_KEY_ID.encode() not in read_all(written)


def test_without_signature_keeps_everything_but_the_signing() -> None:
    url = (
        "https://b.s3.example/k/a.png?versionId=3&X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=AKID%2F20261202%2Fus-east-1&X-Amz-Signature=ab12&X-Amz-Expires=60"
    )
    assert without_signature(url) == "https://b.s3.example/k/a.png?versionId=3"
    assert without_signature("https://x.example/a.mp4") == "https://x.example/a.mp4"
    v2 = "https://b.example/a.png?AWSAccessKeyId=AKID&Signature=x&Expires=1"
    assert without_signature(v2) == "https://b.example/a.png"
