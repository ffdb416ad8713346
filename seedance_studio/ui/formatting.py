"""How facts read on screen: durations, sizes, resolutions (display only, no rules)."""

from __future__ import annotations

from seedance_studio.core.i18n import _
from seedance_studio.core.media_facts import MediaFacts


def format_duration(seconds: float) -> str:
    """`4.0 s` under a minute, `1:05` above."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}:{secs:02d}"


def format_size(size_bytes: int) -> str:
    value = float(size_bytes)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def format_facts(facts: MediaFacts | None) -> str:
    """One short line: `1280×720 · 24 fps · 4.0 s · 2.1 MB · mp4`."""
    if facts is None:
        return _("URL (not probed)")
    parts: list[str] = []
    if facts.width and facts.height:
        parts.append(f"{facts.width}×{facts.height}")
    if facts.fps:
        parts.append(f"{facts.fps:.0f} fps")
    if facts.duration_s is not None:
        parts.append(format_duration(facts.duration_s))
    parts.append(format_size(facts.size_bytes))
    parts.append(facts.format)
    return " · ".join(parts)
