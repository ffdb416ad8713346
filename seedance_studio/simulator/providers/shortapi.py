"""ShortAPI: `job/create` + `job/query`, `{"code", "data"}` envelopes, numeric statuses."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from seedance_studio.simulator.http import ApiError, Response, json_object
from seedance_studio.simulator.jobs import Phase
from seedance_studio.simulator.providers.base import Ctx, Provider, route
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

MODEL = "bytedance/seedance-2.0/omni-reference"
PRICE_PER_SECOND = {"std": Decimal("0.168"), "fast": Decimal("0.14")}
LIMITS = Limits(images=9, videos=1, audios=3, total=12)
ASSUMED_INPUT_VIDEO_SECONDS = 5
# ShortAPI's page documents only 2 ("when status is 2, meaning succeeded"): the other numbers
# are a guess (the order its texts list the states in), and a failure always carries `error`,
# the reason the client needs before it takes a guessed status for an end.
NUMERIC_STATUS = {
    Phase.QUEUED: 0,
    Phase.RUNNING: 1,
    Phase.SUCCEEDED: 2,
    Phase.FAILED: 3,
    Phase.BLOCKED: 3,
    Phase.CANCELLED: 3,
}
STRING_STATUS = {
    Phase.QUEUED: "queued",
    Phase.RUNNING: "running",
    Phase.SUCCEEDED: "succeeded",
    Phase.FAILED: "failed",
    Phase.BLOCKED: "failed",
    Phase.CANCELLED: "failed",
}
COUNT_MESSAGES = {
    "total": "The total number of video_url, image_urls, and audio_urls must be ≤ 12",
    "images": "args.image_urls supports at most 9 images",
    "videos": "args.video_url supports a single video URL",
    "audios": "args.audio_urls supports at most 3 audio files",
    "audio_alone": "Audio-only use is not allowed, include at least one image or video",
}


def format_amount(value: Decimal) -> str:
    """Dollar string without float noise: 0.168 × 10 → "1.68"."""
    return format(value.normalize(), "f")


@dataclass
class ShortApi(Provider):
    """Errors: `{"code": <non-zero int>, "message": str}` with the HTTP status (or 200)."""

    name: str = "shortapi"
    prefix: str = "/shortapi/api/v1"
    broke_message: str = "Insufficient balance, please recharge"
    moderation_message: str = (
        "The generation was blocked by content moderation: the input or output may contain "
        "sensitive content"
    )
    failure_message: str = "Video generation failed due to an internal error"

    def __post_init__(self) -> None:
        self._routes = [
            route("POST", f"{self.prefix}/job/create", "create", self.create, charges=True),
            route("GET", f"{self.prefix}/job/query", "query", self.query),
        ]

    def render_error(self, err: ApiError) -> Response:
        status = 200 if self.state.option(self.name, "http_200_errors") else err.status
        code = err.code if isinstance(err.code, int) else err.status
        return Response.json({"code": code, "message": err.message}, status, err.headers)

    def create(self, ctx: Ctx) -> Response:
        body = json_object(ctx.req)
        model = body.get("model")
        if model != MODEL:
            raise ApiError(400, f"Unsupported model: {model!r}")
        args = body.get("args")
        if not isinstance(args, dict):
            raise ApiError(400, "args is required")
        require_str(args, "prompt", "args.prompt")
        mode = optional_enum(args, "mode", PRICE_PER_SECOND, 'args.mode must be "std" or "fast"')
        duration = args.get("duration", 5)
        if isinstance(duration, bool) or not isinstance(duration, int) or not 4 <= duration <= 15:
            raise ApiError(400, "args.duration must be an integer from 4 to 15")
        aspect = optional_enum(
            args,
            "aspect_ratio",
            ASPECT_RATIOS,
            "args.aspect_ratio must be one of " + ", ".join(ASPECT_RATIOS),
        )
        video_url = args.get("video_url")
        if isinstance(video_url, list):
            raise ApiError(400, "args.video_url must be a single URL string")
        if not isinstance(video_url, str) or not video_url:
            raise ApiError(400, "args.video_url is required")
        images = str_list(args, "image_urls")
        audios = str_list(args, "audio_urls")
        problem = count_problem(len(images), 1, len(audios), LIMITS)
        if problem:
            raise ApiError(400, COUNT_MESSAGES[problem])
        video = inspect_url(self.state, video_url, "args.video_url")
        for i, url in enumerate(images):
            inspect_url(self.state, url, f"args.image_urls[{i}]")
        audio_seconds = 0.0
        for i, url in enumerate(audios):
            audio_seconds += inspect_url(self.state, url, f"args.audio_urls[{i}]").duration or 0.0
        if audio_seconds > LIMITS.audio_seconds_max + 0.05:
            raise ApiError(400, "Audio reference exceeds the maximum duration of 15 seconds")
        optional_str(body, "callback_url")
        self.check_concurrency(ctx)
        input_seconds = (
            max(1, round(video.duration))
            if video.duration is not None
            else ASSUMED_INPUT_VIDEO_SECONDS
        )
        amount = PRICE_PER_SECOND[mode or "std"] * (input_seconds + duration)
        width, height = ratio_dims(aspect or "16:9", 720)
        job = self.new_job(
            ctx,
            model=MODEL,
            duration=duration,
            width=width,
            height=height,
            request=body,
            cost=float(amount),
            extra={"amount": format_amount(amount), "input_video_seconds": input_seconds},
        )
        return Response.json(
            {"code": 0, "data": {"amount": format_amount(amount), "job_id": job.id}}
        )

    def query(self, ctx: Ctx) -> Response:
        job_id = ctx.req.query.get("id")
        if not job_id:
            raise ApiError(400, "id is required")
        job = self.own_job(ctx, job_id, "Job not found")
        phase = job.phase()
        table = STRING_STATUS if self.state.option(self.name, "string_status") else NUMERIC_STATUS
        data: dict[str, object] = {"job_id": job.id, "status": table[phase]}
        if phase is Phase.SUCCEEDED:
            data["result"] = {"videos": [{"url": self.result_url(job)}]}
        elif phase in {Phase.FAILED, Phase.BLOCKED, Phase.CANCELLED}:
            data["error"] = self.failure_text(job, phase is Phase.BLOCKED)
        return Response.json({"code": 0, "data": data})
