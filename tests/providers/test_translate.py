"""HTTP answers to exceptions, and each provider's status body to a typed status (tables)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from seedance_studio.core.errors import (
    AuthError,
    ContentBlockedError,
    InsufficientCreditsError,
    InvalidInputError,
    MalformedResponseError,
    NetworkError,
    NotFoundError,
    ProviderError,
    RateLimitedError,
    ServerError,
)
from seedance_studio.providers import eachlabs, kinovi, oxen, shortapi
from seedance_studio.providers.http import error_details, translate_api_code, translate_status


@pytest.mark.parametrize(
    ("status", "body", "error", "message"),
    [
        (401, {"error": "Invalid API key"}, AuthError, "Invalid API key"),
        (
            403,
            {"code": 403, "message": "API access is not enabled"},
            AuthError,
            "API access is not enabled",
        ),
        (
            402,
            {"code": 402, "message": "Insufficient credits"},
            InsufficientCreditsError,
            "Insufficient credits",
        ),
        (
            429,
            {"status": "error", "message": "Rate limit exceeded", "details": "10 concurrent"},
            RateLimitedError,
            "Rate limit exceeded: 10 concurrent",
        ),
        (
            400,
            {"status": "error", "message": "Invalid input", "details": "Invalid input"},
            InvalidInputError,
            "Invalid input",
        ),
        (
            422,
            {"detail": [{"msg": "Field required"}, {"msg": "Invalid duration"}]},
            InvalidInputError,
            "Field required; Invalid duration",
        ),
        (
            400,
            {"error": {"code": "X", "message": "Text moderation failed"}},
            ContentBlockedError,
            "Text moderation failed",
        ),
        (404, {"error": "Generation not found"}, NotFoundError, "Generation not found"),
        (408, "", NetworkError, "the provider timed out reading the request (HTTP 408)"),
        (402, "", InsufficientCreditsError, "not enough credits on this account (HTTP 402)"),
        (
            429,
            "",
            RateLimitedError,
            "too many requests or tasks in progress; try again later (HTTP 429)",
        ),
        (500, "<html>oops</html>", ServerError, "the provider failed on its side (HTTP 500)"),
        (503, "upstream overloaded", ServerError, "upstream overloaded"),
        (
            409,
            {"error": "Generation already succeeded"},
            InvalidInputError,
            "Generation already succeeded",
        ),
    ],
)
def test_translate_status(status: int, body: Any, error: type[ProviderError], message: str) -> None:
    raw = body if isinstance(body, str) else json.dumps(body)
    exc = translate_status("p", status, raw.encode(), {"Retry-After": "4"})
    assert type(exc) is error
    assert exc.message == message and exc.status_code == status and exc.provider == "p"
    if isinstance(exc, RateLimitedError):
        assert exc.retry_after == 4.0


def test_translate_status_masks_secrets_and_clips() -> None:
    exc = translate_status(
        "p", 400, json.dumps({"error": "bad key sk-abcdef " + "x" * 900}), secrets=["sk-abcdef"]
    )
    assert "sk-abcdef" not in str(exc) and "***" in str(exc)
    assert len(exc.message) < 600


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (401, AuthError),
        (402, InsufficientCreditsError),
        (429, RateLimitedError),
        (404, NotFoundError),
        (500, ServerError),
        (1001, InvalidInputError),
        ("E_BAD", InvalidInputError),
    ],
)
def test_translate_api_code(code: Any, error: type[ProviderError]) -> None:
    exc = translate_api_code("shortapi", code, "why")
    assert type(exc) is error and exc.code == str(code) and exc.message == "why"


def test_error_details_shapes() -> None:
    assert error_details({"error": "boom"}) == ("boom", None)
    assert error_details({"code": 7, "msg": "m"}) == ("m", "7")
    assert error_details({"code": 0, "data": {"message": "inner"}}) == ("inner", None)
    assert error_details(["x"]) == ("x", None)


SHORTAPI = [
    ({"code": 0, "data": {"status": 0}}, "queued", "0"),
    ({"code": 0, "data": {"status": 1}}, "running", "1"),
    ({"code": 0, "data": {"status": "processing"}}, "running", "processing"),
    ({"code": 0, "data": {"status": 7}}, "running", "7"),
    ({"code": 0, "data": {"status": "mystery"}}, "running", "mystery"),
    (
        {"code": 0, "data": {"status": "2", "result": {"videos": [{"url": "https://v"}]}}},
        "succeeded",
        "2",
    ),
    (
        {"code": 0, "data": {"status": "success", "result": {"videos": [{"url": "https://v"}]}}},
        "succeeded",
        "success",
    ),
    ({"code": 0, "data": {"status": 3, "error": "blocked by content moderation"}}, "failed", "3"),
    # Only 2 is on ShortAPI's page: a guessed end without the reason keeps the job watched.
    ({"code": 0, "data": {"status": 3}}, "running", "3"),
    ({"code": 0, "data": {"status": "4"}}, "running", "4"),
    ({"code": 0, "data": {"status": "canceled"}}, "cancelled", "canceled"),
]


@pytest.mark.parametrize(("body", "state", "raw"), SHORTAPI)
def test_shortapi_statuses(body: dict[str, Any], state: str, raw: str) -> None:
    status = shortapi.parse_status(body, amount="0.84")
    assert status.state == state and status.raw_status == raw
    if status.state == "succeeded":
        assert status.cost is not None and status.cost.usd == Decimal("0.84")
    if status.state == "failed":
        assert status.content_blocked


def test_shortapi_success_without_video_is_malformed() -> None:
    with pytest.raises(MalformedResponseError):
        shortapi.parse_status({"code": 0, "data": {"status": 2, "result": {}}})


@pytest.mark.parametrize(
    ("body", "state"),
    [
        ({"status": "waiting"}, "queued"),
        ({"status": "generating"}, "running"),
        ({"status": "whatever"}, "running"),
        (
            {
                "status": "success",
                "creditsUsed": 240,
                "output": [{"url": "https://v", "width": 1280, "height": 720}],
            },
            "succeeded",
        ),
        (
            {"status": "fail", "error": {"code": "SERVER_ERROR", "message": "Server error"}},
            "failed",
        ),
        ({"code": 200, "data": {"taskId": "t", "status": "waiting"}}, "queued"),
    ],
)
def test_kinovi_statuses(body: dict[str, Any], state: str) -> None:
    status = kinovi.parse_status(body)
    assert status.state == state
    if status.state == "succeeded":
        assert status.cost is not None
        assert (status.cost.amount, status.cost.usd) == (Decimal(240), Decimal("1.200"))
        assert status.results[0].width == 1280
    if status.state == "failed":
        assert status.code == "SERVER_ERROR" and not status.content_blocked


def test_kinovi_face_detected_is_content_blocked() -> None:
    status = kinovi.parse_status(
        {"status": "fail", "error": {"code": "FACE_DETECTED", "message": "Face detected"}}
    )
    assert status.state == "failed" and status.content_blocked


@pytest.mark.parametrize(
    ("body", "state"),
    [
        ({"status": "queued"}, "queued"),
        ({"status": "processing"}, "running"),
        ({"status": "succeeded", "result_url": "https://r"}, "succeeded"),
        ({"status": "failed", "error_message": "Content policy violation"}, "failed"),
        ({"status": "cancelled"}, "cancelled"),
    ],
)
def test_oxen_statuses(body: dict[str, Any], state: str) -> None:
    status = oxen.parse_status(body)
    assert status.state == state
    if status.state == "failed":
        assert status.content_blocked and status.message == "Content policy violation"


def test_oxen_cost() -> None:
    assert oxen.parse_cost({"cost": 1.512}) is not None
    assert oxen.parse_cost({"cost": "NaN"}) is None
    assert oxen.parse_cost({}) is None


@pytest.mark.parametrize(
    ("body", "state"),
    [
        ({"status": "starting"}, "queued"),
        ({"status": "processing"}, "running"),
        ({"status": "success", "output": "https://v", "metrics": {"cost": 1.5}}, "succeeded"),
        ({"status": "succeeded", "output": ["https://a", "https://b"]}, "succeeded"),
        ({"status": "error", "message": "Prediction failed", "details": "OOM"}, "failed"),
        ({"status": "failed", "error": "boom"}, "failed"),
        ({"status": "canceled"}, "cancelled"),
    ],
)
def test_eachlabs_statuses(body: dict[str, Any], state: str) -> None:
    status = eachlabs.parse_status(body)
    assert status.state == state
    if status.state == "failed":
        assert status.message in ("Prediction failed: OOM", "boom")
