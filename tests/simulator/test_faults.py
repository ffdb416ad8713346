"""Every fault kind, injected in-process, per provider where the answer shape differs."""

from __future__ import annotations

import json
import socket
import time
from typing import Any

import httpx
import pytest

from seedance_studio.simulator import Fault, FaultKind, Phase, Simulator
from tests.simulator.examples import KINOVI_REFERENCE, OXEN_QUEUE, SHORTAPI_CURL
from tests.simulator.helpers import bearer, poll

EACHLABS_BODY = {
    "model": "bytedance-seedance-2-0-reference-to-video",
    "version": "0.0.1",
    "input": {"prompt": "a lighthouse in a storm"},
}


def create_request(sim: Simulator, provider: str) -> tuple[str, dict[str, Any], dict[str, str]]:
    """(url, body, headers) of a valid create call for `provider`."""
    if provider == "shortapi":
        return f"{sim.base_url('shortapi')}/job/create", SHORTAPI_CURL, bearer()
    if provider == "kinovi":
        return f"{sim.base_url('kinovi')}/jobs/createTask", KINOVI_REFERENCE, bearer()
    if provider == "oxen":
        return f"{sim.base_url('oxen')}/ai/queue", {**OXEN_QUEUE, "num_generations": 1}, bearer()
    return f"{sim.base_url('eachlabs')}/prediction/", EACHLABS_BODY, {"X-API-Key": "k"}


def create(sim: Simulator, client: httpx.Client, provider: str) -> httpx.Response:
    url, body, headers = create_request(sim, provider)
    return client.post(url, json=body, headers=headers)


def status_of(sim: Simulator, client: httpx.Client, provider: str, job_id: str) -> dict[str, Any]:
    """Provider-neutral view: the raw poll answer plus a `terminal` message if failed."""
    if provider == "shortapi":
        url, params, headers = f"{sim.base_url('shortapi')}/job/query", {"id": job_id}, bearer()
    elif provider == "kinovi":
        url, params = f"{sim.base_url('kinovi')}/jobs/recordInfo", {"taskId": job_id}
        headers = bearer()
    elif provider == "oxen":
        url, params, headers = f"{sim.base_url('oxen')}/ai/queue/{job_id}", {}, bearer()
    else:
        url, params = f"{sim.base_url('eachlabs')}/prediction/{job_id}", {}
        headers = {"X-API-Key": "k"}
    resp = client.get(url, params=params, headers=headers)
    assert resp.status_code == 200, resp.text
    data: dict[str, Any] = resp.json()
    return data


def failure_message(provider: str, answer: dict[str, Any]) -> str | None:
    if provider == "shortapi":
        return answer["data"].get("error") if answer["data"]["status"] == 3 else None
    if provider == "kinovi":
        return answer["error"]["message"] if answer["status"] == "fail" else None
    if provider == "oxen":
        return answer.get("error_message") if answer["status"] == "failed" else None
    return answer.get("message") if answer["status"] in {"error", "failed"} else None


PROVIDERS = ["shortapi", "kinovi", "oxen", "eachlabs"]


def only_job(sim: Simulator) -> str:
    assert len(sim.jobs) == 1
    return sim.jobs[0].id


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("status", [401, 402, 429, 500, 503, 408])
def test_http_status_faults(
    simulator: Simulator, client: httpx.Client, provider: str, status: int
) -> None:
    simulator.inject(provider, "create", Fault.http(status))
    resp = create(simulator, client, provider)
    assert resp.status_code == status
    body = resp.json()
    if provider in {"shortapi", "kinovi"}:
        assert body["code"] == status and body["message"]
    elif provider == "oxen":
        assert set(body) == {"error"}
    else:
        assert body["status"] == "error" and body["message"]
    if status == 429:
        assert resp.headers["Retry-After"] == "1"
    assert simulator.jobs == []
    assert create(simulator, client, provider).status_code == 200, "fault fires once"


def test_retry_after_and_times(simulator: Simulator, client: httpx.Client) -> None:
    simulator.inject("shortapi", "create", Fault.http(429, retry_after=3), times=2)
    first, second, third = (create(simulator, client, "shortapi") for _ in range(3))
    assert [first.status_code, second.status_code, third.status_code] == [429, 429, 200]
    assert first.headers["Retry-After"] == "3"
    assert simulator.count("shortapi", "create") == 3


