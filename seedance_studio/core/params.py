"""Generation parameters: what the user picked besides references and prompt."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from seedance_studio.core.capabilities import ProviderCapabilities

Duration = int | Literal["auto"]


class GenerationParams(BaseModel):
    """Provider, model and options; None means "the provider's default" (not sent)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    provider: str
    model: str | None = None
    duration: Duration | None = None
    aspect_ratio: str | None = None
    resolution: str | None = None
    mode: str | None = None
    seed: int | None = None
    generate_audio: bool | None = None
    variants: int = Field(default=1, ge=1)
    upscale: str | None = None


def with_defaults(params: GenerationParams, caps: ProviderCapabilities) -> GenerationParams:
    """Fill every unset option with the provider's documented default."""
    model = caps.model(params.model)
    return params.model_copy(
        update={
            "model": model.id,
            "duration": params.duration if params.duration is not None else model.default_duration,
            "aspect_ratio": params.aspect_ratio or model.default_aspect_ratio,
            "resolution": params.resolution or model.default_resolution,
            "mode": params.mode or model.default_mode,
            "generate_audio": (
                params.generate_audio
                if params.generate_audio is not None
                else (True if model.generate_audio else None)
            ),
        }
    )


def switch_model(
    params: GenerationParams, caps: ProviderCapabilities, model_id: str | None = None
) -> GenerationParams:
    """`params` moved to `caps`' provider (and `model_id`, else its default model).

    Choices the new model also offers are kept; the rest fall back to its defaults, so a
    provider switch never carries an option the new API would refuse.
    """
    model = caps.model(model_id)
    fresh = with_defaults(GenerationParams(provider=caps.id, model=model.id), caps)
    kept: dict[str, object] = {}
    d = params.duration
    if (d == "auto" and model.auto_duration) or (isinstance(d, int) and d in model.durations):
        kept["duration"] = d
    if params.aspect_ratio in model.aspect_ratios:
        kept["aspect_ratio"] = params.aspect_ratio
    if params.resolution in model.resolutions:
        kept["resolution"] = params.resolution
    if params.mode in model.modes:
        kept["mode"] = params.mode
    if model.seed:
        kept["seed"] = params.seed
    if model.generate_audio and params.generate_audio is not None:
        kept["generate_audio"] = params.generate_audio
    kept["variants"] = max(1, min(params.variants, model.max_variants))
    if params.upscale in model.upscale:
        kept["upscale"] = params.upscale
    return fresh.model_copy(update=kept)
