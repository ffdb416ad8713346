"""One MP4 of a whole sequence: the picked takes end to end, for a quick review or a hand-off
that needs no editor.

When every take shares one format (H.264 of the same size, pixel format and codec setup, and
the same sound layout) the packets are copied, so nothing is re-encoded and no quality is
lost. Otherwise every take is decoded and encoded once more at the first take's size and rate.
A sequence soundtrack replaces the takes' own sound in either case (so the video is copied
and only the sound is encoded).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import av
from av.container import OutputContainer

from seedance_studio.core.errors import MediaError
from seedance_studio.core.i18n import _
from seedance_studio.media import soundtrack
from seedance_studio.media.progress import ProgressCallback, Work, atomic_output
from seedance_studio.media.rotation import Upright

X264_OPTIONS = {"preset": "veryfast", "crf": "20"}
AUDIO_BITRATE = 160_000


@dataclass(frozen=True)
class TakeFormat:
    """What decides whether two takes' packets can share one track."""

    width: int
    height: int
    pix_fmt: str
    codec: str
    extradata: bytes
    audio: tuple[str, int, str, bytes] | None
    """(codec, sample rate, layout, extradata), or None for a silent take."""


@dataclass(frozen=True)
class Flattened:
    path: Path
    duration_s: float
    mode: Literal["copy", "encode"]


def take_format(path: Path) -> TakeFormat:
    with av.open(str(path)) as src:
        if not src.streams.video:
            raise MediaError(path.name, _("has no video track"))
        v = src.streams.video[0].codec_context
        audio = None
        if src.streams.audio:
            a = src.streams.audio[0].codec_context
            audio = (a.name, int(a.sample_rate), a.layout.name, bytes(a.extradata or b""))
        return TakeFormat(
            int(v.width), int(v.height), str(v.pix_fmt), v.name, bytes(v.extradata or b""), audio
        )


def take_duration(path: Path) -> float:
    """The length of a take's picture, in seconds."""
    with av.open(str(path)) as src:
        if not src.streams.video:
            raise MediaError(path.name, _("has no video track"))
        stream = src.streams.video[0]
        if stream.duration and stream.time_base:
            return float(stream.duration * stream.time_base)
        if src.duration:
            return float(src.duration / av.time_base)
    raise MediaError(path.name, _("does not say how long it is"))


def flatten(
    takes: list[Path],
    dest: Path,
    *,
    sound: Path | None = None,
    progress: ProgressCallback | None = None,
    cancel_event: threading.Event | None = None,
) -> Flattened:
    """Write `takes` end to end into `dest`; `sound` (if given) becomes the only soundtrack."""
    if not takes:
        raise MediaError(dest.name, _("a sequence needs at least one take to flatten"))
    work = Work(progress, cancel_event)
    try:
        formats = [take_format(p) for p in takes]
        durations = [take_duration(p) for p in takes]
        copy = formats[0].codec == "h264" and all(
            (f.width, f.height, f.pix_fmt, f.codec, f.extradata)
            == (
                formats[0].width,
                formats[0].height,
                formats[0].pix_fmt,
                formats[0].codec,
                formats[0].extradata,
            )
            for f in formats
        )
        copy_audio = sound is None and all(f.audio == formats[0].audio for f in formats)
        with atomic_output(dest) as tmp:
            if copy:
                _copy(takes, durations, tmp, work, copy_audio=copy_audio, sound=sound)
            else:
                _encode(takes, durations, formats[0], tmp, work, sound=sound)
    except av.FFmpegError as exc:
        raise MediaError(
            dest.name, _("cannot flatten the sequence ({error})").format(error=exc)
        ) from exc
    work.report(1.0)
    return Flattened(dest, sum(durations), "copy" if copy else "encode")


