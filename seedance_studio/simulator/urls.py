"""Reference-URL checks: public https for outside hosts, real lookups for the simulator's own."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import parse_qs, urlsplit

from seedance_studio.simulator.http import ApiError
from seedance_studio.simulator.jobs import Phase
from seedance_studio.simulator.state import SimState

_EXT_KIND = {
    ".jpg": "image",
    ".jpeg": "image",
    ".png": "image",
    ".webp": "image",
    ".gif": "image",
    ".mp4": "video",
    ".mov": "video",
    ".m4v": "video",
    ".webm": "video",
    ".mp3": "audio",
    ".wav": "audio",
    ".m4a": "audio",
    ".aac": "audio",
    ".ogg": "audio",
    ".flac": "audio",
}
_SAMPLE_CLIP = re.compile(r"^clip_(\d+)x(\d+)_(\d+)s\.mp4$")
_SAMPLE_TONE = re.compile(r"^tone_(\d+)s\.wav$")
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


@dataclass(frozen=True)
class MediaRef:
    """A reference URL as a provider would see it after fetching."""

    url: str
    kind: str  # image | video | audio | unknown
    on_sim: bool
    duration: float | None
    width: int | None = None
    height: int | None = None
    """Picture size where the simulator knows it (its sample clips name theirs)."""

    @property
    def suffix(self) -> str:
        return PurePosixPath(urlsplit(self.url).path).suffix.lower().lstrip(".")


def kind_from_name(path: str) -> str:
    return _EXT_KIND.get(PurePosixPath(path).suffix.lower(), "unknown")


def kind_from_content_type(content_type: str, path: str) -> str:
    major = content_type.split("/", 1)[0].strip().lower()
    return major if major in {"image", "video", "audio"} else kind_from_name(path)


def is_sim_url(state: SimState, host: str | None, port: int | None) -> bool:
    if host is None or port != state.port:
        return False
    return host.lower() in {state.host.lower(), "127.0.0.1", "localhost", "::1", "0.0.0.0"}


def _is_private_host(host: str) -> bool:
    if host.lower() in _LOCAL_NAMES or host.lower().endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_unspecified


def _resolve_sim(state: SimState, path: str, query: str) -> MediaRef | None:
    parts = [p for p in path.split("/") if p]
    url = f"{state.url}{path}"
    if len(parts) == 2 and parts[0] == "files" and parts[1].endswith(".mp4"):
        job = state.jobs.get(parts[1][: -len(".mp4")])
        if job is None or job.phase() is not Phase.SUCCEEDED:
            return None
        return MediaRef(url, "video", True, float(job.duration))
    if len(parts) == 2 and parts[0] == "samples":
        clip = _SAMPLE_CLIP.match(parts[1])
        if clip:
            return MediaRef(
                url, "video", True, float(clip.group(3)), int(clip.group(1)), int(clip.group(2))
            )
        tone = _SAMPLE_TONE.match(parts[1])
        if tone:
            return MediaRef(url, "audio", True, float(tone.group(1)))
        if parts[1].endswith(".png"):
            return MediaRef(url, "image", True, None)
        return None
    if len(parts) >= 3 and parts[0] == "s3":
        if "X-Amz-Signature" not in parse_qs(query):
            return None
        obj = state.get_object(("s3", parts[1], "/".join(parts[2:])))
        if obj is None:
            return None
        kind = kind_from_content_type(obj.content_type, path)
        return MediaRef(url, kind, True, obj.duration() if kind in {"video", "audio"} else None)
    if len(parts) == 5 and parts[:3] == ["fal", "cdn", "files"]:
        obj = state.get_object(("fal", parts[3]))
        if obj is None:
            return None
        kind = kind_from_content_type(obj.content_type, path)
        return MediaRef(url, kind, True, obj.duration() if kind in {"video", "audio"} else None)
    if len(parts) >= 3 and parts[0] == "eachlabs" and parts[1] == "_public":
        obj = state.get_object(("eachlabs", parts[2]))
        if obj is None:
            return None
        kind = kind_from_content_type(obj.content_type, path)
        return MediaRef(url, kind, True, obj.duration() if kind in {"video", "audio"} else None)
    return None


def inspect_url(state: SimState, url: object, label: str, *, https_only: bool = False) -> MediaRef:
    """Validate one reference URL the way a provider's fetcher would, or raise its 400."""
    if not isinstance(url, str) or not url.strip():
        raise ApiError(400, f"{label} must be a non-empty URL string")
    if url.lower().startswith("data:"):
        raise ApiError(400, f"{label}: data URIs are not supported, use a public URL")
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ApiError(400, f"{label}: invalid URL {url!r}")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise ApiError(400, f"{label}: invalid URL {url!r}") from None
    if is_sim_url(state, parts.hostname, port):
        ref = _resolve_sim(state, parts.path, parts.query)
        if ref is not None:
            return MediaRef(url, ref.kind, True, ref.duration, ref.width, ref.height)
        if state.option("sim", "strict_urls"):
            raise ApiError(400, f"{label}: URL is not publicly accessible: {url}")
        return MediaRef(url, kind_from_name(parts.path), True, None)
    if _is_private_host(parts.hostname):
        raise ApiError(400, f"{label}: localhost and private URLs are not accessible: {url}")
    if https_only and parts.scheme != "https":
        raise ApiError(400, f"{label}: only publicly reachable HTTPS URLs are accepted")
    return MediaRef(url, kind_from_name(parts.path), False, None)
