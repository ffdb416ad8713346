"""Driving a simulator over HTTP (`/_sim/*`), counters under concurrency, context manager."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from seedance_studio.simulator import Simulator
from tests.simulator.examples import OXEN_QUEUE, SHORTAPI_CURL
from tests.simulator.helpers import bearer


def shortapi_create(sim: Simulator, client: httpx.Client) -> httpx.Response:
    return client.post(
        f"{sim.base_url('shortapi')}/job/create", json=SHORTAPI_CURL, headers=bearer()
    )


def test_base_urls(simulator: Simulator) -> None:
    url = simulator.url
    assert url.startswith("http://127.0.0.1:")
    assert simulator.base_url("shortapi") == f"{url}/shortapi/api/v1"
    assert simulator.base_url("kinovi") == f"{url}/kinovi/api/v1"
    assert simulator.base_url("oxen") == f"{url}/oxen/api"
    assert simulator.base_url("eachlabs") == f"{url}/eachlabs/v1"
    assert simulator.s3_endpoint == f"{url}/s3"


def test_inject_over_http_nested_and_flat(simulator: Simulator, client: httpx.Client) -> None:
    resp = client.post(
        f"{simulator.url}/_sim/inject",
        json={
            "provider": "shortapi",
            "endpoint": "create",
            "fault": {"kind": "http_status", "status": 429, "retry_after": 2},
        },
    )
    assert resp.status_code == 200
    client.post(
        f"{simulator.url}/_sim/inject",
        json={"provider": "shortapi", "endpoint": "create", "kind": "http_status", "status": 503},
    )
    first = shortapi_create(simulator, client)
    assert first.status_code == 429 and first.headers["Retry-After"] == "2"
    assert shortapi_create(simulator, client).status_code == 503
    assert shortapi_create(simulator, client).status_code == 200


def test_counts_requests_jobs_and_reset(simulator: Simulator, client: httpx.Client) -> None:
    shortapi_create(simulator, client)
    client.post(f"{simulator.base_url('oxen')}/ai/queue", json=OXEN_QUEUE, headers=bearer())
    counts = client.get(f"{simulator.url}/_sim/counts").json()
    assert counts == {"shortapi": {"create": 1}, "oxen": {"create": 1}}
    recs = client.get(f"{simulator.url}/_sim/requests", params={"provider": "shortapi"}).json()
    assert [r["json"] for r in recs] == [SHORTAPI_CURL]
    assert recs[0]["method"] == "POST"
    assert recs[0]["path"] == "/shortapi/api/v1/job/create"
    assert recs[0]["headers"]["authorization"] == "Bearer test-key"
    jobs = client.get(f"{simulator.url}/_sim/jobs").json()
    assert sorted(j["provider"] for j in jobs) == ["oxen", "oxen", "shortapi"]
    assert client.post(f"{simulator.url}/_sim/reset", json={}).status_code == 200
    assert client.get(f"{simulator.url}/_sim/counts").json() == {}
    assert simulator.jobs == []
    assert simulator.requests() == []


def test_outcome_and_configure_over_http(simulator: Simulator, client: httpx.Client) -> None:
    client.post(f"{simulator.url}/_sim/outcome", json={"provider": "shortapi", "outcome": "stuck"})
    job_id = shortapi_create(simulator, client).json()["data"]["job_id"]
    assert simulator.job(job_id).outcome.value == "stuck"
    client.post(
        f"{simulator.url}/_sim/outcome",
        json={"job_id": job_id, "outcome": "content_blocked", "message": "blocked!"},
    )
    assert simulator.job(job_id).message == "blocked!"
    resp = client.post(
        f"{simulator.url}/_sim/configure",
        json={"provider": "shortapi", "options": {"string_status": True}},
    )
    assert resp.status_code == 200
    assert simulator.state.option("shortapi", "string_status") is True


@pytest.mark.parametrize(
    "body",
    [
        {"provider": "shortapi", "endpoint": "create", "kind": "nonsense"},
        {"provider": "shortapi", "kind": "slow"},
        {"provider": "shortapi", "endpoint": "create", "kind": "slow", "dealy": 1},
    ],
)
def test_bad_inject_is_400(
    simulator: Simulator, client: httpx.Client, body: dict[str, str]
) -> None:
    resp = client.post(f"{simulator.url}/_sim/inject", json=body)
    assert resp.status_code == 400
    assert "error" in resp.json()


def test_counters_are_thread_safe(simulator: Simulator, client: httpx.Client) -> None:
    url = f"{simulator.base_url('shortapi')}/job/query"

    def hit(_: int) -> int:
        return client.get(url, params={"id": "x"}, headers=bearer()).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        codes = list(pool.map(hit, range(64)))
    assert codes == [404] * 64
    assert simulator.count("shortapi", "query") == 64
    assert len(simulator.requests("shortapi", "query")) == 64


def test_context_manager_stops_the_server(client: httpx.Client) -> None:
    with Simulator() as sim:
        url = sim.url
        assert client.get(f"{url}/_sim/health").json()["ok"] is True
    with pytest.raises(httpx.TransportError):
        client.get(f"{url}/_sim/health")
