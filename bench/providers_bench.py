"""Provider-layer speed against the local simulator: poll round trips, uploads, cache hits.

    .venv/bin/python bench/providers_bench.py [--polls 200] [--mb 20]

Figures: median status() round trip per provider (client + loopback server), streamed upload
throughput to eachlabs storage and to the S3 endpoint, and the time a cached file takes to
resolve again (hashing only).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SEEDANCE_STUDIO_HOME", tempfile.mkdtemp(prefix="seedance-bench-"))

from seedance_studio.core.composition import Composition
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.core.params import GenerationParams
from seedance_studio.core.prompt import PromptDocument
from seedance_studio.core.reference import Reference
from seedance_studio.core.settings import S3Settings, Settings
from seedance_studio.core.tray import ReferenceTray
from seedance_studio.providers.assets import AssetResolver, UploadCache
from seedance_studio.providers.keys import S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY
from seedance_studio.providers.registry import create_provider
from seedance_studio.simulator import SimTiming, Simulator


class Keys:
    def get(self, name: str) -> str | None:
        return {S3_ACCESS_KEY_ID: "AKIDBENCH", S3_SECRET_ACCESS_KEY: "bench-secret"}.get(
            name, "bench-key"
        )


async def poll_times(sim: Simulator, polls: int) -> dict[str, float]:
    out: dict[str, float] = {}
    for pid in ("shortapi", "kinovi", "oxen", "eachlabs"):
        settings = Settings(base_urls={pid: sim.base_url(pid)})
        provider = create_provider(pid, settings, Keys())
        sample = "clip_640x640_5s.mp4" if pid == "shortapi" else "image.png"
        ref = Reference.from_source(sim.sample_url(sample))
        tray = ReferenceTray([ref])
        snap = Composition(
            GenerationParams(provider=pid), tray, PromptDocument("bench", tray)
        ).snapshot()
        [handle] = await provider.submit(snap, {ref.id: ref.source})
        times = []
        for _ in range(polls):
            start = time.perf_counter()
            await provider.status(handle)
            times.append(time.perf_counter() - start)
        out[pid] = statistics.median(times) * 1000
        await provider.aclose()
    return out


async def uploads(sim: Simulator, megabytes: int) -> dict[str, float]:
    folder = Path(tempfile.mkdtemp())
    out: dict[str, float] = {}
    for host in ("eachlabs", "s3"):
        path = folder / f"{host}.mp4"
        path.write_bytes(os.urandom(megabytes * 1024 * 1024))
        settings = Settings(
            asset_host=host,  # type: ignore[arg-type]
            base_urls={"eachlabs": sim.base_url("eachlabs"), "oxen": sim.base_url("oxen")},
            s3=S3Settings(endpoint_url=sim.s3_endpoint, bucket="bench"),
        )
        resolver = AssetResolver.for_provider(
            "oxen", settings, Keys(), cache=UploadCache(folder / "cache.json")
        )
        ref = Reference.from_source(str(path), MediaKind.VIDEO)
        start = time.perf_counter()
        await resolver.resolve([ref])
        out[f"{host}_upload_MBps"] = megabytes / (time.perf_counter() - start)
        start = time.perf_counter()
        await resolver.resolve([ref])
        out[f"{host}_cached_ms"] = (time.perf_counter() - start) * 1000
        await resolver.aclose()
    return out


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--polls", type=int, default=200)
    parser.add_argument("--mb", type=int, default=20)
    args = parser.parse_args()
    with Simulator(timing=SimTiming(queued=60, running=60)) as sim:
        result = {
            "poll_ms_median": await poll_times(sim, args.polls),
            **await uploads(sim, args.mb),
        }
    print(
        json.dumps(
            {
                k: (round(v, 2) if isinstance(v, float) else {p: round(x, 2) for p, x in v.items()})
                for k, v in result.items()
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
