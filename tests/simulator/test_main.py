"""`python -m seedance_studio.simulator` as a separate process, driven over HTTP."""

from __future__ import annotations

import subprocess
import sys

import httpx

from tests.simulator.examples import SHORTAPI_CURL


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
        with httpx.Client(timeout=10) as http:
            created = http.post(
                f"{url}/shortapi/api/v1/job/create",
                json=SHORTAPI_CURL,
                headers={"Authorization": "Bearer k"},
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
                f"{url}/shortapi/api/v1/job/query",
                params={"id": job_id},
                headers={"Authorization": "Bearer k"},
            )
            assert query.status_code == 500
            assert http.get(f"{url}/_sim/counts").json() == {"shortapi": {"create": 1, "query": 1}}
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0
