"""Every provider limit cites its document and a phrase that is really in it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from seedance_studio.core import capabilities
from seedance_studio.core.capabilities import KindLimits, ProviderCapabilities
from seedance_studio.core.evidence import severity_of
from seedance_studio.resources import resource_dir

DOCS = Path(__file__).resolve().parents[2] / "docs" / "providers"
PROVIDERS = capabilities.provider_ids()


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _all_tiers(caps: ProviderCapabilities) -> list[tuple[str, str, str, str]]:
    rows = []
    groups = [("limits", caps.limits)] + [
        (f"limits.{k}", getattr(caps.limits, k)) for k in ("image", "video", "audio")
    ]
    groups += [(f"model {m.id}", m) for m in caps.models]
    for where, group in groups:
        for name, tiers in group.evidence.items():
            for tier in tiers:
                rows.append((f"{where}.{name}", tier.basis, tier.document, tier.phrase))
    return rows


@pytest.mark.parametrize("provider_id", PROVIDERS)
def test_every_phrase_is_in_the_document_it_cites(provider_id: str) -> None:
    caps = capabilities.get(provider_id)
    rows = _all_tiers(caps)
    assert rows, f"{provider_id} cites nothing"
    for where, basis, doc_key, phrase in rows:
        doc = caps.documents[doc_key]
        if caps.local:
            continue  # the animatic's limits are the app's own renderer
        assert doc.copy_name, f"{where}: {doc_key} has no stored copy to quote"
        text = _flat((DOCS / doc.copy_name).read_text("utf-8"))
        assert _flat(phrase) in text, f"{where} ({basis}) quotes words {doc.copy_name} lacks"


@pytest.mark.parametrize("provider_id", PROVIDERS)
def test_documented_limits_quote_the_providers_own_page(provider_id: str) -> None:
    """A `documented` limit comes from this provider's page; another reseller's page can only
    support a `model` limit or a reading of one (nothing is copied across providers without
    saying so)."""
    caps = capabilities.get(provider_id)
    for where, basis, doc_key, _phrase in _all_tiers(caps):
        doc = caps.documents[doc_key]
        if basis == "documented":
            assert doc.provider is None, f"{where} is documented from {doc.provider}'s page"
        if doc.provider is not None:
            assert basis in ("model", "inferred"), f"{where} cites {doc.provider} as {basis}"


def test_a_limit_without_evidence_is_refused(tmp_path: Path) -> None:
    raw = json.loads((resource_dir() / "providers" / "oxen.json").read_text("utf-8"))
    raw["limits"]["image"]["max_bytes"] = 31457280  # a bare number: where does it come from?
    caps = ProviderCapabilities.model_validate(raw)
    assert any("limits.image.max_bytes has no evidence" in m for m in caps.unevidenced())


def test_a_phrase_must_cite_a_listed_document() -> None:
    raw = json.loads((resource_dir() / "providers" / "oxen.json").read_text("utf-8"))
    raw["limits"]["max_files"]["document"] = "somewhere"
    caps = ProviderCapabilities.model_validate(raw)
    assert any("unknown document 'somewhere'" in m for m in caps.unevidenced())


def test_two_readings_of_one_phrase_keep_the_strictest_for_fix() -> None:
    """Oxen's "Max 30 MB each": Fix aims under 30 × 10^6 bytes; only past 30 × 2^20 is the
    limit a documented refusal."""
    lim = capabilities.get("oxen").limits.image
    assert lim.max_bytes == 30_000_000
    tiers = {t.basis: t.value for t in lim.tiers("max_bytes")}
    assert tiers == {"inferred": 30_000_000, "documented": 30 * 1024 * 1024}


def test_severity_follows_basis() -> None:
    assert severity_of("documented") == "error"
    assert severity_of("model") == "warning"
    assert severity_of("inferred") == "warning"


def test_limits_built_in_code_keep_working_without_evidence() -> None:
    assert KindLimits(max_pixels=100).max_pixels == 100
