"""The HTTP client is built in a worker thread when the engine starts, not at the first
request on the UI thread (the TLS context and httpx's imports stalled the window 130-220 ms:
bench/stall_bench.py)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from seedance_studio.core.settings import Settings
from seedance_studio.jobs import pool as pool_module
from seedance_studio.jobs.capture import capturing_client
from seedance_studio.jobs.store import JobStore
from seedance_studio.ui.engine_bridge import EngineBridge

RunAsync = Callable[..., Any]


class NoKeys:
    def get(self, provider_id: str) -> str | None:
        return None


def test_starting_the_engine_builds_the_client_off_the_ui_thread(
    tmp_path: Path, run_async: RunAsync, monkeypatch: pytest.MonkeyPatch
) -> None:
    built_on: list[threading.Thread] = []
    real = capturing_client

    def watched(**kwargs: Any) -> httpx.AsyncClient:
        built_on.append(threading.current_thread())
        return real(**kwargs)

    monkeypatch.setattr(pool_module, "capturing_client", watched)
    bridge = EngineBridge.create(
        Settings(library_dir=str(tmp_path / "library")),
        NoKeys(),
        store=JobStore(tmp_path / "jobs.sqlite3"),
        owns_store=True,
    )
    try:
        run_async(bridge.start())
        assert len(built_on) == 1
        assert built_on[0] is not threading.main_thread()
        # The engine's requests use that client; asking again builds no other.
        assert bridge.engine.pool.client() is bridge.engine.pool.client()
        assert len(built_on) == 1
    finally:
        run_async(bridge.shutdown())


def test_a_request_while_the_client_is_built_waits_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, release = threading.Event(), threading.Event()
    real = capturing_client
    made: list[httpx.AsyncClient] = []

    def slow(**kwargs: Any) -> httpx.AsyncClient:
        started.set()
        release.wait(10)
        made.append(real(**kwargs))
        return made[-1]

    monkeypatch.setattr(pool_module, "capturing_client", slow)
    pool = pool_module.ProviderPool(Settings(library_dir=str(tmp_path)), NoKeys())
    worker = threading.Thread(target=pool.prepare_client)
    worker.start()
    assert started.wait(10)
    got: list[httpx.AsyncClient] = []
    asker = threading.Thread(target=lambda: got.append(pool.client()))
    asker.start()
    release.set()
    worker.join(10)
    asker.join(10)
    assert len(made) == 1 and got == made
