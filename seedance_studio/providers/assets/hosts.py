"""Where local references are uploaded: eachlabs' presigned storage or the user's S3 bucket.

Both hosts PUT the file to a presigned URL with a known Content-Length (presigned PUTs refuse
chunked bodies), streaming it from disk with progress: on the network in a worker thread
through providers/transfer.py (one 1 MiB buffer, the line rate, the UI loop never waits); a
client with its own transport (a test's) or a proxied URL goes through httpx.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx

from seedance_studio.core.errors import MalformedResponseError, MissingKeyError, ProviderError
from seedance_studio.core.i18n import _
from seedance_studio.core.settings import S3Settings
from seedance_studio.providers import http as http_mod
from seedance_studio.providers import retry, transfer
from seedance_studio.providers.assets.files import Progress, safe_name, stream_file
from seedance_studio.providers.base import KeySource, env_var_hint
from seedance_studio.providers.keys import S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, env_var

UPLOAD_TIMEOUT = httpx.Timeout(connect=10.0, read=120.0, write=120.0, pool=10.0)
UPLOAD_READ_S = 120.0
"""The worker thread's socket timeout (UPLOAD_TIMEOUT's read and write)."""
UPLOAD_ATTEMPTS = 3
"""Tries of one file upload before the error goes up."""
S3_PUT_EXPIRY_S = 900
"""The presigned PUT only has to live for the upload itself."""
S3_MAX_EXPIRY_S = 7 * 24 * 3600
"""SigV4 presigned URLs cannot live longer than seven days."""


@dataclass(frozen=True)
class Uploaded:
    url: str
    lifetime_s: float | None
    """How long the URL stays valid from now; None for permanent URLs."""


class AssetHost(Protocol):
    """Something that turns a local file into a URL a provider can fetch."""

    @property
    def host_id(self) -> str:
        """Names the host and account/bucket, so caches never mix hosts."""
        ...

    @property
    def label(self) -> str:
        """Short name for placeholders: upload://<label>/<file name>."""
        ...

    async def upload(
        self,
        path: Path,
        *,
        ref_id: str,
        kind: str,
        content_type: str,
        size: int,
        digest: str,
        progress: Progress | None,
    ) -> Uploaded: ...


async def put_file(
    transport: http_mod.Transport,
    url: str,
    headers: dict[str, str],
    path: Path,
    ref_id: str,
    size: int,
    progress: Progress | None,
) -> None:
    """PUT the file, streamed; an upload is safe to repeat, so failures that `retry` allows
    (dropped connections, 5xx, 429) are retried with back-off, each time from the start."""
    attempt = 0
    while True:
        attempt += 1
        if progress is not None:
            progress(ref_id, 0, size)
        try:
            if transfer.on_the_network(transport.client) and transfer.direct(url):
                response = await _put_in_thread(url, headers, path, ref_id, size, progress)
            else:
                response = await transport.client.put(
                    url,
                    headers={**headers, "Content-Length": str(size)},
                    content=stream_file(path, ref_id, size, progress),
                    timeout=UPLOAD_TIMEOUT,
                )
            transport.check(response)
            return
        except (httpx.TransportError, OSError, http.client.HTTPException) as exc:
            if isinstance(exc, FileNotFoundError | PermissionError | IsADirectoryError):
                raise
            error: ProviderError = transport.network_error(
                exc, _("upload of {name} failed").format(name=path.name)
            )
        except ProviderError as exc:
            error = exc
        if not retry.should_retry(error, attempt, max_attempts=UPLOAD_ATTEMPTS):
            raise error
        await transport.sleep(retry.retry_delay(attempt, getattr(error, "retry_after", None)))


async def _put_in_thread(
    url: str,
    headers: dict[str, str],
    path: Path,
    ref_id: str,
    size: int,
    progress: Progress | None,
) -> httpx.Response:
    """One PUT streamed from disk in a worker thread; its answer as an httpx response, so
    refusals are translated in one place (Transport.check)."""
    loop = asyncio.get_running_loop()
    stop = threading.Event()

    def on_bytes(sent: int) -> None:
        if progress is not None and not stop.is_set():
            loop.call_soon_threadsafe(progress, ref_id, sent, size)

    def attempt() -> tuple[transfer.Answer, bytes]:
        return transfer.put_file(
            url, headers, path, size, timeout=UPLOAD_READ_S, on_bytes=on_bytes, stop=stop
        )

    worker = loop.run_in_executor(None, attempt)
    try:
        answer, body = await asyncio.shield(worker)
    except asyncio.CancelledError:
        stop.set()  # the worker stops at its next buffer; nothing is sent after we return
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await worker
        raise
    return httpx.Response(answer.status, headers=dict(answer.headers), content=body)


