"""CLI fixtures: run `seedance` in-process or as a real subprocess against a simulator process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from seedance_studio.cli.compose import base_url_env
from seedance_studio.cli.main import main
from seedance_studio.simulator.simulator import BASE_PATHS

PLANTED_KEY = "sk-planted-0123456789abcdef"


@dataclass
class Result:
    code: int
    out: str
    err: str


Cli = Callable[..., Result]


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[Cli]:
    """Run `seedance ARGS` in this process; a planted key for every provider."""
    monkeypatch.setenv("SEEDANCE_STUDIO_HOME", str(tmp_path / "home"))
    for pid in BASE_PATHS:
        monkeypatch.setenv("SEEDANCE_" + pid.upper().replace("-", "_") + "_API_KEY", PLANTED_KEY)

    def run(*args: str) -> Result:
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    yield run


@dataclass
class SimProcess:
    """A simulator started as `python -m seedance_studio.simulator --port 0`."""

    url: str
    proc: subprocess.Popen[str]

    def base_url(self, provider: str) -> str:
        return self.url + BASE_PATHS[provider]

    def sample_url(self, name: str) -> str:
        return f"{self.url}/samples/{name}"

    def control(self, method: str, action: str, **body: Any) -> Any:
        response = httpx.request(
            method, f"{self.url}/_sim/{action}", json=body if method == "POST" else None, timeout=10
        )
        response.raise_for_status()
        return response.json()

    def inject(self, provider: str, endpoint: str, times: int = 1, **fault: Any) -> None:
        self.control(
            "POST", "inject", provider=provider, endpoint=endpoint, times=times, fault=fault
        )

    def count(self, provider: str, endpoint: str) -> int:
        counts: dict[str, dict[str, int]] = self.control("GET", "counts")
        return counts.get(provider, {}).get(endpoint, 0)

    def jobs(self) -> list[dict[str, Any]]:
        jobs: list[dict[str, Any]] = self.control("GET", "jobs")
        return jobs


@pytest.fixture(scope="session")
def sim_process() -> Iterator[SimProcess]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "seedance_studio.simulator",
            "--port",
            "0",
            "--queued",
            "0.3",
            "--running",
            "0.7",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("simulator listening on "), line
    yield SimProcess(line.rsplit(" ", 1)[1].strip(), proc)
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def sim(sim_process: SimProcess) -> SimProcess:
    sim_process.control("POST", "reset")
    return sim_process


@pytest.fixture
def sim_env(sim: SimProcess, tmp_path: Path) -> dict[str, str]:
    """Environment for `seedance` subprocesses: own home, simulator bases, keys, fast polls."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEEDANCE_")}
    env["SEEDANCE_STUDIO_HOME"] = str(tmp_path / "home")
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    env["SEEDANCE_POLL_INTERVAL"] = "0.1"
    for pid in BASE_PATHS:
        env[base_url_env(pid)] = sim.base_url(pid)
        env["SEEDANCE_" + pid.upper().replace("-", "_") + "_API_KEY"] = f"sim-key-{pid}"
    return env


def seedance(env: dict[str, str], *args: str, timeout: float = 60) -> Result:
    done = subprocess.run(
        [sys.executable, "-m", "seedance_studio.cli.main", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def start_seedance(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "seedance_studio.cli.main", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
