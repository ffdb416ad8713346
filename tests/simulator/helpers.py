"""Polling and media checks shared by the simulator tests."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from typing import Any, TypeVar

import av
import httpx

T = TypeVar("T")


def poll(fetch: Callable[[], T], done: Callable[[T], bool], timeout: float = 10.0) -> T:
    """Call `fetch` until `done` accepts its result (fails the test after `timeout`)."""
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still not done after {timeout}s: {value!r}")
        time.sleep(0.05)


def poll_seen(
    fetch: Callable[[], T], seen_of: Callable[[T], set[Any]], done: Callable[[T], bool]
) -> tuple[T, set[Any]]:
    """Like `poll`, also collecting what `seen_of` reports at each step (e.g. statuses)."""
    seen: set[Any] = set()

    def check(value: T) -> bool:
        seen.update(seen_of(value))
        return done(value)

    return poll(fetch, check), seen


def probe(data: bytes) -> dict[str, Any]:
    """Open MP4 bytes with PyAV and decode a frame: proves the file is playable."""
    with av.open(io.BytesIO(data), mode="r") as container:
        kinds = sorted(s.type for s in container.streams)
        video = container.streams.video[0]
        frame = next(container.decode(video=0)).to_rgb()
        raw = bytes(frame.planes[0])
        colours = {raw[i : i + 3] for i in range(0, frame.width * 3, 3)}
        return {
            "streams": kinds,
            "codec": video.codec_context.name,
            "audio_codec": container.streams.audio[0].codec_context.name,
            "width": frame.width,
            "height": frame.height,
            "seconds": (container.duration or 0) / 1_000_000,
            "colours": len(colours),
        }


def assert_playable(data: bytes, seconds: int | None = None) -> dict[str, Any]:
    info = probe(data)
    assert info["streams"] == ["audio", "video"]
    assert info["codec"] == "h264"
    assert info["audio_codec"] == "aac"
    assert info["colours"] >= 5, "frame should be visibly colourful"
    if seconds is not None:
        assert abs(info["seconds"] - seconds) < 0.2
    return info


def bearer(key: str = "test-key") -> dict[str, str]:
    """The Authorization header; an empty key sends none at all."""
    return {"Authorization": f"Bearer {key}"} if key else {}


def download(client: httpx.Client, url: str) -> bytes:
    resp = client.get(url)
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"] == "video/mp4"
    assert int(resp.headers["content-length"]) == len(resp.content)
    return resp.content
