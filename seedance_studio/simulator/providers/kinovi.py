"""Kinovi / seedance2-pro.com: createTask (newer and legacy schemas) + recordInfo."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from seedance_studio.simulator.http import ApiError, Response, json_object
from seedance_studio.simulator.jobs import Phase
from seedance_studio.simulator.providers.base import NO_ACCESS_KEY, Ctx, Provider, Route, route
from seedance_studio.simulator.urls import inspect_url
from seedance_studio.simulator.validation import (
    ASPECT_RATIOS,
    Limits,
    count_problem,
    optional_enum,
    optional_str,
    ratio_dims,
    require_str,
    str_list,
)

PRO = "seedance-20"
FAST = "seedance2-fast"
RESOLUTIONS = {"1080p": 1080, "720p": 720, "480p": 480}
# Credits per output second (kinovi-omni-reference.txt); 1 credit = $0.005.
BASE_CREDITS = {PRO: {"1080p": 83, "720p": 40, "480p": 15}, FAST: {"720p": 28, "480p": 10}}
VIDEO_SURCHARGE = {PRO: {"1080p": 17, "720p": 8, "480p": 4}, FAST: {"720p": 6, "480p": 3}}
UPSCALE_CREDITS = 28
LEGACY_CREDITS_PER_SECOND = 40
USD_PER_CREDIT = 0.005
LIMITS = Limits(images=9, videos=3, audios=3, total=12)
STATUS = {
    Phase.QUEUED: "waiting",
    Phase.RUNNING: "generating",
    Phase.SUCCEEDED: "success",
    Phase.FAILED: "fail",
    Phase.BLOCKED: "fail",
    Phase.CANCELLED: "fail",
}
COUNT_MESSAGES = {
    "total": "Too many reference files: at most 12 in total",
    "images": "Too many images: at most 9",
    "videos": "Too many videos: at most 3",
    "audios": "Too many audio files: at most 3",
    "audio_alone": "Audio requires at least one image or video in urls",
}
_LEGACY_DURATION = re.compile(r"^(\d{1,2})s?$")


def is_legacy(inputs: dict[str, Any]) -> bool:
    """The older page's schema: `videoUrls`, `ratio`, `"8s"` durations and no `mode`."""
    if "mode" in inputs:
        return False
    duration = inputs.get("duration")
    return (
        "videoUrls" in inputs
        or "ratio" in inputs
        or (isinstance(duration, str) and duration.endswith("s"))
    )


