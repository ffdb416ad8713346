"""ShortAPI: documented create/query flow, pricing, validation and status forms."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest

from seedance_studio.simulator import Simulator
from tests.simulator.examples import SHORTAPI_CURL
from tests.simulator.helpers import assert_playable, bearer, download, poll, poll_seen


def create(sim: Simulator, client: httpx.Client, body: Any, key: str = "k") -> httpx.Response:
    return client.post(f"{sim.base_url('shortapi')}/job/create", json=body, headers=bearer(key))


def query(sim: Simulator, client: httpx.Client, job_id: str, key: str = "k") -> dict[str, Any]:
    resp = client.get(
        f"{sim.base_url('shortapi')}/job/query", params={"id": job_id}, headers=bearer(key)
    )
    assert resp.status_code == 200, resp.text
    data: dict[str, Any] = resp.json()
    return data


def test_doc_curl_example_runs_to_a_playable_video(
    simulator: Simulator, client: httpx.Client
) -> None:
    resp = create(simulator, client, SHORTAPI_CURL)
    assert resp.status_code == 200
    body = resp.json()
    assert body["code"] == 0
    # std $0.168/s × (5 s assumed input video + 5 s default output)
    assert body["data"]["amount"] == "1.68"
    job_id = body["data"]["job_id"]
    final, seen = poll_seen(
        lambda: query(simulator, client, job_id),
        lambda q: {q["data"]["status"]},
        lambda q: q["data"]["status"] == 2,
    )
    assert final["code"] == 0
    assert {0, 1} & seen, "queued/running states should be visible before success"
    url = final["data"]["result"]["videos"][0]["url"]
    assert_playable(download(client, url), seconds=5)
    assert simulator.count("shortapi", "create") == 1
    assert simulator.count("shortapi", "download") == 1
    recorded = simulator.requests("shortapi", "create")[0]
    assert recorded.json == SHORTAPI_CURL
    assert recorded.headers["authorization"] == "Bearer k"


def test_amount_uses_real_duration_of_simulator_hosted_video(
    simulator: Simulator, client: httpx.Client
) -> None:
    body = copy.deepcopy(SHORTAPI_CURL)
    body["args"].update(
        video_url=simulator.sample_url("clip_640x640_3s.mp4"), mode="fast", duration=10
    )
    resp = create(simulator, client, body)
    assert resp.json()["data"]["amount"] == "1.82"  # $0.14 × (3 + 10)


def test_string_status_switch(fast_sim: Simulator, client: httpx.Client) -> None:
    fast_sim.configure("shortapi", string_status=True)
    job_id = create(fast_sim, client, SHORTAPI_CURL).json()["data"]["job_id"]
    first = query(fast_sim, client, job_id)["data"]["status"]
    assert first in {"queued", "running"}
    final = poll(
        lambda: query(fast_sim, client, job_id),
        lambda q: q["data"]["status"] != first and q["data"]["status"] not in {"queued", "running"},
    )
    assert final["data"]["status"] == "succeeded"


def test_failed_job_reports_status_3_with_message(
    fast_sim: Simulator, client: httpx.Client
) -> None:
    fast_sim.set_outcome("shortapi", "fail")
    job_id = create(fast_sim, client, SHORTAPI_CURL).json()["data"]["job_id"]
    final = poll(lambda: query(fast_sim, client, job_id), lambda q: q["data"]["status"] == 3)
    assert "error" in final["data"] and final["data"]["error"]
    assert "result" not in final["data"]


def args_with(**changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(SHORTAPI_CURL)
    for key, value in changes.items():
        if value is None:
            body["args"].pop(key, None)
        else:
            body["args"][key] = value
    return body


IMG = "https://example.com/a.png"
AUD = "https://example.com/a.mp3"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (args_with(video_url=None), "video_url is required"),
        (args_with(video_url=["https://example.com/a.mp4"]), "single URL"),
        (args_with(prompt=None), "prompt is required"),
        (args_with(duration=3), "duration"),
        (args_with(duration=16), "duration"),
        (args_with(duration="5"), "duration"),
        (args_with(mode="turbo"), "mode"),
        (args_with(aspect_ratio="2:1"), "aspect_ratio"),
        (args_with(image_urls=[IMG] * 10), "at most 9"),
        (args_with(audio_urls=[AUD] * 4), "at most 3"),
        (args_with(image_urls=[IMG] * 9, audio_urls=[AUD] * 3), "≤ 12"),
        (args_with(image_urls=["http://localhost/x.png"]), "localhost"),
        (args_with(image_urls=["data:image/png;base64,AAAA"]), "data URI"),
        ({**SHORTAPI_CURL, "model": "other/model"}, "model"),
        ({"model": SHORTAPI_CURL["model"]}, "args"),
    ],
)
def test_validation_errors(
    simulator: Simulator, client: httpx.Client, body: dict[str, Any], fragment: str
) -> None:
    resp = create(simulator, client, body)
    assert resp.status_code == 400
    err = resp.json()
    assert err["code"] != 0
    assert fragment in err["message"]
    assert simulator.jobs == []


def test_invalid_json_is_a_400(simulator: Simulator, client: httpx.Client) -> None:
    resp = client.post(
        f"{simulator.base_url('shortapi')}/job/create",
        content=b"{not json",
        headers={**bearer(), "Content-Type": "application/json"},
    )
    assert resp.status_code == 400
    assert resp.json()["code"] != 0


def test_audio_longer_than_15_seconds_is_rejected(
    simulator: Simulator, client: httpx.Client
) -> None:
    body = args_with(audio_urls=[simulator.sample_url("tone_16s.wav")])
    resp = create(simulator, client, body)
    assert resp.status_code == 400
    assert "15 seconds" in resp.json()["message"]


def test_own_host_urls_are_accepted_unless_strict(
    simulator: Simulator, client: httpx.Client
) -> None:
    body = args_with(video_url=f"{simulator.url}/anything/motion.mp4")
    resp = create(simulator, client, body)
    assert resp.status_code == 200, resp.text
    assert resp.json()["data"]["amount"] == "1.68"  # unknown length: 5 s assumed
    simulator.configure("sim", strict_urls=True)
    resp = create(simulator, client, body)
    assert resp.status_code == 400
    assert "not publicly accessible" in resp.json()["message"]


@pytest.mark.parametrize(("key", "status"), [("bad-key", 401), ("broke-key", 402), ("", 401)])
def test_auth_errors(simulator: Simulator, client: httpx.Client, key: str, status: int) -> None:
    resp = create(simulator, client, SHORTAPI_CURL, key=key)
    assert resp.status_code == status
    assert resp.json()["code"] == status


def test_http_200_error_switch(simulator: Simulator, client: httpx.Client) -> None:
    simulator.configure("shortapi", http_200_errors=True)
    resp = create(simulator, client, SHORTAPI_CURL, key="bad-key")
    assert resp.status_code == 200
    assert resp.json()["code"] == 401


def test_query_unknown_and_foreign_jobs_are_404(simulator: Simulator, client: httpx.Client) -> None:
    job_id = create(simulator, client, SHORTAPI_CURL, key="owner").json()["data"]["job_id"]
    for key, jid in (("owner", "nope"), ("someone-else", job_id)):
        resp = client.get(
            f"{simulator.base_url('shortapi')}/job/query", params={"id": jid}, headers=bearer(key)
        )
        assert resp.status_code == 404
        assert resp.json()["code"] == 404
    resp = client.get(f"{simulator.base_url('shortapi')}/job/query", headers=bearer("owner"))
    assert resp.status_code == 400


def test_broke_key_can_still_poll(simulator: Simulator, client: httpx.Client) -> None:
    job_id = create(simulator, client, SHORTAPI_CURL, key="broke-key")
    assert job_id.status_code == 402
    resp = client.get(
        f"{simulator.base_url('shortapi')}/job/query",
        params={"id": "x"},
        headers=bearer("broke-key"),
    )
    assert resp.status_code == 404
