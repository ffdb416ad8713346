"""Price estimates with the numbers of the provider documents."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from typing import Any

import pytest

from seedance_studio.core import capabilities
from seedance_studio.core.money import format_money
from seedance_studio.core.params import GenerationParams
from seedance_studio.core.pricing import Estimate, estimate, format_estimate
from seedance_studio.core.reference import Reference
from tests.core.builders import image, snapshot, video

D = Decimal
CREDIT = D("0.005")


def est(provider: str, refs: list[Reference] | None = None, **params: Any) -> Estimate:
    return estimate(snapshot(provider, refs or [], **params))


# -- Kinovi: credits per second by model + resolution, video surcharge, 4K upscale -------------

KINOVI: list[tuple[str, dict[str, Any], bool, int]] = [
    # (id, params, with a reference video, credits)
    (
        "doc example: 5 s Pro 720p + video",
        {"resolution": "720p", "duration": 5},
        True,
        (40 + 8) * 5,
    ),
    ("Pro 1080p default", {"duration": 5}, False, 83 * 5),
    ("Pro 1080p + video", {"resolution": "1080p", "duration": 10}, True, (83 + 17) * 10),
    ("Pro 480p", {"resolution": "480p", "duration": 4}, False, 15 * 4),
    ("Pro 480p + video", {"resolution": "480p", "duration": 4}, True, (15 + 4) * 4),
    ("Fast 720p", {"model": "seedance2-fast", "duration": 6}, False, 28 * 6),
    ("Fast 720p + video", {"model": "seedance2-fast", "duration": 6}, True, (28 + 6) * 6),
    (
        "Fast 480p + video",
        {"model": "seedance2-fast", "resolution": "480p", "duration": 15},
        True,
        (10 + 3) * 15,
    ),
    ("Pro 720p + 4K", {"resolution": "720p", "duration": 5, "upscale": "4k"}, False, (40 + 28) * 5),
    (
        "Fast 720p + video + 4K",
        {"model": "seedance2-fast", "duration": 5, "upscale": "4k"},
        True,
        (28 + 6 + 28) * 5,
    ),
]


@pytest.mark.parametrize(
    ("params", "with_video", "credits"), [c[1:] for c in KINOVI], ids=[c[0] for c in KINOVI]
)
def test_kinovi_credits(params: dict[str, Any], with_video: bool, credits: int) -> None:
    refs = [image(), video()] if with_video else [image()]
    e = est("kinovi", refs, **params)
    assert (e.credits_min, e.credits_max) == (D(credits), D(credits))
    assert (e.min, e.max) == (D(credits) * CREDIT, D(credits) * CREDIT)
    assert e.published and e.currency == "USD"


def test_kinovi_doc_example_reads_240_credits() -> None:
    e = est("kinovi", [image(), video()], resolution="720p", duration=5)
    assert format_estimate(e) == "240 credits ($1.20)"
    labels = [(i.label, i.rate, i.amount_min) for i in e.items]
    assert labels == [
        ("Pro 720p: output", D(40), D(200)),
        ("Pro 720p: video input surcharge", D(8), D(40)),
    ]


@pytest.mark.parametrize(
    ("seconds", "credits", "usd"),
    [(4, 160, "0.80"), (5, 200, "1.00"), (8, 320, "1.60"), (10, 400, "2.00"), (15, 600, "3.00")],
)
def test_kinovi_legacy_table(seconds: int, credits: int, usd: str) -> None:
    """The older page's table: duration × 40 credits, whatever the references."""
    e = est("kinovi-legacy", [image(), video()], duration=seconds)
    assert (e.credits_min, e.min) == (D(credits), D(usd))
    assert format_estimate(e) == f"{credits} credits (${usd})"


# -- ShortAPI: unit price × (input video seconds + output seconds) ----------------------------

SHORTAPI: list[tuple[str, dict[str, Any], list[float], Decimal]] = [
    ("std 5 s + 3 s input", {"duration": 5}, [3.0], 8 * D("0.168")),
    ("fast 5 s + 3 s input", {"duration": 5, "mode": "fast"}, [3.0], 8 * D("0.14")),
    ("std 15 s + 15 s input", {"duration": 15}, [15.0], 30 * D("0.168")),
    ("std 4 s + 2.5 s input", {"duration": 4}, [2.5], D("6.5") * D("0.168")),
    ("default 5 s std + 10 s", {}, [10.0], 15 * D("0.168")),
]


@pytest.mark.parametrize(
    ("params", "inputs", "usd"), [c[1:] for c in SHORTAPI], ids=[c[0] for c in SHORTAPI]
)
def test_shortapi(params: dict[str, Any], inputs: list[float], usd: Decimal) -> None:
    refs = [video(f"v{n}.mp4", seconds=s) for n, s in enumerate(inputs)]
    e = est("shortapi", refs, **params)
    assert (e.min, e.max) == (usd, usd)
    assert e.credits_min is None


def test_shortapi_unprobed_video_url_leaves_the_range_open() -> None:
    e = est("shortapi", [video(probed=False)], duration=5)
    assert e.min == 5 * D("0.168") and e.max is None and e.open_ended
    assert any("Video1" in note for note in e.notes)
    assert format_estimate(e) == "$0.84 or more"


