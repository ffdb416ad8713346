"""User preferences: one pydantic model saved as JSON, with a schema version.

Window geometry and other UI state are not preferences; the UI keeps those in QSettings.
API keys are never here: they live in the OS keyring (see providers/keys.py).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from seedance_studio.core import paths

SCHEMA_VERSION = 1


class S3Settings(BaseModel):
    """An S3-compatible bucket (AWS S3, Cloudflare R2, MinIO) for hosting local references.

    The access key id and secret are secrets: they are kept in the keyring, not here.
    """

    model_config = ConfigDict(extra="ignore")

    endpoint_url: str = ""
    """Empty for AWS; e.g. https://<account>.r2.cloudflarestorage.com for R2."""
    region: str = "us-east-1"
    bucket: str = ""
    prefix: str = "seedance-studio/"
    url_expiry_s: int = 24 * 3600


class Settings(BaseModel):
    """Everything the user can set outside the composition itself."""

    model_config = ConfigDict(extra="ignore")

    schema_version: int = SCHEMA_VERSION
    default_provider: str = "animatic"
    base_urls: dict[str, str] = Field(default_factory=dict)
    """Per-provider base URL overrides (e.g. the simulator); empty means the documented one."""
    asset_host: Literal["eachlabs", "s3", "fal", "none"] = "eachlabs"
    """Where local references are uploaded so providers can fetch them (the fal provider
    always uses fal's CDN)."""
    s3: S3Settings = Field(default_factory=S3Settings)
    library_dir: str = ""
    """Empty means paths.default_library_dir()."""
    budget_usd: Decimal | None = None
    """Ask before a submission would take today's spend above this."""
    price_overrides: dict[str, dict[str, Decimal]] = Field(default_factory=dict)
    """provider id -> price rule id -> rate replacing `per_output_second`."""
    job_timeout_s: int = 3 * 3600
    """A job still unfinished this long after submission is marked stuck."""
    simulator_realistic_timing: bool = False
    """`--simulator` only: jobs stay queued and running for tens of seconds, like real ones."""

    def base_url(self, provider_id: str, documented: str) -> str:
        return self.base_urls.get(provider_id) or documented

    def library_path(self) -> Path:
        return Path(self.library_dir) if self.library_dir else paths.default_library_dir()


def settings_path() -> Path:
    return paths.config_dir() / "settings.json"


def _migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring older settings files up to SCHEMA_VERSION (none older exist yet)."""
    if not isinstance(data, dict):
        raise ValueError("the settings file does not hold a JSON object")
    data.setdefault("schema_version", SCHEMA_VERSION)
    return data


_load_problems: list[str] = []
"""What the last loads found wrong with the file, each said once (`take_load_problem`)."""


def load_settings(path: Path | None = None) -> Settings:
    """The saved settings, or defaults when the file is missing. A file that cannot be read
    is moved aside (never silently replaced) and the reason kept for `take_load_problem`."""
    path = path or settings_path()
    try:
        raw = json.loads(path.read_text("utf-8"))
        return Settings.model_validate(_migrate(raw))
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError, ValidationError) as exc:
        broken = path.with_suffix(".broken.json")
        why = (f"{exc.errors()[0].get('msg', 'invalid')}" if isinstance(exc, ValidationError)
               else str(exc).splitlines()[0])
        try:
            path.replace(broken)
            kept = f"moved to {broken}"
        except OSError:
            kept = "left in place"
        _load_problems.append(f"{path} could not be read ({why}); it was {kept} and the "
                              f"default settings are used: check your budget, hosts and "
                              f"base URLs")
        return Settings()


def take_load_problem() -> str | None:
    """The first problem a load found and not yet reported, or None (each is said once)."""
    return _load_problems.pop(0) if _load_problems else None


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write atomically, so a crash mid-write leaves the old file intact."""
    path = path or settings_path()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(settings.model_dump_json(indent=2), "utf-8")
    tmp.replace(path)
