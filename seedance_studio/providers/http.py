"""The one place where HTTP answers and transport failures become the app's exceptions.

Two ways to send: `send_create` (never repeated once a byte may have reached the server) and
`send_safe` (polls, cancels, cost look-ups: repeated with back-off on 408/429/5xx/drops).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

import httpx

from seedance_studio.core.errors import (
    AuthError,
    ContentBlockedError,
    InsufficientCreditsError,
    InvalidInputError,
    MalformedResponseError,
    NetworkError,
    NotFoundError,
    ProviderError,
    RateLimitedError,
    ServerError,
    SubmissionUnknownError,
)
from seedance_studio.core.i18n import N_, _
from seedance_studio.core.redact import redact
from seedance_studio.providers import retry

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=60.0, pool=10.0)
"""Per-request limits; a create whose read times out is reported as 'submission unknown'."""

MAX_MESSAGE_CHARS = 500
"""Provider messages longer than this are cut (an HTML error page is not a message)."""

CONTENT_POLICY_PATTERN = re.compile(
    r"moderat|content[ _-]?polic|safety|sensitive|nsfw|inappropriate|prohibited|"
    r"face detected|real (?:human )?face|violat|blocked by",
    re.IGNORECASE,
)
"""Words providers use when their content filter refuses a prompt or a reference."""

NOTHING_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
)
"""Transport failures that happen before any byte of the request left this machine."""

Sleep = Callable[[float], Awaitable[None]]
SecretsSource = Callable[[], Iterable[str | None]]


def is_content_policy(message: str | None) -> bool:
    return bool(message) and CONTENT_POLICY_PATTERN.search(message or "") is not None


def _text_of(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        parts = [_text_of(v.get("msg") if isinstance(v, dict) else v) for v in value]
        joined = "; ".join(p for p in parts if p)
        return joined or None
    if isinstance(value, dict):
        return _text_of(value.get("message") or value.get("msg") or value.get("detail"))
    return str(value)


def error_details(body: object) -> tuple[str | None, str | None]:
    """(message, code) from the error bodies these providers send.

    Shapes: {"status": "error", "message", "details"} and {"error": "..."} (eachlabs),
    {"error": {"code", "message"}} (Kinovi), {"code", "msg"|"message"} (ShortAPI),
    {"detail": ...} (FastAPI-style 422), {"error_message"} (Oxen).
    """
    if not isinstance(body, dict):
        return (_text_of(body), None)
    data = body.get("data")
    code_value = body.get("code")
    err = body.get("error")
    if isinstance(err, dict):
        code_value = err.get("code", code_value)
    message = (
        _text_of(body.get("message"))
        or _text_of(body.get("msg"))
        or _text_of(err)
        or _text_of(body.get("error_message"))
        or _text_of(body.get("detail"))
    )
    details = _text_of(body.get("details"))
    if details and message and details != message:
        message = f"{message}: {details}"
    elif details and not message:
        message = details
    if message is None and isinstance(data, dict):
        return error_details(data)
    detail = body.get("detail")
    if code_value is None and isinstance(detail, list):  # FastAPI-style: [{loc, msg, type}]
        code_value = next(
            (d["type"] for d in detail if isinstance(d, dict) and d.get("type")), None
        )
    code = None if code_value is None else str(code_value)
    return (message, code)


_XML_FIELD = re.compile(r"<(Code|Message)>([^<]*)</\1>")


def _xml_error(text: str) -> tuple[str | None, str | None]:
    """(message, code) of an S3-style XML error body; (None, None) for HTML pages."""
    fields = dict(_XML_FIELD.findall(text))
    message = fields.get("Message", "").strip() or None
    return (message, fields.get("Code") or None)


def _clip(text: str) -> str:
    text = text.strip()
    return text if len(text) <= MAX_MESSAGE_CHARS else text[:MAX_MESSAGE_CHARS] + "…"


DEFAULT_MESSAGES = {
    401: N_("the API key was refused"),
    402: N_("not enough credits on this account"),
    403: N_("this API key may not use the API"),
    404: N_("not found"),
    408: N_("the provider timed out reading the request"),
    429: N_("too many requests or tasks in progress; try again later"),
}
"""Used when an error answer carries no message of its own (translated when used)."""


def _default_message(status: int) -> str:
    if status in DEFAULT_MESSAGES:
        return _("{message} (HTTP {status})").format(
            message=_(DEFAULT_MESSAGES[status]), status=status
        )
    if status >= 500:
        return _("the provider failed on its side (HTTP {status})").format(status=status)
    return f"HTTP {status}"


def translate_status(
    provider: str,
    status: int,
    body: bytes | str,
    headers: Mapping[str, str] | None = None,
    *,
    secrets: Iterable[str | None] = (),
) -> ProviderError:
    """The exception for an HTTP error answer; the provider's own message kept verbatim."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        parsed: Any = json.loads(text) if text.strip() else None
    except ValueError:
        parsed = None
    message, code = error_details(parsed) if parsed is not None else (None, None)
    if message is None and text.lstrip().startswith("<"):
        message, code = _xml_error(text)
    elif message is None and text.strip():
        message = text
    message = redact(_clip(message or _default_message(status)), secrets)
    kw: dict[str, Any] = {"provider": provider, "status_code": status, "code": code}
    if status in (401, 403):
        return AuthError(message, **kw)
    if status == 402:
        return InsufficientCreditsError(message, **kw)
    if status == 429:
        after = retry.parse_retry_after(
            (headers or {}).get("retry-after") or (headers or {}).get("Retry-After")
        )
        return RateLimitedError(message, retry_after=after, **kw)
    if status == 404:
        return NotFoundError(message, **kw)
    if status == 408:
        return NetworkError(message, **kw)
    if status >= 500:
        return ServerError(message, **kw)
    if is_content_policy(message):
        return ContentBlockedError(message, **kw)
    return InvalidInputError(message, **kw)


