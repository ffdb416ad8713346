"""Oxen.ai: async `/ai/queue` (create, poll, cancel), details with cost, sync generate."""

from __future__ import annotations

import base64
import time
import uuid
from dataclasses import dataclass
from typing import Any

from seedance_studio.simulator.http import ApiError, Response, json_object
from seedance_studio.simulator.jobs import TERMINAL, Job, Phase
from seedance_studio.simulator.media import clip_path
from seedance_studio.simulator.providers.base import (
    DURATION_MESSAGES,
    Ctx,
    Provider,
    iso,
    route,
)
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
    str_list,
)

MODEL = "bytedance-seedance-2-0-reference-to-video"
RESOLUTIONS = {"480p": 480, "720p": 720}
DURATIONS = ("auto", *(str(n) for n in range(4, 16)))
AUTO_SECONDS = 5
# Not published by Oxen; simulator data (the same model's 720p/480p rates elsewhere).
USD_PER_SECOND = {"720p": 0.3024, "480p": 0.1412}
LIMITS = Limits(
    images=9,
    videos=3,
    audios=3,
    total=12,
    image_suffixes=("jpg", "jpeg", "png", "webp"),
    video_max_pixels=834 * 1112,
)
"""The page's own limits: "Reference images (JPEG, PNG, WebP)" and "Resolution ~480p to ~720p"."""
STATUS = {
    Phase.QUEUED: "queued",
    Phase.RUNNING: "processing",
    Phase.SUCCEEDED: "succeeded",
    Phase.FAILED: "failed",
    Phase.BLOCKED: "failed",
    Phase.CANCELLED: "cancelled",
}
COUNT_MESSAGES = {
    "total": "Too many input files",
    "images": "Too many input images",
    "videos": "Too many input videos",
    "audios": "Too many input audios",
    "audio_alone": "Audio requires at least one image or video",
}


