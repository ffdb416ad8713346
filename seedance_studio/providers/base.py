"""What every HTTP provider client shares: key lookup, headers, URLs, payload helpers.

Subclasses implement `build_request` (pure) and the parsing of their own status bodies.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any, ClassVar, Protocol
from urllib.parse import urlsplit

import httpx

from seedance_studio.core import url_policy
from seedance_studio.core.capabilities import ProviderCapabilities
from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.dialects import compile_prompt
from seedance_studio.core.errors import CompositionError, MissingKeyError, ProviderError
from seedance_studio.core.i18n import _
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.core.provider import JobHandle, RequestSpec, StatusResult, SubmissionSearch
from seedance_studio.core.redact import MASK, register_secret
from seedance_studio.providers import http as http_mod
from seedance_studio.providers.keys import SERVICE_NAME, clean_key
from seedance_studio.providers.rate_limits import NO_LIMITS, RateLimits

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


class KeySource(Protocol):
    """Where a provider reads its API key (SecretStore, or a stub in tests)."""

    def get(self, provider_id: str) -> str | None: ...


is_loopback_host = url_policy.is_loopback_host
"""This machine (the one rule: core.url_policy)."""


def is_loopback_url(url: str) -> bool:
    return is_loopback_host(urlsplit(url).hostname)


def check_sendable(url: str, *, allow_loopback: bool, label: str = "") -> None:
    """Refuse URLs a provider can never fetch (core.url_policy, the rule the checks use):
    file://, data:, other schemes, private networks and this machine.

    Loopback URLs pass only when the provider itself is on loopback (the simulator).
    """
    refusal = url_policy.url_refusal(url, allow_loopback=allow_loopback)
    if refusal is not None:
        shown = url if len(url) < 80 else url[:77] + "..."
        raise CompositionError(
            _("{label}: {url} {reason}; {hint}").format(
                label=label or _("reference"), url=shown, reason=refusal.reason, hint=refusal.hint
            )
        )


def env_var_hint(provider_id: str) -> str:
    return "SEEDANCE_" + provider_id.upper().replace("-", "_") + "_API_KEY"


def missing_key_message(caps: ProviderCapabilities) -> str:
    """Says every place a key is looked for, so the fix is clear from a terminal too."""
    return _(
        "No API key for {provider}: add one in Settings (it is kept in the system "
        "keyring as {service} / {provider_id}), or set {env_var}"
    ).format(
        provider=caps.name, service=SERVICE_NAME, provider_id=caps.id, env_var=env_var_hint(caps.id)
    )


class HttpProvider:
    """Base of the cloud providers; holds the client, the key source and the base URL."""

    provider_id: ClassVar[str]
    default_poll_interval: ClassVar[float] = 5.0
    rate_limits: ClassVar[RateLimits] = NO_LIMITS
    """Documented per-key create limits; the job engine enforces them (none by default)."""

    def __init__(
        self,
        capabilities: ProviderCapabilities,
        base_url: str,
        keys: KeySource,
        *,
        http: httpx.AsyncClient | None = None,
        callback_url: str | None = None,
        sleep: http_mod.Sleep | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._caps = capabilities
        self.base_url = base_url.rstrip("/")
        self._keys = keys
        self._own_client = http is None
        self._client = http or httpx.AsyncClient(timeout=http_mod.DEFAULT_TIMEOUT)
        self.callback_url = callback_url
        kwargs: dict[str, Any] = {"rng": rng, "secrets": self._secrets}
        if sleep is not None:
            kwargs["sleep"] = sleep
        self.transport = http_mod.Transport(capabilities.id, self._client, **kwargs)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(id={self.id!r}, base_url={self.base_url!r})"

    # -- protocol basics -------------------------------------------------------------------

    @property
    def id(self) -> str:
        return self._caps.id

    @property
    def capabilities(self) -> ProviderCapabilities:
        return self._caps

    async def _create(self, snapshot: CompositionSnapshot, urls: dict[str, str]) -> Any:
        """Build the create request, check its URLs and send it once; the decoded answer.
        A refusal passes through `_refined`, where a provider tells its own cases apart."""
        spec = self.build_request(snapshot, urls)
        self.check_urls(urls[r.id] for r in snapshot.references)
        try:
            return await self.transport.send_create(
                spec.method, spec.url, headers=self.sendable_headers(spec), json_body=spec.body
            )
        except ProviderError as exc:
            raise self._refined(exc) from None

    def _refined(self, exc: ProviderError) -> ProviderError:
        """A provider's more exact error for `exc` (its own codes and words); `exc` itself by
        default."""
        return exc

    def _model_id(self, snapshot: CompositionSnapshot) -> str:
        """The model the snapshot asks for, else the provider's default (what is sent)."""
        return self._caps.model(snapshot.params.model).id

    @property
    def poll_interval(self) -> float:
        return self.default_poll_interval

    @property
    def supports_cancel(self) -> bool:
        return False

    @property
    def on_loopback(self) -> bool:
        """True for the simulator: then loopback reference URLs are fine to send."""
        return is_loopback_url(self.base_url)

    def handle_for(self, job_id: str) -> JobHandle:
        return JobHandle(provider=self.id, job_id=job_id)

    can_find_submissions: ClassVar[bool] = False
    """True in a client whose provider documents a job list to look a lost create up in."""

    async def find_submission(
        self, snapshot: CompositionSnapshot, sent_at: float
    ) -> SubmissionSearch:
        raise NotImplementedError(
            _("{provider} documents no way to list its jobs").format(provider=self._caps.name)
        )

    async def aclose(self) -> None:
        if self._own_client:
            await self._client.aclose()

    # -- what each provider implements -----------------------------------------------------

    def build_request(self, snapshot: CompositionSnapshot, urls: dict[str, str]) -> RequestSpec:
        raise NotImplementedError

    async def submit(self, snapshot: CompositionSnapshot, urls: dict[str, str]) -> list[JobHandle]:
        raise NotImplementedError

    async def status(self, handle: JobHandle) -> StatusResult:
        raise NotImplementedError

    async def cancel(self, handle: JobHandle) -> bool:
        return False

    # -- keys and headers ------------------------------------------------------------------

    def _secrets(self) -> Iterable[str | None]:
        try:
            return (self._keys.get(self.id),)
        except Exception:  # a broken keyring must not hide the original error
            return ()

    def api_key(self) -> str:
        key = self._keys.get(self.id)
        if not key or not key.strip():
            raise MissingKeyError(missing_key_message(self._caps), provider=self.id)
        # Whatever the key source: a header must never carry a CR or a non-ASCII byte.
        key = clean_key(key, name=self.id, origin="")
        register_secret(key)
        return key

    def auth_headers(self, key: str) -> dict[str, str]:
        if self._caps.auth == "x-api-key":
            return {"X-API-Key": key}
        if self._caps.auth == "bearer":
            return {"Authorization": f"Bearer {key}"}
        if self._caps.auth == "key":
            return {"Authorization": f"Key {key}"}
        return {}

    def json_headers(self, key: str = MASK) -> dict[str, str]:
        return {**self.auth_headers(key), "Content-Type": "application/json"}

    def sendable_headers(self, spec: RequestSpec) -> dict[str, str]:
        """`spec`'s headers with the real key in place of the mask."""
        return {**spec.headers, **self.auth_headers(self.api_key())}

    def url(self, path: str) -> str:
        return self.base_url + path

    # -- payload helpers -------------------------------------------------------------------

    def prompt_of(self, snapshot: CompositionSnapshot) -> str:
        """The prompt in this provider's tag dialect (what `compiled_prompt()` gives for it)."""
        tray = snapshot.tray()
        return compile_prompt(snapshot.prompt_document(tray), tray, self._caps.dialect)

    @staticmethod
    def urls_by_kind(
        snapshot: CompositionSnapshot, urls: dict[str, str]
    ) -> dict[MediaKind, list[str]]:
        """Each kind's hosted URLs in tray order, so `@Image2` is the second image listed."""
        out: dict[MediaKind, list[str]] = {kind: [] for kind in MediaKind}
        for ref in snapshot.references:
            try:
                out[ref.kind].append(urls[ref.id])
            except KeyError:
                raise CompositionError(
                    _("{name} has no hosted URL yet (upload it first)").format(
                        name=ref.display_name
                    )
                ) from None
        return out

    @staticmethod
    def ordered_urls(
        snapshot: CompositionSnapshot, urls: dict[str, str], kinds: Iterable[MediaKind]
    ) -> list[str]:
        """URLs of `kinds` in tray order, mixed (Kinovi's `urls`)."""
        wanted = set(kinds)
        out: list[str] = []
        for ref in snapshot.references:
            if ref.kind in wanted:
                try:
                    out.append(urls[ref.id])
                except KeyError:
                    raise CompositionError(
                        _("{name} has no hosted URL yet (upload it first)").format(
                            name=ref.display_name
                        )
                    ) from None
        return out

    def check_urls(self, spec_urls: Iterable[str]) -> None:
        for url in spec_urls:
            check_sendable(url, allow_loopback=self.on_loopback)

    def check_choice(self, label: str, value: str | None, allowed: list[str]) -> None:
        if value is not None and allowed and value not in allowed:
            raise CompositionError(
                _("{provider} does not offer {label} {value} (it offers {allowed})").format(
                    provider=self._caps.name,
                    label=label,
                    value=repr(value),
                    allowed=", ".join(allowed),
                )
            )

    def duration_value(self, snapshot: CompositionSnapshot) -> int | str | None:
        """The chosen duration, checked against the model; None when left to the default."""
        duration = snapshot.params.duration
        model = self._caps.model(snapshot.params.model)
        if duration is None:
            return None
        if duration == "auto":
            if not model.auto_duration:
                raise CompositionError(
                    _("{provider} has no automatic duration; pick a length in seconds").format(
                        provider=self._caps.name
                    )
                )
            return "auto"
        if model.durations and duration not in model.durations:
            raise CompositionError(
                _("{provider} makes videos of {low}–{high} s, not {duration} s").format(
                    provider=self._caps.name,
                    low=min(model.durations),
                    high=max(model.durations),
                    duration=duration,
                )
            )
        return duration


def put_if(target: dict[str, Any], key: str, value: Any) -> None:
    """Set `key` only when `value` is given: unset options fall to the provider's default."""
    if value is not None and value != []:
        target[key] = value