def translate_api_code(
    provider: str, code: object, message: str | None, *, secrets: Iterable[str | None] = ()
) -> ProviderError:
    """An error reported inside a 200 body (ShortAPI's `code != 0`): HTTP-like codes map
    as statuses do, anything else is the provider refusing the request."""
    text = redact(_clip(message or _("error code {code}").format(code=code)), secrets)
    try:
        numeric = int(str(code))
    except (TypeError, ValueError):
        numeric = 0
    if 400 <= numeric <= 599:
        err = translate_status(provider, numeric, json.dumps({"message": text}), secrets=secrets)
        err.code = str(code)
        return err
    if is_content_policy(text):
        return ContentBlockedError(text, provider=provider, code=str(code))
    return InvalidInputError(text, provider=provider, code=str(code))


def parse_json(
    provider: str, response: httpx.Response, *, secrets: Iterable[str | None] = ()
) -> Any:
    try:
        return response.json()
    except (ValueError, UnicodeDecodeError):
        snippet = redact(_clip(response.text[:200]), secrets)
        raise MalformedResponseError(
            _("{provider} answered with something that is not JSON: {snippet}").format(
                provider=provider, snippet=repr(snippet)
            ),
            provider=provider,
            status_code=response.status_code,
        ) from None


class Transport:
    """Sends one provider's requests through a shared httpx client and translates failures."""

    def __init__(
        self,
        provider: str,
        client: httpx.AsyncClient,
        *,
        secrets: SecretsSource = lambda: (),
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        max_attempts: int = retry.MAX_ATTEMPTS,
    ) -> None:
        self.provider = provider
        self.client = client
        self._secrets = secrets
        self._sleep = sleep
        self._rng = rng or random.Random()
        self.max_attempts = max_attempts

    async def sleep(self, seconds: float) -> None:
        await self._sleep(seconds)

    def network_error(self, exc: Exception, what: str) -> NetworkError:
        """A failure on the way (httpx's, or a worker thread's OSError), told once."""
        detail = redact(str(exc) or type(exc).__name__, self._secrets())
        log.warning("%s: %s (%s)", self.provider, what, detail)
        return NetworkError(f"{self.provider}: {what} ({detail})", provider=self.provider)

    def check(self, response: httpx.Response) -> None:
        """Raise the translated error for a non-2xx answer."""
        if response.is_success:
            return
        error = translate_status(
            self.provider,
            response.status_code,
            response.content,
            response.headers,
            secrets=self._secrets(),
        )
        log.warning(
            "%s: HTTP %s %s: %s",
            self.provider,
            response.status_code,
            type(error).__name__,
            redact(str(error), self._secrets()),
        )
        raise error

    async def send_create(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        json_body: Any,
        timeout: httpx.Timeout | None = None,  # noqa: ASYNC109
    ) -> Any:
        """Send a request that creates (and may charge for) a job; never repeat it blindly.

        Only a failure to connect at all is retried. Once the request may have been sent,
        a dropped connection, a time-out or an unreadable answer raise SubmissionUnknownError.
        """
        attempt = 0
        while True:
            attempt += 1
            try:
                response = await self.client.request(
                    method,
                    url,
                    headers=dict(headers),
                    json=json_body,
                    timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT,
                )
            except NOTHING_SENT as exc:
                if attempt < retry.CONNECT_ATTEMPTS:
                    await self._sleep(retry.retry_delay(attempt, rng=self._rng))
                    continue
                raise self.network_error(exc, _("could not connect")) from None
            except httpx.TransportError as exc:
                detail = redact(str(exc) or type(exc).__name__, self._secrets())
                raise SubmissionUnknownError(
                    _(
                        "{provider}: the request was sent but no answer came back ({detail}); "
                        "the job may or may not have been created"
                    ).format(provider=self.provider, detail=detail),
                    provider=self.provider,
                ) from None
            break
        if response.status_code == 500:
            # The application itself failed after reading the request: it may have created
            # (and billed) the job first. 502/503/504 come from the gateway in front of it
            # and are translated as server errors the engine may send again.
            raise SubmissionUnknownError(
                _(
                    "{provider}: the server failed (HTTP 500) after the request was sent; "
                    "the job may or may not have been created"
                ).format(provider=self.provider),
                provider=self.provider,
                status_code=500,
            )
        self.check(response)
        try:
            return parse_json(self.provider, response, secrets=self._secrets())
        except MalformedResponseError as exc:
            raise SubmissionUnknownError(
                _("{message}; the job may have been created").format(message=exc.message),
                provider=self.provider,
                status_code=response.status_code,
            ) from None

    async def send_safe(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
        expect_json: bool = True,
    ) -> Any:
        """Send a request that is harmless to repeat, retrying what `retry` allows."""
        attempt = 0
        while True:
            attempt += 1
            try:
                response = await self.client.request(
                    method, url, headers=dict(headers), params=params, json=json_body
                )
                self.check(response)
                if not expect_json:
                    return response
                return parse_json(self.provider, response, secrets=self._secrets())
            except httpx.TransportError as exc:
                error: ProviderError = self.network_error(exc, _("connection failed"))
            except ProviderError as exc:
                error = exc
            if not retry.should_retry(error, attempt, max_attempts=self.max_attempts):
                raise error
            wait = retry.retry_delay(attempt, getattr(error, "retry_after", None), self._rng)
            log.debug(
                "%s %s failed (%s); retry %d in %.1fs",
                self.provider,
                method,
                type(error).__name__,
                attempt,
                wait,
            )
            await self._sleep(wait)
