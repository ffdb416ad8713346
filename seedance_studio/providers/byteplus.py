"""BytePlus ModelArk (ByteDance's own API): `POST /contents/generations/tasks` {model,
content[], options} → {id}; poll `GET .../tasks/{id}`; `DELETE .../tasks/{id}` cancels a
queued task (and deletes the record of a finished one); list `GET .../tasks?filter.…`.

The content array holds one `text` item and `image_url` / `video_url` / `audio_url` items with
roles `reference_image` / `reference_video` / `reference_audio`, in tray order per kind (so
"[Image 2]" is the second image listed). Watermarks are always off and the last frame is always
asked for: it is kept beside the video.

A running task cannot be stopped: `cancel` looks first and only sends the DELETE while the task
is queued, so it can never delete the record (and the video URL) of a task that finished
meanwhile. A create whose answer was lost is found again in the task list (last 7 days) by
model, time and exact text.

Errors come as {"error": {"code", "message"}}; codes with "SensitiveContent" are the content
filter (real faces need BytePlus' asset library, which the app does not use), and the
provider's message is kept word for word with its code.
"""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any, ClassVar

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
    Cost,
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
from seedance_studio.core.tokens import token_cost
from seedance_studio.providers.base import HttpProvider, put_if
from seedance_studio.providers.http import is_content_policy

ROLES = {
    MediaKind.IMAGE: "reference_image",
    MediaKind.VIDEO: "reference_video",
    MediaKind.AUDIO: "reference_audio",
}
ITEM_TYPES = {
    MediaKind.IMAGE: "image_url",
    MediaKind.VIDEO: "video_url",
    MediaKind.AUDIO: "audio_url",
}
SENSITIVE_MARK = "sensitivecontent"
"""Part of every content-filter error code (InputImageSensitiveContentDetected, …)."""
OVERDUE_CODES = frozenset({"AccountOverdueError", "InsufficientBalance"})
"""Codes meaning the account cannot pay (unverified names; the words are checked too)."""
LIST_PAGE_SIZE = 100
LIST_PAGES = 5
LIST_LOOKBACK_S = 120.0
"""Tasks created this long before the lost create was sent still count (clock skew)."""
LIST_DAYS_S = 7 * 24 * 3600.0
"""The task list covers the last 7 days only."""
LIST_AHEAD_S = 600.0
"""…and this long after (a slow gateway may have passed the create on late)."""


def is_blocked(code: str | None, message: str | None) -> bool:
    return SENSITIVE_MARK in (code or "").lower() or is_content_policy(message)


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def parse_task(body: object, rate_per_million: str | None = None) -> StatusResult:
    """A task object as a job status; unknown statuses count as running."""
    if not isinstance(body, dict):
        raise MalformedResponseError(_("BytePlus answered with a non-object"), provider="byteplus")
    raw = body.get("status")
    raw_text = None if raw is None else str(raw)
    state = (raw_text or "").strip().lower()
    if state in ("queued", "pending"):
        return Queued(raw_status=raw_text)
    if state == "succeeded":
        content = _dict(body.get("content"))
        url = content.get("video_url")
        if not isinstance(url, str) or not url:
            raise MalformedResponseError(
                _("BytePlus: the task succeeded without a video_url"), provider="byteplus"
            )
        media = [ResultMedia(url=url)]
        frame = content.get("last_frame_url")
        if isinstance(frame, str) and frame:
            media.append(ResultMedia(url=frame, kind="last_frame"))
        usage = _dict(body.get("usage"))
        tokens = _int(usage.get("completion_tokens"))
        cost = None
        if tokens is not None and rate_per_million is not None:
            usd = token_cost(Decimal(tokens), Decimal(str(rate_per_million)))
            cost = Cost(amount=usd, unit="usd", usd=usd)
        return Succeeded(results=media, cost=cost, raw_status=raw_text)
    if state in ("failed", "expired"):
        err = _dict(body.get("error"))
        code = None if err.get("code") is None else str(err.get("code"))
        default = _("the task expired") if state == "expired" else _("generation failed")
        message = str(err.get("message") or default)
        return Failed(
            message=message,
            code=code or (state if state == "expired" else None),
            content_blocked=is_blocked(code, message),
            raw_status=raw_text,
        )
    if state in ("cancelled", "canceled"):
        return Cancelled(raw_status=raw_text)
    return Running(raw_status=raw_text)