def test_slow_response(simulator: Simulator, client: httpx.Client) -> None:
    simulator.inject("shortapi", "create", Fault.slow(0.4))
    started = time.monotonic()
    assert create(simulator, client, "shortapi").status_code == 200
    assert time.monotonic() - started >= 0.4
    simulator.inject("shortapi", "create", Fault.slow(1.0))
    url, body, headers = create_request(simulator, "shortapi")
    with pytest.raises(httpx.ReadTimeout):
        client.post(url, json=body, headers=headers, timeout=0.2)


@pytest.mark.parametrize("before_body", [True, False])
def test_dropped_connection_creates_nothing(
    simulator: Simulator, client: httpx.Client, before_body: bool
) -> None:
    simulator.inject("kinovi", "create", Fault.drop(before_body=before_body))
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        create(simulator, client, "kinovi")
    assert simulator.jobs == []
    assert simulator.count("kinovi", "create") == 1
    assert create(simulator, client, "kinovi").status_code == 200


def test_malformed_json(simulator: Simulator, client: httpx.Client) -> None:
    simulator.inject("eachlabs", "create", Fault.malformed())
    resp = create(simulator, client, "eachlabs")
    assert resp.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        resp.json()
    assert simulator.jobs == []
    simulator.inject("eachlabs", "create", Fault.malformed(applied=True))
    resp = create(simulator, client, "eachlabs")
    with pytest.raises(json.JSONDecodeError):
        resp.json()
    assert len(simulator.jobs) == 1


def test_malformed_poll_answer(simulator: Simulator, client: httpx.Client) -> None:
    job_id = create(simulator, client, "oxen").json()["generations"][0]["generation_id"]
    simulator.inject("oxen", "query", Fault.malformed(applied=True))
    resp = client.get(f"{simulator.base_url('oxen')}/ai/queue/{job_id}", headers=bearer())
    with pytest.raises(json.JSONDecodeError):
        resp.json()
    assert status_of(simulator, client, "oxen", job_id)["generation_id"] == job_id


@pytest.mark.parametrize("provider", PROVIDERS)
def test_applied_but_dropped_create_still_runs(
    fast_sim: Simulator, client: httpx.Client, provider: str
) -> None:
    fast_sim.inject(provider, "create", Fault.applied_no_response())
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        create(fast_sim, client, provider)
    job_id = only_job(fast_sim)
    poll(lambda: fast_sim.job(job_id).phase(), lambda phase: phase is Phase.SUCCEEDED)
    assert fast_sim.count(provider, "create") == 1


@pytest.mark.parametrize("provider", PROVIDERS)
def test_content_policy_failure_uses_provider_message(
    fast_sim: Simulator, client: httpx.Client, provider: str
) -> None:
    fast_sim.inject(provider, "create", Fault.content_policy())
    assert create(fast_sim, client, provider).status_code == 200
    job_id = only_job(fast_sim)
    answer = poll(
        lambda: status_of(fast_sim, client, provider, job_id),
        lambda a: failure_message(provider, a) is not None,
    )
    message = failure_message(provider, answer)
    assert message is not None
    assert "moderation" in message.lower() or "content policy" in message.lower()
    assert fast_sim.job(job_id).phase() is Phase.BLOCKED


def test_content_policy_with_custom_message_on_a_poll(
    fast_sim: Simulator, client: httpx.Client
) -> None:
    job_id = create(fast_sim, client, "shortapi").json()["data"]["job_id"]
    fast_sim.inject("shortapi", "query", Fault.content_policy("Real person detected"))
    status_of(fast_sim, client, "shortapi", job_id)
    final = poll(
        lambda: status_of(fast_sim, client, "shortapi", job_id),
        lambda a: a["data"]["status"] == 3,
    )
    assert final["data"]["error"] == "Real person detected"


def test_job_failure_fault(fast_sim: Simulator, client: httpx.Client) -> None:
    fast_sim.inject("oxen", "create", Fault.job_failure())
    job_id = create(fast_sim, client, "oxen").json()["generations"][0]["generation_id"]
    final = poll(
        lambda: status_of(fast_sim, client, "oxen", job_id), lambda a: a["status"] == "failed"
    )
    assert "internal" in final["error_message"]


