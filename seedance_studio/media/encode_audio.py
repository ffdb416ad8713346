"""Re-encode audio to MP3 or WAV with a trim window and a byte cap."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import cast

import av
from av.container import OutputContainer

from seedance_studio.media.audio_frames import cut_frame
from seedance_studio.media.progress import Work

MP3_BITRATE = 192_000
MIN_MP3_BITRATE = 32_000
MAX_RATE = 48000
MP3_RATES = (48000, 44100, 32000, 24000, 22050, 16000)


def mp3_bitrate_for(max_bytes: int | None, seconds: float) -> int:
    """The MP3 bitrate for `seconds` of sound under `max_bytes` (192 kb/s when roomy)."""
    if max_bytes is None or seconds <= 0:
        return MP3_BITRATE
    fitting = int(max_bytes * 8 * 0.92 / seconds)
    return max(MIN_MP3_BITRATE, min(MP3_BITRATE, fitting // 8000 * 8000))


def encode_audio(
    source: Path,
    dest: Path,
    *,
    fmt: str,
    start_s: float,
    duration_s: float | None,
    bitrate: int,
    work: Work,
) -> None:
    """Write `dest` as `fmt` (mp3 or wav) from the first audio stream of `source`."""
    with av.open(str(source)) as src:
        ain = src.streams.audio[0]
        in_rate = int(ain.codec_context.sample_rate or 44100)
        channels = min(2, int(ain.codec_context.channels or 2))
        layout = "stereo" if channels == 2 else "mono"
        full = src.duration / av.time_base if src.duration else None
        keep = duration_s if duration_s is not None else max(0.0, (full or 0.0) - start_s)
        if fmt == "mp3":
            rate = next((r for r in MP3_RATES if r <= in_rate), MP3_RATES[-1])
            codec, container, sample_fmt = "libmp3lame", "mp3", "s16p"
        else:
            rate = min(in_rate, MAX_RATE)
            codec, container, sample_fmt = "pcm_s16le", "wav", "s16"
        total = round(keep * rate) if keep > 0 else None
        if start_s > 0:
            src.seek(int(start_s / av.time_base), backward=True)
        resampler = av.AudioResampler(format=sample_fmt, layout=layout, rate=rate)
        with av.open(str(dest), "w", format=container) as out:
            stream = cast(av.AudioStream, out.add_stream(codec, rate=rate, layout=layout))
            if fmt == "mp3":
                stream.bit_rate = bitrate
            written = 0
            for frame in src.decode(ain):
                t = (
                    float(frame.pts * frame.time_base)
                    if frame.pts is not None and frame.time_base is not None
                    else None
                )
                if t is not None and t + frame.samples / frame.sample_rate <= start_s:
                    continue
                for resampled in resampler.resample(frame):
                    written = _mux(out, stream, resampled, written, total, rate)
                if total:
                    work.report(written / total)
                if total is not None and written >= total:
                    break
            for resampled in resampler.resample(None):
                written = _mux(out, stream, resampled, written, total, rate)
            out.mux(stream.encode(None))


def _mux(
    out: OutputContainer,
    stream: av.AudioStream,
    frame: av.AudioFrame,
    written: int,
    total: int | None,
    rate: int,
) -> int:
    if total is not None and written >= total:
        return written
    if total is not None and written + frame.samples > total:
        frame = cut_frame(frame, total - written)
    frame.pts = written
    frame.time_base = Fraction(1, rate)
    out.mux(stream.encode(frame))
    return written + int(frame.samples)
