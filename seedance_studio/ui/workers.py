"""Run blocking work (decoding, probing) on threads and get the result back on the UI thread.

Worker threads never touch Qt, not even to emit a signal (that would make Qt adopt them as
QThreads, which complain when destroyed at exit): finished futures go into a queue that a
timer on the UI thread drains while anything is pending.
"""

from __future__ import annotations

import contextlib
import os
import queue
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QTimer

T = TypeVar("T")

OnDone = Callable[[Any], None]
OnError = Callable[[BaseException], None]
POLL_MS = 15
"""How often finished work is collected; short enough to feel instant."""
WORKER_NICENESS = 10
"""How much lower than the UI thread the worker threads are scheduled (Linux: per thread)."""


def lower_thread_priority() -> None:
    """Run the calling thread (and the decoder threads FFmpeg starts from it) below the UI
    thread: on two cores, two thumbnail decodes and the library's hashing otherwise share the
    CPU evenly with the UI thread, and a repaint of 7 ms of CPU took 54 ms. Only on Linux,
    where a thread has a priority of its own (elsewhere the id would name a process)."""
    if not sys.platform.startswith("linux"):
        return
    tid = threading.get_native_id()
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + WORKER_NICENESS)


class Worker(QObject):
    """A small thread pool whose callbacks run on the thread that owns this object."""

    def __init__(self, max_workers: int = 2, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(
            max_workers, thread_name_prefix="seedance-ui", initializer=lower_thread_priority
        )
        self._done: queue.SimpleQueue[tuple[OnDone, OnError | None, Future[Any]]] = (
            queue.SimpleQueue()
        )
        self._closed = False
        self._pending = 0
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._collect)
        self._soon: list[tuple[Callable[..., Any], tuple[object, ...], OnDone, OnError | None]] = []
        self._soon_timer = QTimer(self)
        self._soon_timer.setSingleShot(True)
        self._soon_timer.setInterval(0)
        self._soon_timer.timeout.connect(self._start_soon)

    @property
    def pending(self) -> int:
        """Jobs submitted whose callbacks have not run yet (tests wait for 0)."""
        return self._pending

    def submit(
        self,
        fn: Callable[..., T],
        *args: object,
        on_done: Callable[[T], None],
        on_error: OnError | None = None,
    ) -> Future[T] | None:
        if self._closed:
            return None
        self._pending += 1
        future = self._pool.submit(fn, *args)
        future.add_done_callback(lambda f: self._done.put((on_done, on_error, f)))
        if not self._timer.isActive():
            self._timer.start()
        return future

    def submit_soon(
        self,
        fn: Callable[..., T],
        *args: object,
        on_done: Callable[[T], None],
        on_error: OnError | None = None,
    ) -> None:
        """Like `submit`, but the threads start on the next loop turn: work asked for while
        painting (a thumbnail) would otherwise take the GIL from the rest of that paint.
        Counted in `pending` at once."""
        if self._closed:
            return
        self._pending += 1
        self._soon.append((fn, args, on_done, on_error))
        if not self._soon_timer.isActive():
            self._soon_timer.start()

    def _start_soon(self) -> None:
        soon, self._soon = self._soon, []
        for fn, args, on_done, on_error in soon:
            self._pending -= 1  # submit counts it again
            self.submit(fn, *args, on_done=on_done, on_error=on_error)

    def _collect(self) -> None:
        while True:
            try:
                on_done, on_error, future = self._done.get_nowait()
            except queue.Empty:
                break
            self._pending -= 1
            self._deliver(on_done, on_error, future)
        if self._pending <= 0 or self._closed:
            self._timer.stop()

    def _deliver(self, on_done: OnDone, on_error: OnError | None, future: Future[Any]) -> None:
        if self._closed or future.cancelled():
            return
        exc = future.exception()
        if exc is None:
            on_done(future.result())
        elif on_error is not None:
            on_error(exc)

    def shutdown(self) -> None:
        """Drop queued work and stop delivering results; running work finishes unseen."""
        self._closed = True
        self._timer.stop()
        self._soon_timer.stop()
        self._soon.clear()
        self._pool.shutdown(wait=False, cancel_futures=True)
