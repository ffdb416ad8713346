"""Re-encode a video to H.264/AAC MP4 with a trim window, a new size, a constant frame rate
and (optionally) a byte cap, in one decoding pass."""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import av
from av.container import InputContainer, OutputContainer

from seedance_studio.media.audio_frames import cut_frame
from seedance_studio.media.progress import Work
from seedance_studio.media.rotation import Upright

AUDIO_RATE = 48000
AUDIO_BITRATE = 128_000
AAC_FRAME = 1024
MIN_VIDEO_BITRATE = 150_000
X264_PRESET = "veryfast"


def video_bitrate_for(max_bytes: int | None, seconds: float, has_audio: bool) -> int | None:
    """The average video bitrate that keeps a file of `seconds` under `max_bytes` (None: no cap).

    Aims 8 % under the cap for the container's overhead and leaves room for the sound.
    """
    if max_bytes is None or seconds <= 0:
        return None
    total = max_bytes * 8 * 0.92 / seconds
    audio = AUDIO_BITRATE if has_audio else 0
    return max(MIN_VIDEO_BITRATE, int(total - audio))


def encode_video(
    source: Path,
    dest: Path,
    *,
    start_s: float,
    duration_s: float | None,
    width: int,
    height: int,
    fps: float,
    bitrate: int | None,
    work: Work,
) -> None:
    """Write `dest` (MP4) from `source`; progress runs 0..1 over the kept duration."""
    with av.open(str(source)) as src:
        vin = src.streams.video[0]
        ain = src.streams.audio[0] if src.streams.audio else None
        total = _length(src, vin, duration_s, start_s)
        if start_s > 0:
            src.seek(int(start_s / av.time_base), any_frame=False, backward=True)
        rate = Fraction(fps).limit_denominator(1001)
        with av.open(str(dest), "w", format="mp4", options={"movflags": "faststart"}) as out:
            vout = out.add_stream("libx264", rate=rate, options=_x264_options(bitrate))
            vout.width, vout.height, vout.pix_fmt = width, height, "yuv420p"
            if bitrate is not None:
                vout.bit_rate = bitrate
            aout: av.AudioStream | None = None
            resampler: av.AudioResampler | None = None
            if ain is not None:
                aout = out.add_stream("aac", rate=AUDIO_RATE, layout="stereo")
                aout.bit_rate = AUDIO_BITRATE
                resampler = av.AudioResampler(
                    format="fltp", layout="stereo", rate=AUDIO_RATE, frame_size=AAC_FRAME
                )
            retimer = _Retimer(rate, total, start_s)
            upright = Upright()
            audio_samples = 0
            audio_total = round(total * AUDIO_RATE)
            streams = [vin] if ain is None else [vin, ain]
            for packet in src.demux(*streams):
                for frame in packet.decode():
                    if isinstance(frame, av.VideoFrame):
                        frame = upright(frame)
                        t = _time(frame)
                        if t is None:
                            continue
                        for index, chosen in retimer.push(frame, t):
                            _encode_picture(out, vout, chosen, index, width, height, rate)
                            work.report(index / max(1, retimer.count))
                    elif (
                        isinstance(frame, av.AudioFrame)
                        and aout is not None
                        and resampler is not None
                        and audio_samples < audio_total
                    ):
                        audio_samples = _encode_sound(
                            out, aout, resampler, frame, start_s, audio_samples, audio_total
                        )
                if retimer.done and (aout is None or audio_samples >= audio_total):
                    break
            for index, chosen in retimer.finish():
                _encode_picture(out, vout, chosen, index, width, height, rate)
                work.report(index / max(1, retimer.count))
            out.mux(vout.encode(None))
            if aout is not None and resampler is not None:
                for resampled in resampler.resample(None):
                    audio_samples = _mux_audio(out, aout, resampled, audio_samples, audio_total)
                out.mux(aout.encode(None))


def _x264_options(bitrate: int | None) -> dict[str, str]:
    options = {"preset": X264_PRESET, "crf": "21"}
    if bitrate is not None:
        # Constrained CRF: full quality when the cap is loose, never above it when tight.
        options.update(maxrate=str(bitrate), bufsize=str(bitrate))
    return options


def _length(
    src: InputContainer, vin: av.VideoStream, duration_s: float | None, start_s: float
) -> float:
    full = None
    if src.duration:
        full = src.duration / av.time_base
    elif vin.duration and vin.time_base:
        full = float(vin.duration * vin.time_base)
    remaining = max(0.0, (full or 0.0) - start_s)
    if duration_s is None:
        return remaining if full else 0.0
    return min(duration_s, remaining) if full else duration_s


def _time(frame: av.VideoFrame | av.AudioFrame) -> float | None:
    if frame.pts is None or frame.time_base is None:
        return None
    return float(frame.pts * frame.time_base)


class _Retimer:
    """Turns decoded frames at any times into a constant-rate sequence from `start`: each output
    tick shows the latest source frame at or before it (dropping or repeating frames)."""

    def __init__(self, rate: Fraction, total: float, start: float) -> None:
        self.rate = rate
        self.count = max(1, math.floor(total * rate + 1e-6))
        self.start = start
        self.next = 0
        self.pending: av.VideoFrame | None = None

    @property
    def done(self) -> bool:
        return self.next >= self.count

    def push(self, frame: av.VideoFrame, t: float) -> list[tuple[int, av.VideoFrame]]:
        ready: list[tuple[int, av.VideoFrame]] = []
        local = t - self.start
        if local < 0:  # before the in point (seeking lands on an earlier key frame)
            self.pending = frame
            return ready
        while self.next < self.count and self.next / self.rate < local - 1e-6:
            ready.append((self.next, self.pending if self.pending is not None else frame))
            self.next += 1
        self.pending = frame
        return ready

    def finish(self) -> list[tuple[int, av.VideoFrame]]:
        ready: list[tuple[int, av.VideoFrame]] = []
        while self.pending is not None and self.next < self.count:
            ready.append((self.next, self.pending))
            self.next += 1
        return ready


def _encode_picture(
    out: OutputContainer,
    stream: av.VideoStream,
    frame: av.VideoFrame,
    index: int,
    width: int,
    height: int,
    rate: Fraction,
) -> None:
    picture = frame.reformat(width, height, "yuv420p", interpolation="BILINEAR")
    picture.pts = index
    picture.time_base = 1 / rate
    out.mux(stream.encode(picture))


def _encode_sound(
    out: OutputContainer,
    stream: av.AudioStream,
    resampler: av.AudioResampler,
    frame: av.AudioFrame,
    start_s: float,
    written: int,
    total: int,
) -> int:
    t = _time(frame)
    if t is not None and t + frame.samples / frame.sample_rate <= start_s:
        return written
    for resampled in resampler.resample(frame):
        written = _mux_audio(out, stream, resampled, written, total)
    return written


def _mux_audio(
    out: OutputContainer, stream: av.AudioStream, frame: av.AudioFrame, written: int, total: int
) -> int:
    if written >= total:
        return written
    if written + frame.samples > total:
        frame = cut_frame(frame, total - written)
    frame.pts = written
    frame.time_base = Fraction(1, AUDIO_RATE)
    out.mux(stream.encode(frame))
    return written + int(frame.samples)
