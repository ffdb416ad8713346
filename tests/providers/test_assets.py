"""Asset hosting against the simulator: eachlabs presigned upload, S3 presigned URLs, cache."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from seedance_studio.core.errors import CompositionError, MediaError, MissingKeyError
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.core.provider import Succeeded
from seedance_studio.core.reference import Reference
from seedance_studio.core.settings import S3Settings, Settings
from seedance_studio.providers.assets import AssetResolver, UploadCache
from seedance_studio.providers.keys import S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY
from seedance_studio.simulator import Simulator
from seedance_studio.simulator.media import png_bytes, wav_bytes

from .conftest import PLANTED_KEY, MakeProvider, MemoryKeys, compose, follow

S3_SECRET = "s3-secret-planted-0123456789"


def local_png(tmp_path: Path, name: str = "face.png", size: int = 48) -> Reference:
    path = tmp_path / name
    path.write_bytes(png_bytes(size, size))
    return Reference.from_source(str(path), MediaKind.IMAGE)


def eachlabs_settings(sim: Simulator) -> Settings:
    return Settings(
        asset_host="eachlabs",
        base_urls={p: sim.base_url(p) for p in ("eachlabs", "kinovi", "oxen")},
    )


def s3_settings(sim: Simulator, expiry: int = 3600) -> Settings:
    return Settings(
        asset_host="s3",
        base_urls={"oxen": sim.base_url("oxen")},
        s3=S3Settings(
            endpoint_url=sim.s3_endpoint, bucket="refs", prefix="studio/", url_expiry_s=expiry
        ),
    )


def file_bytes(path: str) -> bytes:
    return Path(path).read_bytes()


async def fetch(url: str) -> bytes:
    async with httpx.AsyncClient() as client:
        response = await client.get(url)
    response.raise_for_status()
    return response.content


async def test_eachlabs_presigned_upload_then_cached(
    sim: Simulator, tmp_path: Path, keys: MemoryKeys
) -> None:
    ref = local_png(tmp_path)
    cache = UploadCache(tmp_path / "uploads.json")
    resolver = AssetResolver.for_provider("kinovi", eachlabs_settings(sim), keys, cache=cache)
    assert resolver.allow_loopback  # the simulator is the provider here
    progress: list[tuple[str, int, int]] = []
    urls = await resolver.resolve([ref], progress=lambda *a: progress.append(a))
    url = urls[ref.id]
    assert url.startswith(f"{sim.url}/eachlabs/_public/")
    content = file_bytes(ref.source)
    assert await fetch(url) == content
    size = len(content)
    assert progress[0] == (ref.id, 0, size) and progress[-1] == (ref.id, size, size)
    presign = sim.requests("eachlabs", "presign")[0]
    assert presign.json == {"content_type": "image/png", "file_type": "image"}
    assert presign.headers["x-api-key"] == PLANTED_KEY
    upload = sim.requests("eachlabs", "upload")[0]
    assert upload.headers["content-type"] == "image/png"
    assert upload.headers["x-amz-meta-upload-id"]  # every required header was sent
    # the same content again (another reference, another resolver): no second upload
    twin = local_png(tmp_path, "copy.png")
    assert file_bytes(twin.source) == content
    again = AssetResolver.for_provider(
        "kinovi", eachlabs_settings(sim), keys, cache=UploadCache(tmp_path / "uploads.json")
    )
    assert (await again.resolve([twin]))[twin.id] == url
    assert sim.count("eachlabs", "presign") == 1
    await resolver.aclose()
    await again.aclose()


async def test_uploaded_reference_is_used_by_a_provider(
    sim: Simulator, tmp_path: Path, keys: MemoryKeys, make_provider: MakeProvider
) -> None:
    ref = local_png(tmp_path)
    snap = compose("kinovi", "@Image1 smiles", [ref.source], kinds=[MediaKind.IMAGE])
    resolver = AssetResolver.for_provider(
        "kinovi", eachlabs_settings(sim), keys, cache=UploadCache(tmp_path / "u.json")
    )
    urls = await resolver.resolve(list(snap.references))
    provider = make_provider("kinovi")
    [handle] = await provider.submit(snap, urls)
    assert isinstance((await follow(provider, handle))[-1], Succeeded)
    await resolver.aclose()


async def test_s3_presigned_put_and_get(sim: Simulator, tmp_path: Path) -> None:
    keys = MemoryKeys({S3_ACCESS_KEY_ID: "AKIDPLANTED", S3_SECRET_ACCESS_KEY: S3_SECRET})
    audio = tmp_path / "voice line.wav"
    audio.write_bytes(wav_bytes(1.0))
    ref = Reference.from_source(str(audio), MediaKind.AUDIO)
    resolver = AssetResolver.for_provider(
        "oxen", s3_settings(sim, expiry=7200), keys, cache=UploadCache(tmp_path / "u.json")
    )
    url = (await resolver.resolve([ref]))[ref.id]
    parts = urlsplit(url)
    assert parts.path.startswith("/s3/refs/studio/") and parts.path.endswith("/voice_line.wav")
    query = parse_qs(parts.query)
    assert query["X-Amz-Expires"] == ["7200"] and "X-Amz-Signature" in query
    assert S3_SECRET not in url
    put = sim.requests("s3", "upload")[0]
    assert put.headers["content-type"] == "audio/x-wav"
    assert put.headers["content-length"] == str(audio.stat().st_size)
    assert "transfer-encoding" not in put.headers
    assert await fetch(url) == audio.read_bytes()
    assert (await resolver.resolve([ref]))[ref.id] == url
    assert sim.count("s3", "upload") == 1
    await resolver.aclose()


async def test_s3_url_reused_only_while_valid(sim: Simulator, tmp_path: Path) -> None:
    keys = MemoryKeys({S3_ACCESS_KEY_ID: "AKIDPLANTED", S3_SECRET_ACCESS_KEY: S3_SECRET})
    now = [1_000_000.0]
    cache = UploadCache(tmp_path / "u.json", clock=lambda: now[0])
    ref = local_png(tmp_path)
    resolver = AssetResolver.for_provider("oxen", s3_settings(sim, expiry=600), keys, cache=cache)
    await resolver.resolve([ref])
    now[0] += 200  # 400 s of 600 left: more than half its life, reuse
    await resolver.resolve([ref])
    assert sim.count("s3", "upload") == 1
    now[0] += 200  # 200 s left: too little for a queued job, upload again
    await resolver.resolve([ref])
    assert sim.count("s3", "upload") == 2
    await resolver.aclose()


def test_cache_survives_a_restart_and_drops_expired(tmp_path: Path) -> None:
    now = [100.0]
    cache = UploadCache(tmp_path / "u.json", clock=lambda: now[0])
    cache.put("eachlabs@x", "abc", "https://x/1", lifetime_s=None, size=1)
    cache.put("s3@y", "abc", "https://y/1", lifetime_s=100.0, size=1)
    reopened = UploadCache(tmp_path / "u.json", clock=lambda: now[0])
    assert reopened.get("eachlabs@x", "abc") is not None
    assert reopened.get("s3@y", "abc") is not None
    assert reopened.get("s3@other", "abc") is None
    now[0] = 190.0
    assert reopened.get("s3@y", "abc") is None
    (tmp_path / "u.json").write_text("{broken")
    assert UploadCache(tmp_path / "u.json").get("eachlabs@x", "abc") is None


async def test_urls_pass_through_but_local_addresses_are_refused(
    tmp_path: Path, keys: MemoryKeys
) -> None:
    resolver = AssetResolver.for_provider(
        "oxen", Settings(), keys, cache=UploadCache(tmp_path / "u.json")
    )
    public = Reference.from_source("https://cdn.example.com/a.png")
    assert await resolver.resolve([public]) == {public.id: public.source}
    for url in (
        "http://127.0.0.1:8080/a.png",
        "http://localhost/a.png",
        "http://[::1]/a.png",
        "data:image/png;base64,AAAA",
    ):
        with pytest.raises(CompositionError):
            await resolver.resolve([Reference(kind=MediaKind.IMAGE, source=url)])
    await resolver.aclose()


async def test_upload_to_loopback_host_refused_for_a_real_provider(
    sim: Simulator, tmp_path: Path, keys: MemoryKeys
) -> None:
    settings = Settings(asset_host="eachlabs", base_urls={"eachlabs": sim.base_url("eachlabs")})
    resolver = AssetResolver.for_provider(
        "oxen",
        settings,
        keys,  # oxen: documented host
        cache=UploadCache(tmp_path / "u.json"),
    )
    with pytest.raises(CompositionError, match="this computer"):
        await resolver.resolve([local_png(tmp_path)])
    await resolver.aclose()


async def test_clear_errors_for_missing_files_hosts_and_keys(
    tmp_path: Path, sim: Simulator
) -> None:
    missing = Reference(kind=MediaKind.IMAGE, source=str(tmp_path / "gone.png"))
    resolver = AssetResolver(
        eachlabs_settings(sim),
        MemoryKeys(),
        allow_loopback=True,
        cache=UploadCache(tmp_path / "u.json"),
    )
    with pytest.raises(MediaError, match="missing"):
        await resolver.resolve([missing])
    with pytest.raises(MissingKeyError, match="eachlabs key"):
        await resolver.resolve([local_png(tmp_path)])
    none = AssetResolver(
        Settings(asset_host="none"), MemoryKeys(), cache=UploadCache(tmp_path / "u.json")
    )
    with pytest.raises(CompositionError, match="no upload host"):
        await none.resolve([local_png(tmp_path)])
    s3 = AssetResolver(
        s3_settings(sim), MemoryKeys(), allow_loopback=True, cache=UploadCache(tmp_path / "u.json")
    )
    with pytest.raises(MissingKeyError, match="SEEDANCE_S3_ACCESS_KEY_ID"):
        await s3.resolve([local_png(tmp_path)])
    assert sim.counts() == {}
    for r in (resolver, none, s3):
        await r.aclose()


def test_dry_run_names_file_and_host(tmp_path: Path, sim: Simulator) -> None:
    local = local_png(tmp_path, "My Face.png")
    public = Reference.from_source("https://cdn.example.com/a.png")
    each = AssetResolver(eachlabs_settings(sim), MemoryKeys())
    assert each.dry_run_urls([local, public]) == {
        local.id: "upload://eachlabs/My_Face.png",
        public.id: public.source,
    }
    s3 = AssetResolver(s3_settings(sim), MemoryKeys())
    assert s3.dry_run_urls([local])[local.id] == "upload://s3/My_Face.png"
    assert sim.counts() == {}


async def test_upload_retried_after_a_server_error_or_drop(sim: Simulator, tmp_path: Path) -> None:
    from seedance_studio.simulator import Fault

    keys = MemoryKeys({S3_ACCESS_KEY_ID: "AKIDPLANTED", S3_SECRET_ACCESS_KEY: S3_SECRET})
    sim.inject("s3", "upload", Fault.http(503))
    sim.inject("s3", "upload", Fault.drop(before_body=False))
    resolver = AssetResolver.for_provider(
        "oxen", s3_settings(sim), keys, cache=UploadCache(tmp_path / "u.json")
    )
    ref = local_png(tmp_path)
    url = (await resolver.resolve([ref]))[ref.id]
    assert sim.count("s3", "upload") == 3
    assert await fetch(url) == file_bytes(ref.source)
    await resolver.aclose()


async def test_s3_xml_error_is_read(sim: Simulator, tmp_path: Path) -> None:
    from seedance_studio.core.errors import AuthError
    from seedance_studio.simulator import Fault

    keys = MemoryKeys({S3_ACCESS_KEY_ID: "AKIDPLANTED", S3_SECRET_ACCESS_KEY: S3_SECRET})
    sim.inject("s3", "upload", Fault.http(403, message="The bucket policy denies writes"))
    resolver = AssetResolver.for_provider(
        "oxen", s3_settings(sim), keys, cache=UploadCache(tmp_path / "u.json")
    )
    with pytest.raises(AuthError) as info:
        await resolver.resolve([local_png(tmp_path)])
    assert info.value.message == "The bucket policy denies writes"
    assert info.value.code == "AccessDenied"
    await resolver.aclose()
