"""Settings load and save: a missing or broken file gives defaults, never a crash."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from seedance_studio.core.settings import SCHEMA_VERSION, Settings, load_settings, save_settings


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "settings.json") == Settings()


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    saved = Settings(default_provider="kinovi", budget_usd=Decimal("12.50"),
                     price_overrides={"kinovi": {"pro-480p": Decimal("20")}},
                     base_urls={"oxen": "http://127.0.0.1:9000/api"})
    save_settings(saved, path)
    loaded = load_settings(path)
    assert loaded == saved
    assert loaded.price_overrides["kinovi"]["pro-480p"] == Decimal("20")
    assert loaded.base_url("oxen", "https://hub.oxen.ai/api") == "http://127.0.0.1:9000/api"
    assert loaded.base_url("kinovi", "https://k") == "https://k"
    assert not path.with_suffix(".tmp").exists()
    assert json.loads(path.read_text("utf-8"))["schema_version"] == SCHEMA_VERSION


def test_broken_json_gives_defaults_and_keeps_the_file_aside(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{not json", "utf-8")
    assert load_settings(path) == Settings()
    assert path.with_suffix(".broken.json").read_text("utf-8") == "{not json"


def test_invalid_values_give_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"budget_usd": "lots", "asset_host": "ftp"}), "utf-8")
    assert load_settings(path) == Settings()


def test_unknown_keys_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"default_provider": "oxen", "from_the_future": 1}), "utf-8")
    assert load_settings(path).default_provider == "oxen"


def test_default_path_follows_the_home_override(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEEDANCE_STUDIO_HOME", str(tmp_path))
    save_settings(Settings(job_timeout_s=60))
    assert (tmp_path / "config" / "settings.json").is_file()
    assert load_settings().job_timeout_s == 60


def test_json_that_is_not_an_object_gives_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    for text in ("[]", "42", "null", '"text"'):
        path.write_text(text, "utf-8")
        assert load_settings(path) == Settings()
