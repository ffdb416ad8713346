"""Small builders for core tests: references with facts, and snapshots from a prompt text."""

from __future__ import annotations

from typing import Any

from seedance_studio.core.composition import Composition, CompositionSnapshot
from seedance_studio.core.media_facts import MediaFacts, MediaKind
from seedance_studio.core.params import GenerationParams
from seedance_studio.core.reference import Reference

MB = 1024 * 1024


def image(
    name: str = "face.png",
    *,
    fmt: str = "png",
    size: int = MB,
    width: int = 1024,
    height: int = 1024,
    source: str | None = None,
    probed: bool = True,
    seconds: float | None = None,
) -> Reference:
    """An image reference; `seconds` is accepted (and ignored) so builders share a signature."""
    facts = MediaFacts(format=fmt, size_bytes=size, width=width, height=height)
    return Reference(
        kind=MediaKind.IMAGE,
        source=source or f"https://cdn.example.com/{name}",
        name=name,
        facts=facts if probed else None,
    )


def video(
    name: str = "clip.mp4",
    *,
    fmt: str = "mp4",
    size: int = 5 * MB,
    seconds: float = 5.0,
    width: int = 720,
    height: int = 1280,
    fps: float = 24.0,
    source: str | None = None,
    probed: bool = True,
) -> Reference:
    facts = MediaFacts(
        format=fmt,
        size_bytes=size,
        duration_s=seconds,
        width=width,
        height=height,
        fps=fps,
        has_audio=True,
        video_codec="h264",
    )
    return Reference(
        kind=MediaKind.VIDEO,
        source=source or f"https://cdn.example.com/{name}",
        name=name,
        facts=facts if probed else None,
    )


def audio(
    name: str = "beat.mp3",
    *,
    fmt: str = "mp3",
    size: int = MB,
    seconds: float = 5.0,
    source: str | None = None,
    probed: bool = True,
) -> Reference:
    facts = MediaFacts(
        format=fmt, size_bytes=size, duration_s=seconds, has_audio=True, audio_codec=fmt
    )
    return Reference(
        kind=MediaKind.AUDIO,
        source=source or f"https://cdn.example.com/{name}",
        name=name,
        facts=facts if probed else None,
    )


def snapshot(
    provider: str, refs: list[Reference] | None = None, prompt: str = "a scene", **params: Any
) -> CompositionSnapshot:
    """A snapshot whose prompt text is bound to `refs` as a user typing it would bind it."""
    comp = Composition(GenerationParams(provider=provider, **params))
    comp.tray.extend(list(refs or []))
    comp.prompt.set_text(prompt, comp.tray)
    return comp.snapshot()
