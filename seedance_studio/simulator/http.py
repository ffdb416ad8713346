"""Plain request/response values so provider logic never touches sockets."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Request:
    """A parsed HTTP request; header names are lower-cased."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes = b""
    raw_target: str = ""

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)

    def json_or_none(self) -> Any:
        if not self.body:
            return None
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            return None


@dataclass
class Response:
    """An answer; `ranged` bodies honour Range requests and HEAD."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    ranged: bool = False

    @classmethod
    def json(
        cls, payload: Any, status: int = 200, headers: dict[str, str] | None = None
    ) -> Response:
        body = json.dumps(payload).encode()
        return cls(status=status, body=body, headers=dict(headers or {}))

    @classmethod
    def blob(
        cls, data: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> Response:
        return cls(body=data, content_type=content_type, headers=dict(headers or {}), ranged=True)


class ApiError(Exception):
    """A documented error; each provider renders it in its own body shape."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        details: str | None = None,
        code: str | int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details
        self.code = code
        self.headers = dict(headers or {})


def json_object(req: Request) -> dict[str, Any]:
    """The request body as a JSON object, or the provider's 400."""
    try:
        payload = json.loads(req.body or b"")
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "Invalid JSON body") from None
    if not isinstance(payload, dict):
        raise ApiError(400, "Request body must be a JSON object")
    return payload


def s3_error(status: int, code: str, message: str) -> Response:
    """Object-storage errors use S3's XML body, as real presigned endpoints do."""
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    ).encode()
    return Response(status=status, body=body, content_type="application/xml")
