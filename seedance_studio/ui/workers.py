"""Run blocking work (decoding, probing) on threads and get the result back on the UI thread.

A Qt signal emitted from a worker thread is queued to the receiver's thread, which is what
carries each result home; the work itself never touches Qt.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

T = TypeVar("T")

OnDone = Callable[[Any], None]
OnError = Callable[[BaseException], None]


class Worker(QObject):
    """A small thread pool whose callbacks run on the thread that owns this object."""

    _finished = Signal(object, object, object)

    def __init__(self, max_workers: int = 2, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers, thread_name_prefix="seedance-ui")
        self._closed = False
        self._pending = 0
        self._finished.connect(self._deliver)

    @property
    def pending(self) -> int:
        """Jobs submitted whose callbacks have not run yet (tests wait for 0)."""
        return self._pending

    def submit(self, fn: Callable[..., T], *args: Any, on_done: Callable[[T], None],
               on_error: OnError | None = None) -> Future[T] | None:
        if self._closed:
            return None
        self._pending += 1
        future = self._pool.submit(fn, *args)
        future.add_done_callback(lambda f: self._finished.emit(on_done, on_error, f))
        return future

    def _deliver(self, on_done: OnDone, on_error: OnError | None, future: Future[Any]) -> None:
        self._pending -= 1
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
        self._pool.shutdown(wait=False, cancel_futures=True)
