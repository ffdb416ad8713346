"""eachlabs: predictions (create, poll, cancel) with real rate limits, plus presigned uploads."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import math
import mimetypes
import os
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from seedance_studio.simulator.http import ApiError, Request, Response, json_object, s3_error
from seedance_studio.simulator.jobs import TERMINAL, Phase
from seedance_studio.simulator.providers.base import (
    DURATION_MESSAGES,
    Ctx,
    Provider,
    iso,
    route,
)
from seedance_studio.simulator.state import Presign, StoredObject
from seedance_studio.simulator.urls import inspect_url
from seedance_studio.simulator.validation import (
    ASPECT_RATIOS,
    Limits,
    count_problem,
    duration_problem,
    media_problem,
    optional_bool,
    optional_str,
    ratio_dims,
    require_str,
    str_list,
)

MODEL = "bytedance-seedance-2-0-reference-to-video"
VERSION = "0.0.1"
RESOLUTIONS = {"480p": 480, "720p": 720}
DURATIONS = ("auto", *(str(n) for n in range(4, 16)))
AUTO_SECONDS = 5
USD_PER_SECOND = {"480p": 0.1412, "720p": 0.3024, "1080p": 0.685}
LIMITS = Limits(
    images=9,
    videos=3,
    audios=3,
    total=12,
    image_suffixes=("jpg", "jpeg", "png", "webp"),
    video_max_pixels=834 * 1112,
)
"""The page's own limits: "Supported formats: JPEG, PNG, WebP" and "between ~480p
(640x640) and ~720p (834x1112)"."""
FILE_TYPES = ("image", "video", "audio", "other")
MAX_UPLOAD_BYTES = 100 * 1024 * 1024
RATE_WINDOW_S = 60.0
_SECRET = os.urandom(16)
COUNT_MESSAGES = {
    "total": "Total files across all modalities must not exceed 12",
    "images": "Up to 9 images are supported",
    "videos": "Up to 3 videos are supported",
    "audios": "Up to 3 audio files are supported",
    "audio_alone": "If audio is provided, at least one reference image or video is required",
}


def signature(upload_id: str) -> str:
    return hmac.new(_SECRET, upload_id.encode(), hashlib.sha256).hexdigest()