class EachlabsHost:
    """eachlabs storage: POST /upload/presign, PUT with every required header; the public URL
    is permanent."""

    label = "eachlabs"

    def __init__(self, base_url: str, keys: KeySource, client: httpx.AsyncClient) -> None:
        self.base_url = base_url.rstrip("/")
        self._keys = keys
        self.transport = http_mod.Transport(
            "eachlabs", client, secrets=lambda: (keys.get("eachlabs"),)
        )

    @property
    def host_id(self) -> str:
        return f"eachlabs@{self.base_url}"

    def _key(self) -> str:
        key = self._keys.get("eachlabs")
        if not key:
            raise MissingKeyError(
                _(
                    "Local files are uploaded with your eachlabs key, and none is stored: add it "
                    "in Settings or set {env_var}, or choose another asset host"
                ).format(env_var=env_var_hint("eachlabs")),
                provider="eachlabs",
            )
        return key

    async def upload(
        self,
        path: Path,
        *,
        ref_id: str,
        kind: str,
        content_type: str,
        size: int,
        digest: str,
        progress: Progress | None,
    ) -> Uploaded:
        key = self._key()
        file_type = kind if kind in ("image", "video", "audio") else "other"
        slot = await self.transport.send_safe(
            "POST",
            f"{self.base_url}/upload/presign",
            headers={"X-API-Key": key, "Content-Type": "application/json"},
            json_body={"content_type": content_type, "file_type": file_type},
        )
        if not isinstance(slot, dict):
            raise MalformedResponseError(
                _("eachlabs: the presign answer is not an object"), provider="eachlabs"
            )
        put_url, public_url = slot.get("presigned_url"), slot.get("public_url")
        if not isinstance(put_url, str) or not isinstance(public_url, str):
            raise MalformedResponseError(
                _("eachlabs: the presign answer lacks its URLs"), provider="eachlabs"
            )
        required = slot.get("required_headers") or {}
        if not isinstance(required, dict):
            required = {}
        headers = {str(k): str(v) for k, v in required.items()}
        if not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = content_type
        await put_file(self.transport, put_url, headers, path, ref_id, size, progress)
        return Uploaded(url=public_url, lifetime_s=None)


class S3Host:
    """An S3-compatible bucket: botocore presigns a PUT (upload) and a GET (what providers
    fetch, valid for `url_expiry_s`)."""

    label = "s3"

    def __init__(self, settings: S3Settings, keys: KeySource, client: httpx.AsyncClient) -> None:
        self.settings = settings
        self._keys = keys
        self._s3: Any = None
        self.transport = http_mod.Transport(
            "s3", client, secrets=lambda: (keys.get(S3_SECRET_ACCESS_KEY),)
        )

    @property
    def host_id(self) -> str:
        endpoint = self.settings.endpoint_url or f"aws:{self.settings.region}"
        return f"s3@{endpoint}/{self.settings.bucket}"

    @property
    def expiry_s(self) -> int:
        return max(60, min(int(self.settings.url_expiry_s), S3_MAX_EXPIRY_S))

    def _credentials(self) -> tuple[str, str]:
        key_id = self._keys.get(S3_ACCESS_KEY_ID)
        secret = self._keys.get(S3_SECRET_ACCESS_KEY)
        if not key_id or not secret:
            raise MissingKeyError(
                _(
                    "The S3 bucket needs an access key id and secret: add them in Settings or "
                    "set {key_id_var} and {secret_var}"
                ).format(
                    key_id_var=env_var(S3_ACCESS_KEY_ID), secret_var=env_var(S3_SECRET_ACCESS_KEY)
                ),
                provider="s3",
            )
        if not self.settings.bucket:
            raise MissingKeyError(_("No S3 bucket is set: choose one in Settings"), provider="s3")
        return key_id, secret

    def _client(self) -> Any:
        if self._s3 is None:
            import botocore.session
            from botocore.config import Config

            key_id, secret = self._credentials()
            custom = bool(self.settings.endpoint_url)
            config = Config(
                signature_version="s3v4", s3={"addressing_style": "path" if custom else "auto"}
            )
            self._s3 = botocore.session.get_session().create_client(
                "s3",
                region_name=self.settings.region or "us-east-1",
                endpoint_url=self.settings.endpoint_url or None,
                aws_access_key_id=key_id,
                aws_secret_access_key=secret,
                config=config,
            )
        return self._s3

    def object_key(self, digest: str, name: str) -> str:
        """Content-addressed, so the same file always lands on the same key."""
        prefix = self.settings.prefix
        if prefix and not prefix.endswith("/"):
            prefix += "/"
        return f"{prefix}{digest[:32]}/{safe_name(name)}"

    def presign(self, key: str, content_type: str) -> tuple[str, str]:
        """(PUT URL, GET URL) for `key`; pure signing, no network."""
        s3 = self._client()
        bucket = self.settings.bucket
        put_url = s3.generate_presigned_url(
            "put_object",
            Params={"Bucket": bucket, "Key": key, "ContentType": content_type},
            ExpiresIn=S3_PUT_EXPIRY_S,
        )
        get_url = s3.generate_presigned_url(
            "get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=self.expiry_s
        )
        return put_url, get_url

    async def upload(
        self,
        path: Path,
        *,
        ref_id: str,
        kind: str,
        content_type: str,
        size: int,
        digest: str,
        progress: Progress | None,
    ) -> Uploaded:
        key = self.object_key(digest, path.name)
        issued = time.monotonic()
        put_url, get_url = await asyncio.to_thread(self.presign, key, content_type)
        await put_file(
            self.transport, put_url, {"Content-Type": content_type}, path, ref_id, size, progress
        )
        # the GET URL's life started when it was signed, before the upload
        return Uploaded(url=get_url, lifetime_s=self.expiry_s - (time.monotonic() - issued))
