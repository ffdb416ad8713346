"""Oxen.ai: async queue `POST /ai/queue` (one generation per `num_generations`), poll
`GET /ai/queue/{id}`, cancel `DELETE /ai/queue/{id}`, actual cost from `GET /ai/generations/{id}`.

The synchronous `POST /ai/videos/generate` is an option (`sync=True`): the request blocks until
the video exists; with `response_format="b64_json"` the video comes inline and is written to
the cache folder, so the handle points at a file instead of a temporary URL.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
import uuid
from pathlib import Path
from typing import Any, ClassVar, Literal

import httpx

from seedance_studio.core import paths
from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.errors import (
    CompositionError,
    InvalidInputError,
    MalformedResponseError,
    ProviderError,
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

log = logging.getLogger(__name__)

SYNC_PREFIX = "sync-"
"""Job ids of synchronous generations (they have no server-side id to poll)."""
SYNC_TIMEOUT = httpx.Timeout(connect=10.0, read=600.0, write=60.0, pool=10.0)
"""The synchronous endpoint holds the connection for the whole generation (1–5 minutes)."""
MAX_VARIANTS = 4


def parse_status(body: object) -> StatusResult:
    """A queue poll answer as a job status (exhaustive over Oxen's documented values)."""
    if not isinstance(body, dict):
        raise MalformedResponseError(_("Oxen answered with a non-object"), provider="oxen")
    raw = body.get("status")
    raw_text = None if raw is None else str(raw)
    state = (raw_text or "").strip().lower()
    if state in ("queued", "pending"):
        return Queued(raw_status=raw_text)
    if state == "succeeded":
        url = body.get("result_url")
        if not isinstance(url, str) or not url:
            raise MalformedResponseError(
                _("Oxen: the generation succeeded without a result_url"), provider="oxen"
            )
        return Succeeded(results=[ResultMedia(url=url)], raw_status=raw_text)
    if state == "failed":
        message = str(body.get("error_message") or body.get("error") or _("generation failed"))
        return Failed(
            message=message, content_blocked=is_content_policy(message), raw_status=raw_text
        )
    if state in ("cancelled", "canceled"):
        return Cancelled(raw_status=raw_text)
    return Running(raw_status=raw_text)


def parse_cost(body: object) -> Cost | None:
    """The actual cost (USD) from a generation-details answer, when it names one."""
    if not isinstance(body, dict):
        return None
    amount = parse_amount(body.get("cost"))
    return None if amount is None else Cost(amount=amount, unit="usd", usd=amount)


def sync_result_dir() -> Path:
    folder = paths.cache_dir() / "oxen-results"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class OxenProvider(HttpProvider):
    """Oxen's Seedance 2.0 reference-to-video through the queue (default) or synchronously."""

    provider_id = "oxen"
    default_poll_interval: ClassVar[float] = 10.0

    def __init__(
        self,
        *args: Any,
        sync: bool = False,
        response_format: Literal["url", "b64_json"] = "url",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.sync = sync
        self.response_format = response_format

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
        body: dict[str, Any] = {"model": model.id, "prompt": self.prompt_of(snapshot)}
        put_if(body, "input_images", by_kind[MediaKind.IMAGE])
        put_if(body, "input_videos", by_kind[MediaKind.VIDEO])
        put_if(body, "input_audios", by_kind[MediaKind.AUDIO])
        put_if(body, "resolution", params.resolution)
        put_if(body, "duration", None if duration is None else str(duration))
        put_if(body, "generate_audio", params.generate_audio)
        put_if(body, "aspect_ratio", params.aspect_ratio)
        put_if(body, "seed", params.seed)
        if self.sync:
            if params.variants > 1:
                raise CompositionError(_("Oxen's synchronous endpoint makes one video per request"))
            if self.response_format != "url":
                body["response_format"] = self.response_format
            return RequestSpec(
                method="POST",
                url=self.url("/ai/videos/generate"),
                headers=self.json_headers(),
                body=body,
            )
        if not 1 <= params.variants <= MAX_VARIANTS:
            raise CompositionError(
                _("Oxen makes 1 to {most} generations per request, not {variants}").format(
                    most=MAX_VARIANTS, variants=params.variants
                )
            )
        if params.variants > 1:
            body["num_generations"] = params.variants
        return RequestSpec(
            method="POST", url=self.url("/ai/queue"), headers=self.json_headers(), body=body
        )

    async def submit(self, snapshot: CompositionSnapshot, urls: dict[str, str]) -> list[JobHandle]:
        spec = self.build_request(snapshot, urls)
        self.check_urls(urls[r.id] for r in snapshot.references)
        headers = self.sendable_headers(spec)
        if self.sync:
            answer = await self.transport.send_create(
                spec.method, spec.url, headers=headers, json_body=spec.body, timeout=SYNC_TIMEOUT
            )
            return [await self._sync_handle(answer)]
        answer = await self.transport.send_create(
            spec.method, spec.url, headers=headers, json_body=spec.body
        )
        gens = answer.get("generations") if isinstance(answer, dict) else None
        ids = [g.get("generation_id") for g in gens or [] if isinstance(g, dict)]
        if not ids or not all(isinstance(i, str) and i for i in ids):
            raise SubmissionUnknownError(
                _(
                    "Oxen accepted the request but its answer lists no generation ids; the "
                    "generations may exist"
                ),
                provider=self.id,
            )
        return [JobHandle(provider=self.id, job_id=str(i)) for i in ids]

    async def _sync_handle(self, answer: object) -> JobHandle:
        videos = answer.get("videos") if isinstance(answer, dict) else None
        first = videos[0] if isinstance(videos, list) and videos else None
        if not isinstance(first, dict):
            raise SubmissionUnknownError(
                _("Oxen's synchronous answer holds no video"), provider=self.id
            )
        job_id = f"{SYNC_PREFIX}{uuid.uuid4().hex}"
        if isinstance(first.get("url"), str):
            return JobHandle(provider=self.id, job_id=job_id, extra={"url": first["url"]})
        encoded = first.get("b64_json")
        if not isinstance(encoded, str):
            raise SubmissionUnknownError(
                _("Oxen's synchronous answer holds no video"), provider=self.id
            )
        try:
            data = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise MalformedResponseError(
                _("Oxen sent a video that is not valid base64"), provider=self.id
            ) from None
        target = sync_result_dir() / f"{job_id}.mp4"
        await asyncio.to_thread(target.write_bytes, data)
        return JobHandle(provider=self.id, job_id=job_id, extra={"path": str(target)})

    async def status(self, handle: JobHandle) -> StatusResult:
        if handle.job_id.startswith(SYNC_PREFIX):
            return self._sync_status(handle)
        headers = self.auth_headers(self.api_key())
        answer = await self.transport.send_safe(
            "GET", self.url(f"/ai/queue/{handle.job_id}"), headers=headers
        )
        status = parse_status(answer)
        if isinstance(status, Succeeded):
            cost = await self.actual_cost(handle.job_id)
            if cost is not None:
                status = status.model_copy(update={"cost": cost})
        return status

    async def actual_cost(self, generation_id: str) -> Cost | None:
        """The charge from the generation details; None when they cannot be read."""
        try:
            details = await self.transport.send_safe(
                "GET",
                self.url(f"/ai/generations/{generation_id}"),
                headers=self.auth_headers(self.api_key()),
            )
        except ProviderError as exc:
            log.info("Oxen: no cost for %s (%s)", generation_id, type(exc).__name__)
            return None
        return parse_cost(details)

    def _sync_status(self, handle: JobHandle) -> StatusResult:
        url = handle.extra.get("url")
        if url:
            return Succeeded(results=[ResultMedia(url=url)], raw_status="succeeded")
        path = Path(handle.extra.get("path") or sync_result_dir() / f"{handle.job_id}.mp4")
        if path.is_file():
            return Succeeded(results=[ResultMedia(path=str(path))], raw_status="succeeded")
        return Failed(
            message=_("the result of this synchronous generation was not kept"),
            code="missing_result",
        )

    async def cancel(self, handle: JobHandle) -> bool:
        """DELETE the queued generation; False when it already finished (HTTP 409)."""
        if handle.job_id.startswith(SYNC_PREFIX):
            return False
        try:
            await self.transport.send_safe(
                "DELETE",
                self.url(f"/ai/queue/{handle.job_id}"),
                headers=self.auth_headers(self.api_key()),
            )
        except InvalidInputError as exc:
            if exc.status_code == 409:
                return False
            raise
        return True
