"""Small helpers on PyAV audio frames."""

from __future__ import annotations

import av


def cut_frame(frame: av.AudioFrame, samples: int) -> av.AudioFrame:
    """The first `samples` samples of `frame` (PyAV frames cannot be sliced directly)."""
    fifo = av.AudioFifo()
    pts, time_base = frame.pts, frame.time_base
    frame.pts = None
    fifo.write(frame)
    part = fifo.read(samples)
    if part is None:
        raise ValueError(f"cannot cut {samples} samples from a frame of {frame.samples}")
    part.pts, part.time_base = pts, time_base
    return part
