"""The animatic's soundtrack: every reference audio mixed from the start, padded with silence
(or cut) to the render length, as 48 kHz stereo frames ready for the AAC encoder."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import cast

import av
import av.filter

from seedance_studio.media.audio_frames import cut_frame

RATE = 48000
FRAME = 1024
TIME_BASE = Fraction(1, RATE)


def _decoded(path: Path, seconds: float) -> Iterator[av.AudioFrame]:
    """`path`'s sound as fltp stereo at 48 kHz, at most `seconds` long, with running pts."""
    resampler = av.AudioResampler(format="fltp", layout="stereo", rate=RATE)
    limit = round(seconds * RATE)
    written = 0
    with av.open(str(path)) as src:
        for frame in src.decode(audio=0):
            for out in resampler.resample(frame):
                if written >= limit:
                    return
                if written + out.samples > limit:
                    out = cut_frame(out, limit - written)
                out.pts, out.time_base = written, TIME_BASE
                written += out.samples
                yield out


def mix(paths: list[Path], seconds: float) -> list[av.AudioFrame]:
    """The mixed sound of `paths` (empty list: silence), exactly `seconds` long."""
    frames: list[av.AudioFrame] = []
    if len(paths) == 1:
        frames = list(_decoded(paths[0], seconds))
    elif paths:
        graph = av.filter.Graph()
        sources = [
            graph.add_abuffer(format="fltp", sample_rate=RATE, layout="stereo", time_base=TIME_BASE)
            for _ in paths
        ]
        mixer = graph.add("amix", f"inputs={len(paths)}:duration=longest:normalize=0")
        sink = graph.add("abuffersink")
        for i, source in enumerate(sources):
            source.link_to(mixer, 0, i)
        mixer.link_to(sink)
        graph.configure()
        for source, path in zip(sources, paths, strict=True):
            for frame in _decoded(path, seconds):
                source.push(frame)
            source.push(None)
        while True:
            try:
                frames.append(cast(av.AudioFrame, sink.pull()))  # an abuffersink's
            except (av.BlockingIOError, av.EOFError):
                break
    return _regular(frames, round(seconds * RATE))


def _regular(frames: list[av.AudioFrame], total: int) -> list[av.AudioFrame]:
    """`frames` re-cut into FRAME-sample frames with pts, padded with silence to `total`."""
    fifo = av.AudioFifo()
    for frame in frames:
        frame.pts = None
        fifo.write(frame)
    out: list[av.AudioFrame] = []
    written = 0
    while written < total:
        want = min(FRAME, total - written)
        chunk = fifo.read(want) if fifo.samples >= want else None
        if chunk is None:
            chunk = _silence(want)
        chunk.pts, chunk.time_base = written, TIME_BASE
        out.append(chunk)
        written += want
    return out


def _silence(samples: int) -> av.AudioFrame:
    frame = av.AudioFrame(format="fltp", layout="stereo", samples=samples)
    for plane in frame.planes:
        plane.update(bytes(plane.buffer_size))
    frame.sample_rate = RATE
    return frame
