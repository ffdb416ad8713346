"""The HTTP layer: routing, fault application, Range/HEAD, never a traceback to clients."""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from seedance_studio.simulator import control
from seedance_studio.simulator.faults import JOB_FAULTS, Fault, FaultKind
from seedance_studio.simulator.http import ApiError, Request, Response
from seedance_studio.simulator.providers.base import Ctx, Provider, Route
from seedance_studio.simulator.providers.byteplus import BytePlus
from seedance_studio.simulator.providers.eachlabs import Eachlabs
from seedance_studio.simulator.providers.fal import Fal
from seedance_studio.simulator.providers.kinovi import Kinovi
from seedance_studio.simulator.providers.oxen import Oxen
from seedance_studio.simulator.providers.shortapi import ShortApi
from seedance_studio.simulator.providers.storage import S3, Files, Samples
from seedance_studio.simulator.state import RecordedRequest, SimState

STATUS_TEXT = {
    400: "Bad request",
    401: "Invalid API key",
    402: "Insufficient credits",
    403: "Forbidden",
    404: "Not found",
    408: "Request timeout",
    409: "Conflict",
    413: "Request entity too large",
    429: "Too many requests, slow down",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service temporarily unavailable",
    504: "Gateway timeout",
}
GARBLED_JSON = b'{"code": 0, "status": "ok", "data": {"id": "'


class App:
    """Provider registry plus shared state; the handler asks it where requests go."""

    def __init__(
        self, state: SimState, verbose: bool = False, link_mbit: float | None = None
    ) -> None:
        self.state = state
        self.verbose = verbose
        self.link_mbit = link_mbit
        """Bodies go out no faster than this (a network link between the client and a
        provider); None sends at loopback speed."""
        self.providers: list[Provider] = [
            ShortApi(state),
            Kinovi(state),
            Oxen(state),
            Eachlabs(state),
            Fal(state),
            BytePlus(state),
            Files(state),
            Samples(state),
            S3(state),
        ]

    def match(self, method: str, path: str) -> tuple[Provider, Route | None, dict[str, str]] | None:
        """(provider, route, params); route None means the path exists for other methods."""
        path_only: tuple[Provider, Route | None, dict[str, str]] | None = None
        for provider in self.providers:
            for rt in provider.routes():
                found = rt.pattern.match(path)
                if found is None:
                    continue
                if method in rt.methods:
                    return provider, rt, found.groupdict()
                path_only = path_only or (provider, None, {})
        return path_only

    def provider_for_path(self, path: str) -> Provider | None:
        for provider in self.providers:
            root = "/" + provider.prefix.strip("/").split("/")[0]
            if path == root or path.startswith(root + "/"):
                return provider
        return None


