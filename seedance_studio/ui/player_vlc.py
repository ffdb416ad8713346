"""libvlc behind a small façade: lazy loading, options per platform, and orderly release.

`import vlc` succeeds even where libvlc is not installed; the failure shows only on the first
call (`NameError: no function 'libvlc_new'`) or as an Instance of None when plugins are missing.
Everything here turns those into `VlcUnavailableError`, so the panel can explain instead of crash.
No VLC event callbacks are used: VLC calls them on its own threads, and the panel polls instead.
"""

from __future__ import annotations

import os
import shlex
import sys
from enum import Enum
from types import ModuleType
from typing import Any

from seedance_studio.core.i18n import _

EXTRA_OPTIONS_ENV = "SEEDANCE_STUDIO_VLC_OPTIONS"
"""Extra libvlc options (shell-quoted), e.g. `--vout=xcb_x11` on a headless X server."""

HEADLESS_PLATFORMS = frozenset({"offscreen", "minimal", "vnc"})
"""Qt platforms whose window ids are not real windows: VLC must not try to draw."""


class VlcUnavailableError(Exception):
    """libvlc cannot be used here; str() says why, `hint` says how to fix it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.hint = install_hint()


class PlaybackState(Enum):
    """VLC's states, folded into what the controls need to know."""

    IDLE = "idle"
    OPENING = "opening"
    PLAYING = "playing"
    PAUSED = "paused"
    ENDED = "ended"
    ERROR = "error"


def install_hint(platform: str | None = None) -> str:
    """How to get a working libvlc on this operating system."""
    platform = platform or sys.platform
    if platform.startswith("win"):
        return _(
            "Install VLC media player (64-bit) from https://www.videolan.org/vlc/ "
            "and restart Seedance Studio."
        )
    if platform == "darwin":
        return _(
            "Install VLC from https://www.videolan.org/vlc/ (or `brew install --cask vlc`) "
            "into /Applications and restart Seedance Studio."
        )
    return _(
        "Install libVLC with your package manager, e.g. on Debian/Ubuntu: "
        "`sudo apt install libvlc5 vlc-plugin-base vlc-plugin-video-output`, "
        "then restart Seedance Studio."
    )


def load_vlc() -> ModuleType:
    """Import python-vlc on first use (it loads libvlc as a side effect)."""
    try:
        import vlc  # lazy on purpose: the app must start without libVLC
    except (ImportError, OSError) as exc:
        raise VlcUnavailableError(
            _("python-vlc could not load libVLC: {exc}").format(exc=exc)
        ) from exc
    module: ModuleType = vlc
    return module


def instance_options(qt_platform: str, extra: str | None = None) -> list[str]:
    """libvlc options: quiet, no Xlib threading (Qt owns X), mouse and keys left to Qt (so a
    click on the picture reaches the panel), and no real outputs headless."""
    options = [
        "--no-xlib",
        "--quiet",
        "--no-video-title-show",
        "--no-mouse-events",
        "--no-keyboard-events",
    ]
    if qt_platform in HEADLESS_PLATFORMS:
        options += ["--vout=dummy", "--aout=dummy"]
    extra = os.environ.get(EXTRA_OPTIONS_ENV, "") if extra is None else extra
    options += shlex.split(extra)
    return options


_STATE_NAMES: dict[str, PlaybackState] = {
    "NothingSpecial": PlaybackState.IDLE,
    "Stopped": PlaybackState.IDLE,
    "Opening": PlaybackState.OPENING,
    "Buffering": PlaybackState.OPENING,
    "Playing": PlaybackState.PLAYING,
    "Paused": PlaybackState.PAUSED,
    "Ended": PlaybackState.ENDED,
    "Error": PlaybackState.ERROR,
}


REPEATS = 65535
"""VLC's `input-repeat` count for a looping clip: hours of a short clip, then the panel's
own restart takes over."""


class VlcPlayer:
    """One libvlc instance and media player; plain Python so it can be released from anywhere.

    Release order matters: stop, drop the media, release the player, then the instance.
    """

    def __init__(self, options: list[str]) -> None:
        try:
            vlc = load_vlc()
            instance = vlc.Instance(options)
        except NameError as exc:  # python-vlc found no libvlc: "no function 'libvlc_new'"
            raise VlcUnavailableError(_("libVLC is not installed ({exc})").format(exc=exc)) from exc
        if instance is None:
            raise VlcUnavailableError(
                _(
                    "libVLC is installed but could not start (its plugins are probably missing, "
                    "or {EXTRA_OPTIONS_ENV} holds an option it does not know)"
                ).format(EXTRA_OPTIONS_ENV=EXTRA_OPTIONS_ENV)
            )
        self._vlc = vlc
        self._instance: Any = instance
        self._player: Any = instance.media_player_new()
        self._media: Any = None
        self.bound_window: int | None = None
        self.repeats = False
        """The loaded media plays again by itself when it ends."""

    @property
    def released(self) -> bool:
        return self._player is None

    def bind(self, window_id: int, platform: str | None = None) -> None:
        """Draw into the native window `window_id` (an X window, HWND or NSView)."""
        if self._player is None or window_id == self.bound_window:
            return
        platform = platform or sys.platform
        if platform.startswith("win"):
            self._player.set_hwnd(window_id)
        elif platform == "darwin":
            self._player.set_nsobject(window_id)
        else:
            self._player.set_xwindow(window_id)
        self.bound_window = window_id

    def load(self, path: str, *, repeat: bool = False) -> None:
        """Open `path`; with `repeat`, VLC plays it again inside the same input, so the video
        output stays open between passes (stop and play again shows a black frame)."""
        if self._player is None:
            return
        self._player.stop()
        old = self._media
        self._media = self._instance.media_new_path(path)
        if repeat:
            self._media.add_option(f":input-repeat={REPEATS}")
        self.repeats = repeat
        self._player.set_media(self._media)
        if old is not None:
            old.release()

    def play(self) -> None:
        if self._player is not None:
            self._player.play()

    def pause(self) -> None:
        if self._player is not None:
            self._player.set_pause(1)

    def stop(self) -> None:
        if self._player is not None:
            self._player.stop()

    def next_frame(self) -> None:
        if self._player is not None:
            self._player.next_frame()

    def seek_ms(self, ms: int) -> None:
        if self._player is not None:
            self._player.set_time(max(0, int(ms)))

    def set_volume(self, percent: int) -> None:
        if self._player is not None:
            self._player.audio_set_volume(max(0, min(100, int(percent))))

    def volume(self) -> int:
        return int(self._player.audio_get_volume()) if self._player is not None else 0

    def time_ms(self) -> int:
        return max(0, int(self._player.get_time())) if self._player is not None else 0

    def length_ms(self) -> int:
        return max(0, int(self._player.get_length())) if self._player is not None else 0

    def state(self) -> PlaybackState:
        if self._player is None:
            return PlaybackState.IDLE
        name = str(self._player.get_state()).rsplit(".", 1)[-1]
        return _STATE_NAMES.get(name, PlaybackState.IDLE)

    def video_size(self) -> tuple[int, int] | None:
        if self._player is None:
            return None
        size = self._player.video_get_size(0)
        return (int(size[0]), int(size[1])) if size and size[0] else None

    def release(self) -> None:
        """Stop and free everything; safe to call more than once."""
        player, media, instance = self._player, self._media, self._instance
        self._player = self._media = self._instance = None
        if player is not None:
            player.stop()
            player.set_media(None)
        if media is not None:
            media.release()
        if player is not None:
            player.release()
        if instance is not None:
            instance.release()
