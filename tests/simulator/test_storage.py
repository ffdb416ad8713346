"""Result downloads (Range, HEAD, expiry), sample media and the path-style S3 endpoint."""

from __future__ import annotations

import copy
import time
from typing import Any

import botocore.session
import httpx
import pytest
from botocore.config import Config

from seedance_studio.simulator import SimTiming, Simulator
from tests.simulator.examples import SHORTAPI_CURL
from tests.simulator.helpers import assert_playable, bearer, poll, probe


def finished_result_url(sim: Simulator, client: httpx.Client) -> str:
    base = sim.base_url("shortapi")
    job_id = client.post(f"{base}/job/create", json=SHORTAPI_CURL, headers=bearer()).json()["data"][
        "job_id"
    ]
    answer = poll(
        lambda: client.get(f"{base}/job/query", params={"id": job_id}, headers=bearer()).json(),
        lambda a: a["data"]["status"] == 2,
    )
    url: str = answer["data"]["result"]["videos"][0]["url"]
    return url


def test_range_and_head_on_results(fast_sim: Simulator, client: httpx.Client) -> None:
    url = finished_result_url(fast_sim, client)
    full = client.get(url)
    size = len(full.content)
    assert full.headers["accept-ranges"] == "bytes"
    head = client.head(url)
    assert head.status_code == 200
    assert head.headers["content-length"] == str(size)
    assert head.headers["content-type"] == "video/mp4"
    assert head.content == b""
    cases = {
        "bytes=0-99": (0, 99),
        "bytes=100-": (100, size - 1),
        "bytes=-50": (size - 50, size - 1),
        f"bytes=10-{size + 500}": (10, size - 1),
    }
    for header, (start, end) in cases.items():
        part = client.get(url, headers={"Range": header})
        assert part.status_code == 206, header
        assert part.content == full.content[start : end + 1]
        assert part.headers["content-range"] == f"bytes {start}-{end}/{size}"
        assert part.headers["content-length"] == str(end - start + 1)
    bad = client.get(url, headers={"Range": f"bytes={size}-"})
    assert bad.status_code == 416
    assert bad.headers["content-range"] == f"bytes */{size}"
    assert fast_sim.count("shortapi", "download") == 2 + len(cases) + 1


def test_resumed_download_reassembles_a_playable_file(
    fast_sim: Simulator, client: httpx.Client
) -> None:
    url = finished_result_url(fast_sim, client)
    first = client.get(url, headers={"Range": "bytes=0-999"}).content
    rest = client.get(url, headers={"Range": f"bytes={len(first)}-"}).content
    assert_playable(first + rest, seconds=5)


def test_unfinished_and_unknown_results_are_404(simulator: Simulator, client: httpx.Client) -> None:
    job_id = client.post(
        f"{simulator.base_url('shortapi')}/job/create", json=SHORTAPI_CURL, headers=bearer()
    ).json()["data"]["job_id"]
    assert client.get(f"{simulator.url}/files/{job_id}.mp4").status_code == 404
    assert client.get(f"{simulator.url}/files/unknown.mp4").status_code == 404


def test_results_expire_when_a_ttl_is_set(client: httpx.Client) -> None:
    with Simulator(timing=SimTiming(queued=0.0, running=0.05, result_ttl=0.3)) as sim:
        url = finished_result_url(sim, client)
        assert client.get(url).status_code == 200
        time.sleep(0.4)
        assert client.get(url).status_code == 403


def test_result_size_follows_aspect_ratio(fast_sim: Simulator, client: httpx.Client) -> None:
    body = copy.deepcopy(SHORTAPI_CURL)
    body["args"].update(aspect_ratio="9:16", duration=4)
    base = fast_sim.base_url("shortapi")
    job_id = client.post(f"{base}/job/create", json=body, headers=bearer()).json()["data"]["job_id"]
    poll(lambda: fast_sim.job(job_id).phase().value, lambda p: p == "succeeded")
    info = probe(client.get(f"{fast_sim.url}/files/{job_id}.mp4").content)
    assert (info["width"], info["height"]) == (180, 320)
    assert abs(info["seconds"] - 4) < 0.2


def test_samples(simulator: Simulator, client: httpx.Client) -> None:
    clip = client.get(simulator.sample_url("clip_640x640_2s.mp4"))
    assert clip.headers["content-type"] == "video/mp4"
    info = assert_playable(clip.content, seconds=2)
    assert (info["width"], info["height"]) == (640, 640)
    png = client.get(simulator.sample_url("image_32x16.png"))
    assert png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")
    wav = client.get(simulator.sample_url("tone_2s.wav"))
    assert wav.headers["content-type"] == "audio/wav"
    assert wav.content.startswith(b"RIFF")
    assert client.get(simulator.sample_url("clip_9999x9999_1s.mp4")).status_code == 404
    assert client.get(simulator.sample_url("other.txt")).status_code == 404


