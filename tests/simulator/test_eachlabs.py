"""eachlabs: predictions, both error shapes, real rate limits, presigned uploads."""

from __future__ import annotations

import socket
import time
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from seedance_studio.simulator import SimTiming, Simulator
from tests.simulator.examples import EACHLABS_EXAMPLE
from tests.simulator.helpers import assert_playable, download, poll, poll_seen

VALID = {**EACHLABS_EXAMPLE, "version": "0.0.1"}


def headers(key: str = "k") -> dict[str, str]:
    return {"X-API-Key": key} if key else {}


def create(sim: Simulator, client: httpx.Client, body: Any, key: str = "k") -> httpx.Response:
    return client.post(f"{sim.base_url('eachlabs')}/prediction/", json=body, headers=headers(key))


def get(sim: Simulator, client: httpx.Client, pred_id: str, key: str = "k") -> dict[str, Any]:
    resp = client.get(f"{sim.base_url('eachlabs')}/prediction/{pred_id}", headers=headers(key))
    assert resp.status_code == 200, resp.text
    data: dict[str, Any] = resp.json()
    return data


def test_example_with_version_runs_to_a_playable_video(
    simulator: Simulator, client: httpx.Client
) -> None:
    resp = create(simulator, client, VALID)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["status"] == "success"
    pred_id = body["predictionID"]
    final, seen = poll_seen(
        lambda: get(simulator, client, pred_id),
        lambda p: {p["status"]},
        lambda p: p["status"] not in {"starting", "processing"},
    )
    assert "processing" in seen
    assert final["status"] == "success"
    assert final["predictionID"] == pred_id
    assert final["metrics"]["cost"] == pytest.approx(0.3024 * 5)  # 720p default, auto → 5 s
    assert final["metrics"]["predict_time"] > 0
    assert (
        final["urls"]["cancel"] == f"{simulator.base_url('eachlabs')}/prediction/{pred_id}/cancel"
    )
    assert_playable(download(client, final["output"]), seconds=5)


def test_the_pages_own_example_without_version_is_accepted(
    simulator: Simulator, client: httpx.Client
) -> None:
    resp = create(simulator, client, EACHLABS_EXAMPLE)
    assert resp.status_code == 200, resp.text
    assert resp.json()["status"] == "success"


def with_input(**changes: Any) -> dict[str, Any]:
    body = {**VALID, "input": dict(VALID["input"])}
    for key, value in changes.items():
        if value is None:
            body["input"].pop(key, None)
        else:
            body["input"][key] = value
    return body


IMG = "https://example.com/a.png"
VID = "https://example.com/a.mp4"
AUD = "https://example.com/a.mp3"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (with_input(prompt=None), "prompt is required"),
        (with_input(image_urls=[IMG] * 10), "Up to 9 images"),
        (with_input(video_urls=[VID] * 4), "Up to 3 videos"),
        (with_input(audio_urls=[AUD] * 4, image_urls=[IMG]), "Up to 3 audio"),
        (
            with_input(image_urls=[IMG] * 9, video_urls=[VID] * 3, audio_urls=[AUD]),
            "must not exceed 12",
        ),
        (with_input(audio_urls=AUD), "at least one reference image or video"),
        (with_input(resolution="1080p"), "resolution"),
        (with_input(duration="16"), "duration"),
        (with_input(duration=8), "duration"),
        (with_input(aspect_ratio="2:1"), "aspect_ratio"),
        (with_input(image_urls=["http://example.com/a.png"]), "HTTPS"),
        (with_input(image_urls=["https://localhost/a.png"]), "localhost"),
        (with_input(image_urls=["data:image/png;base64,AAAA"]), "data URI"),
        ({**VALID, "version": "9.9.9"}, "version"),
        ({"model": VALID["model"], "version": "0.0.1"}, "input is required"),
    ],
)
def test_validation_errors(
    simulator: Simulator, client: httpx.Client, body: dict[str, Any], fragment: str
) -> None:
    resp = create(simulator, client, body)
    assert resp.status_code == 400, resp.text
    err = resp.json()
    assert err["status"] == "error"
    assert fragment in err["message"] + err["details"]


