"""`python -m seedance_studio.simulator` as a separate process, driven over HTTP."""

from __future__ import annotations

import subprocess
import sys

import httpx

from seedance_studio.simulator import Fault
from seedance_studio.simulator.remote import SimulatorProcess
from tests.simulator.examples import SHORTAPI_CURL
from tests.simulator.helpers import bearer, poll


def test_module_entry_point() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "seedance_studio.simulator", "--port", "0", "--speed", "4"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        prefix = "simulator listening on "
        assert line.startswith(prefix), line
        url = line.removeprefix(prefix)
        assert url.startswith("http://127.0.0.1:")
        # Then how to point the CLI here, for every provider.
        assert proc.stdout.readline().startswith("point the seedance CLI here")
        exports = [proc.stdout.readline().strip() for _ in range(5)]
        assert f"export SEEDANCE_SHORTAPI_BASE_URL={url}/shortapi/api/v1" in exports
        assert f"export SEEDANCE_KINOVI_LEGACY_BASE_URL={url}/kinovi/api/v1" in exports
        with httpx.Client(timeout=10) as http:
            created = http.post(
                f"{url}/shortapi/api/v1/job/create", json=SHORTAPI_CURL, headers=bearer("k")
            )
            assert created.json()["code"] == 0
            http.post(
                f"{url}/_sim/inject",
                json={
                    "provider": "shortapi",
                    "endpoint": "query",
                    "kind": "http_status",
                    "status": 500,
                },
            )
            job_id = created.json()["data"]["job_id"]
            query = http.get(
                f"{url}/shortapi/api/v1/job/query", params={"id": job_id}, headers=bearer("k")
            )
            assert query.status_code == 500
            assert http.get(f"{url}/_sim/counts").json() == {"shortapi": {"create": 1, "query": 1}}
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0
        assert proc.stdout is not None
        proc.stdout.close()


def test_simulator_process_helper(client: httpx.Client) -> None:
    with SimulatorProcess(speed=4) as sim:
        sim.inject("kinovi", "create", Fault.applied_no_response())
        body = {
            "model": "seedance-20",
            "inputs": {"urls": [sim.sample_url("image.png")], "prompt": "p", "ratio": "1:1"},
        }
        url = f"{sim.base_url('kinovi')}/jobs/createTask"
        try:
            client.post(url, json=body, headers=bearer())
        except httpx.TransportError:
            pass
        else:
            raise AssertionError("the create answer should have been dropped")
        jobs = poll(sim.jobs, lambda jobs: len(jobs) == 1 and jobs[0]["phase"] == "succeeded")
        assert jobs[0]["provider"] == "kinovi"
        assert sim.count("kinovi", "create") == 1
        assert sim.requests("kinovi")[0]["json"] == body
        sim.configure("shortapi", string_status=True)
        sim.set_outcome("*", "fail")
        sim.reset()
        assert sim.counts() == {}
    assert sim.process.returncode == 0