class BytePlusProvider(HttpProvider):
    """BytePlus ModelArk's Seedance 2.0 (standard and fast)."""

    provider_id = "byteplus"
    can_find_submissions: ClassVar[bool] = True
    default_poll_interval: ClassVar[float] = 10.0

    @property
    def supports_cancel(self) -> bool:
        return True

    def content(self, snapshot: CompositionSnapshot, urls: dict[str, str]) -> list[dict[str, Any]]:
        """The `content` array: the prompt, then every reference with its role."""
        by_kind = self.urls_by_kind(snapshot, urls)
        items: list[dict[str, Any]] = [{"type": "text", "text": self.prompt_of(snapshot)}]
        for kind in (MediaKind.IMAGE, MediaKind.VIDEO, MediaKind.AUDIO):
            item_type = ITEM_TYPES[kind]
            items += [
                {"type": item_type, item_type: {"url": url}, "role": ROLES[kind]}
                for url in by_kind[kind]
            ]
        return items

    def build_request(self, snapshot: CompositionSnapshot, urls: dict[str, str]) -> RequestSpec:
        params = snapshot.params
        model = self.capabilities.model(params.model)
        self.check_choice(_("resolution"), params.resolution, model.resolutions)
        self.check_choice(_("aspect ratio"), params.aspect_ratio, model.aspect_ratios)
        duration = self.duration_value(snapshot) or model.default_duration
        body: dict[str, Any] = {"model": model.id, "content": self.content(snapshot, urls)}
        put_if(body, "resolution", params.resolution or model.default_resolution)
        put_if(body, "ratio", params.aspect_ratio or model.default_aspect_ratio)
        body["duration"] = duration
        put_if(body, "seed", params.seed)
        put_if(body, "generate_audio", params.generate_audio)
        body["watermark"] = False
        body["return_last_frame"] = True
        put_if(body, "callback_url", self.callback_url)
        return RequestSpec(
            method="POST",
            url=self.url("/contents/generations/tasks"),
            headers=self.json_headers(),
            body=body,
        )

    async def submit(self, snapshot: CompositionSnapshot, urls: dict[str, str]) -> list[JobHandle]:
        answer = await self._create(snapshot, urls)
        task_id = answer.get("id") if isinstance(answer, dict) else None
        if not isinstance(task_id, str) or not task_id:
            raise SubmissionUnknownError(
                _(
                    "BytePlus accepted the request but its answer holds no task id; the task "
                    "may exist"
                ),
                provider=self.id,
            )
        rate = self._rate(snapshot)
        extra = {} if rate is None else {"rate": str(rate)}
        return [JobHandle(provider=self.id, job_id=task_id, extra=extra)]

    def _refined(self, exc: ProviderError) -> ProviderError:
        """The content filter and an unpaid account, told by BytePlus' error codes."""
        kw: dict[str, Any] = {"provider": self.id, "status_code": exc.status_code, "code": exc.code}
        if isinstance(exc, InvalidInputError) and is_blocked(exc.code, exc.message):
            return ContentBlockedError(exc.message, **kw)
        if isinstance(exc, AuthError) and (
            exc.code in OVERDUE_CODES
            or "overdue" in exc.message.lower()
            or "balance" in exc.message.lower()
        ):
            return InsufficientCreditsError(exc.message, **kw)
        return exc

    def _rate(self, snapshot: CompositionSnapshot) -> Decimal | None:
        """The per-million rate this submission is billed at (the with-video rate when any
        reference is a video), to turn the task's reported tokens into dollars."""
        model_id = self._model_id(snapshot)
        videos = any(r.kind is MediaKind.VIDEO for r in snapshot.references)
        for rule in self.capabilities.pricing.rules:
            if rule.when.get("model") in (None, model_id) and rule.per_million_tokens:
                if videos and rule.per_million_tokens_with_video_input is not None:
                    return rule.per_million_tokens_with_video_input
                return rule.per_million_tokens
        return None

    async def status(self, handle: JobHandle) -> StatusResult:
        """The task; its charge from `usage.completion_tokens` at the rate kept with the
        handle (none for a handle rebuilt from its id alone: then no dollar figure)."""
        return parse_task(await self._task(handle.job_id), handle.extra.get("rate"))

    async def _task(self, task_id: str) -> Any:
        return await self.transport.send_safe(
            "GET",
            self.url(f"/contents/generations/tasks/{task_id}"),
            headers=self.auth_headers(self.api_key()),
        )

    async def cancel(self, handle: JobHandle) -> bool:
        """DELETE only a queued task; False for one that runs (it cannot be stopped) or has
        finished (a DELETE would erase its record)."""
        current = parse_task(await self._task(handle.job_id))
        if isinstance(current, Cancelled):
            return True
        if not isinstance(current, Queued):
            return False
        try:
            await self.transport.send_safe(
                "DELETE",
                self.url(f"/contents/generations/tasks/{handle.job_id}"),
                headers=self.auth_headers(self.api_key()),
                expect_json=False,
            )
        except InvalidInputError as exc:
            if exc.status_code in (400, 409):
                return False  # it started meanwhile
            raise
        return True

    # -- settling a lost create ------------------------------------------------------------

    def list_params(self, model_id: str, page: int) -> dict[str, str]:
        return {"page_num": str(page), "page_size": str(LIST_PAGE_SIZE), "filter.model": model_id}

    async def find_submission(
        self, snapshot: CompositionSnapshot, sent_at: float | None
    ) -> SubmissionSearch:
        """The task this lost create made: of this model, created around `sent_at`, with
        the options it asked for (a task echoes resolution, ratio, duration, seed; where it
        echoes the request's content too, the text and roles must match). Every candidate is
        returned: the caller rules out the ones it already follows and names the rest when
        more than one is left, never guessing between them. The list covers the send when it
        was read to its end, or (newest first, as far as read) to a task older than it."""
        if sent_at is not None and time.time() - sent_at > LIST_DAYS_S - LIST_LOOKBACK_S:
            raise ProviderError(
                _(
                    "BytePlus lists only the last 7 days of tasks, and this submission is "
                    "older: look at the ModelArk console"
                ),
                provider=self.id,
            )
        spec = self.build_request(snapshot, {r.id: r.source for r in snapshot.references})
        body = spec.body
        model_id = body["model"]
        headers = self.auth_headers(self.api_key())
        low = None if sent_at is None else sent_at - LIST_LOOKBACK_S
        high = None if sent_at is None else sent_at + LIST_AHEAD_S
        found: list[str] = []
        listed = 0
        newest_first = True
        last: float | None = None
        covers = False
        reach = _("not read back to the send time")
        for page in range(1, LIST_PAGES + 1):
            answer = await self.transport.send_safe(
                "GET",
                self.url("/contents/generations/tasks"),
                headers=headers,
                params=self.list_params(model_id, page),
            )
            items = answer.get("items") if isinstance(answer, dict) else None
            if not isinstance(items, list):
                raise MalformedResponseError(
                    _("BytePlus: the task list holds no items"), provider=self.id
                )
            listed += len(items)
            older = False
            for task in items:
                if not isinstance(task, dict) or not isinstance(task.get("id"), str):
                    continue
                created = task.get("created_at")
                if isinstance(created, int | float) and not isinstance(created, bool):
                    newest_first = newest_first and (last is None or created <= last)
                    last = float(created)
                    if low is not None and created < low:
                        older = True
                        continue
                    if high is not None and created > high:
                        continue
                if self._same_request(task, body):
                    found.append(task["id"])
            if len(items) < LIST_PAGE_SIZE:
                covers, reach = True, _("read to its end")  # every task of the last 7 days
                break
            if older:
                if newest_first:
                    covers, reach = True, _("read back past the send time")
                break
        return SubmissionSearch(
            found=[JobHandle(provider=self.id, job_id=task_id) for task_id in found],
            covers_send=covers,
            listing=ngettext(
                "BytePlus's task list of {model}, {reach}: {count} task",
                "BytePlus's task list of {model}, {reach}: {count} tasks",
                listed,
            ).format(model=model_id, reach=reach, count=listed),
        )

    @staticmethod
    def _same_request(task: dict[str, Any], body: dict[str, Any]) -> bool:
        if task.get("model") not in (None, body["model"]):
            return False
        for key in ("resolution", "ratio", "duration", "seed"):
            if key in task and key in body and str(task[key]) != str(body[key]):
                return False
        content = task.get("content")
        if isinstance(content, list):  # the request echoed: compare text and roles

            def shape(items: list[Any]) -> tuple[list[Any], list[str]]:
                texts = [
                    c.get("text") for c in items if isinstance(c, dict) and c.get("type") == "text"
                ]
                roles = sorted(
                    str(c.get("role"))
                    for c in items
                    if isinstance(c, dict) and c.get("type") != "text"
                )
                return texts, roles

            return shape(content) == shape(body["content"])
        return True