def test_single_string_video_url_and_hosted_inputs(
    simulator: Simulator, client: httpx.Client
) -> None:
    body = with_input(
        video_urls=simulator.sample_url("clip_640x640_3s.mp4"),
        audio_urls=[simulator.sample_url("tone_2s.wav")],
        duration="4",
        resolution="480p",
    )
    resp = create(simulator, client, body)
    assert resp.status_code == 200, resp.text
    assert simulator.job(resp.json()["predictionID"]).cost == pytest.approx(0.1412 * 4)


def test_unknown_model_and_prediction_are_404(simulator: Simulator, client: httpx.Client) -> None:
    assert create(simulator, client, {**VALID, "model": "nope"}).status_code == 404
    resp = client.get(f"{simulator.base_url('eachlabs')}/prediction/nope", headers=headers())
    assert resp.status_code == 404


@pytest.mark.parametrize(("key", "code"), [("bad-key", 401), ("broke-key", 402), ("", 401)])
def test_auth(simulator: Simulator, client: httpx.Client, key: str, code: int) -> None:
    resp = create(simulator, client, VALID, key=key)
    assert resp.status_code == code
    assert resp.json()["status"] == "error"


def test_bearer_auth_is_not_accepted(simulator: Simulator, client: httpx.Client) -> None:
    resp = client.post(
        f"{simulator.base_url('eachlabs')}/prediction/",
        json=VALID,
        headers={"Authorization": "Bearer k"},
    )
    assert resp.status_code == 401


def test_error_shape_switch(simulator: Simulator, client: httpx.Client) -> None:
    simulator.configure("eachlabs", error_shape="error")
    assert create(simulator, client, VALID, key="bad-key").json() == {"error": "Invalid API key"}
    simulator.configure("eachlabs", error_shape="alternate")
    shapes = [set(create(simulator, client, VALID, key="bad-key").json()) for _ in range(2)]
    assert {"status", "message", "details"} in shapes and {"error"} in shapes


@pytest.mark.parametrize("word", ["error", "failed"])
def test_failed_prediction_status_word(
    fast_sim: Simulator, client: httpx.Client, word: str
) -> None:
    fast_sim.configure("eachlabs", failed_status=word)
    fast_sim.set_outcome("eachlabs", "content_blocked")
    pred_id = create(fast_sim, client, VALID).json()["predictionID"]
    final = poll(lambda: get(fast_sim, client, pred_id), lambda p: p["status"] == word)
    assert "Content policy" in final["message"]
    assert final["output"] is None


def test_cancel(simulator: Simulator, client: httpx.Client) -> None:
    pred_id = create(simulator, client, VALID).json()["predictionID"]
    cancel_url = get(simulator, client, pred_id)["urls"]["cancel"]
    resp = client.post(cancel_url, headers=headers())
    assert resp.status_code == 200
    assert resp.json()["status"] == "success"
    assert get(simulator, client, pred_id)["status"] == "cancelled"
    assert simulator.count("eachlabs", "cancel") == 1


def test_ten_concurrent_predictions_per_key(simulator: Simulator, client: httpx.Client) -> None:
    simulator.set_outcome("eachlabs", "stuck")
    ids = [create(simulator, client, VALID).json()["predictionID"] for _ in range(10)]
    refused = create(simulator, client, VALID)
    assert refused.status_code == 429
    assert refused.json()["status"] == "error"
    assert "Retry-After" in refused.headers
    assert create(simulator, client, VALID, key="other-key").status_code == 200
    client.post(f"{simulator.base_url('eachlabs')}/prediction/{ids[0]}/cancel", headers=headers())
    assert create(simulator, client, VALID).status_code == 200


def test_hundred_creates_per_minute_per_key(client: httpx.Client) -> None:
    with Simulator(timing=SimTiming(queued=0.0, running=0.0)) as sim:
        for _ in range(100):
            assert create(sim, client, VALID).status_code == 200
        refused = create(sim, client, VALID)
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert create(sim, client, VALID, key="other-key").status_code == 200


# -- uploads --------------------------------------------------------------------------------
def presign(
    sim: Simulator, client: httpx.Client, content_type: str, file_type: str
) -> dict[str, Any]:
    resp = client.post(
        f"{sim.base_url('eachlabs')}/upload/presign",
        json={"content_type": content_type, "file_type": file_type},
        headers=headers(),
    )
    assert resp.status_code == 200, resp.text
    data: dict[str, Any] = resp.json()
    return data


