"""ShortAPI: `POST /job/create` {model, args}, poll `GET /job/query?id=`.

The create answer nests the id (`data.job_id`) and the charge (`data.amount`). Only status 2
(succeeded) is documented; numeric and string statuses are both accepted, and an unknown one is
treated as still running but kept in `raw_status`. A guessed numeric end (3, 4) ends a job only
with an error text beside it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.errors import (
    CompositionError,
    MalformedResponseError,
    SubmissionUnknownError,
)
from seedance_studio.core.i18n import _
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.core.money import parse_amount
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
    Succeeded,
)
from seedance_studio.providers.base import HttpProvider, put_if
from seedance_studio.providers.http import is_content_policy, translate_api_code

SUCCESS_CODES = (0, "0", 200, "200", None)
"""`code` values meaning success: 0 as documented; 200 as some gateways of the same API send."""

NUMERIC_STATES = {0: "queued", 1: "running", 2: "succeeded", 3: "failed", 4: "cancelled"}
"""Only 2 is documented ("when status is 2, meaning succeeded"); the others are a guess from
the order ShortAPI's own texts list them in."""
GUESSED_ENDS = frozenset({3, 4})
"""Guessed numeric statuses that would end a job: they end it only together with the error
text that says why. Alone they may mean something else, and a paid job that was taken for
failed would never be polled or downloaded again, so it stays watched (the stuck time-out and
Check again settle it)."""
STRING_STATES = {
    "queued": "queued",
    "pending": "queued",
    "waiting": "queued",
    "created": "queued",
    "running": "running",
    "processing": "running",
    "in_progress": "running",
    "generating": "running",
    "succeeded": "succeeded",
    "success": "succeeded",
    "completed": "succeeded",
    "done": "succeeded",
    "failed": "failed",
    "fail": "failed",
    "error": "failed",
    "cancelled": "cancelled",
    "canceled": "cancelled",
}


def _amount(value: object) -> Decimal | None:
    return parse_amount(value)


def _state_of(raw: object) -> str | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return NUMERIC_STATES.get(raw)
    if isinstance(raw, str):
        text = raw.strip().lower()
        if text.lstrip("-").isdigit():
            return NUMERIC_STATES.get(int(text))
        return STRING_STATES.get(text)
    return None


def _guessed_end(raw: object) -> bool:
    if isinstance(raw, bool):
        return False
    if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
        raw = int(raw.strip())
    return isinstance(raw, int) and raw in GUESSED_ENDS


def parse_status(body: object, amount: str | None = None) -> StatusResult:
    """A query answer's `data` as a job status; `amount` is the charge the create reported."""
    if not isinstance(body, dict):
        raise MalformedResponseError(
            _("ShortAPI: the job query answer is not an object"), provider="shortapi"
        )
    data = body.get("data")
    if not isinstance(data, dict):
        raise MalformedResponseError(
            _("ShortAPI: the job query answer has no data"), provider="shortapi"
        )
    raw = data.get("status")
    raw_text = None if raw is None else str(raw)
    state = _state_of(raw)
    err = data.get("error") or data.get("message") or data.get("msg")
    if state in ("failed", "cancelled") and not err and _guessed_end(raw):
        return Running(raw_status=raw_text)
    if state == "queued":
        return Queued(raw_status=raw_text)
    if state == "succeeded":
        result = data.get("result") or {}
        videos = result.get("videos") if isinstance(result, dict) else None
        media = [
            ResultMedia(url=v["url"])
            for v in videos or []
            if isinstance(v, dict) and isinstance(v.get("url"), str)
        ]
        if not media:
            raise MalformedResponseError(
                _("ShortAPI: the job succeeded but lists no video"), provider="shortapi"
            )
        charged = _amount(data.get("amount")) or _amount(amount)
        cost = Cost(amount=charged, unit="usd", usd=charged) if charged is not None else None
        return Succeeded(results=media, cost=cost, raw_status=raw_text)
    if state == "failed":
        message = (err.get("message") if isinstance(err, dict) else err) or _("generation failed")
        code = err.get("code") if isinstance(err, dict) else None
        return Failed(
            message=str(message),
            code=None if code is None else str(code),
            content_blocked=is_content_policy(str(message)),
            raw_status=raw_text,
        )
    if state == "cancelled":
        return Cancelled(raw_status=raw_text)
    return Running(raw_status=raw_text)


class ShortApiProvider(HttpProvider):
    """ShortAPI's Seedance 2.0 omni-reference model."""

    provider_id = "shortapi"

    def build_request(self, snapshot: CompositionSnapshot, urls: dict[str, str]) -> RequestSpec:
        params = snapshot.params
        model = self.capabilities.model(params.model)
        by_kind = self.urls_by_kind(snapshot, urls)
        videos = by_kind[MediaKind.VIDEO]
        if len(videos) > 1:
            raise CompositionError(_("ShortAPI takes a single reference video"))
        self.check_choice(_("mode"), params.mode, model.modes)
        self.check_choice(_("aspect ratio"), params.aspect_ratio, model.aspect_ratios)
        args: dict[str, Any] = {"prompt": self.prompt_of(snapshot)}
        put_if(args, "video_url", videos[0] if videos else None)
        put_if(args, "image_urls", by_kind[MediaKind.IMAGE])
        put_if(args, "audio_urls", by_kind[MediaKind.AUDIO])
        put_if(args, "duration", self.duration_value(snapshot))
        put_if(args, "aspect_ratio", params.aspect_ratio)
        put_if(args, "mode", params.mode)
        body: dict[str, Any] = {"model": model.id, "args": args}
        put_if(body, "callback_url", self.callback_url)
        return RequestSpec(
            method="POST", url=self.url("/job/create"), headers=self.json_headers(), body=body
        )

    async def submit(self, snapshot: CompositionSnapshot, urls: dict[str, str]) -> list[JobHandle]:
        answer = await self._create(snapshot, urls)
        data = self._data(answer)
        job_id = data.get("job_id") if isinstance(data, dict) else None
        if not isinstance(job_id, str | int) or isinstance(job_id, bool) or not str(job_id):
            raise SubmissionUnknownError(
                _(
                    "ShortAPI accepted the request but its answer holds no job id; the job may "
                    "exist"
                ),
                provider=self.id,
            )
        extra: dict[str, str] = {}
        amount = _amount(data.get("amount")) if isinstance(data, dict) else None
        if amount is not None:
            extra["amount"] = str(amount)
        return [JobHandle(provider=self.id, job_id=str(job_id), extra=extra)]

    def _data(self, answer: object) -> object:
        """`data` of an answer, raising the error a non-zero `code` stands for."""
        if not isinstance(answer, dict):
            raise MalformedResponseError(_("ShortAPI answered with a non-object"), provider=self.id)
        code = answer.get("code", 0)
        if code not in SUCCESS_CODES:
            message = answer.get("message") or answer.get("msg")
            raise translate_api_code(
                self.id, code, None if message is None else str(message), secrets=self._secrets()
            )
        return answer.get("data")

    async def status(self, handle: JobHandle) -> StatusResult:
        answer = await self.transport.send_safe(
            "GET",
            self.url("/job/query"),
            params={"id": handle.job_id},
            headers=self.auth_headers(self.api_key()),
        )
        self._data(answer)
        return parse_status(answer, handle.extra.get("amount"))

    async def cancel(self, handle: JobHandle) -> bool:
        """ShortAPI documents no cancel."""
        return False
