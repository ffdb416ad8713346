"""Where the sound starts new events (beats, hits): cut points the animatic can follow.

An energy-flux detector on a mono 8 kHz copy: cheap (pure Python over ~120 k samples for
15 s) and good enough to land cuts on drum hits; silence has no onsets.
"""

from __future__ import annotations

import array
import itertools
import math
import sys
from pathlib import Path

import av

RATE = 8000
WINDOW = 400
"""50 ms windows."""
MIN_GAP_S = 0.25
THRESHOLD_SD = 1.5


def energy_envelope(path: Path, max_seconds: float) -> list[float]:
    """Mean squared amplitude (0..1) per 50 ms window of the first `max_seconds`."""
    samples = array.array("h")
    limit = int(max_seconds * RATE)
    resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
    with av.open(str(path)) as src:
        for frame in src.decode(audio=0):
            for out in resampler.resample(frame):
                samples.frombytes(bytes(out.planes[0])[: out.samples * 2])
            if len(samples) >= limit:
                break
    if sys.byteorder == "big":
        samples.byteswap()
    del samples[limit:]
    scale = 1 / (32768.0 * 32768.0 * WINDOW)
    return [
        sum(s * s for s in samples[i : i + WINDOW]) * scale
        for i in range(0, len(samples) - WINDOW + 1, WINDOW)
    ]


def onsets_from_envelope(envelope: list[float]) -> list[float]:
    """Seconds where the energy rises sharply (local peaks of the positive flux)."""
    flux = [0.0] + [max(0.0, b - a) for a, b in itertools.pairwise(envelope)]
    if len(flux) < 3 or max(flux) <= 1e-9:
        return []
    mean = sum(flux) / len(flux)
    sd = math.sqrt(sum((f - mean) ** 2 for f in flux) / len(flux))
    threshold = mean + THRESHOLD_SD * sd
    found: list[float] = []
    for i in range(1, len(flux) - 1):
        if flux[i] > threshold and flux[i] >= flux[i - 1] and flux[i] >= flux[i + 1]:
            t = i * WINDOW / RATE
            if not found or t - found[-1] >= MIN_GAP_S:
                found.append(t)
    return found


def audio_onsets(path: Path, max_seconds: float) -> list[float]:
    return onsets_from_envelope(energy_envelope(path, max_seconds))
