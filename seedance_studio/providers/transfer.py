"""Streaming a body between a file and the network in a worker thread: downloads hashed on
the way, uploads read from disk one buffer at a time.

httpx's async streaming reads 64 KiB per trip through anyio, h11 and httpx: on loopback it
reaches about half of curl's speed (bench/download_bench.py measures the candidates). The
standard library's `http.client` (through `urllib.request`, for proxies and redirects)
filling one reused 1 MiB buffer with `readinto` runs at the line rate; sha256 and the file
write both release the GIL, so the UI thread keeps running while a download streams.

An upload (`put_file`) is the same loop the other way: `http.client` sends the file through
one reused 1 MiB buffer with its Content-Length, so a large file never sits in memory and no
chunked encoding reaches a presigned PUT. It lives here, beside the providers' clients, so
both the job engine's downloads and the providers' uploads use it (the layers allow no import
from jobs/ into providers/).

The worker reports progress to the event loop at most every PROGRESS_EVERY_S and stops at
the next buffer when the awaiting task is cancelled.
"""

from __future__ import annotations

import functools
import hashlib
import http.client
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import httpx

BUFFER_BYTES = 1 << 20
"""One read fills this much: large enough that per-read overhead vanishes on loopback."""
PROGRESS_EVERY_S = 0.1
SENDFILE_SLICE = 8 << 20
"""An upload's `sendfile` goes in slices this large, so progress is told and a cancel heard."""
USER_AGENT = "seedance-studio"


@dataclass(frozen=True)
class Answer:
    """The status line and headers (names in lower case) of one response, before its body."""

    status: int
    headers: Mapping[str, str]

    @classmethod
    def of(cls, status: int, headers: Iterable[tuple[str, str]]) -> Answer:
        return cls(status, {name.lower(): value for name, value in headers})


class StoppedError(Exception):
    """The awaiting task went away; the worker stopped at a buffer boundary."""


class Hasher:
    """sha256 of everything written to a `.part`, including what an earlier attempt left."""

    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.count = 0
        """Bytes hashed so far."""

    def update(self, data: bytes | memoryview) -> None:
        self.digest.update(data)
        self.count += len(data)

    def resume_from(self, part: Path, size: int) -> None:
        """Start over, then hash the first `size` bytes already on disk (a resume)."""
        self.digest = hashlib.sha256()
        self.count = 0
        if size <= 0:
            return
        with part.open("rb") as f:
            left = size
            while left > 0:
                block = f.read(min(BUFFER_BYTES, left))
                if not block:
                    break
                self.update(block)
                left -= len(block)

    def hexdigest(self) -> str:
        return self.digest.hexdigest()


@functools.cache
def ssl_context() -> ssl.SSLContext:
    """One verifying context for the process (building one costs tens of milliseconds).

    certifi's bundle when it is installed (httpx brings it), so verification does not depend
    on how the system's Python found its certificates.
    """
    try:
        import certifi
    except ImportError:
        return ssl.create_default_context()
    return ssl.create_default_context(cafile=certifi.where())


class _TLSWhenAsked(urllib.request.HTTPSHandler):
    """Our TLS context, built at the first https request: an http URL (the simulator, a
    local server) never pays the tens of milliseconds its certificates take to load."""

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(http.client.HTTPSConnection, req, context=ssl_context())


@functools.cache
def opener() -> urllib.request.OpenerDirector:
    """Redirects followed, environment proxies honoured (as httpx's trust_env), our TLS."""
    handlers: list[urllib.request.BaseHandler] = [_TLSWhenAsked(), urllib.request.ProxyHandler()]
    return urllib.request.build_opener(*handlers)


class Body(Protocol):
    """A response body as http.client gives it."""

    def readinto(self, buffer: memoryview, /) -> int: ...

    def close(self) -> None: ...


def pump(
    body: Body,
    out: IO[bytes],
    hasher: Hasher,
    done: int,
    *,
    on_bytes: Callable[[int], None],
    stop: threading.Event,
    on_write: Callable[[int], None] | None = None,
) -> int:
    """Copy `body` into `out` through one reused buffer; returns the byte count reached.

    `on_bytes` hears the count at most every PROGRESS_EVERY_S (progress); `on_write`, in this
    thread, after every buffer is written (a reader of the growing file waits on it).
    """
    buffer = bytearray(BUFFER_BYTES)
    view = memoryview(buffer)
    last = time.monotonic()
    while True:
        if stop.is_set():
            raise StoppedError
        n = body.readinto(view)
        if not n:
            break
        chunk = view[:n]
        hasher.update(chunk)
        out.write(chunk)
        done += n
        if on_write is not None:
            on_write(done)
        now = time.monotonic()
        if now - last >= PROGRESS_EVERY_S:
            last = now
            on_bytes(done)
    on_bytes(done)
    return done


