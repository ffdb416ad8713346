"""Provider capabilities and prices as data: loaded from resources/providers/<id>.json.

Limits and prices change with model versions and resellers, so nothing here is a constant
in code; every number comes from a file that names its source page and an "as of" date.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from seedance_studio.core.dialects import Dialect
from seedance_studio.core.evidence import Document, Tier, split_evidence
from seedance_studio.core.i18n import _
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.resources import resource_dir

Duration = int | Literal["auto"]


class Evidenced(BaseModel):
    """A set of limits written with their evidence (see core.evidence)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    evidence: dict[str, list[Tier]] = Field(default_factory=dict)
    """Field name → the tiers the page supports, strictest reading included."""

    @model_validator(mode="before")
    @classmethod
    def _split(cls, data: object) -> object:
        return split_evidence(data)

    def tiers(self, field: str) -> list[Tier]:
        return self.evidence.get(field, [])

    def restricting(self) -> list[str]:
        """The fields set to something that restricts or offers a choice: each needs its
        evidence (names, defaults and nested groups do not)."""
        found: list[str] = []
        for name, info in type(self).model_fields.items():
            if name == "evidence" or name in _UNCITED_CHOICES:
                continue
            value = getattr(self, name)
            number = isinstance(value, int | float) and not isinstance(value, bool)
            if (
                name in _ALWAYS_EVIDENCED
                or value is True
                or (isinstance(value, list) and value)
                or (number and value != info.default)
            ):
                found.append(name)
        return found


_ALWAYS_EVIDENCED = frozenset({"max_count", "durations"})
_UNCITED_CHOICES = frozenset(
    {
        "id",
        "label",
        "default_duration",
        "default_resolution",
        "default_aspect_ratio",
        "default_mode",
        "limits",
        "image",
        "video",
        "audio",
    }
)
"""Names and defaults: what the app picks, not what a provider refuses."""


class KindLimits(Evidenced):
    """What a provider accepts of one kind of reference."""

    max_count: int = 0
    formats: list[str] = Field(default_factory=list)
    """Normalised formats (jpeg, png, webp, mp4, mov, mp3, wav); empty means any."""
    max_bytes: int | None = None
    """Per file."""
    max_total_bytes: int | None = None
    """All files of this kind together."""
    min_duration_s: float | None = None
    max_duration_s: float | None = None
    """Per file."""
    min_total_duration_s: float | None = None
    max_total_duration_s: float | None = None
    """All files of this kind together."""
    min_pixels: int | None = None
    max_pixels: int | None = None
    """Width × height per frame."""
    max_width: int | None = None
    max_height: int | None = None
    """The largest box the page names (used in messages and to pick a conform target)."""
    min_width: int | None = None
    min_height: int | None = None
    min_fps: float | None = None
    max_fps: float | None = None
    video_codecs: list[str] = Field(default_factory=list)
    audio_codecs: list[str] = Field(default_factory=list)
    """For videos: the picture and sound codecs a provider decodes (empty: any)."""


class Limits(Evidenced):
    """All reference limits of one provider + model."""

    image: KindLimits
    video: KindLimits
    audio: KindLimits
    max_files: int | None = None
    audio_requires_visual: bool = False
    """Audio alone is not allowed: at least one image or video."""
    video_required: bool = False
    """ShortAPI marks `video_url` required."""
    visual_required: bool = False
    """At least one image or video (Kinovi's `urls` is required)."""
    prompt_required: bool = False
    prompt_max_chars: int | None = None
    https_only: bool = False
    """Only https:// links (eachlabs states it); other pages say nothing of the scheme."""

    def for_kind(self, kind: MediaKind) -> KindLimits:
        return {
            MediaKind.IMAGE: self.image,
            MediaKind.VIDEO: self.video,
            MediaKind.AUDIO: self.audio,
        }[kind]


class ModelCaps(Evidenced):
    """One model a provider sells, with the options its API takes."""

    id: str
    """The model string sent in requests."""
    label: str
    durations: list[int]
    auto_duration: bool = False
    default_duration: Duration = 5
    resolutions: list[str] = Field(default_factory=list)
    default_resolution: str | None = None
    aspect_ratios: list[str] = Field(default_factory=list)
    default_aspect_ratio: str | None = None
    modes: list[str] = Field(default_factory=list)
    default_mode: str | None = None
    seed: bool = False
    generate_audio: bool = False
    """Whether the request takes a generate-audio switch."""
    max_variants: int = 1
    """How many generations one request can ask for (Oxen's num_generations)."""
    upscale: list[str] = Field(default_factory=list)
    limits: Limits | None = None
    """Overrides the provider's limits for this model."""


class PriceRule(BaseModel):
    """One line of a price list; it applies when every `when` key matches the parameters."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    """Stable name, used by user overrides."""
    label: str
    when: dict[str, str] = Field(default_factory=dict)
    """Keys: model, mode, resolution, upscale; a rule with no keys always applies."""
    per_output_second: Decimal = Decimal(0)
    per_input_video_second: Decimal = Decimal(0)
    """Billed on the reference videos' combined duration (ShortAPI)."""
    per_output_second_with_video_input: Decimal = Decimal(0)
    """A surcharge per output second when any reference video is sent (Kinovi)."""
    per_million_tokens: Decimal = Decimal(0)
    """USD per million video tokens (fal, BytePlus); tokens follow `Pricing.tokens`."""
    per_million_tokens_with_video_input: Decimal | None = None
    """The per-million rate that replaces `per_million_tokens` when any reference is a video
    (fal's ×0.6, BytePlus' lower with-video rate)."""


