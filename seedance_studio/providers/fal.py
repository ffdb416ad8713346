"""fal.ai's queue: `POST {queue}/{endpoint}` → request_id; `GET .../requests/{id}/status`
(IN_QUEUE with queue_position | IN_PROGRESS | COMPLETED); `GET .../requests/{id}` for the
result; `PUT .../requests/{id}/cancel`. Key in `Authorization: Key …`.

Status and result paths live under the app id (the endpoint's first two segments,
`bytedance/seedance-2.0`, the same for the standard and fast endpoints), so a stored request
id alone is enough to poll. The create answer's own `status_url` / `response_url` are used when
they point at the same host.

A COMPLETED request may still have failed: its result then answers with an error (fal's
`detail` list, `type: content_policy_violation` for the content filter). A cancelled request
is reported as CANCELLED by some accounts and as COMPLETED with a cancelled result by others
(unverified): both are read as cancelled.

A create whose answer was lost is looked up in the request history
(`GET {platform}/models/requests/by-endpoint?endpoint_id=…&expand=payloads`) by its exact
input. That list is documented as sorted by end time; whether requests still in the queue
appear in it, and how soon a request is listed, are not (unverified): the client only says
what it read and whether that reached back past the send; the job engine decides when a miss
is proof (jobs/settling.py, after a window kept as data).

Hosts: queue.fal.run, rest.fal.ai (CDN upload, see assets/fal_cdn.py), api.fal.ai/v1 (the
platform API). A base URL set in Settings that ends in `/queue` keeps the other two beside it
(`…/rest`, `…/platform/v1`), the simulator's layout.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.errors import (
    AuthError,
    ContentBlockedError,
    InsufficientCreditsError,
    InvalidInputError,
    MalformedResponseError,
    ProviderError,
    SubmissionUnknownError,
)
from seedance_studio.core.i18n import _, ngettext
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.core.provider import (
    Cancelled,
    Failed,
    JobHandle,
    Queued,
    RequestSpec,
    ResultMedia,
    Running,
    StatusResult,
    SubmissionSearch,
    Succeeded,
)
from seedance_studio.core.redact import MASK
from seedance_studio.providers.base import HttpProvider, put_if
from seedance_studio.providers.http import is_content_policy

DOCUMENTED_QUEUE = "https://queue.fal.run"
DOCUMENTED_REST = "https://rest.fal.ai"
DOCUMENTED_PLATFORM = "https://api.fal.ai/v1"
CONTENT_POLICY_TYPES = frozenset({"content_policy_violation"})
"""`detail[].type` values of fal's model errors that mean the content filter refused."""
HISTORY_LOOKBACK_S = 120.0
"""The history is searched from this long before the lost create was sent (clock skew)."""
HISTORY_PAGES = 5
HISTORY_PAGE_SIZE = 100
BALANCE_WORDS = ("balance", "billing", "credit")


def _clock(epoch: float) -> str:
    return datetime.fromtimestamp(epoch).strftime("%Y-%m-%d %H:%M:%S")


def app_id(endpoint: str) -> str:
    """`bytedance/seedance-2.0/fast/reference-to-video` → `bytedance/seedance-2.0`."""
    return "/".join(endpoint.strip("/").split("/")[:2])


def sibling_hosts(base_url: str) -> tuple[str, str]:
    """(rest, platform) for a queue base URL: the documented hosts, or beside an override."""
    base = base_url.rstrip("/")
    if base == DOCUMENTED_QUEUE:
        return DOCUMENTED_REST, DOCUMENTED_PLATFORM
    root = base[: -len("/queue")] if base.endswith("/queue") else base
    return f"{root}/rest", f"{root}/platform/v1"


def _detail(body: object) -> tuple[str | None, str | None]:
    """(message, type) of fal's error bodies: {"detail": "..."} or {"detail": [{msg, type}]}."""
    if not isinstance(body, dict):
        return None, None
    detail = body.get("detail", body.get("error"))
    if isinstance(detail, str):
        return detail, None
    if isinstance(detail, list):
        msgs = [d for d in detail if isinstance(d, dict)]
        text = "; ".join(str(d.get("msg")) for d in msgs if d.get("msg")) or None
        kind = next((str(d["type"]) for d in msgs if d.get("type")), None)
        return text, kind
    if isinstance(detail, dict):
        return _detail({"detail": [detail]})
    return None, None


def parse_status(body: object) -> StatusResult | None:
    """A status answer; None for COMPLETED (the result decides how it ended)."""
    if not isinstance(body, dict):
        raise MalformedResponseError(_("fal answered with a non-object"), provider="fal")
    raw = body.get("status")
    raw_text = None if raw is None else str(raw)
    state = (raw_text or "").strip().upper()
    if state == "IN_QUEUE":
        position = body.get("queue_position")
        ok = isinstance(position, int) and not isinstance(position, bool) and position >= 0
        return Queued(raw_status=raw_text, queue_position=position if ok else None)
    if state in ("CANCELLED", "CANCELED"):
        return Cancelled(raw_status=raw_text)
    if state == "COMPLETED":
        error = body.get("error")
        if error:
            message = str(error)
            kind = body.get("error_type")
            blocked = kind in CONTENT_POLICY_TYPES or is_content_policy(message)
            if "cancel" in message.lower() and not blocked:
                return Cancelled(raw_status=raw_text)
            return Failed(
                message=message,
                code=None if kind is None else str(kind),
                content_blocked=blocked,
                raw_status=raw_text,
            )
        return None
    return Running(raw_status=raw_text)


