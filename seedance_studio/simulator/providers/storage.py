"""Shared file routes: job results, sample references and a path-style S3 endpoint."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from seedance_studio.simulator import media
from seedance_studio.simulator.http import ApiError, Request, Response, s3_error
from seedance_studio.simulator.jobs import Phase
from seedance_studio.simulator.providers.base import Ctx, Provider, Route, route
from seedance_studio.simulator.state import StoredObject

S3_MAX_BYTES = 5 * 1024 * 1024 * 1024
_CLIP = re.compile(r"^clip_(\d+)x(\d+)_(\d+)s\.mp4$")
_TONE = re.compile(r"^tone_(\d+)s\.wav$")
_IMAGE = re.compile(r"^image(?:_(\d+)x(\d+))?\.png$")


@dataclass
class Files(Provider):
    """`/files/<job>.mp4`: result downloads, counted as "download" under the job's provider."""

    name: str = "files"
    prefix: str = "/files"

    def __post_init__(self) -> None:
        self._routes = [
            route("GET|HEAD", r"/files/(?P<job>[^/]+)\.mp4", "download", self.download, auth=False)
        ]

    def owner_of(self, params: dict[str, str]) -> str:
        job = self.state.jobs.get(params.get("job", ""))
        return job.provider if job is not None else self.name

    def download(self, ctx: Ctx) -> Response:
        job = self.state.jobs.get(ctx.params["job"])
        if job is None or job.phase() is not Phase.SUCCEEDED:
            raise ApiError(404, "File not found")
        ttl = job.timing.result_ttl
        finished = job.finished_mono()
        if ttl is not None and finished is not None and time.monotonic() > finished + ttl:
            raise ApiError(403, "The link has expired")
        data = media.clip_path(job.file_width, job.file_height, job.duration).read_bytes()
        return Response.blob(data, "video/mp4")


@dataclass
class Samples(Provider):
    """`/samples/…`: real reference media hosted on the simulator for client tests.

    `clip_<W>x<H>_<S>s.mp4`, `image.png` / `image_<W>x<H>.png`, `tone_<S>s.wav`.
    """

    name: str = "samples"
    prefix: str = "/samples"

    def __post_init__(self) -> None:
        self._routes = [
            route("GET|HEAD", r"/samples/(?P<name>[^/]+)", "sample", self.sample, auth=False)
        ]

    def sample(self, ctx: Ctx) -> Response:
        name = ctx.params["name"]
        clip = _CLIP.match(name)
        if clip:
            w, h, s = (int(x) for x in clip.groups())
            if not (16 <= w <= 1920 and 16 <= h <= 1920 and 1 <= s <= 60):
                raise ApiError(404, "No such sample")
            return Response.blob(media.clip_path(w, h, s).read_bytes(), "video/mp4")
        tone = _TONE.match(name)
        if tone and 1 <= int(tone.group(1)) <= 60:
            return Response.blob(media.wav_bytes(float(tone.group(1))), "audio/wav")
        image = _IMAGE.match(name)
        if image:
            w = int(image.group(1) or 64)
            h = int(image.group(2) or 64)
            if 1 <= w <= 2048 and 1 <= h <= 2048:
                return Response.blob(media.png_bytes(w, h), "image/png")
        raise ApiError(404, "No such sample")


def _decode_aws_chunked(data: bytes) -> bytes:
    """Strip SigV4 streaming chunk framing (`<hex>;chunk-signature=…\\r\\n<data>\\r\\n`)."""
    out = bytearray()
    pos = 0
    while pos < len(data):
        eol = data.index(b"\r\n", pos)
        size = int(data[pos:eol].split(b";", 1)[0], 16)
        if size == 0:
            break
        out += data[eol + 2 : eol + 2 + size]
        pos = eol + 2 + size + 2
    return bytes(out)


def _expired(req: Request) -> bool:
    stamp = req.query.get("X-Amz-Date")
    expires = req.query.get("X-Amz-Expires")
    if not stamp or not expires:
        return False
    try:
        start = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp()
        return time.time() > start + int(expires)
    except ValueError:
        return True


@dataclass
class S3(Provider):
    """Path-style S3: PUT/GET/HEAD/DELETE `/s3/<bucket>/<key>`; SigV4 (query or header) required.

    Signatures are not verified (no secret exists), only their presence and expiry.
    """

    name: str = "s3"
    prefix: str = "/s3"

    def __post_init__(self) -> None:
        obj = r"/s3/(?P<bucket>[^/]+)/(?P<key>.+)"
        self._routes = [
            route("PUT", obj, "upload", self.put, body_limit=S3_MAX_BYTES),
            route("GET", obj, "download", self.get),
            route("HEAD", obj, "head", self.get),
            route("DELETE", obj, "delete", self.delete),
        ]

    def render_error(self, err: ApiError) -> Response:
        codes = {403: "AccessDenied", 404: "NoSuchKey", 413: "EntityTooLarge"}
        code = str(err.code) if err.code else codes.get(err.status, "InternalError")
        resp = s3_error(err.status, code, err.message)
        resp.headers.update(err.headers)
        return resp

    def authenticate(self, ctx: Ctx, rt: Route) -> None:
        req = ctx.req
        signed = "X-Amz-Signature" in req.query or (req.header("authorization") or "").startswith(
            "AWS4-HMAC-SHA256"
        )
        if not signed:
            raise ApiError(403, "Anonymous access is forbidden for this operation")
        if _expired(req):
            raise ApiError(403, "Request has expired")

    @staticmethod
    def _key(ctx: Ctx) -> tuple[str, str, str]:
        return ("s3", ctx.params["bucket"], ctx.params["key"])

    def put(self, ctx: Ctx) -> Response:
        key = self._key(ctx)
        data = ctx.req.body
        encoding = ctx.req.header("content-encoding") or ""
        sha_mode = ctx.req.header("x-amz-content-sha256") or ""
        if "aws-chunked" in encoding or sha_mode.startswith("STREAMING-"):
            data = _decode_aws_chunked(data)
        content_type = ctx.req.header("content-type") or "application/octet-stream"
        stored = StoredObject(data, content_type)
        self.state.put_object(key, stored)
        return Response(
            status=200, content_type="application/xml", headers={"ETag": f'"{stored.etag}"'}
        )

    def get(self, ctx: Ctx) -> Response:
        obj = self.state.get_object(self._key(ctx))
        if obj is None:
            raise ApiError(404, "The specified key does not exist.")
        return Response.blob(obj.data, obj.content_type, {"ETag": f'"{obj.etag}"'})

    def delete(self, ctx: Ctx) -> Response:
        self.state.delete_object(self._key(ctx))
        return Response(status=204, content_type="application/xml")