class TokenFormula(BaseModel):
    """How a token-billed provider counts video tokens (see core/tokens.py):
    width × height × (fps × seconds + extra_frames) / divisor, where seconds are the output's
    plus, when `counts_input_video`, the reference videos' combined seconds."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    fps: int = 24
    extra_frames: int = 0
    divisor: int = 1024
    counts_input_video: bool = True
    frame_sizes: dict[str, dict[str, tuple[int, int]]]
    """resolution -> aspect ratio -> (width, height) of the output."""
    source: str = ""
    basis: Literal["documented", "model", "inferred"] = "documented"
    """Whether the page states the formula and sizes, a model of a published example, or
    an inference from neighbouring facts."""
    notes: str = ""


class Pricing(BaseModel):
    """How a provider bills; `published` False means no price is known (never invent one)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    published: bool = True
    unit: Literal["usd", "credits"] = "usd"
    credit_usd: Decimal | None = None
    """The USD value of one credit, for providers that bill in credits."""
    rules: list[PriceRule] = Field(default_factory=list)
    tokens: TokenFormula | None = None
    """Set for providers that bill per video token."""
    notes: str = ""


class ProviderCapabilities(BaseModel):
    """Everything the app knows about one provider entry, as published on its pages."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: str
    dialect: Dialect
    sources: list[str]
    documents: dict[str, Document] = Field(default_factory=dict)
    """The pages limits are quoted from, by the key their evidence names."""
    as_of: date
    base_url: str
    auth: Literal["bearer", "x-api-key", "key", "none"] = "bearer"
    """"key" is fal's `Authorization: Key …`."""
    local: bool = False
    """Runs on this machine (the animatic): no key, no upload, no network."""
    cancels_only_queued: bool = False
    """The API cancels a job only while it waits in the queue; a running one cannot be
    stopped and is charged (BytePlus). Front ends say so before submit and at cancel."""
    models: list[ModelCaps]
    default_model: str
    limits: Limits
    pricing: Pricing
    notes: list[str] = Field(default_factory=list)

    def model(self, model_id: str | None = None) -> ModelCaps:
        wanted = model_id or self.default_model
        for m in self.models:
            if m.id == wanted:
                return m
        known = ", ".join(m.id for m in self.models)
        raise KeyError(
            _("{provider} has no model {model} (it has {known})").format(
                provider=self.name, model=repr(wanted), known=known
            )
        )

    def limits_for(self, model_id: str | None = None) -> Limits:
        return self.model(model_id).limits or self.limits

    def cancel_warning(self) -> str | None:
        """What cancelling cannot undo on this provider, in one line (None: nothing to say)."""
        if self.cancels_only_queued:
            return _(
                "{provider} can cancel a task only while it is queued: once it runs it "
                "cannot be stopped, and it is charged"
            ).format(provider=self.name)
        return None

    def unevidenced(self) -> list[str]:
        """Limits or choices written without evidence, or citing an unknown document."""
        missing: list[str] = []
        groups: list[tuple[str, Evidenced]] = [("limits", self.limits)]
        for kind in MediaKind:
            groups.append((f"limits.{kind.value}", self.limits.for_kind(kind)))
        for m in self.models:
            groups.append((f"models[{m.id}]", m))
            if m.limits is not None:
                groups.append((f"models[{m.id}].limits", m.limits))
                for kind in MediaKind:
                    groups.append((f"models[{m.id}].limits.{kind.value}", m.limits.for_kind(kind)))
        for where, group in groups:
            for name in group.restricting():
                if name in _UNCITED_CHOICES:
                    continue
                if not group.tiers(name):
                    missing.append(f"{self.id}: {where}.{name} has no evidence")
            for name, tiers in group.evidence.items():
                for tier in tiers:
                    if tier.document not in self.documents:
                        missing.append(
                            f"{self.id}: {where}.{name} cites unknown document {tier.document!r}"
                        )
        return missing


@cache
def load_all() -> dict[str, ProviderCapabilities]:
    """Every provider file in resources/providers, keyed by id, in a stable order."""
    found: dict[str, ProviderCapabilities] = {}
    for path in sorted((resource_dir() / "providers").glob("*.json")):
        caps = ProviderCapabilities.model_validate(json.loads(path.read_text("utf-8")))
        missing = caps.unevidenced()
        if missing:
            raise ValueError(f"{path.name}: every limit needs its evidence: " + "; ".join(missing))
        found[caps.id] = caps
    return found


def provider_ids() -> list[str]:
    return list(load_all())


def get(provider_id: str) -> ProviderCapabilities:
    """The capabilities of `provider_id`, or a KeyError naming the known ids."""
    try:
        return load_all()[provider_id]
    except KeyError:
        raise KeyError(
            _("unknown provider {provider}; known: {known}").format(
                provider=repr(provider_id), known=", ".join(load_all())
            )
        ) from None