# -- eachlabs: $/s by resolution on output seconds ---------------------------------------------


@pytest.mark.parametrize(
    ("resolution", "rate"), [("480p", "0.1412"), ("720p", "0.3024"), (None, "0.3024")]
)
def test_eachlabs_rates(resolution: str | None, rate: str) -> None:
    e = est("eachlabs", [video(seconds=10)], duration=5, resolution=resolution)
    assert e.min == e.max == 5 * D(rate)  # input videos are not billed


def test_auto_duration_is_a_range_over_the_model_durations() -> None:
    e = est("eachlabs", duration="auto")
    assert (e.min, e.max) == (4 * D("0.3024"), 15 * D("0.3024"))
    assert format_estimate(e) == "$1.21–$4.54"
    item = e.items[0]
    assert (item.quantity, item.quantity_max) == (D(4), D(15))


def test_oxen_has_no_published_price() -> None:
    e = est("oxen", [image()], duration=8)
    assert (e.min, e.max, e.credits_min) == (None, None, None)
    assert not e.published and e.items == []
    assert format_estimate(e) == "no published price"


def test_variants_multiply() -> None:
    caps = capabilities.get("eachlabs").model_copy(deep=True)
    model = caps.models[0].model_copy(update={"max_variants": 4})
    caps = caps.model_copy(update={"models": [model]})
    one = estimate(snapshot("eachlabs", [], duration=5), caps)
    three = estimate(snapshot("eachlabs", [], duration=5, variants=3), caps)
    assert one.min is not None and three.min == 3 * one.min
    assert "× 3 variants" in three.items[0].label


def test_overrides_replace_the_output_rate() -> None:
    e = estimate(
        snapshot("kinovi", [image()], resolution="480p", duration=10),
        overrides={"pro-480p": D("20")},
    )
    assert e.credits_min == 200  # the "half of 720p" reading: 20 cr/s
    assert e.items[0].overridden


def test_shortapi_override_is_one_unit_price() -> None:
    e = estimate(snapshot("shortapi", [video(seconds=3)], duration=5), overrides={"std": D("0.2")})
    assert e.min == 8 * D("0.2")
    untouched = estimate(
        snapshot("shortapi", [video(seconds=3)], duration=5, mode="fast"),
        overrides={"std": D("0.2")},
    )
    assert untouched.min == 8 * D("0.14")


def test_params_and_references_without_a_snapshot() -> None:
    params = GenerationParams(provider="kinovi", resolution="720p", duration=5)
    e = estimate(params, references=[image(), video()])
    assert e.credits_min == 240


def test_items_sum_to_the_total() -> None:
    e = est("kinovi", [video()], duration=7, upscale="4k")
    assert e.credits_min == sum(i.amount_min or 0 for i in e.items)
    assert [i.rule_id for i in e.items] == ["pro-1080p", "pro-1080p", "upscale-4k"]


def test_unknown_model_has_no_price() -> None:
    e = estimate(GenerationParams(provider="kinovi", model="nope"))
    assert not e.published and format_estimate(e) == "no published price"


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (D("1.675"), "$1.68"),
        (D("0.56"), "$0.56"),
        (D("0.001"), "<$0.01"),
        (D("1234.5"), "$1,234.50"),
    ],
)
def test_format_money(amount: Decimal, text: str) -> None:
    assert format_money(amount) == text


def test_format_ranges() -> None:
    assert format_estimate(Estimate(min=D("0.56"), max=D("2.10"))) == "$0.56–$2.10"
    assert format_estimate(Estimate(min=D("1.68"), max=D("1.68"))) == "$1.68"
    both = Estimate(min=D("0.80"), max=D("3.00"), credits_min=D(160), credits_max=D(600))
    assert format_estimate(both) == "160–600 credits ($0.80–$3.00)"


def test_an_estimate_round_trips_through_its_stored_form() -> None:
    e = est("shortapi", [image(), video()], duration="auto")
    stored = json.loads(json.dumps(e.to_json()))
    assert Estimate.from_json(stored) == e
    assert stored["max"] == str(e.max)  # Decimals as strings: no cent lost to a float


def test_an_estimate_stored_before_it_had_a_type_still_reads() -> None:
    """Rows written as dataclasses.asdict() JSON (Decimals as strings) read as Estimates."""
    e = est("kinovi", [image(), video()], resolution="720p", duration=5)
    old = json.loads(json.dumps(dataclasses.asdict(e), default=str))
    assert Estimate.from_json(old) == e
    assert Estimate.from_json({"max": "1.5"}) == Estimate(max=D("1.5"))


@pytest.mark.parametrize("junk", [[1, 2], "1.5", {"min": "lots"}, {"items": [{"label": 1}]}])
def test_anything_else_is_not_an_estimate(junk: object) -> None:
    with pytest.raises(ValueError, match="not an estimate"):
        Estimate.from_json(junk)


def test_worst_case_is_what_a_budget_assumes() -> None:
    assert Estimate(min=D("0.56"), max=D("2.10")).worst_case == D("2.10")
    assert Estimate(min=D("0.84"), max=None).worst_case == D("0.84")  # open: at least this
    assert Estimate(published=False).worst_case is None
