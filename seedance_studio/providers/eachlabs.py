"""eachlabs: `POST /prediction/` {model, version, input}, poll `GET /prediction/{id}`,
cancel `POST /prediction/{id}/cancel`; key in `X-API-Key`.

Both documented error shapes are understood ({"status": "error", "message", "details"} and
{"error": "..."}). The documented limits (10 unfinished predictions, 100 creates a minute per
key) are published as `rate_limits`; the job engine's store-based gate enforces them (see
providers/rate_limits.py), so `submit()` sends at once and a create the server refuses raises
RateLimitedError.
"""

from __future__ import annotations

import json
from typing import ClassVar

from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.errors import (
    InvalidInputError,
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
from seedance_studio.providers.http import error_details, is_content_policy, translate_status
from seedance_studio.providers.rate_limits import RateLimits

MODEL_VERSIONS = {"bytedance-seedance-2-0-reference-to-video": "0.0.1"}
"""The `version` the create needs per model (from the model's page)."""
DEFAULT_VERSION = "0.0.1"
RATE_LIMITS = RateLimits(max_unfinished=10, max_creates=100, window_s=60.0)
"""eachlabs' documented per-key limits."""


def _outputs(value: object) -> list[ResultMedia]:
    if isinstance(value, str) and value:
        return [ResultMedia(url=value)]
    if isinstance(value, list):
        return [m for v in value for m in _outputs(v)]
    if isinstance(value, dict):
        url = value.get("url") or value.get("video")
        return [ResultMedia(url=url)] if isinstance(url, str) and url else []
    return []


def parse_status(body: object) -> StatusResult:
    """A prediction answer as a job status; unknown statuses count as running."""
    if not isinstance(body, dict):
        raise MalformedResponseError(_("eachlabs answered with a non-object"), provider="eachlabs")
    raw = body.get("status")
    raw_text = None if raw is None else str(raw)
    state = (raw_text or "").strip().lower()
    if state in ("starting", "queued", "pending"):
        return Queued(raw_status=raw_text)
    if state in ("success", "succeeded", "completed"):
        media = _outputs(body.get("output"))
        if not media:
            raise MalformedResponseError(
                _("eachlabs: the prediction succeeded without output"), provider="eachlabs"
            )
        cost = None
        metrics = body.get("metrics")
        value = metrics.get("cost") if isinstance(metrics, dict) else None
        amount = parse_amount(value)
        if amount is not None:
            cost = Cost(amount=amount, unit="usd", usd=amount)
        return Succeeded(results=media, cost=cost, raw_status=raw_text)
    if state in ("failed", "error"):
        message, code = error_details(body)
        text = message or _("prediction failed")
        return Failed(
            message=text,
            code=code if code != raw_text else None,
            content_blocked=is_content_policy(text),
            raw_status=raw_text,
        )
    if state in ("cancelled", "canceled"):
        return Cancelled(raw_status=raw_text)
    return Running(raw_status=raw_text)


class EachlabsProvider(HttpProvider):
    """eachlabs' Seedance 2.0 reference-to-video."""

    provider_id = "eachlabs"
    default_poll_interval: ClassVar[float] = 5.0
    rate_limits: ClassVar[RateLimits] = RATE_LIMITS

    @property
    def supports_cancel(self) -> bool:
        return True

    def build_request(self, snapshot: CompositionSnapshot, urls: dict[str, str]) -> RequestSpec:
        params = snapshot.params
        model = self.capabilities.model(params.model)
        self.check_choice(_("resolution"), params.resolution, model.resolutions)
        self.check_choice(_("aspect ratio"), params.aspect_ratio, model.aspect_ratios)
        by_kind = self.urls_by_kind(snapshot, urls)
        duration = self.duration_value(snapshot)
        inputs: dict[str, object] = {"prompt": self.prompt_of(snapshot)}
        put_if(inputs, "image_urls", by_kind[MediaKind.IMAGE])
        put_if(inputs, "video_urls", by_kind[MediaKind.VIDEO])
        put_if(inputs, "audio_urls", by_kind[MediaKind.AUDIO])
        put_if(inputs, "resolution", params.resolution)
        put_if(inputs, "duration", None if duration is None else str(duration))
        put_if(inputs, "aspect_ratio", params.aspect_ratio)
        put_if(inputs, "generate_audio", params.generate_audio)
        put_if(inputs, "seed", None if params.seed is None else str(params.seed))
        body: dict[str, object] = {
            "model": model.id,
            "version": MODEL_VERSIONS.get(model.id, DEFAULT_VERSION),
            "input": inputs,
        }
        put_if(body, "webhook_url", self.callback_url)
        return RequestSpec(
            method="POST", url=self.url("/prediction/"), headers=self.json_headers(), body=body
        )

    async def submit(self, snapshot: CompositionSnapshot, urls: dict[str, str]) -> list[JobHandle]:
        answer = await self._create(snapshot, urls)
        if isinstance(answer, dict) and str(answer.get("status", "")).lower() == "error":
            raise translate_status(self.id, 400, json.dumps(answer), secrets=self._secrets())
        prediction_id = answer.get("predictionID") if isinstance(answer, dict) else None
        if not isinstance(prediction_id, str) or not prediction_id:
            raise SubmissionUnknownError(
                _(
                    "eachlabs accepted the request but its answer holds no predictionID; the "
                    "prediction may exist"
                ),
                provider=self.id,
            )
        return [JobHandle(provider=self.id, job_id=prediction_id)]

    async def status(self, handle: JobHandle) -> StatusResult:
        answer = await self.transport.send_safe(
            "GET",
            self.url(f"/prediction/{handle.job_id}"),
            headers=self.auth_headers(self.api_key()),
        )
        return parse_status(answer)

    async def cancel(self, handle: JobHandle) -> bool:
        """POST .../cancel; False when the prediction already finished."""
        try:
            await self.transport.send_safe(
                "POST",
                self.url(f"/prediction/{handle.job_id}/cancel"),
                headers=self.auth_headers(self.api_key()),
            )
        except InvalidInputError as exc:
            if exc.status_code in (400, 409):
                return False
            raise
        return True