def test_stuck_job_never_finishes_until_released(fast_sim: Simulator, client: httpx.Client) -> None:
    fast_sim.inject("kinovi", "create", Fault.stuck())
    task_id = create(fast_sim, client, "kinovi").json()["taskId"]
    time.sleep(0.4)  # well past queued + running
    assert status_of(fast_sim, client, "kinovi", task_id)["status"] == "generating"
    fast_sim.set_outcome("kinovi", "succeed", job_id=task_id)
    assert status_of(fast_sim, client, "kinovi", task_id)["status"] == "success"
    fast_sim.set_outcome(task_id, "fail", message="late failure")  # job id in the first slot
    assert status_of(fast_sim, client, "kinovi", task_id)["error"]["message"] == "late failure"


def test_truncated_download(fast_sim: Simulator, client: httpx.Client) -> None:
    job_id = create(fast_sim, client, "shortapi").json()["data"]["job_id"]
    final = poll(
        lambda: status_of(fast_sim, client, "shortapi", job_id),
        lambda a: a["data"]["status"] == 2,
    )
    url = final["data"]["result"]["videos"][0]["url"]
    fast_sim.inject("shortapi", "download", Fault.truncated(0.5))
    received = bytearray()
    with pytest.raises(httpx.RemoteProtocolError), client.stream("GET", url) as resp:
        declared = int(resp.headers["content-length"])
        for chunk in resp.iter_raw():
            received += chunk
    assert 0 < len(received) < declared
    assert len(client.get(url).content) == declared


def test_wildcards_match_any_endpoint_and_provider(
    simulator: Simulator, client: httpx.Client
) -> None:
    simulator.inject("*", "*", Fault.http(503))
    assert create(simulator, client, "oxen").status_code == 503
    simulator.inject("eachlabs", "*", Fault.http(500))
    assert create(simulator, client, "shortapi").status_code == 200
    assert create(simulator, client, "eachlabs").status_code == 500


def test_fault_json_round_trip() -> None:
    for fault in (
        Fault.http(429, retry_after=2.5),
        Fault.slow(1.5),
        Fault.drop(before_body=False),
        Fault.malformed(applied=True),
        Fault.truncated(0.25),
        Fault.content_policy("no faces"),
        Fault.job_failure(),
        Fault.applied_no_response(),
        Fault.stuck(),
    ):
        assert Fault.from_json(fault.to_json()) == fault
    assert Fault.from_json({"kind": "http_status", "status": 429}).retry_after == 1
    assert {k.value for k in FaultKind} >= {"drop_before_body", "truncated_download"}
    with pytest.raises(ValueError, match="unknown fault fields"):
        Fault.from_json({"kind": "slow", "dealy": 1})


def test_unknown_paths_and_methods(simulator: Simulator, client: httpx.Client) -> None:
    resp = client.get(f"{simulator.url}/nowhere")
    assert resp.status_code == 404
    assert resp.json()["error"]
    resp = client.get(f"{simulator.base_url('shortapi')}/job/nothing", headers=bearer())
    assert resp.status_code == 404
    assert resp.json()["code"] == 404
    resp = client.get(f"{simulator.base_url('kinovi')}/jobs/createTask", headers=bearer())
    assert resp.status_code == 405
    assert resp.json()["code"] == 405


def test_handler_crash_is_a_clean_500(
    simulator: Simulator, client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seedance_studio.simulator.providers import shortapi

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(shortapi, "inspect_url", boom)
    resp = create(simulator, client, "shortapi")
    assert resp.status_code == 500
    assert resp.json() == {"code": 500, "message": "Internal server error"}
    assert "secret" not in resp.text


def test_garbled_http_framing_is_a_400(simulator: Simulator) -> None:
    with socket.create_connection(("127.0.0.1", simulator.port), timeout=5) as sock:
        sock.sendall(
            b"POST /shortapi/api/v1/job/create HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"
        )
        reply = b""
        while chunk := sock.recv(4096):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 400")
    assert reply.endswith(b'{"error": "Malformed request"}')