def test_presign_put_and_public_url(simulator: Simulator, client: httpx.Client) -> None:
    clip = client.get(simulator.sample_url("clip_640x640_3s.mp4")).content
    slot = presign(simulator, client, "video/mp4", "video")
    assert set(slot) == {"id", "presigned_url", "public_url", "expires_at", "required_headers"}
    assert slot["required_headers"]["Content-Type"] == "video/mp4"
    put = client.put(slot["presigned_url"], content=clip, headers=slot["required_headers"])
    assert put.status_code == 200
    assert put.headers["etag"]
    public = client.get(slot["public_url"])
    assert public.status_code == 200
    assert public.headers["content-type"] == "video/mp4"
    assert public.content == clip
    part = client.get(slot["public_url"], headers={"Range": "bytes=10-19"})
    assert part.status_code == 206
    assert part.content == clip[10:20]
    assert part.headers["content-range"] == f"bytes 10-19/{len(clip)}"
    resp = create(simulator, client, with_input(video_urls=[slot["public_url"]]))
    assert resp.status_code == 200, resp.text
    assert simulator.count("eachlabs", "presign") == 1
    assert simulator.count("eachlabs", "upload") == 1
    assert simulator.count("eachlabs", "public") == 2


def test_put_must_carry_every_required_header(simulator: Simulator, client: httpx.Client) -> None:
    slot = presign(simulator, client, "image/png", "image")
    required = slot["required_headers"]
    missing = {k: v for k, v in required.items() if k != "x-amz-meta-upload-id"}
    assert client.put(slot["presigned_url"], content=b"x", headers=missing).status_code == 403
    wrong_type = {**required, "Content-Type": "image/jpeg"}
    assert client.put(slot["presigned_url"], content=b"x", headers=wrong_type).status_code == 403
    unsigned = slot["presigned_url"].split("?")[0]
    assert client.put(unsigned, content=b"x", headers=required).status_code == 403
    assert client.get(slot["public_url"]).status_code == 404


def test_presign_validation(simulator: Simulator, client: httpx.Client) -> None:
    for body in ({"content_type": "video/mp4", "file_type": "movie"}, {"file_type": "video"}):
        resp = client.post(
            f"{simulator.base_url('eachlabs')}/upload/presign", json=body, headers=headers()
        )
        assert resp.status_code == 400
        assert resp.json()["status"] == "error"


def test_presigned_url_expires(client: httpx.Client) -> None:
    with Simulator(timing=SimTiming(presign_ttl=0.1)) as sim:
        slot = presign(sim, client, "image/png", "image")
        time.sleep(0.2)
        resp = client.put(slot["presigned_url"], content=b"x", headers=slot["required_headers"])
        assert resp.status_code == 403
        assert b"expired" in resp.content


def test_upload_over_100_mb_is_refused_before_the_body(
    simulator: Simulator, client: httpx.Client
) -> None:
    slot = presign(simulator, client, "video/mp4", "video")
    target = urlsplit(slot["presigned_url"])
    with socket.create_connection((target.hostname, target.port), timeout=5) as sock:
        head = (
            f"PUT {target.path}?{target.query} HTTP/1.1\r\nHost: x\r\nContent-Type: video/mp4\r\n"
            f"x-amz-meta-upload-id: {slot['id']}\r\nContent-Length: {101 * 1024 * 1024}\r\n\r\n"
        )
        sock.sendall(head.encode())
        reply = sock.recv(4096)
    assert reply.startswith(b"HTTP/1.1 413")


def test_a_gif_and_a_1080p_video_are_refused_as_the_page_says(
    simulator: Simulator, client: httpx.Client
) -> None:
    # "Supported formats: JPEG, PNG, WebP"; "between ~480p (640x640) and ~720p (834x1112)".
    resp = create(simulator, client, with_input(image_urls=["https://example.com/a.gif"]))
    assert resp.status_code == 400
    assert resp.json()["status"] == "error" and "GIF" in resp.json()["details"]
    hd = simulator.url + "/samples/clip_1920x1080_3s.mp4"
    resp = create(simulator, client, with_input(video_urls=[hd]))
    assert resp.status_code == 400 and "1920x1080" in resp.json()["details"]
