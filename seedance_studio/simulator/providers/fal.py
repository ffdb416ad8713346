"""fal.ai: the queue (submit, status with queue_position, result, cancel), the CDN upload and
the platform API's request history, as shared/providers/NOTES.md describes them.

Layout under the simulator: `/fal/queue/...` (queue.fal.run), `/fal/rest/...` (rest.fal.ai),
`/fal/platform/v1/...` (api.fal.ai/v1), `/fal/cdn/...` (the CDN's upload and file URLs).
Options: `cancelled_status` "COMPLETED" (the result then says it was cancelled) or
"CANCELLED"; `queue_ahead`: requests reported ahead of each new one while it is queued.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import time
import uuid
from dataclasses import dataclass
from typing import Any

from seedance_studio.simulator.http import ApiError, Request, Response, json_object, s3_error
from seedance_studio.simulator.jobs import Job, Phase
from seedance_studio.simulator.providers.base import (
    DURATION_MESSAGES,
    Ctx,
    Provider,
    iso,
    route,
)
from seedance_studio.simulator.state import StoredObject
from seedance_studio.simulator.urls import inspect_url
from seedance_studio.simulator.validation import (
    ASPECT_RATIOS,
    Limits,
    count_problem,
    duration_problem,
    optional_bool,
    ratio_dims,
    str_list,
)

APP = "bytedance/seedance-2.0"
ENDPOINTS = {
    f"{APP}/reference-to-video": {"480p": 480, "720p": 720, "1080p": 1080},
    f"{APP}/fast/reference-to-video": {"480p": 480, "720p": 720},
}
USD_PER_1K_TOKENS = {f"{APP}/reference-to-video": 0.014, f"{APP}/fast/reference-to-video": 0.0112}
VIDEO_INPUT_FACTOR = 0.6
DURATIONS = ("auto", *(str(n) for n in range(4, 16)))
AUTO_SECONDS = 5
LIMITS = Limits(images=9, videos=3, audios=3, total=12)
MAX_UPLOAD_BYTES = 100 * 1024 * 1024
BALANCE_MESSAGE = (
    "User is locked. Reason: Exhausted balance. Top up your balance at fal.ai/dashboard/billing."
)
COUNT_MESSAGES = {
    "total": "Total files across all modalities must not exceed 12",
    "images": "Up to 9 images are supported",
    "videos": "Up to 3 videos are supported",
    "audios": "Up to 3 audio files are supported",
    "audio_alone": "If audio is provided, at least one reference image or video is required",
}
_SECRET = os.urandom(16)
_ENDPOINT_GROUP = "(?P<endpoint>bytedance/seedance-2\\.0/(?:fast/)?reference-to-video)"


def _sign(upload_id: str) -> str:
    return hmac.new(_SECRET, upload_id.encode(), hashlib.sha256).hexdigest()[:32]


def tokens(width: int, height: int, seconds: float) -> float:
    """fal's page: height × width × (input video s + output s) × 24 / 1024."""
    return height * width * seconds * 24 / 1024


class UnprocessableError(ApiError):
    """fal's 422: a `detail` list of {loc, msg, type}."""

    def __init__(self, message: str, kind: str = "value_error", loc: str = "body") -> None:
        super().__init__(422, message, code=kind, details=loc)