def parse_result(body: object, raw_status: str | None = "COMPLETED") -> Succeeded:
    if not isinstance(body, dict):
        raise MalformedResponseError(_("fal: the result is not an object"), provider="fal")
    video = body.get("video")
    url = video.get("url") if isinstance(video, dict) else video
    if not isinstance(url, str) or not url:
        raise MalformedResponseError(
            _("fal: the request completed without a video URL"), provider="fal"
        )
    return Succeeded(results=[ResultMedia(url=url)], raw_status=raw_status)


class FalProvider(HttpProvider):
    """fal.ai's Seedance 2.0 reference-to-video (standard and fast endpoints)."""

    provider_id = "fal"
    can_find_submissions: ClassVar[bool] = True
    default_poll_interval: ClassVar[float] = 5.0

    @property
    def supports_cancel(self) -> bool:
        return True

    @property
    def rest_url(self) -> str:
        return sibling_hosts(self.base_url)[0]

    @property
    def platform_url(self) -> str:
        return sibling_hosts(self.base_url)[1]

    # -- create ---------------------------------------------------------------------------

    def inputs(self, snapshot: CompositionSnapshot, urls: dict[str, str]) -> dict[str, Any]:
        """The endpoint's input object, exactly as sent (also what the history is matched on)."""
        params = snapshot.params
        model = self.capabilities.model(params.model)
        self.check_choice(_("resolution"), params.resolution, model.resolutions)
        self.check_choice(_("aspect ratio"), params.aspect_ratio, model.aspect_ratios)
        by_kind = self.urls_by_kind(snapshot, urls)
        duration = self.duration_value(snapshot)
        body: dict[str, Any] = {"prompt": self.prompt_of(snapshot)}
        put_if(body, "image_urls", by_kind[MediaKind.IMAGE])
        put_if(body, "video_urls", by_kind[MediaKind.VIDEO])
        put_if(body, "audio_urls", by_kind[MediaKind.AUDIO])
        put_if(body, "resolution", params.resolution)
        put_if(body, "duration", None if duration is None else str(duration))
        put_if(body, "aspect_ratio", params.aspect_ratio)
        put_if(body, "generate_audio", params.generate_audio)
        put_if(body, "seed", params.seed)
        return body

    def build_request(self, snapshot: CompositionSnapshot, urls: dict[str, str]) -> RequestSpec:
        endpoint = self._model_id(snapshot)
        return RequestSpec(
            method="POST",
            url=self.url(f"/{endpoint}"),
            headers=self.json_headers(),
            body=self.inputs(snapshot, urls),
        )

    async def submit(self, snapshot: CompositionSnapshot, urls: dict[str, str]) -> list[JobHandle]:
        answer = await self._create(snapshot, urls)
        request_id = answer.get("request_id") if isinstance(answer, dict) else None
        if not isinstance(request_id, str) or not request_id:
            raise SubmissionUnknownError(
                _(
                    "fal accepted the request but its answer holds no request_id; the request "
                    "may exist"
                ),
                provider=self.id,
            )
        extra = {
            name: answer[name]
            for name in ("status_url", "response_url", "cancel_url")
            if isinstance(answer.get(name), str) and self._same_host(answer[name])
        }
        return [JobHandle(provider=self.id, job_id=request_id, extra=extra)]

    def _refined(self, exc: ProviderError) -> ProviderError:
        """fal's own words for two cases the HTTP status alone does not tell apart."""
        text = exc.message
        if (
            isinstance(exc, AuthError)
            and exc.status_code == 403
            and any(w in text.lower() for w in BALANCE_WORDS)
        ):
            return InsufficientCreditsError(text, provider=self.id, status_code=403, code=exc.code)
        if isinstance(exc, InvalidInputError) and exc.code in CONTENT_POLICY_TYPES:
            return ContentBlockedError(
                text, provider=self.id, status_code=exc.status_code, code=exc.code
            )
        return exc

    def _same_host(self, url: str) -> bool:
        return urlsplit(url).netloc == urlsplit(self.base_url).netloc

    # -- polling --------------------------------------------------------------------------

    def _request_url(self, handle: JobHandle, suffix: str) -> str:
        names = {"/status": "status_url", "": "response_url", "/cancel": "cancel_url"}
        given = handle.extra.get(names[suffix])
        if given and self._same_host(given):
            return given
        model = self.capabilities.model(None).id
        return self.url(f"/{app_id(model)}/requests/{handle.job_id}{suffix}")

    async def status(self, handle: JobHandle) -> StatusResult:
        headers = self.auth_headers(self.api_key())
        answer = await self.transport.send_safe(
            "GET", self._request_url(handle, "/status"), headers=headers
        )
        status = parse_status(answer)
        if status is not None:
            return status
        raw = str(answer.get("status")) if isinstance(answer, dict) else "COMPLETED"
        try:
            result = await self.transport.send_safe(
                "GET", self._request_url(handle, ""), headers=headers
            )
        except (InvalidInputError, ContentBlockedError) as exc:
            return self._failed(exc, raw)
        return parse_result(result, raw)

    def _failed(self, exc: ProviderError, raw: str) -> StatusResult:
        """A completed request whose result is an error: failed, refused, or cancelled."""
        message = exc.message
        blocked = exc.code in CONTENT_POLICY_TYPES or isinstance(exc, ContentBlockedError)
        if not blocked and "cancel" in message.lower():
            return Cancelled(raw_status=raw)
        return Failed(message=message, code=exc.code, content_blocked=blocked, raw_status=raw)

    async def cancel(self, handle: JobHandle) -> bool:
        """PUT .../cancel; False when fal says the request already completed."""
        try:
            await self.transport.send_safe(
                "PUT",
                self._request_url(handle, "/cancel"),
                headers=self.auth_headers(self.api_key()),
            )
        except InvalidInputError as exc:
            if exc.status_code in (400, 409):
                return False
            raise
        return True

    # -- settling a lost create ------------------------------------------------------------

    def history_request(
        self, endpoint: str, since: float | None, cursor: str | None = None
    ) -> tuple[str, dict[str, str]]:
        params = {"endpoint_id": endpoint, "expand": "payloads", "limit": str(HISTORY_PAGE_SIZE)}
        if since is not None:
            start = datetime.fromtimestamp(since - HISTORY_LOOKBACK_S, UTC)
            params["start"] = start.strftime("%Y-%m-%dT%H:%M:%SZ")
        if cursor:
            params["cursor"] = cursor
        return f"{self.platform_url}/models/requests/by-endpoint", params

    async def find_submission(
        self, snapshot: CompositionSnapshot, sent_at: float | None
    ) -> SubmissionSearch:
        """The requests in fal's history whose input is this composition's: the same
        prompt and options and as many references of each kind (their hosted URLs may have
        been renamed by an upload host, so they are not compared). The history is read from
        before the send (`start`); it covers the send only when read to its end."""
        endpoint = self._model_id(snapshot)
        wanted = self._match_keys(snapshot)
        headers = self.auth_headers(self.api_key())
        cursor: str | None = None
        found: list[JobHandle] = []
        listed = pages = 0
        for _page in range(HISTORY_PAGES):
            url, params = self.history_request(endpoint, sent_at, cursor)
            page = await self.transport.send_safe("GET", url, headers=headers, params=params)
            items = page.get("items") if isinstance(page, dict) else None
            if not isinstance(items, list):
                raise MalformedResponseError(
                    _("fal: the request history holds no items"), provider=self.id
                )
            pages += 1
            listed += len(items)
            for item in items:
                if isinstance(item, dict) and self._matches(item.get("json_input"), wanted):
                    rid = item.get("request_id")
                    if isinstance(rid, str) and rid:
                        found.append(JobHandle(provider=self.id, job_id=rid))
            more = page.get("next_cursor") if page.get("has_more") else None
            cursor = more if isinstance(more, str) and more else None
            if not cursor:
                break
        since = (
            _("from its start")
            if sent_at is None
            else _("since {time}").format(time=_clock(sent_at - HISTORY_LOOKBACK_S))
        )
        reach = (
            _("read to its end")
            if cursor is None
            else ngettext("cut short after {n} page", "cut short after {n} pages", pages).format(
                n=pages
            )
        )
        return SubmissionSearch(
            found=found,
            covers_send=cursor is None,
            listing=ngettext(
                "fal's request history {since}, {reach}: {count} request",
                "fal's request history {since}, {reach}: {count} requests",
                listed,
            ).format(since=since, reach=reach, count=listed),
        )

    def _match_keys(self, snapshot: CompositionSnapshot) -> dict[str, Any]:
        """What the history's `json_input` must hold: everything sent but the URLs, which
        an upload host may have renamed."""
        placeholders = {r.id: f"{MASK}{r.id}" for r in snapshot.references}
        body = self.inputs(snapshot, placeholders)
        return {k: v for k, v in body.items() if not k.endswith("_urls")} | {
            f"{kind.value}_count": sum(1 for r in snapshot.references if r.kind is kind)
            for kind in MediaKind
        }

    @staticmethod
    def _matches(sent: object, wanted: dict[str, Any]) -> bool:
        if not isinstance(sent, dict):
            return False
        for key, value in wanted.items():
            if key.endswith("_count"):
                field = key.removesuffix("_count") + "_urls"
                listed = sent.get(field) or []
                if not isinstance(listed, list) or len(listed) != value:
                    return False
            elif json.dumps(sent.get(key)) != json.dumps(value):
                return False
        return True