def parse_range(header: str, size: int) -> tuple[int, int] | str | None:
    """(start, end) inclusive; None when the header is ignorable; "bad" when unsatisfiable."""
    if not header.startswith("bytes=") or "," in header:
        return None
    first, _, last = header[6:].strip().partition("-")
    try:
        if first == "":
            if not last:
                return None
            length = int(last)
            if length <= 0:
                return "bad"
            return max(0, size - length), size - 1
        start = int(first)
        end = int(last) if last else size - 1
    except ValueError:
        return None
    if start >= size or end < start:
        return "bad"
    return start, min(end, size - 1)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: SimHTTPServer
    timeout = 120
    disable_nagle_algorithm = True  # headers and body go out in separate writes

    def log_message(self, format: str, *args: object) -> None:
        if self.server.app.verbose:
            sys.stderr.write(f"sim: {self.address_string()} {format % args}\n")

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    # -- plumbing ----------------------------------------------------------------
    def _dispatch(self) -> None:
        try:
            self._handle()
        except OSError:
            self.close_connection = True
        except ValueError:  # unparsable Content-Length or chunk framing
            self.close_connection = True
            with contextlib.suppress(OSError):
                self._send(Response.json({"error": "Malformed request"}, 400), None)
        except Exception:
            traceback.print_exc(file=sys.stderr)
            self.close_connection = True
            with contextlib.suppress(OSError):
                self._send(Response.json({"error": "Internal server error"}, 500), None)

    def _drop(self) -> None:
        """Close without answering, as a crashed proxy or a cut link would."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            out = bytearray()
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(out)
                out += self.rfile.read(size)
                self.rfile.readline(65537)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _request(self) -> Request:
        split = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        headers = {k.lower(): v for k, v in self.headers.items()}
        return Request(self.command, unquote(split.path), query, headers, b"", self.path)

    def _record(self, provider: str, endpoint: str, req: Request) -> None:
        self.server.app.state.record(
            RecordedRequest(
                provider=provider,
                endpoint=endpoint,
                method=req.method,
                path=req.path,
                query=dict(req.query),
                headers=dict(req.headers),
                json=req.json_or_none(),
                body_size=len(req.body),
                time=time.time(),
            )
        )

    # -- the request pipeline ------------------------------------------------------
    def _handle(self) -> None:
        app = self.server.app
        req = self._request()
        if req.path.startswith("/_sim/"):
            req.body = self._read_body()
            self._send(control.handle(app, req), req)
            return
        found = app.match(req.method, req.path)
        if found is not None and found[1] is not None:
            self._serve(found[0], found[1], found[2], req)
            return
        req.body = self._read_body()
        status, text = (404, "Not found") if found is None else (405, "Method not allowed")
        owner = found[0] if found else app.provider_for_path(req.path)
        err = ApiError(status, f"{text}: {req.method} {req.path}")
        if owner is None:
            self._send(Response.json({"error": err.message}, status), req)
        else:
            self._send(owner.render_error(err), req)

    def _serve(self, provider: Provider, rt: Route, params: dict[str, str], req: Request) -> None:
        app = self.server.app
        owner_name = provider.owner_of(params)
        fault = app.state.faults.take(owner_name, rt.endpoint)
        if fault is not None and fault.kind is FaultKind.DROP_BEFORE_BODY:
            self._record(owner_name, rt.endpoint, req)
            self._drop()
            return
        declared = int(self.headers.get("Content-Length") or 0)
        if declared > rt.body_limit:
            self._record(owner_name, rt.endpoint, req)
            self.close_connection = True
            self._send(provider.render_error(ApiError(413, STATUS_TEXT[413])), req)
            return
        req.body = self._read_body()
        self._record(owner_name, rt.endpoint, req)
        self._answer(provider, rt, Ctx(req, app.state, params), fault)

    def _answer(self, provider: Provider, rt: Route, ctx: Ctx, fault: Fault | None) -> None:
        req = ctx.req
        if fault is not None:
            if fault.kind in JOB_FAULTS:
                ctx.job_fault = fault
            elif fault.kind is FaultKind.HTTP_STATUS:
                headers = {}
                if fault.retry_after is not None:
                    headers["Retry-After"] = f"{fault.retry_after:g}"
                message = fault.message or STATUS_TEXT.get(fault.status, "Error")
                err = ApiError(fault.status, message, headers=headers)
                self._send(provider.render_error(err), req)
                return
            elif fault.kind is FaultKind.SLOW:
                if ctx.state.wait(fault.delay):
                    self._drop()
                    return
            elif fault.kind is FaultKind.DROP_AFTER_BODY:
                self._drop()
                return
            elif fault.kind is FaultKind.MALFORMED_JSON and not fault.applied:
                self._send(Response(body=GARBLED_JSON), req)
                return
        resp = self._run(provider, rt, ctx)
        if fault is not None:
            if fault.kind is FaultKind.APPLIED_NO_RESPONSE:
                self._drop()
                return
            if fault.kind is FaultKind.MALFORMED_JSON:
                resp = Response(status=resp.status, body=resp.body[: max(1, len(resp.body) // 2)])
            if fault.kind is FaultKind.TRUNCATED_DOWNLOAD:
                self._send(resp, req, truncate=fault.fraction)
                return
        self._send(resp, req)

    def _run(self, provider: Provider, rt: Route, ctx: Ctx) -> Response:
        try:
            if rt.auth:
                provider.authenticate(ctx, rt)
            return rt.handler(ctx)
        except ApiError as err:
            return provider.render_error(err)
        except Exception:
            traceback.print_exc(file=sys.stderr)
            return provider.render_error(ApiError(500, STATUS_TEXT[500]))

    def _send(self, resp: Response, req: Request | None, truncate: float | None = None) -> None:
        body = resp.body
        status = resp.status
        headers = dict(resp.headers)
        if resp.ranged:
            headers["Accept-Ranges"] = "bytes"
            wanted = req.header("range") if req is not None else None
            if wanted and status == 200:
                span = parse_range(wanted, len(body))
                if span == "bad":
                    headers["Content-Range"] = f"bytes */{len(body)}"
                    status, body = 416, b""
                elif isinstance(span, tuple):
                    start, end = span
                    headers["Content-Range"] = f"bytes {start}-{end}/{len(body)}"
                    status, body = 206, body[start : end + 1]
        self.send_response(status)
        self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command == "HEAD":
            return
        if truncate is not None:
            self.wfile.write(body[: int(len(body) * max(0.0, min(truncate, 0.99)))])
            self._drop()
            return
        self._write(body)

    def _write(self, body: bytes) -> None:
        """The body at the link's rate: slices on a clock, so a client sees a network's
        pace (and its spare CPU) rather than loopback's."""
        rate = self.server.app.link_mbit
        if not rate:
            self.wfile.write(body)
            return
        per_s = rate * 1e6 / 8
        view = memoryview(body)
        start = time.monotonic()
        for offset in range(0, len(body), LINK_SLICE):
            self.wfile.write(view[offset : offset + LINK_SLICE])
            ahead = (offset + LINK_SLICE) / per_s - (time.monotonic() - start)
            if ahead > 0:
                time.sleep(ahead)


LINK_SLICE = 64 * 1024
"""How much of a paced body is written at once."""


class SimHTTPServer(ThreadingHTTPServer):
    """Threaded server that can cut every open connection on stop."""

    daemon_threads = True
    allow_reuse_address = True

    app: App

    def __init__(self, address: tuple[str, int]) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._open_lock:
            conns = list(self._open)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
