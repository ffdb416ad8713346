"""Progress and cancellation shared by the conform executor and the animatic renderer.

Both run as plain synchronous functions on a worker thread; the caller passes a callback for
progress (0..1) and a threading.Event it may set to stop the work between frames.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from seedance_studio.core.errors import SeedanceError

ProgressCallback = Callable[[float], None]


class MediaCancelledError(SeedanceError):
    """The user cancelled a conform or a render; nothing was written."""

    def __init__(self) -> None:
        super().__init__("cancelled")


class Work:
    """Reports progress within a share of the whole job and checks for cancellation."""

    def __init__(
        self, progress: ProgressCallback | None = None, cancel_event: threading.Event | None = None
    ) -> None:
        self._progress = progress
        self._cancel = cancel_event
        self._base = 0.0
        self._span = 1.0
        self._last = -1.0

    def check(self) -> None:
        """Raise MediaCancelledError when the cancel event is set."""
        if self._cancel is not None and self._cancel.is_set():
            raise MediaCancelledError()

    def stage(self, start: float, end: float) -> None:
        """Map the next report()s' 0..1 onto `start`..`end` of the whole job."""
        self._base, self._span = start, end - start

    def report(self, fraction: float) -> None:
        """Check for cancellation, then report progress (at most every half percent)."""
        self.check()
        value = self._base + self._span * min(1.0, max(0.0, fraction))
        if self._progress is not None and (value - self._last >= 0.005 or value >= 1.0):
            self._last = value
            self._progress(value)


@contextlib.contextmanager
def atomic_output(final: Path) -> Iterator[Path]:
    """A temporary path beside `final` that is renamed to it only when the block succeeds, so
    a cancelled or failed job leaves no partial file behind."""
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_name(f".{final.stem}.{threading.get_ident()}.part{final.suffix}")
    try:
        yield tmp
        tmp.replace(final)
    finally:
        tmp.unlink(missing_ok=True)
