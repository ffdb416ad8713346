"""Fixtures for media tests: a private cache per test, extra generators (noise, tones, BMP and
TIFF, which tests/media_factory.py does not write), and validation helpers."""

from __future__ import annotations

import array
import math
import random
import sys
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import pytest

from seedance_studio.core import capabilities, paths
from seedance_studio.core.capabilities import KindLimits, ProviderCapabilities
from seedance_studio.core.composition import Composition, CompositionSnapshot
from seedance_studio.core.params import GenerationParams
from seedance_studio.core.probe import reference_from_file
from seedance_studio.core.reference import Reference
from seedance_studio.core.validation import Problem, validate


@pytest.fixture(autouse=True)
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Each test gets its own cache, so cache hits are only the ones the test makes."""
    home = tmp_path / "home"
    monkeypatch.setenv(paths.HOME_ENV, str(home))
    yield home


def ref(path: Path) -> Reference:
    return reference_from_file(path)


def snapshot_of(
    refs: list[Reference], provider: str = "oxen", prompt: str = "a slow dolly shot", **params: Any
) -> CompositionSnapshot:
    comp = Composition(GenerationParams(provider=provider, **params))
    comp.tray.extend(refs)
    comp.prompt.set_text(prompt, comp.tray)
    return comp.snapshot()


def conformable_errors(refs: list[Reference], caps: ProviderCapabilities) -> list[Problem]:
    """The problems conforming is meant to fix (errors and the warnings of limits a page does
    not state alike), for `refs` under `caps`."""
    problems = validate(snapshot_of(refs, caps.id), caps)
    return [p for p in problems if p.conformable]


def codes(problems: list[Problem]) -> set[str]:
    return {p.code for p in problems}


def with_limits(provider: str, **kinds: dict[str, Any]) -> ProviderCapabilities:
    """`provider`'s capabilities with some KindLimits fields replaced, e.g.
    with_limits("oxen", video={"max_total_bytes": 60_000})."""
    caps = capabilities.get(provider)
    limits = caps.limits
    changes: dict[str, KindLimits] = {}
    for kind, fields in kinds.items():
        group: KindLimits = getattr(limits, kind)
        # A test's own number has no page behind it: it is checked as written (an error).
        evidence = {k: v for k, v in group.evidence.items() if k not in fields}
        changes[kind] = group.model_copy(update={**fields, "evidence": evidence})
    return caps.model_copy(update={"limits": limits.model_copy(update=changes)})


NO_PIXEL_RANGE = {"min_pixels": None, "min_width": None, "min_height": None}
"""Lets tests about time or size use tiny clips without the 480p floor scaling them up."""


def write_picture(
    path: Path, width: int, height: int, codec: str, pix_fmt: str, noise: bool = False
) -> Path:
    """A still picture with any PyAV image encoder (bmp, tiff, png, ...)."""
    frame = av.VideoFrame(width, height, "rgb24")
    plane = frame.planes[0]
    if noise:
        rng = random.Random(7)
        plane.update(rng.randbytes(plane.buffer_size))
    else:
        row = bytes((x * 5) % 256 for x in range(plane.line_size))
        plane.update(row * height)
    ctx: Any = av.CodecContext.create(codec, "w")
    ctx.width, ctx.height, ctx.pix_fmt = width, height, pix_fmt
    ctx.time_base = Fraction(1, 25)
    packets = list(ctx.encode(frame.reformat(format=pix_fmt))) + list(ctx.encode(None))
    path.write_bytes(b"".join(bytes(p) for p in packets))
    return path


def write_tone(
    path: Path, seconds: float, *, clicks_every: float | None = None, rate: int = 44100
) -> Path:
    """A WAV: a steady 440 Hz tone, or short loud clicks every `clicks_every` seconds."""
    total = round(seconds * rate)
    samples = array.array("h", bytes(2 * total))
    for i in range(total):
        t = i / rate
        if clicks_every is None:
            samples[i] = int(8000 * math.sin(2 * math.pi * 440 * t))
        elif (t % clicks_every) < 0.03:
            samples[i] = int(20000 * math.sin(2 * math.pi * 880 * t))
    if sys.byteorder == "big":
        samples.byteswap()
    with av.open(str(path), "w", format="wav") as out:
        stream: Any = out.add_stream("pcm_s16le", rate=rate, layout="mono")
        data = samples.tobytes()
        chunk = 4096
        for n, start in enumerate(range(0, total, chunk)):
            count = min(chunk, total - start)
            frame = av.AudioFrame(format="s16", layout="mono", samples=count)
            frame.planes[0].update(
                data[2 * start : 2 * (start + count)]
                + bytes(frame.planes[0].buffer_size - 2 * count)
            )
            frame.sample_rate = rate
            frame.pts = n * chunk
            frame.time_base = Fraction(1, rate)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


def write_solid(path: Path, width: int, height: int, grey: int) -> Path:
    """A PNG of one flat grey level, so a test can tell pictures apart by brightness."""
    frame = av.VideoFrame(width, height, "rgb24")
    frame.planes[0].update(bytes([grey]) * frame.planes[0].buffer_size)
    ctx: Any = av.CodecContext.create("png", "w")
    ctx.width, ctx.height, ctx.pix_fmt = width, height, "rgb24"
    ctx.time_base = Fraction(1, 25)
    packets = list(ctx.encode(frame)) + list(ctx.encode(None))
    path.write_bytes(b"".join(bytes(p) for p in packets))
    return path
