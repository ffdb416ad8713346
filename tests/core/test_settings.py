"""Settings load and save: a missing or broken file gives defaults, never a crash."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from seedance_studio.core.settings import (
    MIGRATIONS,
    SCHEMA_VERSION,
    S3Settings,
    Settings,
    load_settings,
    migrate,
    save_settings,
)
from seedance_studio.core.settings_fields import Unit


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "settings.json") == Settings()


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    saved = Settings(
        default_provider="kinovi",
        budget_usd=Decimal("12.50"),
        price_overrides={"kinovi": {"pro-480p": Decimal("20")}},
        base_urls={"oxen": "http://127.0.0.1:9000/api"},
    )
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


def test_default_path_follows_the_home_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEEDANCE_STUDIO_HOME", str(tmp_path))
    save_settings(Settings(job_timeout_s=60))
    assert (tmp_path / "config" / "settings.json").is_file()
    assert load_settings().job_timeout_s == 60


def test_json_that_is_not_an_object_gives_defaults(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    for text in ("[]", "42", "null", '"text"'):
        path.write_text(text, "utf-8")
        assert load_settings(path) == Settings()


# -- migrations: one test per step ------------------------------------------------------------


def test_migration_1_reads_a_file_from_before_the_version_field() -> None:
    old = {"default_provider": "kinovi", "budget_usd": "5"}
    assert MIGRATIONS[1](dict(old)) == old
    assert migrate(dict(old))["schema_version"] == SCHEMA_VERSION


def test_migration_2_drops_what_the_model_now_refuses_one_value_at_a_time(tmp_path: Path) -> None:
    v1 = {
        "schema_version": 1,
        "default_provider": "oxen",
        "price_overrides": {
            "kinovi": {"pro-480p": "20", "pro-720p": "-3", "x": "cheap"},
            "oxen": "not a table",
        },
        "base_urls": {"oxen": "", "kinovi": "http://127.0.0.1:9/k", "bad": 3},
        "budget_usd": "-1",
        "job_timeout_s": "soon",
    }
    assert MIGRATIONS[2](json.loads(json.dumps(v1))) == {
        "schema_version": 1,
        "default_provider": "oxen",
        "price_overrides": {"kinovi": {"pro-480p": "20"}},
        "base_urls": {"kinovi": "http://127.0.0.1:9/k"},
    }
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(v1), "utf-8")
    loaded = load_settings(path)  # the whole file is not lost to one bad rate
    assert loaded.default_provider == "oxen"
    assert loaded.price_overrides == {"kinovi": {"pro-480p": Decimal("20")}}
    assert loaded.schema_version == SCHEMA_VERSION


def test_every_version_has_its_step_and_a_newer_file_is_read_as_it_is() -> None:
    assert sorted(MIGRATIONS) == list(range(1, SCHEMA_VERSION + 1))
    newer = {"schema_version": SCHEMA_VERSION + 1, "default_provider": "oxen"}
    assert migrate(dict(newer)) == newer


# -- the model validates and converts -------------------------------------------------------


def test_the_model_validates_what_the_dialog_used_to() -> None:
    with pytest.raises(ValidationError):
        Settings(price_overrides={"kinovi": {"pro-480p": Decimal("-1")}})
    settings = Settings(budget_usd=Decimal(0), base_urls={"oxen": " ", "kinovi": " http://k "})
    assert settings.budget_usd is None  # no budget, not a $0 one
    assert settings.base_urls == {"kinovi": "http://k"}
    assert S3Settings(region=" ").region == "us-east-1"
    with pytest.raises(ValidationError):
        settings.job_timeout_s = -5  # assignments are validated too


def test_hours_are_a_unit_of_the_field_not_of_the_dialog() -> None:
    [unit] = [m for m in Settings.model_fields["job_timeout_s"].metadata if isinstance(m, Unit)]
    assert unit.stored(unit.shown(3 * 3600)) == 3 * 3600
    assert unit.shown(60) == unit.minimum  # a test's one-minute timeout shows as 1 h


# -- events -----------------------------------------------------------------------------------


def test_changes_are_events_and_copies_have_their_own() -> None:
    settings = Settings()
    seen: list[tuple[str, object]] = []
    settings.events.all.connect(lambda info: seen.append((info.signal.name, info.args[0])))
    copy = settings.model_copy(update={"budget_usd": Decimal("3")})
    copy.default_provider = "kinovi"
    assert seen == []  # a copy's changes reach nobody subscribed to the original
    settings.update(copy)
    assert ("budget_usd", Decimal("3")) in seen and ("default_provider", "kinovi") in seen
    assert settings == copy