def open_url(url: str, headers: Mapping[str, str], timeout: float) -> tuple[Answer, Body]:
    """GET `url`; every status (an HTTP error too) comes back as an answer with its body."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **headers})
    try:
        response = opener().open(request, timeout=timeout)
    except urllib.error.HTTPError as exc:  # 4xx/5xx: the caller decides what each means
        return Answer.of(exc.code, exc.headers.items()), exc
    return Answer.of(response.status, response.headers.items()), response


def on_the_network(client: httpx.AsyncClient) -> bool:
    """Whether `client` sends through httpx's own network transport (then a thread may too;
    a test's or an app's mock transport is used as it is)."""
    import httpx

    return type(getattr(client, "_transport", None)) is httpx.AsyncHTTPTransport


def direct(url: str) -> bool:
    """Whether `url` is reached without a proxy (uploads through one go through httpx)."""
    host = urllib.parse.urlsplit(url).hostname or ""
    scheme = urllib.parse.urlsplit(url).scheme
    return scheme not in urllib.request.getproxies() or bool(urllib.request.proxy_bypass(host))


_SET_HERE = frozenset({"content-length", "user-agent", "host", "transfer-encoding"})


def put_file(
    url: str,
    headers: Mapping[str, str],
    path: Path,
    size: int,
    *,
    timeout: float,
    on_bytes: Callable[[int], None],
    stop: threading.Event,
) -> tuple[Answer, bytes]:
    """PUT `size` bytes of `path` to `url` with a Content-Length; the answer and its body.

    A server that answers before the body is all sent (a refusal) is heard: its answer comes
    back rather than the broken pipe. OSError and http.client.HTTPException are the network's.
    """
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(
            host, parts.port, timeout=timeout, context=ssl_context()
        )
    else:
        connection = http.client.HTTPConnection(host, parts.port, timeout=timeout)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.putrequest("PUT", target, skip_accept_encoding=True)
        for name, value in headers.items():
            if name.lower() not in _SET_HERE:
                connection.putheader(name, value)
        connection.putheader("Content-Length", str(size))
        connection.putheader("User-Agent", USER_AGENT)
        connection.endheaders()
        try:
            _send(connection, path, size, on_bytes, stop)
        except (OSError, http.client.HTTPException) as exc:
            if isinstance(exc, FileNotFoundError | PermissionError | IsADirectoryError):
                raise
            try:  # an early answer (413, 403) explains a connection cut mid-body
                response = connection.getresponse()
            except (OSError, http.client.HTTPException):
                raise exc from None
            return Answer.of(response.status, response.getheaders()), response.read()
        response = connection.getresponse()
        return Answer.of(response.status, response.getheaders()), response.read()
    finally:
        connection.close()


def _send(
    connection: http.client.HTTPConnection,
    path: Path,
    size: int,
    on_bytes: Callable[[int], None],
    stop: threading.Event,
) -> None:
    """The file's first `size` bytes onto the connection: by `sendfile` on a plain socket
    (the kernel copies from the page cache, no buffer here; 1.9x curl's speed on loopback),
    through one reused buffer over TLS (an SSL socket encrypts what it is given)."""
    sock = connection.sock
    sent = 0
    last = time.monotonic()
    with path.open("rb", buffering=0) as f:
        plain = sock is not None and not isinstance(sock, ssl.SSLSocket)
        buffer = None if plain else bytearray(BUFFER_BYTES)
        while sent < size:
            if stop.is_set():
                raise StoppedError
            want = min(SENDFILE_SLICE if buffer is None else BUFFER_BYTES, size - sent)
            if buffer is None:
                n = sock.sendfile(f, sent, want)
            else:
                view = memoryview(buffer)[:want]
                n = f.readinto(view)
                if n:
                    connection.send(view[:n])
            if not n:
                raise OSError(f"{path.name} is shorter than its {size} bytes")
            sent += n
            now = time.monotonic()
            if now - last >= PROGRESS_EVERY_S:
                last = now
                on_bytes(sent)
    on_bytes(sent)