@dataclass
class Fal(Provider):
    """Errors: {"detail": "..."} or, for input problems, {"detail": [{loc, msg, type}]}."""

    name: str = "fal"
    prefix: str = "/fal"
    missing_key_message: str = "No authentication credentials were provided"
    bad_key_message: str = "Invalid API key, check your FAL_KEY"
    broke_message: str = BALANCE_MESSAGE
    moderation_message: str = (
        "The content could not be processed because it contained "
        "material flagged by a content checker."
    )
    failure_message: str = "Internal error during video generation"

    def __post_init__(self) -> None:
        q = f"{self.prefix}/queue"
        req = f"{q}/{re.escape(APP)}/requests/(?P<id>[^/]+)"
        self._routes = [
            route("POST", f"{q}/{_ENDPOINT_GROUP}", "create", self.submit, charges=True),
            route("GET", f"{req}/status", "query", self.status),
            route("GET", req, "result", self.result),
            route("PUT", f"{req}/cancel", "cancel", self.cancel),
            route("POST", f"{self.prefix}/rest/storage/upload/initiate", "initiate", self.initiate),
            route(
                "PUT",
                f"{self.prefix}/cdn/upload/(?P<id>[^/]+)",
                "upload",
                self.upload,
                auth=False,
                body_limit=MAX_UPLOAD_BYTES,
            ),
            route(
                "GET|HEAD",
                f"{self.prefix}/cdn/files/(?P<id>[^/]+)/(?P<name>[^/]+)",
                "public",
                self.public,
                auth=False,
            ),
            route(
                "GET",
                f"{self.prefix}/platform/v1/models/requests/by-endpoint",
                "history",
                self.history,
            ),
        ]

    def api_key(self, req: Request) -> str | None:
        auth = req.header("authorization") or ""
        if auth[:4].lower() == "key ":
            return auth[4:].strip() or None
        return None

    def authenticate(self, ctx: Ctx, rt: Any) -> None:
        try:
            super().authenticate(ctx, rt)
        except ApiError as err:
            if err.status == 402:  # fal locks the user: 403 with its own words
                raise ApiError(403, BALANCE_MESSAGE) from None
            raise

    def render_error(self, err: ApiError) -> Response:
        if isinstance(err, UnprocessableError) or (err.status == 422 and err.code):
            detail = [
                {
                    "loc": [err.details or "body"],
                    "msg": err.message,
                    "type": str(err.code or "value_error"),
                }
            ]
            return Response.json({"detail": detail}, 422, err.headers)
        return Response.json({"detail": err.message}, err.status, err.headers)

    # -- queue ------------------------------------------------------------------------------
    def submit(self, ctx: Ctx) -> Response:
        endpoint = ctx.params["endpoint"]
        body = json_object(ctx.req)
        prompt = body.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            raise UnprocessableError("Field required", "missing", "prompt")
        try:
            images = str_list(body, "image_urls")
            videos = str_list(body, "video_urls")
            audios = str_list(body, "audio_urls")
        except ApiError as err:
            raise UnprocessableError(err.message, "list_type") from None
        problem = count_problem(len(images), len(videos), len(audios), LIMITS)
        if problem:
            raise UnprocessableError(COUNT_MESSAGES[problem])
        resolutions = ENDPOINTS[endpoint]
        resolution = body.get("resolution", "720p")
        if resolution not in resolutions:
            raise UnprocessableError(
                f"Input should be {', '.join(map(repr, resolutions))}",
                "literal_error",
                "resolution",
            )
        duration = body.get("duration", "auto")
        if duration not in DURATIONS:
            raise UnprocessableError(
                "Input should be 'auto' or '4' to '15'", "literal_error", "duration"
            )
        aspect = body.get("aspect_ratio", "auto")
        if aspect not in ("auto", *ASPECT_RATIOS):
            raise UnprocessableError(
                "Input should be a supported aspect ratio", "literal_error", "aspect_ratio"
            )
        seed = body.get("seed")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise UnprocessableError("Input should be a valid integer", "int_type", "seed")
        try:
            optional_bool(body, "generate_audio")
            for i, url in enumerate(images):
                inspect_url(self.state, url, f"image_urls[{i}]")
            video_s = [
                inspect_url(self.state, u, f"video_urls[{i}]").duration
                for i, u in enumerate(videos)
            ]
            audio_s = [
                inspect_url(self.state, u, f"audio_urls[{i}]").duration
                for i, u in enumerate(audios)
            ]
        except ApiError as err:
            raise UnprocessableError(err.message, "file_download_error") from None
        problem = duration_problem(video_s, audio_s, LIMITS)
        if problem:
            raise UnprocessableError(DURATION_MESSAGES[problem])
        seconds = AUTO_SECONDS if duration == "auto" else int(duration)
        width, height = ratio_dims("16:9" if aspect == "auto" else aspect, resolutions[resolution])
        input_s = sum(s or 0.0 for s in video_s)
        rate = USD_PER_1K_TOKENS[endpoint] * (VIDEO_INPUT_FACTOR if videos else 1.0)
        cost = round(tokens(width, height, seconds + input_s) / 1000 * rate, 6)
        job = self.new_job(
            ctx,
            job_id=str(uuid.uuid4()),
            model=endpoint,
            duration=seconds,
            width=width,
            height=height,
            request=body,
            cost=cost,
            extra={
                "endpoint": endpoint,
                "seed": seed or 42,
                "ahead": int(self.state.option(self.name, "queue_ahead")),
            },
        )
        return Response.json(
            {
                **self._urls(job),
                "request_id": job.id,
                "gateway_request_id": str(uuid.uuid4()),
                "status": "IN_QUEUE",
                "queue_position": job.extra["ahead"],
            }
        )

    def _urls(self, job: Job) -> dict[str, str]:
        base = f"{self.state.url}{self.prefix}/queue/{APP}/requests/{job.id}"
        return {
            "status_url": f"{base}/status",
            "response_url": base,
            "cancel_url": f"{base}/cancel",
        }

    def _position(self, job: Job) -> int:
        """Counts down while queued: the requests ahead leave one by one."""
        queued_s = max(job.timing.queued_s, 1e-6)
        left = 1.0 - (time.monotonic() - job.created_mono) / queued_s
        ahead = int(job.extra.get("ahead", 0))
        return max(0, round(ahead * left))

    def status(self, ctx: Ctx) -> Response:
        job = self.own_job(ctx, ctx.params["id"], "Request not found")
        phase = job.phase()
        if phase is Phase.QUEUED:
            return Response.json(
                {
                    "status": "IN_QUEUE",
                    "queue_position": self._position(job),
                    "response_url": self._urls(job)["response_url"],
                }
            )
        if phase is Phase.RUNNING:
            return Response.json(
                {
                    "status": "IN_PROGRESS",
                    "logs": [],
                    "response_url": self._urls(job)["response_url"],
                }
            )
        if (
            phase is Phase.CANCELLED
            and self.state.option(self.name, "cancelled_status") == "CANCELLED"
        ):
            return Response.json({"status": "CANCELLED"})
        return Response.json(
            {
                "status": "COMPLETED",
                "logs": [],
                "response_url": self._urls(job)["response_url"],
                "metrics": {"inference_time": job.timing.running_s},
            }
        )

    def result(self, ctx: Ctx) -> Response:
        job = self.own_job(ctx, ctx.params["id"], "Request not found")
        phase = job.phase()
        if phase in (Phase.QUEUED, Phase.RUNNING):
            raise ApiError(400, "Request is still in progress")
        if phase is Phase.CANCELLED:
            raise ApiError(400, "Request was cancelled")
        if phase is Phase.BLOCKED:
            raise UnprocessableError(
                self.failure_text(job, True), "content_policy_violation", "prompt"
            )
        if phase is Phase.FAILED:
            raise UnprocessableError(self.failure_text(job, False), "generation_error")
        return Response.json(
            {
                "video": {
                    "url": self.result_url(job),
                    "content_type": "video/mp4",
                    "file_name": f"{job.id}.mp4",
                },
                "seed": job.extra.get("seed"),
            }
        )

    def cancel(self, ctx: Ctx) -> Response:
        job = self.own_job(ctx, ctx.params["id"], "Request not found")
        phase = job.phase()
        if phase is Phase.QUEUED:
            self.state.jobs.cancel(job.id)
            return Response.json({"status": "CANCELLATION_REQUESTED"}, 202)
        if phase is Phase.CANCELLED:
            return Response.json({"status": "CANCELLATION_REQUESTED"}, 202)
        if phase is Phase.RUNNING:  # best effort at fal: the simulator lets it run
            return Response.json({"status": "CANCELLATION_REQUESTED"}, 202)
        return Response.json({"status": "ALREADY_COMPLETED"}, 400)

    # -- history (platform API) ---------------------------------------------------------------
    def history(self, ctx: Ctx) -> Response:
        endpoint = ctx.req.query.get("endpoint_id")
        if endpoint not in ENDPOINTS:
            raise ApiError(400, "endpoint_id is required")
        start = _parse_iso(ctx.req.query.get("start"))
        if start is None:
            start = time.time() - 24 * 3600
        payloads = "payloads" in (ctx.req.query.get("expand") or "")
        items = []
        for job in sorted(self.state.jobs.all(), key=lambda j: j.created_epoch, reverse=True):
            if (
                job.provider != self.name
                or job.api_key != ctx.api_key
                or job.model != endpoint
                or job.created_epoch < start
            ):
                continue
            finished = job.finished_mono()
            item: dict[str, Any] = {
                "request_id": job.id,
                "endpoint_id": endpoint,
                "sent_at": iso(job.created_epoch),
                "started_at": iso(job.to_epoch(job.started_mono()))
                if job.phase() is not Phase.QUEUED
                else None,
                "ended_at": None if finished is None else iso(job.to_epoch(finished)),
                "status_code": None
                if finished is None
                else (200 if job.phase() is Phase.SUCCEEDED else 422),
            }
            if payloads:
                item["json_input"] = job.request
            items.append(item)
        try:
            limit = max(1, min(100, int(ctx.req.query.get("limit") or "100")))
            offset = max(0, int(ctx.req.query.get("cursor") or "0"))
        except ValueError:
            raise ApiError(400, "limit and cursor must be numbers") from None
        more = offset + limit < len(items)
        return Response.json(
            {
                "items": items[offset : offset + limit],
                "next_cursor": str(offset + limit) if more else None,
                "has_more": more,
            }
        )

    # -- CDN upload ---------------------------------------------------------------------------
    def initiate(self, ctx: Ctx) -> Response:
        body = json_object(ctx.req)
        name = body.get("file_name")
        content_type = body.get("content_type")
        if not isinstance(name, str) or not name or not isinstance(content_type, str):
            raise ApiError(400, "file_name and content_type are required")
        upload_id = uuid.uuid4().hex
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", name)
        self.state.put_object(("fal-pending", upload_id), StoredObject(safe.encode(), content_type))
        return Response.json(
            {
                "upload_url": f"{self.state.url}{self.prefix}/cdn/upload/{upload_id}"
                f"?sig={_sign(upload_id)}",
                "file_url": f"{self.state.url}{self.prefix}/cdn/files/{upload_id}/{safe}",
            }
        )

    def upload(self, ctx: Ctx) -> Response:
        upload_id = ctx.params["id"]
        pending = self.state.get_object(("fal-pending", upload_id))
        if pending is None:
            return s3_error(404, "NoSuchUpload", "The specified upload does not exist")
        if not hmac.compare_digest(ctx.req.query.get("sig", ""), _sign(upload_id)):
            return s3_error(403, "SignatureDoesNotMatch", "The request signature is invalid")
        content_type = ctx.req.header("content-type") or "application/octet-stream"
        self.state.put_object(("fal", upload_id), StoredObject(ctx.req.body, content_type))
        return Response(status=200, content_type="application/json", body=b"{}")

    def public(self, ctx: Ctx) -> Response:
        pending = self.state.get_object(("fal-pending", ctx.params["id"]))
        obj = self.state.get_object(("fal", ctx.params["id"]))
        if pending is None or obj is None or pending.data.decode() != ctx.params["name"]:
            return s3_error(404, "NoSuchKey", "The specified key does not exist")
        return Response.blob(obj.data, obj.content_type)


def _parse_iso(text: str | None) -> float | None:
    if not text:
        return None
    from datetime import datetime

    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise ApiError(400, f"start is not an ISO 8601 date: {text!r}") from None