def _copy(
    takes: list[Path],
    durations: list[float],
    dest: Path,
    work: Work,
    *,
    copy_audio: bool,
    sound: Path | None,
) -> None:
    """Remux every take's packets into one track each, shifted by the takes before it."""
    total = sum(durations)
    with (
        av.open(str(takes[0])) as first,
        av.open(str(dest), "w", format="mp4", options={"movflags": "faststart"}) as out,
    ):
        vout: Any = out.add_stream_from_template(first.streams.video[0])
        aout: Any = None
        has_audio = bool(first.streams.audio)
        if copy_audio and has_audio:
            aout = out.add_stream_from_template(first.streams.audio[0])
        elif not copy_audio or sound is not None:
            aout = _aac_stream(out)
        offset = Fraction(0)
        last: dict[str, Fraction] = {}
        """The latest decode time muxed per track: a take's sound can run a few ms past its
        picture (encoder priming), so each track starts after its own end, not the picture's."""
        for index, (path, length) in enumerate(zip(takes, durations, strict=True)):
            shifts: dict[str, int] = {}
            with av.open(str(path)) as src:
                streams: list[av.VideoStream | av.AudioStream] = [src.streams.video[0]]
                if copy_audio and has_audio:
                    streams.append(src.streams.audio[0])
                for packet in src.demux(*streams):
                    if packet.dts is None:
                        continue
                    work.check()
                    kind = packet.stream.type
                    base = packet.time_base
                    if kind not in shifts:
                        shift = round(offset / base)
                        if kind in last and (packet.dts + shift) * base <= last[kind]:
                            shift = math.floor(last[kind] / base) + 1 - packet.dts
                        shifts[kind] = shift
                    packet.pts = None if packet.pts is None else packet.pts + shifts[kind]
                    packet.dts += shifts[kind]
                    last[kind] = packet.dts * base
                    packet.stream = vout if kind == "video" else aout
                    out.mux(packet)
            offset += Fraction(length).limit_denominator(1_000_000)
            work.report(
                (index + 1) / len(takes) * (0.8 if aout is not None and not copy_audio else 1.0)
            )
        if aout is not None and not (copy_audio and has_audio):
            frames = (
                soundtrack.mix([sound], total)
                if sound is not None
                else _takes_sound(takes, durations)
            )
            _mux_sound(out, aout, frames)


def _encode(
    takes: list[Path],
    durations: list[float],
    target: TakeFormat,
    dest: Path,
    work: Work,
    *,
    sound: Path | None,
) -> None:
    """Decode every take and encode one H.264/AAC file at the first take's size and rate."""
    rate = _rate(takes[0])
    total_frames = sum(max(1, math.floor(d * rate + 1e-6)) for d in durations)
    with av.open(str(dest), "w", format="mp4", options={"movflags": "faststart"}) as out:
        vout = out.add_stream("libx264", rate=rate, options=X264_OPTIONS)
        vout.width, vout.height, vout.pix_fmt = target.width, target.height, "yuv420p"
        aout = _aac_stream(out)
        index = 0
        for path, length in zip(takes, durations, strict=True):
            count = max(1, math.floor(length * rate + 1e-6))
            upright = Upright()
            local = 0
            held: av.VideoFrame | None = None
            with av.open(str(path)) as src:
                for frame in src.decode(video=0):
                    if frame.pts is None or frame.time_base is None:
                        continue
                    t = float(frame.pts * frame.time_base)
                    held = upright(frame)
                    while local < count and local / rate <= t + 1e-6:
                        _picture(out, vout, held, index, target, rate)
                        local += 1
                        index += 1
                        work.report(0.9 * index / total_frames)
            while held is not None and local < count:  # the last frame holds to the end
                _picture(out, vout, held, index, target, rate)
                local += 1
                index += 1
        out.mux(vout.encode(None))
        frames = (
            soundtrack.mix([sound], sum(durations))
            if sound is not None
            else _takes_sound(takes, durations)
        )
        _mux_sound(out, aout, frames)


def _rate(path: Path) -> Fraction:
    with av.open(str(path)) as src:
        stream = src.streams.video[0]
        guessed = stream.average_rate or stream.guessed_rate or Fraction(24)
    return Fraction(guessed).limit_denominator(1001)


def _picture(
    out: OutputContainer,
    stream: av.VideoStream,
    frame: av.VideoFrame,
    index: int,
    target: TakeFormat,
    rate: Fraction,
) -> None:
    picture = frame.reformat(target.width, target.height, "yuv420p", interpolation="BILINEAR")
    picture.pts = index
    picture.time_base = 1 / rate
    out.mux(stream.encode(picture))


def _aac_stream(out: OutputContainer) -> av.AudioStream:
    stream = out.add_stream("aac", rate=soundtrack.RATE, layout="stereo")
    stream.bit_rate = AUDIO_BITRATE
    return stream


def _takes_sound(takes: list[Path], durations: list[float]) -> list[av.AudioFrame]:
    """Each take's own sound (silence for a silent take), exactly as long as its picture."""
    frames: list[av.AudioFrame] = []
    for path, length in zip(takes, durations, strict=True):
        with av.open(str(path)) as src:
            has_audio = bool(src.streams.audio)
        frames.extend(soundtrack.mix([path] if has_audio else [], length))
    return frames


def _mux_sound(out: OutputContainer, stream: av.AudioStream, frames: list[av.AudioFrame]) -> None:
    written = 0
    for frame in frames:
        frame.pts = written
        frame.time_base = soundtrack.TIME_BASE
        written += frame.samples
        out.mux(stream.encode(frame))
    out.mux(stream.encode(None))
