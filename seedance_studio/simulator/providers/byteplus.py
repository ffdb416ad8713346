"""BytePlus ModelArk: content-generation tasks (create, get, list, delete) as
shared/providers/NOTES.md describes them.

Tokens follow the users' logs: width × height × (24 × seconds + 1) / 1024 for the output,
plus the reference videos' seconds. DELETE cancels a queued task, refuses a running one and
deletes the record of a finished one (a later GET answers 404).
Option `refuse_code`: answer every create with this content-filter code (e.g.
"InputImageSensitiveContentDetected.PrivacyInformation"), as a real face does.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from seedance_studio.simulator.http import ApiError, Request, Response, json_object
from seedance_studio.simulator.jobs import TERMINAL, Job, Phase
from seedance_studio.simulator.providers.base import DURATION_MESSAGES, Ctx, Provider, route
from seedance_studio.simulator.urls import inspect_url
from seedance_studio.simulator.validation import (
    ASPECT_RATIOS,
    Limits,
    count_problem,
    duration_problem,
    ratio_dims,
)

MODELS = {
    "dreamina-seedance-2-0-260128": {"480p": 480, "720p": 720, "1080p": 1080},
    "dreamina-seedance-2-0-fast-260128": {"480p": 480, "720p": 720},
}
USD_PER_MILLION = {
    "dreamina-seedance-2-0-260128": (7.00, 4.30),
    "dreamina-seedance-2-0-fast-260128": (5.60, 5.60),
}
RATIOS = (*ASPECT_RATIOS, "adaptive")
ROLES = {
    "image_url": "reference_image",
    "video_url": "reference_video",
    "audio_url": "reference_audio",
}
LIMITS = Limits(images=9, videos=3, audios=3, total=12)
HISTORY_S = 7 * 24 * 3600
STATUS = {
    Phase.QUEUED: "queued",
    Phase.RUNNING: "running",
    Phase.SUCCEEDED: "succeeded",
    Phase.FAILED: "failed",
    Phase.BLOCKED: "failed",
    Phase.CANCELLED: "cancelled",
}
DEFAULT_CODES = {
    400: "InvalidParameter",
    401: "AuthenticationError",
    403: "AccountOverdueError",
    404: "ResourceNotFound",
    429: "RateLimitExceeded",
    500: "InternalServiceError",
    503: "ServiceUnavailable",
}
COUNT_MESSAGES = {
    "total": "The request failed because at most 12 reference files are allowed",
    "images": "The request failed because at most 9 reference images are allowed",
    "videos": "The request failed because at most 3 reference videos are allowed",
    "audios": "The request failed because at most 3 reference audios are allowed",
    "audio_alone": "The request failed because reference audio needs a reference image or video",
}


def tokens(width: int, height: int, seconds: float) -> int:
    return round(width * height * (24 * seconds + 1) / 1024)


@dataclass
class BytePlus(Provider):
    """Errors: {"error": {"code", "message", "param", "type"}}."""

    name: str = "byteplus"
    prefix: str = "/byteplus/api/v3"
    missing_key_message: str = (
        "The request failed because you are missing the API key in the Authorization header"
    )
    bad_key_message: str = "The API key in the request is missing or invalid"
    broke_message: str = "The request failed because your account has an overdue balance"
    moderation_message: str = (
        "The request failed because the output video may contain sensitive information"
    )
    failure_message: str = "The service encountered an unexpected internal error"

    def __post_init__(self) -> None:
        tasks = f"{self.prefix}/contents/generations/tasks"
        self._routes = [
            route("POST", tasks, "create", self.create, charges=True),
            route("GET", tasks, "list", self.list_tasks),
            route("GET", f"{tasks}/(?P<id>[^/]+)", "query", self.get),
            route("DELETE", f"{tasks}/(?P<id>[^/]+)", "cancel", self.delete),
        ]

    def authenticate(self, ctx: Ctx, rt: Any) -> None:
        try:
            super().authenticate(ctx, rt)
        except ApiError as err:
            if err.status == 402:
                raise ApiError(403, self.broke_message, code="AccountOverdueError") from None
            raise

    def render_error(self, err: ApiError) -> Response:
        code = str(err.code) if err.code else DEFAULT_CODES.get(err.status, "InternalError")
        body = {
            "error": {
                "code": code,
                "message": err.message,
                "param": err.details or "",
                "type": "BadRequest" if err.status < 500 else "InternalServerError",
            }
        }
        return Response.json(body, err.status, err.headers)

    def create(self, ctx: Ctx) -> Response:
        body = json_object(ctx.req)
        model = body.get("model")
        if model not in MODELS:
            raise ApiError(
                404,
                f"The model or endpoint {model} does not exist or you do not have access to it",
                code="InvalidEndpointOrModel.NotFound",
            )
        refuse = self.state.option(self.name, "refuse_code")
        if refuse:
            raise ApiError(
                400,
                "The request failed because the input image may contain real person",
                code=str(refuse),
            )
        content = body.get("content")
        if not isinstance(content, list) or not content:
            raise ApiError(
                400,
                "The parameter `content` specified in the request is not valid",
                details="content",
            )
        texts = [c for c in content if isinstance(c, dict) and c.get("type") == "text"]
        media: dict[str, list[str]] = {k: [] for k in ROLES}
        for i, item in enumerate(content):
            if not isinstance(item, dict) or item.get("type") not in ("text", *ROLES):
                raise ApiError(
                    400,
                    f"The parameter `content[{i}].type` is not valid",
                    details=f"content[{i}].type",
                )
            kind = item["type"]
            if kind == "text":
                continue
            if item.get("role") != ROLES[kind]:
                raise ApiError(
                    400,
                    f"The parameter `content[{i}].role` is not valid for {kind}",
                    details=f"content[{i}].role",
                )
            url = (item.get(kind) or {}).get("url") if isinstance(item.get(kind), dict) else None
            media[kind].append(url)  # type: ignore[arg-type]
        if len(texts) != 1 or not str(texts[0].get("text") or "").strip():
            raise ApiError(
                400, "The parameter `content` must hold one text item", details="content"
            )
        problem = count_problem(
            len(media["image_url"]), len(media["video_url"]), len(media["audio_url"]), LIMITS
        )
        if problem:
            raise ApiError(400, COUNT_MESSAGES[problem], details="content")
        sizes = MODELS[model]
        resolution = body.get("resolution", "720p")
        if resolution not in sizes:
            raise ApiError(
                400,
                f"The parameter `resolution` specified in the request is not "
                f"valid for model {model}",
                details="resolution",
            )
        ratio = body.get("ratio", "adaptive")
        if ratio not in RATIOS:
            raise ApiError(
                400, "The parameter `ratio` specified in the request is not valid", details="ratio"
            )
        duration = body.get("duration", 5)
        if isinstance(duration, bool) or not isinstance(duration, int) or not 4 <= duration <= 15:
            raise ApiError(
                400,
                "The parameter `duration` specified in the request is not valid",
                details="duration",
            )
        for name in ("watermark", "return_last_frame", "generate_audio"):
            if name in body and not isinstance(body[name], bool):
                raise ApiError(400, f"The parameter `{name}` must be a boolean", details=name)
        try:
            for url in media["image_url"]:
                inspect_url(self.state, url, "image_url")
            video_s = [inspect_url(self.state, u, "video_url").duration for u in media["video_url"]]
            audio_s = [inspect_url(self.state, u, "audio_url").duration for u in media["audio_url"]]
        except ApiError as err:
            raise ApiError(400, err.message, code="InvalidParameter.InvalidUrl") from None
        problem = duration_problem(video_s, audio_s, LIMITS)
        if problem:
            raise ApiError(400, DURATION_MESSAGES[problem], details="content")
        self.check_concurrency(ctx)
        width, height = ratio_dims("16:9" if ratio == "adaptive" else ratio, sizes[resolution])
        input_s = sum(s or 0.0 for s in video_s)
        used = tokens(width, height, duration + input_s)
        rate = USD_PER_MILLION[model][1 if media["video_url"] else 0]
        job = self.new_job(
            ctx,
            job_id=f"cgt-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:5]}",
            model=model,
            duration=duration,
            width=width,
            height=height,
            request=body,
            cost=round(used * rate / 1e6, 6),
            extra={
                "tokens": used,
                "resolution": resolution,
                "ratio": ratio,
                "seed": body.get("seed", 11),
                "last_frame": bool(body.get("return_last_frame")),
            },
        )
        return Response.json({"id": job.id})

    def _visible(self, ctx: Ctx, job: Job | None) -> bool:
        return (
            job is not None
            and job.provider == self.name
            and job.api_key == ctx.api_key
            and not job.extra.get("deleted")
        )

    def task_body(self, job: Job) -> dict[str, Any]:
        phase = job.phase()
        finished = job.finished_mono()
        body: dict[str, Any] = {
            "id": job.id,
            "model": job.model,
            "status": STATUS[phase],
            "created_at": int(job.created_epoch),
            "updated_at": int(job.to_epoch(finished) if finished else time.time()),
            "seed": job.extra.get("seed"),
            "resolution": job.extra.get("resolution"),
            "ratio": job.extra.get("ratio"),
            "duration": job.duration,
            "framespersecond": 24,
            "content": {},
        }
        if phase is Phase.SUCCEEDED:
            body["content"] = {"video_url": self.result_url(job)}
            if job.extra.get("last_frame"):
                body["content"]["last_frame_url"] = (
                    f"{self.state.url}/samples/image_{job.width // 4}x{job.height // 4}.png"
                )
            body["usage"] = {
                "completion_tokens": job.extra["tokens"],
                "total_tokens": job.extra["tokens"],
            }
        elif phase in (Phase.FAILED, Phase.BLOCKED):
            blocked = phase is Phase.BLOCKED
            body["error"] = {
                "code": "OutputVideoSensitiveContentDetected"
                if blocked
                else "InternalServiceError",
                "message": self.failure_text(job, blocked),
            }
        return body

    def get(self, ctx: Ctx) -> Response:
        job = self.state.jobs.get(ctx.params["id"])
        if not self._visible(ctx, job):
            raise ApiError(
                404, f"The specified task {ctx.params['id']} is not found", code="ResourceNotFound"
            )
        assert job is not None
        self.own_job(ctx, job.id, "not found")  # applies an armed job fault
        return Response.json(self.task_body(job))

    def delete(self, ctx: Ctx) -> Response:
        job = self.state.jobs.get(ctx.params["id"])
        if not self._visible(ctx, job):
            raise ApiError(
                404, f"The specified task {ctx.params['id']} is not found", code="ResourceNotFound"
            )
        assert job is not None
        phase = job.phase()
        if phase is Phase.QUEUED:
            self.state.jobs.cancel(job.id)
        elif phase is Phase.RUNNING:
            raise ApiError(
                400, "The task is running and cannot be cancelled", code="InvalidAction.TaskRunning"
            )
        elif phase in TERMINAL and phase is not Phase.CANCELLED:
            job.extra["deleted"] = True
        return Response(status=200, body=b"{}")

    def list_tasks(self, ctx: Ctx) -> Response:
        query = _multi(ctx.req)
        page = int((query.get("page_num") or ["1"])[0])
        size = min(500, int((query.get("page_size") or ["10"])[0]))
        wanted_ids = set(query.get("filter.task_ids", []))
        wanted_status = next(iter(query.get("filter.status", [])), None)
        wanted_model = next(iter(query.get("filter.model", [])), None)
        since = time.time() - HISTORY_S
        rows = []
        for job in sorted(self.state.jobs.all(), key=lambda j: j.created_epoch, reverse=True):
            if not self._visible(ctx, job) or job.created_epoch < since:
                continue
            body = self.task_body(job)
            if wanted_ids and job.id not in wanted_ids:
                continue
            if wanted_status and body["status"] != wanted_status:
                continue
            if wanted_model and job.model != wanted_model:
                continue
            rows.append(body)
        start = (page - 1) * size
        return Response.json({"items": rows[start : start + size], "total": len(rows)})


def _multi(req: Request) -> dict[str, list[str]]:
    """Every value of repeated parameters (filter.task_ids=a&filter.task_ids=b)."""
    return parse_qs(urlsplit(req.raw_target).query, keep_blank_values=True)
