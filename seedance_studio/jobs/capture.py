"""Keeping the provider's raw answers for the job history, without the clients knowing.

The engine's own httpx client carries a response hook; around a provider call the engine
opens a `capture()` and every JSON answer received inside it (same task, so the context
variable follows) is recorded: method, URL, status, body. The store redacts keys before
writing. Downloads are never read here: only JSON bodies are.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

MAX_TEXT = 4000
"""A non-JSON error body is kept up to this many characters."""

_sink: ContextVar[list[dict[str, Any]] | None] = ContextVar("seedance_capture", default=None)


@contextlib.contextmanager
def capture() -> Iterator[list[dict[str, Any]]]:
    """Collect the raw answers of the HTTP requests made inside the block."""
    answers: list[dict[str, Any]] = []
    token = _sink.set(answers)
    try:
        yield answers
    finally:
        _sink.reset(token)


async def record_response(response: httpx.Response) -> None:
    """httpx response hook: remember JSON (and short error) bodies for the open capture."""
    answers = _sink.get()
    if answers is None:
        return
    ctype = response.headers.get("content-type", "").lower()
    entry: dict[str, object] = {
        "method": response.request.method,
        "url": str(response.request.url),
        "status": response.status_code,
    }
    if "json" in ctype or (response.status_code >= 400 and ctype.startswith("text/")):
        await response.aread()
        try:
            entry["body"] = response.json()
        except ValueError:
            entry["body"] = response.text[:MAX_TEXT]
    answers.append(entry)


KEEPALIVE_S = 60.0
"""How long an idle connection is kept: longer than a poll interval (10 s and more once many
jobs share the poll budget), so each poll reuses a connection instead of a new TCP and TLS
handshake (httpx's default keeps them 5 s)."""


def capturing_client(**kwargs: Any) -> httpx.AsyncClient:
    """An httpx client whose JSON answers can be captured."""
    import httpx  # here, not at start-up: the window paints before the network stack loads

    kwargs.setdefault("limits", httpx.Limits(keepalive_expiry=KEEPALIVE_S))
    return httpx.AsyncClient(event_hooks={"response": [record_response]}, **kwargs)
