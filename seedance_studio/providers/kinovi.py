"""Kinovi / seedance2-pro.com: `POST /jobs/createTask`, poll `GET /jobs/recordInfo?taskId=`.

Two schemas live on the same host and are offered as two provider entries:
- "kinovi" (current): mixed images+videos in `urls`, `audioUrls`, `mode: "reference"`,
  `duration: "8"`, `aspectRatio`, `outputResolution`, `upscaleResolution`, `@image1` tags;
- "kinovi-legacy" (older page): images in `urls`, videos in `videoUrls`, `ratio`,
  `duration: "8s"`, `@1..@N` tags, no audio.
Both bill in credits (`creditsUsed`), 1 credit = $0.005 unless the capabilities say otherwise.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

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
from seedance_studio.providers.http import is_content_policy

DEFAULT_CREDIT_USD = Decimal("0.005")
API_DEFAULT_RESOLUTION = "1080p"
"""What the current schema makes when `outputResolution` is left out (its page)."""
MODERATION_CODES = frozenset(
    {"CONTENT_MODERATION", "TEXT_MODERATION", "FACE_DETECTED", "IMAGE_MODERATION", "MODERATION"}
)
"""Error codes that mean the content filter refused the job."""


def _unwrap(body: object) -> dict[str, Any]:
    """The task object, whether it is the body itself or wrapped as {code, data}."""
    if isinstance(body, dict):
        data = body.get("data")
        if "taskId" not in body and isinstance(data, dict):
            return data
        return body
    raise MalformedResponseError(_("Kinovi answered with a non-object"), provider="kinovi")


def _int_or_none(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def parse_status(
    body: object, credit_usd: Decimal = DEFAULT_CREDIT_USD, provider: str = "kinovi"
) -> StatusResult:
    """A recordInfo answer as a job status; unknown statuses count as running."""
    task = _unwrap(body)
    raw = task.get("status")
    raw_text = None if raw is None else str(raw)
    state = (raw_text or "").strip().lower()
    if state in ("waiting", "queued", "pending"):
        return Queued(raw_status=raw_text)
    if state in ("success", "succeeded", "completed"):
        outputs = task.get("output") or []
        if isinstance(outputs, dict):
            outputs = [outputs]
        media = [
            ResultMedia(
                url=o["url"],
                width=_int_or_none(o.get("width")),
                height=_int_or_none(o.get("height")),
            )
            for o in outputs
            if isinstance(o, dict) and isinstance(o.get("url"), str)
        ]
        if not media:
            raise MalformedResponseError(
                _("{provider}: the task succeeded but lists no output").format(provider=provider),
                provider=provider,
            )
        cost = None
        credits = task.get("creditsUsed")
        amount = parse_amount(credits)  # "NaN" or "-5" is no charge anyone can settle
        if amount is not None:
            cost = Cost(amount=amount, unit="credits", usd=amount * credit_usd)
        return Succeeded(results=media, cost=cost, raw_status=raw_text)
    if state in ("fail", "failed", "error"):
        err = task.get("error")
        if isinstance(err, dict):
            message = str(err.get("message") or _("generation failed"))
            code = None if err.get("code") is None else str(err.get("code"))
        else:
            message = str(err or task.get("message") or _("generation failed"))
            code = None
        blocked = (code or "").upper() in MODERATION_CODES or is_content_policy(message)
        return Failed(message=message, code=code, content_blocked=blocked, raw_status=raw_text)
    if state in ("cancelled", "canceled"):
        return Cancelled(raw_status=raw_text)
    return Running(raw_status=raw_text)


class _KinoviBase(HttpProvider):
    """Submission and polling shared by both schemas."""

    default_poll_interval: ClassVar[float] = 4.0

    def _inputs(self, snapshot: CompositionSnapshot, urls: dict[str, str]) -> dict[str, Any]:
        raise NotImplementedError

    def build_request(self, snapshot: CompositionSnapshot, urls: dict[str, str]) -> RequestSpec:
        model = self.capabilities.model(snapshot.params.model)
        self.check_choice(_("aspect ratio"), snapshot.params.aspect_ratio, model.aspect_ratios)
        body: dict[str, Any] = {"model": model.id, "inputs": self._inputs(snapshot, urls)}
        put_if(body, "callBackUrl", self.callback_url)
        return RequestSpec(
            method="POST", url=self.url("/jobs/createTask"), headers=self.json_headers(), body=body
        )

    async def submit(self, snapshot: CompositionSnapshot, urls: dict[str, str]) -> list[JobHandle]:
        answer = await self._create(snapshot, urls)
        task_id = _unwrap(answer).get("taskId")
        if not isinstance(task_id, str) or not task_id:
            raise SubmissionUnknownError(
                _(
                    "{provider} accepted the request but its answer holds no taskId; the task "
                    "may exist"
                ).format(provider=self.capabilities.name),
                provider=self.id,
            )
        return [JobHandle(provider=self.id, job_id=task_id)]

    async def status(self, handle: JobHandle) -> StatusResult:
        answer = await self.transport.send_safe(
            "GET",
            self.url("/jobs/recordInfo"),
            params={"taskId": handle.job_id},
            headers=self.auth_headers(self.api_key()),
        )
        credit_usd = self.capabilities.pricing.credit_usd or DEFAULT_CREDIT_USD
        return parse_status(answer, credit_usd, self.id)

    async def cancel(self, handle: JobHandle) -> bool:
        """Kinovi documents no cancel."""
        return False


class KinoviProvider(_KinoviBase):
    """The current schema (default)."""

    provider_id = "kinovi"

    def _inputs(self, snapshot: CompositionSnapshot, urls: dict[str, str]) -> dict[str, Any]:
        params = snapshot.params
        model = self.capabilities.model(params.model)
        self.check_choice(_("resolution"), params.resolution, model.resolutions)
        self.check_choice(_("upscale"), params.upscale, model.upscale)
        visual = self.ordered_urls(snapshot, urls, (MediaKind.IMAGE, MediaKind.VIDEO))
        audio = self.ordered_urls(snapshot, urls, (MediaKind.AUDIO,))
        duration = self.duration_value(snapshot)
        inputs: dict[str, Any] = {"urls": visual}
        put_if(inputs, "audioUrls", audio)
        inputs["prompt"] = self.prompt_of(snapshot)
        put_if(inputs, "duration", None if duration is None else str(duration))
        put_if(inputs, "aspectRatio", params.aspect_ratio)
        inputs["mode"] = "reference"
        resolution = params.resolution
        if resolution is None and API_DEFAULT_RESOLUTION not in model.resolutions:
            # The host's default is not one this model makes (fast): name the one it does,
            # which is also the one the estimate priced.
            resolution = model.default_resolution
        put_if(inputs, "outputResolution", resolution)
        put_if(inputs, "upscaleResolution", params.upscale)
        return inputs


class KinoviLegacyProvider(_KinoviBase):
    """The older seedance2-pro.com schema."""

    provider_id = "kinovi-legacy"

    def _inputs(self, snapshot: CompositionSnapshot, urls: dict[str, str]) -> dict[str, Any]:
        params = snapshot.params
        by_kind = self.urls_by_kind(snapshot, urls)
        if by_kind[MediaKind.AUDIO]:
            raise CompositionError(_("Kinovi's older API takes no audio references"))
        model = self.capabilities.model(params.model)
        # Every example on the older page sends ratio and duration; the host tells the two
        # schemas apart by such fields, so they are always sent here (defaults when unset).
        duration = self.duration_value(snapshot) or model.default_duration
        inputs: dict[str, Any] = {}
        put_if(inputs, "urls", by_kind[MediaKind.IMAGE])
        put_if(inputs, "videoUrls", by_kind[MediaKind.VIDEO])
        inputs["prompt"] = self.prompt_of(snapshot)
        put_if(inputs, "ratio", params.aspect_ratio or model.default_aspect_ratio)
        inputs["duration"] = f"{duration}s"
        return inputs
