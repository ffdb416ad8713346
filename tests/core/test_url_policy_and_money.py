"""One URL rule for the checks and the send path; one parser for the charges providers report."""

from __future__ import annotations

from decimal import Decimal

import pytest

from seedance_studio.core.errors import CompositionError
from seedance_studio.core.money import parse_amount
from seedance_studio.core.url_policy import url_refusal
from seedance_studio.core.validation import validate
from seedance_studio.providers.base import check_sendable
from seedance_studio.providers.kinovi import parse_status
from tests.core.builders import image, snapshot

NEVER = [
    "file:///home/me/a.png",
    "data:image/png;base64,AAAA",
    "ftp://cdn.example.com/a.png",
    "https://localhost/a.png",
    "http://127.0.0.1:8000/a.png",
    "https://[::1]/a.png",
    "https://192.168.1.20/a.png",
    "http://10.0.0.5/a.png",
]


@pytest.mark.parametrize("url", NEVER)
def test_what_no_provider_can_fetch_is_refused_by_the_checks_and_the_send_path_alike(
    url: str,
) -> None:
    refusal = url_refusal(url)
    assert refusal is not None and not refusal.scheme_only
    problems = validate(snapshot("oxen", [image(source=url)]))
    assert [p.code for p in problems] == [refusal.code] and problems[0].is_error
    with pytest.raises(CompositionError):
        check_sendable(url, allow_loopback=False)


def test_plain_http_is_refused_only_where_the_page_says_https() -> None:
    url = "http://cdn.example.com/a.png"
    check_sendable(url, allow_loopback=False)  # the send path lets the provider fetch it
    assert validate(snapshot("oxen", [image(source=url)])) == []
    [problem] = validate(snapshot("eachlabs", [image(source=url)]))
    assert problem.code == "url_not_https" and problem.is_error
    assert "eachlabs accepts only https URLs" in problem.message


def test_loopback_passes_only_for_a_provider_on_loopback() -> None:
    url = "http://127.0.0.1:8765/media/a.png"
    assert url_refusal(url, allow_loopback=True) is None
    check_sendable(url, allow_loopback=True)
    assert validate(snapshot("oxen", [image(source=url)]), allow_loopback=True) == []


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0.02", Decimal("0.02")),
        (240, Decimal(240)),
        (1.5, Decimal("1.5")),
        (" 3 ", Decimal(3)),
        ("NaN", None),
        ("nan", None),
        ("Infinity", None),
        ("-5", None),
        ("abc", None),
        ("", None),
        (None, None),
        (True, None),
        ([1], None),
        ({"usd": 1}, None),
    ],
)
def test_one_parser_for_every_reported_charge(raw: object, expected: Decimal | None) -> None:
    assert parse_amount(raw) == expected


def test_a_nan_charge_from_kinovi_is_no_cost_not_a_crash_while_polling() -> None:
    body = {
        "code": 200,
        "data": {
            "taskId": "t1",
            "status": "success",
            "creditsUsed": "NaN",
            "output": [{"url": "https://static.example/v.mp4"}],
        },
    }
    status = parse_status(body)
    assert getattr(status, "cost", "missing") is None
