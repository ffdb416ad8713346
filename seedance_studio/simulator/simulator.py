"""The in-process simulator: start, inspect, inject faults, stop."""

from __future__ import annotations

import contextlib
import socket
import threading
from types import TracebackType

from seedance_studio.simulator.faults import Fault
from seedance_studio.simulator.jobs import Job, Outcome
from seedance_studio.simulator.server import App, SimHTTPServer
from seedance_studio.simulator.state import RecordedRequest, SimState
from seedance_studio.simulator.timing import SimTiming

BASE_PATHS = {
    "shortapi": "/shortapi/api/v1",
    "kinovi": "/kinovi/api/v1",
    "kinovi-legacy": "/kinovi/api/v1",
    "oxen": "/oxen/api",
    "eachlabs": "/eachlabs/v1",
    "fal": "/fal/queue",
    "byteplus": "/byteplus/api/v3",
}


def _shutdown_now(server: SimHTTPServer) -> None:
    """`shutdown()` waits for the select poll to time out; a throwaway connect wakes it now."""
    stopper = threading.Thread(target=server.shutdown, daemon=True)
    stopper.start()
    host, port = server.server_address[:2]
    host = "127.0.0.1" if host in {"", "0.0.0.0"} else ("::1" if host == "::" else str(host))
    while stopper.is_alive():
        with contextlib.suppress(OSError):
            socket.create_connection((host, int(port)), timeout=0.2).close()
        stopper.join(0.01)


class Simulator:
    """A real HTTP server on `host:port` speaking every provider's documented API."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        timing: SimTiming | None = None,
        *,
        verbose: bool = False,
        link_mbit: float | None = None,
    ) -> None:
        self._host = host
        self._link_mbit = link_mbit
        self._port = port
        self._timing = timing or SimTiming()
        self._verbose = verbose
        self._server: SimHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._state: SimState | None = None

    # -- lifecycle -----------------------------------------------------------------
    def start(self) -> Simulator:
        """Bind, serve on a daemon thread and return once the socket is listening."""
        if self._server is not None:
            return self
        server = SimHTTPServer((self._host, self._port))
        state = SimState(host=self._host, port=int(server.server_address[1]), timing=self._timing)
        server.app = App(state, verbose=self._verbose, link_mbit=self._link_mbit)
        self._server, self._state = server, state
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.5},
            name="seedance-sim",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.app.state.stopping.set()
        _shutdown_now(server)
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def state(self) -> SimState:
        if self._state is None:
            raise RuntimeError("simulator not started")
        return self._state

    # -- addresses -----------------------------------------------------------------
    @property
    def url(self) -> str:
        return self.state.url

    @property
    def port(self) -> int:
        return self.state.port

    def base_url(self, provider: str) -> str:
        return f"{self.url}{BASE_PATHS[provider]}"

    @property
    def s3_endpoint(self) -> str:
        return f"{self.url}/s3"

    def sample_url(self, name: str) -> str:
        """Reference media served by the simulator, e.g. `clip_640x640_5s.mp4`, `image.png`."""
        return f"{self.url}/samples/{name}"

    # -- inspection ----------------------------------------------------------------
    def count(self, provider: str, endpoint: str) -> int:
        return self.state.count(provider, endpoint)

    def counts(self) -> dict[str, dict[str, int]]:
        return self.state.counts()

    def requests(
        self, provider: str | None = None, endpoint: str | None = None
    ) -> list[RecordedRequest]:
        return [r for r in self.state.requests(provider) if endpoint in (None, r.endpoint)]

    @property
    def jobs(self) -> list[Job]:
        return [job.snapshot() for job in self.state.jobs.all()]

    def job(self, job_id: str) -> Job:
        job = self.state.jobs.get(job_id)
        if job is None:
            raise KeyError(job_id)
        return job.snapshot()

    # -- control -------------------------------------------------------------------
    def inject(self, provider: str, endpoint: str, fault: Fault, times: int = 1) -> None:
        """Arm `fault` for the next `times` requests to provider+endpoint (`*` matches all)."""
        self.state.faults.add(provider, endpoint, fault, times)

    def set_outcome(
        self,
        provider: str,
        outcome: Outcome | str,
        *,
        job_id: str | None = None,
        message: str | None = None,
    ) -> None:
        """Make new jobs of `provider` (`*`: all) end this way, or just the job `job_id`.

        `set_outcome(job_id, outcome)` also works: a job id in the first slot means that job.
        """
        value = Outcome(outcome)
        if job_id is None and provider not in BASE_PATHS and provider != "*":
            job_id = provider if self.state.jobs.get(provider) is not None else None
        if job_id is not None:
            self.state.jobs.set_outcome(job_id, value, message)
        else:
            self.state.set_default_outcome(provider, value, message)

    def configure(self, provider: str, **options: object) -> None:
        """Provider switches, e.g. `configure("shortapi", string_status=True)`."""
        self.state.configure(provider, **options)

    def set_timing(self, timing: SimTiming) -> None:
        """New jobs follow `timing`; existing jobs keep theirs."""
        self._timing = timing
        self.state.timing = timing

    def reset(self, keep_jobs: bool = False) -> None:
        self.state.reset(keep_jobs=keep_jobs)
