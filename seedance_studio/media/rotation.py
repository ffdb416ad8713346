"""Turn decoded video frames upright: phones store a picture sideways plus a display rotation,
which a re-encoded copy would lose, so the conform and the animatic apply it to the pixels."""

from __future__ import annotations

from fractions import Fraction

import av
import av.filter

from seedance_studio.core.media_facts import quarter_turns

_FILTERS = {
    90: [("transpose", "cclock")],
    270: [("transpose", "clock")],
    180: [("hflip", ""), ("vflip", "")],
}
"""Degrees counter-clockwise (PyAV's `VideoFrame.rotation`) -> FFmpeg filters that apply it."""


def frame_rotation(frame: av.VideoFrame) -> int:
    """0, 90, 180 or 270: how far a player turns `frame` counter-clockwise."""
    return quarter_turns(getattr(frame, "rotation", 0))


class Upright:
    """Applies a frame's display rotation with an FFmpeg filter graph (built on first use)."""

    def __init__(self) -> None:
        self._graph: av.filter.Graph | None = None
        self._key: tuple[int, int, int, str] | None = None

    def __call__(self, frame: av.VideoFrame) -> av.VideoFrame:
        rotation = frame_rotation(frame)
        if rotation == 0:
            return frame
        key = (rotation, int(frame.width), int(frame.height), str(frame.format.name))
        if key != self._key:
            self._graph = self._build(frame, rotation)
            self._key = key
        graph = self._graph
        assert graph is not None
        graph.vpush(frame)
        return graph.vpull()

    @staticmethod
    def _build(frame: av.VideoFrame, rotation: int) -> av.filter.Graph:
        graph = av.filter.Graph()
        node = graph.add_buffer(
            width=frame.width,
            height=frame.height,
            format=frame.format,
            time_base=frame.time_base or Fraction(1, 1000),
        )
        for name, args in _FILTERS[rotation]:
            step = graph.add(name, args)
            node.link_to(step)
            node = step
        sink = graph.add("buffersink")
        node.link_to(sink)
        graph.configure()
        return graph
