"""Kinovi / seedance2-pro.com: both createTask schemas, credits, recordInfo."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest

from seedance_studio.simulator import Simulator
from tests.simulator.examples import (
    KINOVI_LEGACY_AT_N,
    KINOVI_LEGACY_CHARACTER,
    KINOVI_LEGACY_MIXED,
    KINOVI_LEGACY_VIDEO,
    KINOVI_REFERENCE,
)
from tests.simulator.helpers import assert_playable, bearer, download, poll, poll_seen


def create(sim: Simulator, client: httpx.Client, body: Any, key: str = "k") -> httpx.Response:
    return client.post(f"{sim.base_url('kinovi')}/jobs/createTask", json=body, headers=bearer(key))


def record(sim: Simulator, client: httpx.Client, task_id: str, key: str = "k") -> dict[str, Any]:
    resp = client.get(
        f"{sim.base_url('kinovi')}/jobs/recordInfo", params={"taskId": task_id}, headers=bearer(key)
    )
    assert resp.status_code == 200, resp.text
    data: dict[str, Any] = resp.json()
    return data


def test_legacy_base_url_is_the_same_api(simulator: Simulator) -> None:
    assert simulator.base_url("kinovi-legacy") == simulator.base_url("kinovi")
    assert simulator.base_url("kinovi") == f"{simulator.url}/kinovi/api/v1"


def test_reference_schema_runs_to_a_playable_video(
    simulator: Simulator, client: httpx.Client
) -> None:
    resp = create(simulator, client, KINOVI_REFERENCE)
    assert resp.status_code == 200
    task_id = resp.json()["taskId"]
    assert task_id.startswith("task_")
    final, statuses = poll_seen(
        lambda: record(simulator, client, task_id),
        lambda r: {r["status"]},
        lambda r: r["status"] in {"success", "fail"},
    )
    assert statuses >= {"generating", "success"}
    assert final["status"] == "success"
    assert final["model"] == "seedance-20"
    # (40 + 8 video surcharge) × 5 s at 720p, the page's own worked example
    assert final["creditsUsed"] == 240
    assert final["error"] is None
    assert isinstance(final["createTime"], int) and final["completeTime"] >= final["createTime"]
    out = final["output"][0]
    assert (out["width"], out["height"]) == (1280, 720)
    info = assert_playable(download(client, out["url"]), seconds=5)
    assert info["width"] * 9 == info["height"] * 16


@pytest.mark.parametrize(
    ("body", "seconds", "credits"),
    [
        (KINOVI_LEGACY_AT_N, 8, 320),
        (KINOVI_LEGACY_CHARACTER, 5, 200),
        (KINOVI_LEGACY_VIDEO, 5, 200),
        (KINOVI_LEGACY_MIXED, 8, 320),
    ],
)
def test_legacy_examples_are_accepted(
    fast_sim: Simulator, client: httpx.Client, body: dict[str, Any], seconds: int, credits: int
) -> None:
    resp = create(fast_sim, client, body)
    assert resp.status_code == 200, resp.text
    task_id = resp.json()["taskId"]
    final = poll(lambda: record(fast_sim, client, task_id), lambda r: r["status"] == "success")
    assert final["creditsUsed"] == credits
    job = fast_sim.job(task_id)
    assert job.duration == seconds
    assert job.extra["schema"] == "legacy"


def reference(**changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(KINOVI_REFERENCE)
    for key, value in changes.items():
        if key == "model":
            body["model"] = value
        elif value is None:
            body["inputs"].pop(key, None)
        else:
            body["inputs"][key] = value
    return body


@pytest.mark.parametrize(
    ("changes", "credits"),
    [
        (
            {"urls": ["https://example.com/a.png"], "outputResolution": None, "audioUrls": None},
            83 * 5,
        ),
        ({"outputResolution": "480p", "duration": "10"}, (15 + 4) * 10),
        ({"model": "seedance2-fast", "outputResolution": None}, (28 + 6) * 5),
        ({"model": "seedance2-fast", "outputResolution": "480p"}, (10 + 3) * 5),
        ({"upscaleResolution": "4k"}, (40 + 8 + 28) * 5),
    ],
)
def test_credit_table(
    simulator: Simulator, client: httpx.Client, changes: dict[str, Any], credits: int
) -> None:
    resp = create(simulator, client, reference(**changes))
    assert resp.status_code == 200, resp.text
    assert simulator.job(resp.json()["taskId"]).credits == credits


IMG = "https://example.com/a.png"
VID = "https://example.com/a.mp4"
AUD = "https://example.com/a.mp3"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (reference(urls=None), "Missing urls"),
        (reference(prompt=None), "prompt is required"),
        (reference(prompt="x" * 4001), "4000"),
        (reference(mode="keyframe"), "mode"),
        (reference(duration="3"), "duration"),
        (reference(duration="16"), "duration"),
        (reference(duration=5), "duration"),
        (reference(aspectRatio="2:1"), "aspectRatio"),
        (reference(outputResolution="4k"), "outputResolution"),
        (reference(model="seedance2-fast", outputResolution="1080p"), "1080p"),
        (reference(upscaleResolution="8k"), "upscaleResolution"),
        (reference(model="seedance-30"), "model"),
        (reference(urls=[IMG] * 10, audioUrls=None), "images"),
        (reference(urls=[VID] * 4, audioUrls=None), "videos"),
        (reference(audioUrls=[AUD] * 4), "audio"),
        (reference(urls=[IMG] * 9 + [VID] * 3, audioUrls=[AUD]), "12"),
        (reference(urls=[AUD]), "audioUrls"),
        (reference(urls=["https://127.0.0.1/x.png"]), "private"),
        ({"model": "seedance-20"}, "inputs"),
        ({**KINOVI_LEGACY_AT_N, "model": "seedance2-fast"}, "seedance-20"),
        (
            {
                "model": "seedance-20",
                "inputs": {**KINOVI_LEGACY_VIDEO["inputs"], "duration": "20s"},
            },
            "duration",
        ),
        (
            {
                "model": "seedance-20",
                "inputs": {**KINOVI_LEGACY_VIDEO["inputs"], "audioUrls": [AUD]},
            },
            "Audio",
        ),
        (
            {
                "model": "seedance-20",
                "inputs": {**KINOVI_LEGACY_VIDEO["inputs"], "videoUrls": [VID] * 4},
            },
            "videos",
        ),
        (
            {"model": "seedance-20", "inputs": {"prompt": "p", "ratio": "16:9", "duration": "5s"}},
            "Missing",
        ),
    ],
)
def test_validation_errors(
    simulator: Simulator, client: httpx.Client, body: dict[str, Any], fragment: str
) -> None:
    resp = create(simulator, client, body)
    assert resp.status_code == 400, resp.text
    err = resp.json()
    assert err["code"] == 400
    assert fragment in err["message"]


def test_reference_video_longer_than_15_seconds(simulator: Simulator, client: httpx.Client) -> None:
    body = reference(urls=[simulator.sample_url("clip_640x640_16s.mp4")])
    resp = create(simulator, client, body)
    assert resp.status_code == 400
    assert "15 seconds" in resp.json()["message"]


def test_simulator_hosted_references_are_accepted(
    simulator: Simulator, client: httpx.Client
) -> None:
    body = reference(
        urls=[simulator.sample_url("image.png"), simulator.sample_url("clip_640x640_4s.mp4")],
        audioUrls=[simulator.sample_url("tone_3s.wav")],
    )
    resp = create(simulator, client, body)
    assert resp.status_code == 200, resp.text


@pytest.mark.parametrize(
    ("key", "status"), [("bad-key", 401), ("broke-key", 402), ("noaccess-key", 403), ("", 401)]
)
def test_auth_errors(simulator: Simulator, client: httpx.Client, key: str, status: int) -> None:
    resp = create(simulator, client, KINOVI_REFERENCE, key=key)
    assert resp.status_code == status
    assert resp.json()["code"] == status
    assert resp.json()["message"]


def test_unknown_task_is_404(simulator: Simulator, client: httpx.Client) -> None:
    resp = client.get(
        f"{simulator.base_url('kinovi')}/jobs/recordInfo",
        params={"taskId": "task_x"},
        headers=bearer(),
    )
    assert resp.status_code == 404
    assert "not found" in resp.json()["message"]


def test_concurrency_cap_gives_429(simulator: Simulator, client: httpx.Client) -> None:
    simulator.configure("kinovi", concurrency_limit=1)
    assert create(simulator, client, KINOVI_REFERENCE).status_code == 200
    resp = create(simulator, client, KINOVI_REFERENCE)
    assert resp.status_code == 429
    assert resp.json()["message"]


def test_moderation_failure_uses_error_object(fast_sim: Simulator, client: httpx.Client) -> None:
    fast_sim.set_outcome("kinovi", "content_blocked")
    task_id = create(fast_sim, client, KINOVI_REFERENCE).json()["taskId"]
    final = poll(lambda: record(fast_sim, client, task_id), lambda r: r["status"] == "fail")
    assert final["error"]["code"] == "CONTENT_MODERATION"
    assert "moderation" in final["error"]["message"]
    assert final["output"] == []
    assert final["creditsUsed"] == 0
