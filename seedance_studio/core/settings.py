"""User preferences: one evented model, saved as JSON with a schema version.

The app holds one `Settings`; the job engine, the composition checks and the window
subscribe to its events (`settings.events.<field>`, or `settings.events.all`), so a change
made in the settings dialog reaches each of them at once, with no copy pushed by hand.
Each field says what the dialog needs to show it (`title`, `description`, constraints and at
most one hint from core/settings_fields); unit conversions and validation live here too.

Window geometry and other UI state are not preferences; the UI keeps those in QSettings.
API keys are never here: they live in the OS keyring (see providers/keys.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Literal, Self

from psygnal import EventedModel
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from seedance_studio.core import paths
from seedance_studio.core.i18n import _
from seedance_studio.core.settings_fields import HOURS, Choices, Folder, Money, Placeholder, Unit

SCHEMA_VERSION = 2

DEFAULT_REGION = "us-east-1"

Rate = Annotated[Decimal, Field(ge=0)]
"""A price per output second (USD or credits); never negative."""


class S3Settings(BaseModel):
    """An S3-compatible bucket (AWS S3, Cloudflare R2, MinIO) for hosting local references.

    The access key id and secret are secrets: they are kept in the keyring, not here.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    endpoint_url: Annotated[
        str,
        Field(title=_("Endpoint URL")),
        Placeholder(_("empty for AWS; https://<account>.r2.cloudflarestorage.com")),
    ] = ""
    region: Annotated[str, Field(title=_("Region"))] = DEFAULT_REGION
    bucket: Annotated[str, Field(title=_("Bucket"))] = ""
    prefix: Annotated[str, Field(title=_("Key prefix"))] = "seedance-studio/"
    url_expiry_s: Annotated[
        int,
        Unit("h", 3600, minimum=1, maximum=7 * 24),
        Field(
            ge=0,
            title=_("Link lifetime"),
            description=_("How long a presigned link to an uploaded reference stays valid."),
        ),
    ] = 24 * 3600

    @field_validator("endpoint_url", "region", "bucket", "prefix", mode="before")
    @classmethod
    def _stripped(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        return value or DEFAULT_REGION


ASSET_HOSTS = Choices(
    (
        ("eachlabs", _("eachlabs uploads (uses the eachlabs API key)")),
        ("s3", _("My S3-compatible bucket (AWS S3, Cloudflare R2, MinIO)")),
        ("fal", _("fal.ai's CDN (uses the fal API key)")),
        ("none", _("None: only web links can be used as references")),
    )
)


LANGUAGE_CHOICES = Choices(
    (
        ("", _("As the system")),
        ("en", _("English")),
        ("zh_CN", "简体中文"),
    )
)


class Settings(EventedModel):
    """Everything the user can set outside the composition itself."""

    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    schema_version: int = SCHEMA_VERSION
    default_provider: str = "animatic"
    """The provider a new composition starts on (the last one used)."""
    base_urls: dict[str, str] = Field(default_factory=dict)
    """Per-provider base URL overrides (e.g. the simulator); empty means the documented one."""
    asset_host: Annotated[
        Literal["eachlabs", "s3", "fal", "none"],
        ASSET_HOSTS,
        Field(
            title=_("Host local files on"),
            description=_(
                "Providers fetch references from public https links. Local files are "
                "uploaded once (cached by content) to the host chosen here (the fal "
                "provider always uses fal's CDN)."
            ),
        ),
    ] = "eachlabs"
    s3: S3Settings = Field(default_factory=S3Settings)
    library_dir: Annotated[
        str,
        Folder(paths.default_library_dir),
        Field(
            title=_("Library folder"),
            description=_(
                "Finished videos are saved here, one folder per day, each with a JSON "
                "sidecar of how it was made. Empty means the default folder."
            ),
        ),
    ] = ""
    budget_usd: Annotated[
        Decimal | None,
        Money(),
        Field(
            ge=0,
            title=_("Daily budget"),
            description=_(
                "Before a submission would take today's spend above the budget, the app asks first."
            ),
        ),
    ] = None
    price_overrides: dict[str, dict[str, Rate]] = Field(default_factory=dict)
    """provider id -> price rule id -> rate replacing `per_output_second`."""
    job_timeout_s: Annotated[
        int,
        HOURS,
        Field(
            ge=0,
            title=_("Mark jobs stuck after"),
            description=_(
                "A job still unfinished this long after it was sent is marked stuck: "
                "check again or cancel it."
            ),
        ),
    ] = 3 * 3600
    simulator_realistic_timing: bool = False
    """`--simulator` only: jobs stay queued and running for tens of seconds, like real ones
    (set from the Simulator menu, so on no settings page)."""
    interface_language: Annotated[
        Literal["", "en", "zh_CN"],
        LANGUAGE_CHOICES,
        Field(
            title=_("Language"),
            description=_("The interface language; it applies when the app starts again."),
        ),
    ] = ""
    """A code of core.i18n.LANGUAGES; empty follows the system locale."""

    @field_validator("budget_usd")
    @classmethod
    def _budget(cls, value: Decimal | None) -> Decimal | None:
        """No budget is None, not $0 (a $0 budget would ask before every paid job)."""
        return value if value else None

    @field_validator("base_urls")
    @classmethod
    def _urls(cls, value: dict[str, str]) -> dict[str, str]:
        """An empty override means the documented URL: not kept."""
        return {k: v.strip() for k, v in value.items() if v.strip()}

    @field_validator("library_dir", mode="before")
    @classmethod
    def _library(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value

    def base_url(self, provider_id: str, documented: str) -> str:
        return self.base_urls.get(provider_id) or documented

    def library_path(self) -> Path:
        return Path(self.library_dir) if self.library_dir else paths.default_library_dir()

    def model_copy(self, *, update: Mapping[str, object] | None = None, deep: bool = False) -> Self:
        """An independent copy, validated, with events of its own.

        pydantic's copy would share this model's event group: a change to the copy would
        reach everyone subscribed to the original.
        """
        del deep  # always a fresh model: nothing is shared
        data = {name: getattr(self, name) for name in type(self).model_fields}
        return type(self).model_validate({**data, **(update or {})})


def settings_path() -> Path:
    return paths.config_dir() / "settings.json"


# -- migrations ------------------------------------------------------------------------------

Migration = Callable[[dict[str, object]], dict[str, object]]


def _v0_to_v1(data: dict[str, object]) -> dict[str, object]:
    """Files written before the version field have the version 1 shape."""
    return data


def _v1_to_v2(data: dict[str, object]) -> dict[str, object]:
    """Version 2 validates in the model what the dialog used to check: values version 1
    took but version 2 refuses are dropped one by one, so one bad rate or an empty URL
    does not cost the whole file."""
    overrides = data.get("price_overrides")
    if isinstance(overrides, dict):
        data["price_overrides"] = {
            provider: {rule: rate for rule, rate in rules.items() if _is_rate(rate)}
            for provider, rules in overrides.items()
            if isinstance(rules, dict)
        }
    urls = data.get("base_urls")
    if isinstance(urls, dict):
        data["base_urls"] = {k: v for k, v in urls.items() if isinstance(v, str) and v.strip()}
    budget = data.get("budget_usd")
    if budget is not None and not _is_rate(budget):
        data.pop("budget_usd")
    timeout = data.get("job_timeout_s")
    if timeout is not None and not (isinstance(timeout, int) and timeout >= 0):
        data.pop("job_timeout_s")
    return data


def _is_rate(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return False
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return False
    return number.is_finite() and number >= 0


MIGRATIONS: dict[int, Migration] = {1: _v0_to_v1, 2: _v1_to_v2}
"""Version -> the step that brings the version before it up to it. Append; never edit one
that has shipped (each has its own test)."""


def migrate(data: object) -> dict[str, object]:
    """Bring a settings file's content of any earlier version up to SCHEMA_VERSION.

    A file from a newer version is read as it is (unknown fields are ignored).
    """
    if not isinstance(data, dict):
        raise ValueError(_("the settings file does not hold a JSON object"))
    version = data.get("schema_version", 0)
    if not isinstance(version, int) or isinstance(version, bool):
        raise ValueError(_("the settings file's schema_version is not a number"))
    for step in range(version + 1, SCHEMA_VERSION + 1):
        data = MIGRATIONS[step](data)
    if version < SCHEMA_VERSION:
        data["schema_version"] = SCHEMA_VERSION
    return data


_load_problems: list[str] = []
"""What the last loads found wrong with the file, each said once (`take_load_problem`)."""


def load_settings(path: Path | None = None) -> Settings:
    """The saved settings, or defaults when the file is missing. A file that cannot be read
    is moved aside (never silently replaced) and the reason kept for `take_load_problem`."""
    path = path or settings_path()
    try:
        raw = json.loads(path.read_text("utf-8"))
        return Settings.model_validate(migrate(raw))
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError, ValidationError) as exc:
        broken = path.with_suffix(".broken.json")
        why = (
            f"{exc.errors()[0].get('msg', 'invalid')}"
            if isinstance(exc, ValidationError)
            else str(exc).splitlines()[0]
        )
        try:
            path.replace(broken)
            kept = _("moved to {broken}").format(broken=broken)
        except OSError:
            kept = _("left in place")
        _load_problems.append(
            _(
                "{path} could not be read ({why}); it was {kept} and the "
                "default settings are used: check your budget, hosts and base "
                "URLs"
            ).format(path=path, why=why, kept=kept)
        )
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
