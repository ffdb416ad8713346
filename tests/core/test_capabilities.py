"""Capability files: they load, name their sources, and hold the documents' numbers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from seedance_studio.core import capabilities
from seedance_studio.core.dialects import Dialect
from seedance_studio.core.media_facts import MediaKind

MB = 1024 * 1024
D = Decimal
DOCUMENTED = ["eachlabs", "kinovi", "kinovi-legacy", "oxen", "shortapi"]


def test_every_documented_provider_loads() -> None:
    assert set(DOCUMENTED) <= set(capabilities.provider_ids())
    for pid in capabilities.provider_ids():
        caps = capabilities.get(pid)
        assert caps.id == pid
        assert caps.sources and isinstance(caps.as_of, date)
        assert caps.model().id == caps.default_model
        for model in caps.models:
            assert model.default_duration == "auto" or model.default_duration in model.durations
            if model.default_resolution:
                assert model.default_resolution in model.resolutions


def test_unknown_provider_and_model_name_the_known_ones() -> None:
    with pytest.raises(KeyError, match="oxen"):
        capabilities.get("nobody")
    with pytest.raises(KeyError, match="seedance2-fast"):
        capabilities.get("kinovi").model("seedance-9")


@pytest.mark.parametrize(
    ("pid", "dialect"),
    [
        ("shortapi", Dialect.SPACED),
        ("kinovi", Dialect.LOWER),
        ("kinovi-legacy", Dialect.POSITIONAL),
        ("oxen", Dialect.CANONICAL),
        ("eachlabs", Dialect.CANONICAL),
    ],
)
def test_dialects(pid: str, dialect: Dialect) -> None:
    assert capabilities.get(pid).dialect is dialect


@pytest.mark.parametrize("pid", ["shortapi", "oxen", "eachlabs"])
def test_bytedance_shared_limits(pid: str) -> None:
    lim = capabilities.get(pid).limits
    # "Max 30 MB each" / "Max 30 MB per image": the stricter reading (10^6 bytes) is Fix's aim.
    assert (lim.image.max_count, lim.image.max_bytes) == (9, 30_000_000)
    assert lim.image.formats == ["jpeg", "png", "webp"]
    assert lim.video.formats == ["mp4", "mov"]
    assert lim.video.max_total_bytes == 50_000_000
    assert (lim.video.min_total_duration_s, lim.video.max_total_duration_s) == (2, 15)
    assert (lim.video.min_pixels, lim.video.max_pixels) == (409_600, 927_408)
    assert (lim.video.max_width, lim.video.max_height) == (834, 1112)
    assert (lim.video.min_fps, lim.video.max_fps) == (24, 60)
    assert (lim.audio.max_count, lim.audio.max_bytes) == (3, 15_000_000)
    assert lim.audio.formats == ["mp3", "wav"]
    assert lim.audio.max_total_duration_s == 15
    assert lim.max_files == 12 and lim.audio_requires_visual


def test_provider_specific_limits() -> None:
    short = capabilities.get("shortapi").limits
    assert short.video.max_count == 1 and short.video_required
    kinovi = capabilities.get("kinovi").limits
    assert kinovi.visual_required and kinovi.prompt_max_chars == 4000
    assert kinovi.video.formats == ["mp4"] and kinovi.video.max_duration_s == 15
    assert kinovi.audio.max_count == 3 and kinovi.audio.max_total_duration_s == 15
    legacy = capabilities.get("kinovi-legacy").limits
    assert legacy.audio.max_count == 0 and legacy.video.max_bytes == 50_000_000


def test_options() -> None:
    oxen = capabilities.get("oxen").model()
    assert oxen.auto_duration and oxen.durations == list(range(4, 16))
    assert oxen.resolutions == ["480p", "720p"] and oxen.max_variants == 4
    assert oxen.seed and oxen.generate_audio
    short = capabilities.get("shortapi").model()
    assert not short.auto_duration and short.modes == ["std", "fast"]
    assert short.default_duration == 5 and short.resolutions == []
    kinovi = capabilities.get("kinovi")
    assert kinovi.model("seedance-20").resolutions == ["1080p", "720p", "480p"]
    assert kinovi.model("seedance2-fast").resolutions == ["720p", "480p"]
    assert kinovi.model().upscale == ["4k"]
    assert capabilities.get("eachlabs").model().default_resolution == "720p"


def test_pricing_data() -> None:
    assert not capabilities.get("oxen").pricing.published
    kinovi = capabilities.get("kinovi").pricing
    assert kinovi.unit == "credits" and kinovi.credit_usd == Decimal("0.005")
    rates = {
        r.id: (r.per_output_second, r.per_output_second_with_video_input) for r in kinovi.rules
    }
    assert rates == {
        "pro-1080p": (D(83), D(17)),
        "pro-720p": (D(40), D(8)),
        "pro-480p": (D(15), D(4)),
        "fast-720p": (D(28), D(6)),
        "fast-480p": (D(10), D(3)),
        "upscale-4k": (D(28), D(0)),
    }
    short = {r.id: r for r in capabilities.get("shortapi").pricing.rules}
    assert short["std"].per_output_second == short["std"].per_input_video_second == Decimal("0.168")
    assert short["fast"].per_output_second == Decimal("0.14")


def test_limits_for_uses_the_model_override() -> None:
    caps = capabilities.get("oxen")
    tighter = caps.limits.model_copy(update={"max_files": 4})
    model = caps.model().model_copy(update={"limits": tighter})
    custom = caps.model_copy(update={"models": [model]})
    assert custom.limits_for().max_files == 4
    assert caps.limits_for().max_files == 12
    assert caps.limits_for().for_kind(MediaKind.AUDIO) is caps.limits.audio
