"""Drive a simulator in another process (`python -m seedance_studio.simulator`) over `/_sim/*`."""

from __future__ import annotations

import subprocess
import sys
from types import TracebackType
from typing import Any

import httpx

from seedance_studio.simulator.faults import Fault
from seedance_studio.simulator.jobs import Outcome
from seedance_studio.simulator.simulator import BASE_PATHS

READY_PREFIX = "simulator listening on "


class RemoteSimulator:
    """The control half of `Simulator`'s API for a simulator reachable at `url`."""

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self._http = httpx.Client(base_url=f"{self.url}/_sim", timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def base_url(self, provider: str) -> str:
        return f"{self.url}{BASE_PATHS[provider]}"

    @property
    def s3_endpoint(self) -> str:
        return f"{self.url}/s3"

    def sample_url(self, name: str) -> str:
        return f"{self.url}/samples/{name}"

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        resp = self._http.request(method, path, **kwargs)
        resp.raise_for_status()
        return resp.json()

    def counts(self) -> dict[str, dict[str, int]]:
        result: dict[str, dict[str, int]] = self._json("GET", "/counts")
        return result

    def count(self, provider: str, endpoint: str) -> int:
        return self.counts().get(provider, {}).get(endpoint, 0)

    def requests(self, provider: str | None = None, endpoint: str | None = None) -> list[Any]:
        params = {k: v for k, v in (("provider", provider), ("endpoint", endpoint)) if v}
        result: list[Any] = self._json("GET", "/requests", params=params)
        return result

    def jobs(self) -> list[Any]:
        result: list[Any] = self._json("GET", "/jobs")
        return result

    def inject(self, provider: str, endpoint: str, fault: Fault, times: int = 1) -> None:
        body = {
            "provider": provider,
            "endpoint": endpoint,
            "fault": fault.to_json(),
            "times": times,
        }
        self._json("POST", "/inject", json=body)

    def set_outcome(
        self,
        provider: str,
        outcome: Outcome | str,
        *,
        job_id: str | None = None,
        message: str | None = None,
    ) -> None:
        body = {"provider": provider, "outcome": Outcome(outcome).value, "message": message}
        if job_id is not None:
            body["job_id"] = job_id
        self._json("POST", "/outcome", json=body)

    def configure(self, provider: str, **options: Any) -> None:
        self._json("POST", "/configure", json={"provider": provider, "options": options})

    def reset(self, keep_jobs: bool = False) -> None:
        self._json("POST", "/reset", json={"keep_jobs": keep_jobs})


class SimulatorProcess(RemoteSimulator):
    """`python -m seedance_studio.simulator` as a child process; a context manager.

    For tests whose code under test runs in yet another process (e.g. the `seedance` CLI).
    """

    def __init__(self, *extra_args: str, speed: float = 1.0, timeout: float = 10.0) -> None:
        cmd = [sys.executable, "-m", "seedance_studio.simulator", "--port", "0"]
        cmd += ["--speed", str(speed), *extra_args]
        self.process = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if not line.startswith(READY_PREFIX):
            self.process.kill()
            raise RuntimeError(f"simulator did not start: {line!r}")
        super().__init__(line.removeprefix(READY_PREFIX), timeout)

    def stop(self) -> int:
        self.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        return self.process.returncode

    def __enter__(self) -> SimulatorProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
