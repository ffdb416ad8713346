"""Parameters panel, live estimate and the Generate button's blocking reason."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from seedance_studio.core import capabilities
from seedance_studio.core.composition import Composition
from seedance_studio.core.media_facts import MediaFacts, MediaKind
from seedance_studio.core.params import GenerationParams, with_defaults
from seedance_studio.core.reference import Reference
from seedance_studio.core.settings import Settings
from seedance_studio.ui.compose_checks import ComposeChecks
from seedance_studio.ui.params_panel import SEED_RANDOM, ParamsPanel
from seedance_studio.ui.problems_panel import ProblemsPanel
from seedance_studio.ui.submit_bar import SubmitBar
from tests.media_factory import make_image, make_video
from tests.ui.compose_helpers import composition_for


class Harness:
    def __init__(self, qtbot: QtBot, provider: str = "eachlabs") -> None:
        self.composition: Composition = composition_for(provider)
        self.settings = Settings()
        self.checks = ComposeChecks(self.composition, self.settings)
        self.params = ParamsPanel(self.composition)
        self.bar = SubmitBar(self.checks)
        self.problems = ProblemsPanel(self.checks)
        for w in (self.params, self.bar, self.problems):
            qtbot.addWidget(w)
            w.show()

    def select(self, combo_name: str, data: object) -> None:
        combo = getattr(self.params, combo_name)
        index = combo.findData(data)
        assert index >= 0, f"{data!r} not offered in {combo_name}"
        combo.setCurrentIndex(index)


@pytest.fixture
def h(qtbot: QtBot) -> Iterator[Harness]:
    harness = Harness(qtbot)
    yield harness
    harness.params.detach()
    harness.checks.detach()


def _ready(h: Harness, tmp_path: Path) -> None:
    comp = h.composition
    comp.tray.add(
        Reference.from_source(
            str(make_image(tmp_path / "face.png", 64, 48)),
            MediaKind.IMAGE,
            MediaFacts(format="png", size_bytes=5000, width=64, height=48),
        )
    )
    comp.prompt.set_text("@Image1 smiles", comp.tray)


def test_resolution_change_updates_the_estimate(h: Harness, tmp_path: Path) -> None:
    _ready(h, tmp_path)
    h.select("duration", 10)
    text_720 = h.bar.estimate.text()
    h.select("resolution", "480p")
    assert h.composition.params.resolution == "480p"
    text_480 = h.bar.estimate.text()
    assert text_720 != text_480
    # 10 s at eachlabs' 720p and 480p rates, taken from the capability file.
    rates = {r.id: r.per_output_second for r in capabilities.get("eachlabs").pricing.rules}
    assert f"${(rates['720p'] * 10).quantize(Decimal('0.01'))}" in text_720
    assert f"${(rates['480p'] * 10).quantize(Decimal('0.01'))}" in text_480
    assert "480p" in h.bar.estimate.toolTip()


def test_auto_duration_shows_a_range(h: Harness, tmp_path: Path) -> None:
    _ready(h, tmp_path)
    h.select("duration", "auto")
    assert "–" in h.bar.estimate.text()


def test_credit_provider_and_unpublished_price(h: Harness, tmp_path: Path) -> None:
    _ready(h, tmp_path)
    h.select("provider", "kinovi")
    assert "credits" in h.bar.estimate.text()
    h.select("provider", "oxen")
    assert "no published price" in h.bar.estimate.text().lower()


def test_only_offered_options_are_shown(h: Harness) -> None:
    h.select("provider", "shortapi")
    fields = h.params.visible_fields()
    assert "Mode" in fields and "Resolution" not in fields and "Seed" not in fields
    h.select("provider", "oxen")
    fields = h.params.visible_fields()
    assert {"Seed", "Variants", "Audio", "Resolution"} <= set(fields)
    assert h.params.variants.maximum() == capabilities.get("oxen").model().max_variants
    h.select("provider", "kinovi")
    assert "Upscale" in h.params.visible_fields()
    assert h.params.model.count() == len(capabilities.get("kinovi").models)


def test_provider_switch_starts_a_new_provider_at_defaults_and_back_restores(h: Harness) -> None:
    h.select("aspect_ratio", "9:16")
    h.params.seed.setValue(1234)
    assert h.composition.params.seed == 1234
    h.select("provider", "kinovi")
    kinovi = capabilities.get("kinovi")
    assert h.composition.params == with_defaults(GenerationParams(provider="kinovi"), kinovi)
    h.select("resolution", "480p")
    h.select("provider", "eachlabs")
    p = h.composition.params
    assert p.aspect_ratio == "9:16" and p.seed == 1234  # what the user chose here
    assert h.params.seed.value() == 1234
    h.select("provider", "kinovi")
    assert h.composition.params.resolution == "480p"
    h.select("provider", "eachlabs")
    h.params.seed.setValue(SEED_RANDOM)
    assert h.composition.params.seed is None


def test_errors_disable_generate_with_the_reason(h: Harness, tmp_path: Path) -> None:
    assert not h.bar.button.isEnabled()  # empty prompt, no references
    assert h.bar.reason.text()
    _ready(h, tmp_path)
    assert h.bar.button.isEnabled(), h.bar.reason.text()
    assert h.bar.reason.text() == "" and h.bar.reason.isHidden()
    # A video far too small for eachlabs' limits blocks Generate and names the problem.
    small = make_video(tmp_path / "tiny.mp4", 160, 120, seconds=1)
    from seedance_studio.core.probe import reference_from_file

    ref = h.composition.tray.add(reference_from_file(small))
    assert not h.bar.button.isEnabled()
    reason = h.checks.blocking_reason()
    assert reason and reason in h.bar.reason.text()
    assert any(m.startswith(reason) for m in h.problems.messages())
    assert any(p.ref_id == ref.id and p.is_error for p in h.checks.problems)
    h.composition.tray.remove(ref.id)
    assert h.bar.button.isEnabled()


def test_choosing_byteplus_says_before_generate_that_a_running_task_cannot_be_stopped(
    h: Harness, tmp_path: Path
) -> None:
    _ready(h, tmp_path)
    assert h.bar.caution.isHidden()
    h.select("provider", "byteplus")
    assert h.composition.params.provider == "byteplus"
    assert h.bar.caution.isVisible()
    assert "cannot be stopped" in h.bar.caution.text()
    # and the token price follows the choice: 5 s of 720p 16:9 is 108,900 tokens at $7.00/M
    assert h.bar.estimate.text() == "Estimate: $0.76"
    h.select("provider", "fal")
    assert h.bar.caution.isHidden()
