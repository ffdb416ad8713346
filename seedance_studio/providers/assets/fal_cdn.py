"""fal's CDN for local references: `POST {rest}/storage/upload/initiate?storage_type=fal-cdn-v3`
{file_name, content_type} → {upload_url, file_url}; then PUT the bytes to `upload_url` with the
same Content-Type. `file_url` is what the request sends.

How long fal keeps uploaded files is not stated where we looked; its outputs are kept at least
7 days, so the upload cache trusts a file URL for that long (inferred) and uploads again after.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from seedance_studio.core.errors import MalformedResponseError, MissingKeyError
from seedance_studio.core.i18n import _
from seedance_studio.core.redact import MASK
from seedance_studio.providers import http as http_mod
from seedance_studio.providers.assets.files import Progress, safe_name
from seedance_studio.providers.assets.hosts import Uploaded, put_file
from seedance_studio.providers.base import KeySource, env_var_hint

FILE_LIFETIME_S = 7 * 24 * 3600.0
STORAGE_TYPE = "fal-cdn-v3"


class FalCdnHost:
    """Uploads with the fal key; the file URL is public."""

    label = "fal"

    def __init__(self, rest_url: str, keys: KeySource, client: httpx.AsyncClient) -> None:
        self.rest_url = rest_url.rstrip("/")
        self._keys = keys
        self.transport = http_mod.Transport("fal", client, secrets=lambda: (keys.get("fal"),))

    @property
    def host_id(self) -> str:
        return f"fal@{self.rest_url}"

    def _key(self) -> str:
        key = self._keys.get("fal")
        if not key:
            raise MissingKeyError(
                _(
                    "Local files are uploaded to fal's CDN with your fal key, and none is "
                    "stored: add it in Settings or set {env_var}"
                ).format(env_var=env_var_hint("fal")),
                provider="fal",
            )
        return key

    def initiate_request(self, name: str, content_type: str) -> dict[str, object]:
        """The initiate call as it would be sent (key masked), for dry runs."""
        return {
            "method": "POST",
            "url": f"{self.rest_url}/storage/upload/initiate?storage_type={STORAGE_TYPE}",
            "headers": {"Authorization": f"Key {MASK}", "Content-Type": "application/json"},
            "body": {"file_name": safe_name(name), "content_type": content_type},
        }

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
        slot = await self.transport.send_safe(
            "POST",
            f"{self.rest_url}/storage/upload/initiate",
            params={"storage_type": STORAGE_TYPE},
            headers={"Authorization": f"Key {key}", "Content-Type": "application/json"},
            json_body={"file_name": safe_name(path.name), "content_type": content_type},
        )
        put_url = slot.get("upload_url") if isinstance(slot, dict) else None
        file_url = slot.get("file_url") if isinstance(slot, dict) else None
        if not isinstance(put_url, str) or not isinstance(file_url, str):
            raise MalformedResponseError(
                _("fal: the upload answer lacks upload_url or file_url"), provider="fal"
            )
        await put_file(
            self.transport, put_url, {"Content-Type": content_type}, path, ref_id, size, progress
        )
        return Uploaded(url=file_url, lifetime_s=FILE_LIFETIME_S)