@dataclass
class Kinovi(Provider):
    """Errors: HTTP 400/401/402/403/404/429/500 with `{"code": <status>, "message": str}`."""

    name: str = "kinovi"
    prefix: str = "/kinovi/api/v1"
    missing_key_message: str = "Authentication failed: missing API key"
    bad_key_message: str = "Authentication failed: invalid API key"
    broke_message: str = "Insufficient credits for the requested duration"
    moderation_message: str = (
        "Text moderation failed: the prompt may contain content that violates the usage policy"
    )
    failure_message: str = "Server error, please try again later"

    def __post_init__(self) -> None:
        self._routes = [
            route("POST", f"{self.prefix}/jobs/createTask", "create", self.create, charges=True),
            route("GET", f"{self.prefix}/jobs/recordInfo", "query", self.query),
        ]

    def render_error(self, err: ApiError) -> Response:
        code = err.code if err.code is not None else err.status
        return Response.json({"code": code, "message": err.message}, err.status, err.headers)

    def authenticate(self, ctx: Ctx, rt: Route) -> None:
        super().authenticate(ctx, rt)
        if ctx.api_key == NO_ACCESS_KEY:
            raise ApiError(403, "API access is not enabled for this account")

    def create(self, ctx: Ctx) -> Response:
        body = json_object(ctx.req)
        model = require_str(body, "model")
        inputs = body.get("inputs")
        if not isinstance(inputs, dict):
            raise ApiError(400, "inputs is required")
        optional_str(body, "callBackUrl")
        if is_legacy(inputs):
            job_args = self._legacy(model, inputs)
        else:
            job_args = self._current(model, inputs)
        self.check_concurrency(ctx)
        job = self.new_job(ctx, id_prefix="task_", model=model, request=body, **job_args)
        return Response.json({"taskId": job.id})

    def _current(self, model: str, inputs: dict[str, Any]) -> dict[str, Any]:
        if model not in BASE_CREDITS:
            raise ApiError(400, f"Invalid model: use {PRO} or {FAST}")
        if inputs.get("mode") != "reference":
            raise ApiError(400, "Invalid mode: mode must be reference for Omni Reference")
        urls = str_list(inputs, "urls")
        if not urls:
            raise ApiError(400, "Missing urls")
        audios = str_list(inputs, "audioUrls")
        prompt = require_str(inputs, "prompt", "prompt")
        if len(prompt) > 4000:
            raise ApiError(400, "prompt must be at most 4000 characters")
        duration_text = inputs.get("duration", "5")
        if not (
            isinstance(duration_text, str)
            and duration_text.isdigit()
            and 4 <= int(duration_text) <= 15
        ):
            raise ApiError(400, 'Invalid duration: use "4" to "15"')
        aspect = optional_enum(inputs, "aspectRatio", ASPECT_RATIOS, "Invalid aspectRatio")
        resolution = optional_enum(
            inputs, "outputResolution", RESOLUTIONS, "Invalid outputResolution"
        )
        if resolution is None:
            resolution = "1080p" if model == PRO else "720p"
        if resolution not in BASE_CREDITS[model]:
            raise ApiError(400, f"{model} does not support {resolution} output")
        upscale = optional_enum(
            inputs, "upscaleResolution", ("4k",), 'upscaleResolution must be "4k"'
        )
        refs = [inspect_url(self.state, url, f"urls[{i}]") for i, url in enumerate(urls)]
        if any(ref.kind == "audio" for ref in refs):
            raise ApiError(400, "urls accepts images and videos only: put audio in audioUrls")
        videos = [ref for ref in refs if ref.kind == "video"]
        audio_refs = [inspect_url(self.state, u, f"audioUrls[{i}]") for i, u in enumerate(audios)]
        problem = count_problem(len(refs) - len(videos), len(videos), len(audio_refs), LIMITS)
        if problem:
            raise ApiError(400, COUNT_MESSAGES[problem])
        if any((ref.duration or 0) > LIMITS.video_seconds_max + 0.05 for ref in videos):
            raise ApiError(400, "Each reference video must be at most 15 seconds")
        if sum(ref.duration or 0 for ref in audio_refs) > LIMITS.audio_seconds_max + 0.05:
            raise ApiError(400, "Total audio duration must be at most 15 seconds")
        duration = int(duration_text)
        per_second = BASE_CREDITS[model][resolution]
        if videos:
            per_second += VIDEO_SURCHARGE[model][resolution]
        if upscale:
            per_second += UPSCALE_CREDITS
        short_side = 2160 if upscale else RESOLUTIONS[resolution]
        width, height = ratio_dims(aspect or "16:9", short_side)
        credits = per_second * duration
        return {
            "duration": duration,
            "width": width,
            "height": height,
            "credits": credits,
            "cost": credits * USD_PER_CREDIT,
            "extra": {"schema": "reference", "resolution": resolution},
        }

    def _legacy(self, model: str, inputs: dict[str, Any]) -> dict[str, Any]:
        if model != PRO:
            raise ApiError(400, f"Invalid model: must be {PRO}")
        if "audioUrls" in inputs:
            raise ApiError(400, "Audio is not supported in this mode")
        images = str_list(inputs, "urls")
        videos = str_list(inputs, "videoUrls")
        if not images and not videos:
            raise ApiError(400, "Missing urls or videoUrls")
        require_str(inputs, "prompt", "prompt")
        optional_enum(inputs, "ratio", ASPECT_RATIOS, "Invalid ratio")
        raw = inputs.get("duration", "5s")
        match = _LEGACY_DURATION.match(raw) if isinstance(raw, str) else None
        if match is None or not 4 <= int(match.group(1)) <= 15:
            raise ApiError(400, 'Invalid duration: use "4s" to "15s"')
        problem = count_problem(len(images), len(videos), 0, LIMITS)
        if problem:
            raise ApiError(400, COUNT_MESSAGES[problem])
        for i, url in enumerate(images):
            inspect_url(self.state, url, f"urls[{i}]")
        for i, url in enumerate(videos):
            ref = inspect_url(self.state, url, f"videoUrls[{i}]")
            if (ref.duration or 0) > LIMITS.video_seconds_max + 0.05:
                raise ApiError(400, "Each reference video must be at most 15 seconds")
        duration = int(match.group(1))
        width, height = ratio_dims(str(inputs.get("ratio") or "16:9"), 720)
        credits = duration * LEGACY_CREDITS_PER_SECOND
        return {
            "duration": duration,
            "width": width,
            "height": height,
            "credits": credits,
            "cost": credits * USD_PER_CREDIT,
            "extra": {"schema": "legacy", "resolution": "720p"},
        }

    def query(self, ctx: Ctx) -> Response:
        task_id = ctx.req.query.get("taskId")
        if not task_id:
            raise ApiError(400, "taskId is required")
        job = self.own_job(ctx, task_id, "Task not found")
        phase = job.phase()
        finished = job.finished_mono()
        body: dict[str, Any] = {
            "taskId": job.id,
            "model": job.model,
            "status": STATUS[phase],
            "creditsUsed": 0 if STATUS[phase] == "fail" else job.credits,
            "output": [],
            "error": None,
            "createTime": int(job.created_epoch * 1000),
            "completeTime": None if finished is None else int(job.to_epoch(finished) * 1000),
        }
        if phase is Phase.SUCCEEDED:
            body["output"] = [
                {"url": self.result_url(job), "width": job.width, "height": job.height}
            ]
        elif STATUS[phase] == "fail":
            blocked = phase is Phase.BLOCKED
            body["error"] = {
                "code": "CONTENT_MODERATION" if blocked else "SERVER_ERROR",
                "message": self.failure_text(job, blocked),
            }
        return Response.json(body)