@dataclass
class Oxen(Provider):
    """Errors: `{"error": "<documented message>"}` with HTTP 400/401/402/404/409/429/5xx."""

    name: str = "oxen"
    prefix: str = "/oxen/api"
    missing_key_message: str = "Unauthorized: missing API key"
    bad_key_message: str = "Unauthorized: invalid API key"
    broke_message: str = "Insufficient credits"
    moderation_message: str = (
        "Content policy violation: the request was flagged by the safety filter"
    )
    failure_message: str = "Generation failed: internal model error"

    def __post_init__(self) -> None:
        p = self.prefix
        self._routes = [
            route("POST", f"{p}/ai/queue", "create", self.enqueue, charges=True),
            route("GET", f"{p}/ai/queue/(?P<id>[^/]+)", "query", self.poll),
            route("DELETE", f"{p}/ai/queue/(?P<id>[^/]+)", "cancel", self.cancel),
            route("GET", f"{p}/ai/generations/(?P<id>[^/]+)", "details", self.details),
            route("POST", f"{p}/ai/videos/generate", "generate", self.generate, charges=True),
            route("GET", f"{p}/ai/models/(?P<model>.+)", "model", self.model_schema),
        ]

    def _parse(self, body: dict[str, Any], *, queue: bool) -> dict[str, Any]:
        model = body.get("model")
        if model is None:
            raise ApiError(400, "Field required")
        if model != MODEL:
            raise ApiError(404, f"Model not found: {model}")
        prompt = body.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            raise ApiError(400, "Field required")
        images = str_list(body, "input_images")
        videos = str_list(body, "input_videos")
        audios = str_list(body, "input_audios")
        problem = count_problem(len(images), len(videos), len(audios), LIMITS)
        if problem:
            raise ApiError(400, COUNT_MESSAGES[problem])
        duration = body.get("duration", "auto")
        if duration not in DURATIONS:
            raise ApiError(400, "Invalid duration")
        resolution = body.get("resolution", "720p")
        if resolution not in RESOLUTIONS:
            raise ApiError(400, "Invalid resolution")
        aspect = body.get("aspect_ratio", "auto")
        if aspect not in ("auto", *ASPECT_RATIOS):
            raise ApiError(400, "Invalid aspect_ratio")
        if body.get("response_format", "url") not in ("url", "b64_json"):
            raise ApiError(400, "Invalid response_format")
        optional_bool(body, "generate_audio")
        optional_str(body, "target_namespace")
        seed = body.get("seed")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise ApiError(400, "Invalid seed")
        count = body.get("num_generations", 1)
        if queue and (isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 4):
            raise ApiError(400, "num_generations must be an integer between 1 and 4")
        fetched = [
            inspect_url(self.state, url, f"input_images[{i}]") for i, url in enumerate(images)
        ]
        fetched += [inspect_url(self.state, u, f"input_videos[{i}]") for i, u in enumerate(videos)]
        for ref in fetched:
            problem = media_problem(ref.kind, ref.suffix, ref.width, ref.height, LIMITS)
            if problem:
                raise ApiError(400, problem)
        video_s = [ref.duration for ref in fetched[len(images) :]]
        audio_s = [
            inspect_url(self.state, u, f"input_audios[{i}]").duration for i, u in enumerate(audios)
        ]
        problem = duration_problem(video_s, audio_s, LIMITS)
        if problem:
            raise ApiError(400, DURATION_MESSAGES[problem])
        seconds = AUTO_SECONDS if duration == "auto" else int(duration)
        width, height = ratio_dims("16:9" if aspect == "auto" else aspect, RESOLUTIONS[resolution])
        return {
            "duration": seconds,
            "width": width,
            "height": height,
            "cost": round(USD_PER_SECOND[resolution] * seconds, 4),
            "extra": {"resolution": resolution, "aspect_ratio": aspect},
            "count": count if queue else 1,
        }

    def _create(self, ctx: Ctx, queue: bool) -> list[Job]:
        body = json_object(ctx.req)
        parsed = self._parse(body, queue=queue)
        count = parsed.pop("count")
        self.check_concurrency(ctx, extra=count)
        return [
            self.new_job(ctx, job_id=str(uuid.uuid4()), model=MODEL, request=body, **parsed)
            for _ in range(count)
        ]

    def enqueue(self, ctx: Ctx) -> Response:
        jobs = self._create(ctx, queue=True)
        return Response.json(
            {"generations": [{"generation_id": j.id, "status": STATUS[j.phase()]} for j in jobs]}
        )

    def _status_body(self, job: Job) -> dict[str, Any]:
        phase = job.phase()
        body: dict[str, Any] = {
            "generation_id": job.id,
            "status": STATUS[phase],
            "model": job.model,
            "created_at": iso(job.created_epoch),
        }
        if phase is Phase.SUCCEEDED:
            body["result_url"] = self.result_url(job)
        elif phase in {Phase.FAILED, Phase.BLOCKED}:
            body["error_message"] = self.failure_text(job, phase is Phase.BLOCKED)
        return body

    def poll(self, ctx: Ctx) -> Response:
        return Response.json(
            self._status_body(self.own_job(ctx, ctx.params["id"], "Generation not found"))
        )

    def cancel(self, ctx: Ctx) -> Response:
        job = self.own_job(ctx, ctx.params["id"], "Generation not found")
        phase = job.phase()
        if phase in TERMINAL and phase is not Phase.CANCELLED:
            raise ApiError(409, f"Generation already {STATUS[phase]}")
        if phase is not Phase.CANCELLED:
            self.state.jobs.cancel(job.id)
        return Response.json({"generation_id": job.id, "status": "cancelled"})

    def details(self, ctx: Ctx) -> Response:
        job = self.own_job(ctx, ctx.params["id"], "Generation not found")
        body = self._status_body(job)
        finished = job.finished_mono()
        body.update(
            {
                "id": job.id,
                "prompt": job.request.get("prompt"),
                "cost": job.cost if job.phase() is Phase.SUCCEEDED else 0.0,
                "duration": job.duration,
                "resolution": job.extra.get("resolution"),
                "aspect_ratio": job.extra.get("aspect_ratio"),
                "completed_at": None if finished is None else iso(job.to_epoch(finished)),
            }
        )
        return Response.json(body)

    def generate(self, ctx: Ctx) -> Response:
        job = self._create(ctx, queue=False)[0]
        deadline = time.monotonic() + self.state.timing.sync_timeout
        while job.phase() not in TERMINAL:
            if self.state.wait(0.02):
                raise ApiError(503, "Server shutting down")
            if time.monotonic() > deadline:
                raise ApiError(504, "Generation timed out")
        phase = job.phase()
        if phase is Phase.BLOCKED:
            raise ApiError(400, self.failure_text(job, True))
        if phase is not Phase.SUCCEEDED:
            raise ApiError(500, self.failure_text(job, False))
        if job.request.get("response_format") == "b64_json":
            data = clip_path(job.file_width, job.file_height, job.duration).read_bytes()
            video: dict[str, str] = {"b64_json": base64.b64encode(data).decode()}
        else:
            video = {"url": self.result_url(job)}
        return Response.json({"created": int(job.created_epoch), "model": MODEL, "videos": [video]})

    def model_schema(self, ctx: Ctx) -> Response:
        if ctx.params["model"] != MODEL:
            raise ApiError(404, f"Model not found: {ctx.params['model']}")
        return Response.json({"name": MODEL, "json_request_schema": request_schema()})


def request_schema() -> dict[str, Any]:
    """The live request schema Oxen publishes per model (subset the app may read)."""
    uri_list = {"type": "array", "items": {"type": "string", "format": "uri"}}
    return {
        "type": "object",
        "required": ["model", "prompt"],
        "properties": {
            "model": {"type": "string", "const": MODEL},
            "prompt": {"type": "string"},
            "input_images": {**uri_list, "maxItems": LIMITS.images},
            "input_videos": {**uri_list, "maxItems": LIMITS.videos},
            "input_audios": {**uri_list, "maxItems": LIMITS.audios},
            "resolution": {"type": "string", "enum": list(RESOLUTIONS), "default": "720p"},
            "duration": {"type": "string", "enum": list(DURATIONS), "default": "auto"},
            "generate_audio": {"type": "boolean", "default": True},
            "aspect_ratio": {"type": "string", "enum": ["auto", *ASPECT_RATIOS], "default": "auto"},
            "seed": {"type": "integer"},
            "response_format": {"type": "string", "enum": ["url", "b64_json"], "default": "url"},
            "target_namespace": {"type": "string"},
            "num_generations": {"type": "integer", "minimum": 1, "maximum": 4, "default": 1},
        },
    }
