"""Oxen.ai: queue create/poll/cancel/details, synchronous generate, documented errors."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from seedance_studio.simulator import Simulator
from tests.simulator.examples import (
    OXEN_IMAGES,
    OXEN_MODEL,
    OXEN_PORTRAIT,
    OXEN_QUEUE,
    OXEN_TEXT_ONLY,
    OXEN_VIDEO_AUDIO,
)
from tests.simulator.helpers import assert_playable, bearer, download, poll, poll_seen


def enqueue(sim: Simulator, client: httpx.Client, body: Any, key: str = "k") -> httpx.Response:
    return client.post(f"{sim.base_url('oxen')}/ai/queue", json=body, headers=bearer(key))


def status(sim: Simulator, client: httpx.Client, gen_id: str) -> dict[str, Any]:
    resp = client.get(f"{sim.base_url('oxen')}/ai/queue/{gen_id}", headers=bearer("k"))
    assert resp.status_code == 200, resp.text
    data: dict[str, Any] = resp.json()
    return data


def test_queue_example_with_two_generations(simulator: Simulator, client: httpx.Client) -> None:
    resp = enqueue(simulator, client, OXEN_QUEUE)
    assert resp.status_code == 200, resp.text
    generations = resp.json()["generations"]
    assert len(generations) == 2
    assert all(g["status"] == "queued" for g in generations)
    ids = [g["generation_id"] for g in generations]
    finals, seen = poll_seen(
        lambda: [status(simulator, client, gen_id) for gen_id in ids],
        lambda batch: {s["status"] for s in batch},
        lambda batch: all(s["status"] in {"succeeded", "failed", "cancelled"} for s in batch),
    )
    assert "processing" in seen
    for final in finals:
        assert final["status"] == "succeeded"
        assert_playable(download(client, final["result_url"]), seconds=5)
    details = client.get(
        f"{simulator.base_url('oxen')}/ai/generations/{generations[0]['generation_id']}",
        headers=bearer("k"),
    ).json()
    assert details["cost"] == pytest.approx(0.3024 * 5)
    assert details["status"] == "succeeded"
    assert details["completed_at"]
    assert simulator.count("oxen", "create") == 1
    assert simulator.count("oxen", "details") == 1


@pytest.mark.parametrize("body", [OXEN_TEXT_ONLY, OXEN_IMAGES, OXEN_VIDEO_AUDIO, OXEN_PORTRAIT])
def test_doc_examples_are_accepted_by_the_queue(
    simulator: Simulator, client: httpx.Client, body: dict[str, Any]
) -> None:
    resp = enqueue(simulator, client, body)
    assert resp.status_code == 200, resp.text
    assert len(resp.json()["generations"]) == 1


def test_sync_generate_blocks_until_done(fast_sim: Simulator, client: httpx.Client) -> None:
    resp = client.post(
        f"{fast_sim.base_url('oxen')}/ai/videos/generate", json=OXEN_PORTRAIT, headers=bearer("k")
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["model"] == OXEN_MODEL
    assert isinstance(body["created"], int)
    info = assert_playable(download(client, body["videos"][0]["url"]), seconds=6)
    assert info["height"] > info["width"]  # 9:16


def test_sync_generate_b64(fast_sim: Simulator, client: httpx.Client) -> None:
    body = {**OXEN_TEXT_ONLY, "duration": "4", "response_format": "b64_json"}
    resp = client.post(
        f"{fast_sim.base_url('oxen')}/ai/videos/generate", json=body, headers=bearer("k")
    )
    assert resp.status_code == 200
    video = resp.json()["videos"][0]
    assert "url" not in video
    assert_playable(base64.b64decode(video["b64_json"]), seconds=4)


def test_sync_generate_reports_moderation(fast_sim: Simulator, client: httpx.Client) -> None:
    fast_sim.set_outcome("oxen", "content_blocked", message="Flagged: realistic human face")
    resp = client.post(
        f"{fast_sim.base_url('oxen')}/ai/videos/generate", json=OXEN_TEXT_ONLY, headers=bearer("k")
    )
    assert resp.status_code == 400
    assert resp.json() == {"error": "Flagged: realistic human face"}


def test_cancel_then_status_is_cancelled(simulator: Simulator, client: httpx.Client) -> None:
    gen_id = enqueue(simulator, client, OXEN_IMAGES).json()["generations"][0]["generation_id"]
    resp = client.delete(f"{simulator.base_url('oxen')}/ai/queue/{gen_id}", headers=bearer("k"))
    assert resp.status_code == 200
    assert resp.json() == {"generation_id": gen_id, "status": "cancelled"}
    assert status(simulator, client, gen_id)["status"] == "cancelled"
    assert simulator.count("oxen", "cancel") == 1


def test_cancel_after_success_is_409(fast_sim: Simulator, client: httpx.Client) -> None:
    gen_id = enqueue(fast_sim, client, OXEN_IMAGES).json()["generations"][0]["generation_id"]
    poll(lambda: status(fast_sim, client, gen_id), lambda s: s["status"] == "succeeded")
    resp = client.delete(f"{fast_sim.base_url('oxen')}/ai/queue/{gen_id}", headers=bearer("k"))
    assert resp.status_code == 409
    assert "error" in resp.json()


def test_failed_generation_has_error_message(fast_sim: Simulator, client: httpx.Client) -> None:
    fast_sim.set_outcome("oxen", "fail")
    gen_id = enqueue(fast_sim, client, OXEN_IMAGES).json()["generations"][0]["generation_id"]
    final = poll(lambda: status(fast_sim, client, gen_id), lambda s: s["status"] == "failed")
    assert final["error_message"]
    assert "result_url" not in final


def test_model_schema(simulator: Simulator, client: httpx.Client) -> None:
    resp = client.get(f"{simulator.base_url('oxen')}/ai/models/{OXEN_MODEL}", headers=bearer("k"))
    assert resp.status_code == 200
    schema = resp.json()["json_request_schema"]
    assert schema["properties"]["num_generations"]["maximum"] == 4


IMG = "https://example.com/a.png"
VID = "https://example.com/a.mp4"
AUD = "https://example.com/a.mp3"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"prompt": None}, "Field required"),
        (
            {"input_images": [IMG] * 9, "input_videos": [VID] * 3, "input_audios": [AUD]},
            "Too many input files",
        ),
        (
            {"input_images": None, "input_audios": [AUD]},
            "Audio requires at least one image or video",
        ),
        ({"duration": "3"}, "Invalid duration"),
        ({"duration": 5}, "Invalid duration"),
        ({"resolution": "1080p"}, "Invalid resolution"),
        ({"num_generations": 5}, "num_generations must be an integer between 1 and 4"),
        ({"num_generations": 0}, "num_generations must be an integer between 1 and 4"),
        ({"num_generations": "2"}, "num_generations must be an integer between 1 and 4"),
        ({"input_images": [IMG] * 10}, "Too many input images"),
        ({"input_videos": [VID] * 4}, "Too many input videos"),
        ({"aspect_ratio": "5:4"}, "Invalid aspect_ratio"),
    ],
)
def test_documented_errors(
    simulator: Simulator, client: httpx.Client, changes: dict[str, Any], message: str
) -> None:
    body = dict(OXEN_QUEUE)
    for key, value in changes.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    resp = enqueue(simulator, client, body)
    assert resp.status_code == 400, resp.text
    assert resp.json() == {"error": message}


def test_combined_video_duration_checked_for_hosted_clips(
    simulator: Simulator, client: httpx.Client
) -> None:
    clip = simulator.sample_url("clip_640x640_1s.mp4")
    resp = enqueue(simulator, client, {**OXEN_QUEUE, "input_videos": [clip]})
    assert resp.status_code == 400
    assert "between 2 and 15" in resp.json()["error"]
    ok = simulator.sample_url("clip_640x640_2s.mp4")
    assert enqueue(simulator, client, {**OXEN_QUEUE, "input_videos": [ok]}).status_code == 200


def test_unknown_model_and_generation(simulator: Simulator, client: httpx.Client) -> None:
    assert enqueue(simulator, client, {**OXEN_QUEUE, "model": "nope"}).status_code == 404
    resp = client.get(f"{simulator.base_url('oxen')}/ai/queue/nope", headers=bearer("k"))
    assert resp.status_code == 404
    assert resp.json() == {"error": "Generation not found"}


@pytest.mark.parametrize(("key", "code"), [("bad-key", 401), ("broke-key", 402), ("", 401)])
def test_auth(simulator: Simulator, client: httpx.Client, key: str, code: int) -> None:
    resp = enqueue(simulator, client, OXEN_QUEUE, key=key)
    assert resp.status_code == code
    assert "error" in resp.json()


def test_a_gif_and_a_1080p_video_are_refused_as_the_page_says(
    simulator: Simulator, client: httpx.Client
) -> None:
    # "Reference images (JPEG, PNG, WebP)"; "Resolution between ~480p and ~720p".
    gif = {**OXEN_QUEUE, "input_images": ["https://example.com/a.gif"]}
    resp = enqueue(simulator, client, gif)
    assert resp.status_code == 400 and "GIF" in resp.json()["error"]
    hd = simulator.sample_url("clip_1920x1080_3s.mp4")
    resp = enqueue(simulator, client, {**OXEN_QUEUE, "input_videos": [hd]})
    assert resp.status_code == 400 and "1920x1080" in resp.json()["error"]
    ok = simulator.sample_url("clip_1280x720_3s.mp4")  # 921,600 pixels: ~720p
    assert enqueue(simulator, client, {**OXEN_QUEUE, "input_videos": [ok]}).status_code == 200
