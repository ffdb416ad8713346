"""Shared Qt + qasync fixtures for widget tests (offscreen).

One qasync loop for the whole session, created with already_running=True so that coroutines
(httpx included) run while pytest-qt's qtbot.waitUntil spins the Qt event loop. Never stop the
loop in teardown: that quits the QApplication and later tests hang.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest
import qasync
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

T = TypeVar("T")


@pytest.fixture(scope="session")
def qasync_loop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    loop = qasync.QEventLoop(qapp, already_running=True)
    # asyncio.to_thread would otherwise run on qasync's QThreads, still alive when the
    # process exits: Qt then aborts ("QThread: Destroyed while thread is still running").
    executor = ThreadPoolExecutor(thread_name_prefix="qasync-test")
    loop.set_default_executor(executor)
    asyncio.set_event_loop(loop)
    yield loop
    executor.shutdown(wait=True)


@pytest.fixture
def run_async(qasync_loop: asyncio.AbstractEventLoop, qtbot: QtBot) -> Any:
    """Run a coroutine to completion on the qasync loop, spinning Qt while waiting."""

    def runner(coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
        task = qasync_loop.create_task(coro)
        qtbot.waitUntil(task.done, timeout=int(timeout * 1000))
        return task.result()

    return runner