@dataclass
class Eachlabs(Provider):
    """Errors: `{"status": "error", "message", "details"}` or `{"error": ...}`.

    The option `error_shape` picks one ("status", "error") or alternates ("alternate").
    """

    name: str = "eachlabs"
    prefix: str = "/eachlabs/v1"
    missing_key_message: str = "Missing X-API-Key header"
    bad_key_message: str = "Invalid API key"
    broke_message: str = "Insufficient balance"
    moderation_message: str = (
        "Content policy violation: the input or generated video was flagged as sensitive"
    )
    failure_message: str = "Prediction failed: internal model error"
    _alternate: itertools.count[int] = field(default_factory=itertools.count)

    def __post_init__(self) -> None:
        p = self.prefix
        self._routes = [
            route("POST", f"{p}/prediction/?", "create", self.create, charges=True),
            route("GET", f"{p}/prediction/(?P<id>[^/]+)/?", "query", self.query),
            route("POST", f"{p}/prediction/(?P<id>[^/]+)/cancel/?", "cancel", self.cancel),
            route("POST", f"{p}/upload/presign/?", "presign", self.presign),
            route(
                "PUT",
                "/eachlabs/_storage/(?P<id>[^/]+)",
                "upload",
                self.upload,
                auth=False,
                body_limit=MAX_UPLOAD_BYTES,
            ),
            route(
                "GET|HEAD",
                "/eachlabs/_public/(?P<id>[^/]+)/(?P<name>[^/]+)",
                "public",
                self.public,
                auth=False,
            ),
        ]

    def api_key(self, req: Request) -> str | None:
        return (req.header("x-api-key") or "").strip() or None

    def render_error(self, err: ApiError) -> Response:
        shape = self.state.option(self.name, "error_shape")
        if shape == "alternate":
            shape = "status" if next(self._alternate) % 2 == 0 else "error"
        if shape == "error":
            return Response.json({"error": err.message}, err.status, err.headers)
        body = {"status": "error", "message": err.message, "details": err.details or err.message}
        return Response.json(body, err.status, err.headers)

    def _check_rate(self, ctx: Ctx) -> None:
        limit = self.state.option(self.name, "concurrency_limit")
        if limit is not None and self.state.jobs.unfinished(self.name, ctx.api_key) >= limit:
            raise ApiError(
                429,
                "Rate limit exceeded",
                details=f"At most {limit} concurrent predictions per API key",
                headers={"Retry-After": "1"},
            )
        per_minute = self.state.option(self.name, "creates_per_minute")
        now = time.monotonic()
        recent = self.state.jobs.created_since(self.name, ctx.api_key, now - RATE_WINDOW_S)
        if per_minute is not None and len(recent) >= per_minute:
            oldest = min(job.created_mono for job in recent)
            wait = max(1, math.ceil(oldest + RATE_WINDOW_S - now))
            raise ApiError(
                429,
                "Rate limit exceeded",
                details=f"At most {per_minute} prediction creates per minute per API key",
                headers={"Retry-After": str(wait)},
            )

    def create(self, ctx: Ctx) -> Response:
        body = json_object(ctx.req)
        model = require_str(body, "model")
        if model != MODEL:
            raise ApiError(404, "Model not found", details=f"Unknown model {model!r}")
        # The page's own example omits "version"; the generic create doc requires it. Both are
        # accepted: an absent version is this model's only one.
        version = body.get("version", VERSION)
        if version != VERSION:
            raise ApiError(400, "Invalid input", details=f"Unknown version {version!r} for {model}")
        inputs = body.get("input")
        if not isinstance(inputs, dict):
            raise ApiError(400, "Invalid input", details="input is required")
        if not isinstance(inputs.get("prompt"), str) or not inputs["prompt"].strip():
            raise ApiError(400, "Invalid input", details="prompt is required")
        images = str_list(inputs, "image_urls")
        videos = str_list(inputs, "video_urls", allow_single=True)
        audios = str_list(inputs, "audio_urls", allow_single=True)
        problem = count_problem(len(images), len(videos), len(audios), LIMITS)
        if problem:
            raise ApiError(400, "Invalid input", details=COUNT_MESSAGES[problem])
        resolution = inputs.get("resolution", "720p")
        if resolution not in RESOLUTIONS:
            raise ApiError(400, "Invalid input", details="resolution must be one of 480p, 720p")
        duration = inputs.get("duration", "auto")
        if duration not in DURATIONS:
            raise ApiError(400, "Invalid input", details="duration must be auto or 4 to 15")
        aspect = inputs.get("aspect_ratio", "auto")
        if aspect not in ("auto", *ASPECT_RATIOS):
            raise ApiError(400, "Invalid input", details="aspect_ratio is not supported")
        seed = inputs.get("seed")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, str | int)):
            raise ApiError(400, "Invalid input", details="seed must be a string")
        try:
            optional_bool(inputs, "generate_audio")
            optional_str(inputs, "end_user_id")
            optional_str(body, "webhook_url")
            fetched = [
                inspect_url(self.state, url, f"image_urls[{i}]", https_only=True)
                for i, url in enumerate(images)
            ]
            fetched += [
                inspect_url(self.state, u, f"video_urls[{i}]", https_only=True)
                for i, u in enumerate(videos)
            ]
            for ref in fetched:
                problem = media_problem(ref.kind, ref.suffix, ref.width, ref.height, LIMITS)
                if problem:
                    raise ApiError(400, problem)
            video_s = [ref.duration for ref in fetched[len(images) :]]
            audio_s = [
                inspect_url(self.state, u, f"audio_urls[{i}]", https_only=True).duration
                for i, u in enumerate(audios)
            ]
        except ApiError as err:
            raise ApiError(400, "Invalid input", details=err.message) from None
        problem = duration_problem(video_s, audio_s, LIMITS)
        if problem:
            raise ApiError(400, "Invalid input", details=DURATION_MESSAGES[problem])
        self._check_rate(ctx)
        seconds = AUTO_SECONDS if duration == "auto" else int(duration)
        width, height = ratio_dims("16:9" if aspect == "auto" else aspect, RESOLUTIONS[resolution])
        job = self.new_job(
            ctx,
            job_id=str(uuid.uuid4()),
            model=MODEL,
            duration=seconds,
            width=width,
            height=height,
            request=body,
            cost=round(USD_PER_SECOND[resolution] * seconds, 4),
        )
        return Response.json({"status": "success", "predictionID": job.id})

    def query(self, ctx: Ctx) -> Response:
        job = self.own_job(ctx, ctx.params["id"], "Prediction not found")
        phase = job.phase()
        failed_word = str(self.state.option(self.name, "failed_status"))
        status = {
            Phase.QUEUED: "starting",
            Phase.RUNNING: "processing",
            Phase.SUCCEEDED: "success",
            Phase.FAILED: failed_word,
            Phase.BLOCKED: failed_word,
            Phase.CANCELLED: "cancelled",
        }[phase]
        now = time.monotonic()
        finished = job.finished_mono()
        predict_time = max(0.0, (finished or now) - job.started_mono())
        base = f"{self.state.url}{self.prefix}/prediction/{job.id}"
        body: dict[str, Any] = {
            "status": status,
            "predictionID": job.id,
            "model": job.model,
            "version": job.request.get("version"),
            "input": job.request.get("input"),
            "output": self.result_url(job) if phase is Phase.SUCCEEDED else None,
            "metrics": {
                "predict_time": round(predict_time, 3),
                "cost": job.cost if phase is Phase.SUCCEEDED else 0,
            },
            "urls": {"get": base, "cancel": f"{base}/cancel"},
            "created_at": iso(job.created_epoch),
        }
        if phase in {Phase.FAILED, Phase.BLOCKED}:
            text = self.failure_text(job, phase is Phase.BLOCKED)
            body["message"] = text
            body["details"] = text
        return Response.json(body)

    def cancel(self, ctx: Ctx) -> Response:
        job = self.own_job(ctx, ctx.params["id"], "Prediction not found")
        phase = job.phase()
        if phase in TERMINAL and phase is not Phase.CANCELLED:
            raise ApiError(400, "Prediction already finished", details=f"status is {phase.value}")
        if phase is not Phase.CANCELLED:
            self.state.jobs.cancel(job.id)
        return Response.json(
            {"status": "success", "message": "Prediction cancelled", "predictionID": job.id}
        )

    # -- uploads -----------------------------------------------------------------
    def presign(self, ctx: Ctx) -> Response:
        body = json_object(ctx.req)
        content_type = body.get("content_type")
        if not isinstance(content_type, str) or "/" not in content_type:
            raise ApiError(400, "Invalid input", details="content_type is required (a MIME type)")
        file_type = body.get("file_type")
        if file_type not in FILE_TYPES:
            raise ApiError(
                400, "Invalid input", details="file_type must be image, video, audio or other"
            )
        upload_id = uuid.uuid4().hex
        ext = mimetypes.guess_extension(content_type.split(";")[0].strip()) or ".bin"
        ttl = self.state.timing.presign_ttl
        now_epoch = time.time()
        presign = Presign(
            id=upload_id,
            api_key=ctx.api_key,
            content_type=content_type,
            file_type=str(file_type),
            filename=f"{upload_id}{ext}",
            required_headers={"Content-Type": content_type, "x-amz-meta-upload-id": upload_id},
            expires_mono=time.monotonic() + ttl,
            expires_epoch=now_epoch + ttl,
        )
        self.state.add_presign(presign)
        stamp = datetime.fromtimestamp(now_epoch, UTC).strftime("%Y%m%dT%H%M%SZ")
        query = urlencode(
            {
                "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
                "X-Amz-Credential": f"SIM/{stamp[:8]}/auto/s3/aws4_request",
                "X-Amz-Date": stamp,
                "X-Amz-Expires": str(int(ttl)),
                "X-Amz-SignedHeaders": "content-type;host;x-amz-meta-upload-id",
                "X-Amz-Signature": signature(upload_id),
            }
        )
        return Response.json(
            {
                "id": upload_id,
                "presigned_url": f"{self.state.url}/eachlabs/_storage/{upload_id}?{query}",
                "public_url": f"{self.state.url}/eachlabs/_public/{upload_id}/{presign.filename}",
                "expires_at": iso(presign.expires_epoch),
                "required_headers": presign.required_headers,
            }
        )

    def upload(self, ctx: Ctx) -> Response:
        presign = self.state.get_presign(ctx.params["id"])
        if presign is None:
            return s3_error(404, "NoSuchUpload", "The specified upload does not exist")
        if not hmac.compare_digest(ctx.req.query.get("X-Amz-Signature", ""), signature(presign.id)):
            return s3_error(403, "SignatureDoesNotMatch", "The request signature is invalid")
        if time.monotonic() > presign.expires_mono:
            return s3_error(403, "AccessDenied", "Request has expired")
        for name, value in presign.required_headers.items():
            if ctx.req.header(name) != value:
                return s3_error(
                    403, "SignatureDoesNotMatch", f"Signed header {name} is missing or differs"
                )
        if len(ctx.req.body) > MAX_UPLOAD_BYTES:
            return s3_error(400, "EntityTooLarge", "Your proposed upload exceeds the maximum size")
        self.state.put_object(
            ("eachlabs", presign.id), StoredObject(ctx.req.body, presign.content_type)
        )
        etag = hashlib.md5(ctx.req.body, usedforsecurity=False).hexdigest()
        return Response(status=200, content_type="application/xml", headers={"ETag": f'"{etag}"'})

    def public(self, ctx: Ctx) -> Response:
        presign = self.state.get_presign(ctx.params["id"])
        obj = self.state.get_object(("eachlabs", ctx.params["id"]))
        if presign is None or obj is None or presign.filename != ctx.params["name"]:
            return s3_error(404, "NoSuchKey", "The specified key does not exist")
        return Response.blob(obj.data, obj.content_type)