# -- S3 -------------------------------------------------------------------------------------
def s3_client(sim: Simulator) -> Any:
    session = botocore.session.get_session()
    return session.create_client(
        "s3",
        region_name="us-east-1",
        endpoint_url=sim.s3_endpoint,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"),
    )


def test_presigned_put_get_head(simulator: Simulator, client: httpx.Client) -> None:
    s3 = s3_client(simulator)
    clip = client.get(simulator.sample_url("clip_640x640_3s.mp4")).content
    put_url = s3.generate_presigned_url(
        "put_object",
        Params={"Bucket": "refs", "Key": "user/clip.mp4", "ContentType": "video/mp4"},
        ExpiresIn=600,
    )
    assert put_url.startswith(f"{simulator.s3_endpoint}/refs/user/clip.mp4?")
    assert (
        client.put(put_url, content=clip, headers={"Content-Type": "video/mp4"}).status_code == 200
    )
    get_url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": "refs", "Key": "user/clip.mp4"}, ExpiresIn=600
    )
    got = client.get(get_url)
    assert got.status_code == 200
    assert got.content == clip
    assert got.headers["content-type"] == "video/mp4"
    part = client.get(get_url, headers={"Range": "bytes=0-9"})
    assert part.status_code == 206 and part.content == clip[:10]
    head_url = s3.generate_presigned_url(
        "head_object", Params={"Bucket": "refs", "Key": "user/clip.mp4"}, ExpiresIn=600
    )
    assert client.head(head_url).headers["content-length"] == str(len(clip))
    assert simulator.count("s3", "upload") == 1
    assert simulator.count("s3", "download") == 2
    assert simulator.count("s3", "head") == 1


def test_unsigned_and_expired_requests_are_403(simulator: Simulator, client: httpx.Client) -> None:
    s3 = s3_client(simulator)
    s3.put_object(Bucket="refs", Key="a.png", Body=b"png", ContentType="image/png")
    plain = f"{simulator.s3_endpoint}/refs/a.png"
    for resp in (client.get(plain), client.put(plain, content=b"x")):
        assert resp.status_code == 403
        assert b"<Code>AccessDenied</Code>" in resp.content
    expired = (
        f"{plain}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20200101T000000Z"
        "&X-Amz-Expires=60&X-Amz-Signature=abc"
    )
    assert client.get(expired).status_code == 403
    missing = s3.generate_presigned_url("get_object", Params={"Bucket": "refs", "Key": "nope"})
    resp = client.get(missing)
    assert resp.status_code == 404
    assert b"NoSuchKey" in resp.content


def test_header_signed_sdk_calls(simulator: Simulator) -> None:
    s3 = s3_client(simulator)
    s3.put_object(Bucket="b", Key="dir/file.bin", Body=b"payload", ContentType="text/plain")
    obj = s3.get_object(Bucket="b", Key="dir/file.bin")
    assert obj["Body"].read() == b"payload"
    assert obj["ContentType"] == "text/plain"
    s3.delete_object(Bucket="b", Key="dir/file.bin")
    with pytest.raises(s3.exceptions.ClientError):
        s3.head_object(Bucket="b", Key="dir/file.bin")


def test_presigned_s3_reference_feeds_a_provider(
    simulator: Simulator, client: httpx.Client
) -> None:
    s3 = s3_client(simulator)
    clip = client.get(simulator.sample_url("clip_640x640_7s.mp4")).content
    s3.put_object(Bucket="refs", Key="motion.mp4", Body=clip, ContentType="video/mp4")
    get_url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": "refs", "Key": "motion.mp4"}
    )
    body = copy.deepcopy(SHORTAPI_CURL)
    body["args"]["video_url"] = get_url
    resp = client.post(
        f"{simulator.base_url('shortapi')}/job/create", json=body, headers=bearer()
    ).json()
    assert resp["data"]["amount"] == "2.016"  # $0.168 × (7 s real input + 5 s output)
    simulator.configure("sim", strict_urls=True)
    body["args"]["video_url"] = get_url.split("?")[0]  # unsigned: not reachable by the provider
    resp = client.post(
        f"{simulator.base_url('shortapi')}/job/create", json=body, headers=bearer()
    ).json()
    assert resp["code"] == 400


def test_a_link_rate_paces_bodies_and_keeps_their_bytes(client: httpx.Client) -> None:
    # At 2 Mbit/s a result of some 80 kB takes about a third of a second on the wire; loopback
    # alone sends it in a few milliseconds.
    with Simulator(timing=SimTiming(queued=0.05, running=0.1), link_mbit=2) as sim:
        url = finished_result_url(sim, client)
        start = time.monotonic()
        whole = client.get(url).content
        took = time.monotonic() - start
        part = client.get(url, headers={"Range": "bytes=0-49999"})
    assert len(whole) > 50_000
    assert part.status_code == 206 and part.content == whole[:50_000]
    assert took >= len(whole) * 8 / 2e6 * 0.95
