"""The animatic: a free local draft of a composition, rendered with PyAV.

The reference images pan and zoom slowly and the reference videos play their own frames, in
tray order and cut to the first audio's rhythm; every reference audio is mixed into the
soundtrack; the prompt runs as a caption and a band says plainly that this is a draft, not
AI generation. It lets a creative check timing and ordering before paying for a generation.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
import httpx

from seedance_studio.core import paths
from seedance_studio.core.capabilities import ProviderCapabilities
from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.errors import MediaError
from seedance_studio.core.i18n import _
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.core.params import with_defaults
from seedance_studio.core.reference import Reference, format_from_name
from seedance_studio.core.tray import number_tags
from seedance_studio.media import captions, layout, onsets, soundtrack
from seedance_studio.media.progress import ProgressCallback, Work, atomic_output
from seedance_studio.media.shots import CardSource, MovingSource, Source, StillSource

DRAFT_HEAD = "DRAFT — animatic"
DRAFT_TAIL = "not AI generation"
DRAFT_LABEL = f"{DRAFT_HEAD}, {DRAFT_TAIL}"
FPS = 24
X264_OPTIONS = {"preset": "ultrafast", "crf": "26"}
"""A draft: encoding speed matters more than bits (10 s of 720p renders in a few seconds)."""
AUDIO_BITRATE = 128_000
DOWNLOAD_TIMEOUT_S = 20.0
CAPTION_LINES = 3


@dataclass(frozen=True)
class AnimaticSpec:
    """Everything a render needs, resolved from a snapshot and the animatic's capabilities."""

    references: list[Reference]
    prompt: str
    duration_s: float
    width: int
    height: int
    fps: int = FPS
    tags: dict[str, str] = field(default_factory=dict)
    """Reference id -> its mention (`@Image1`), shown in the label band."""


def spec_from_snapshot(snapshot: CompositionSnapshot, caps: ProviderCapabilities) -> AnimaticSpec:
    """The render the snapshot asks for: its duration ("auto" follows the first audio), aspect
    ratio and resolution, with the provider's defaults for anything unset."""
    params = with_defaults(snapshot.params, caps)
    model = caps.model(params.model)
    refs = list(snapshot.references)
    audio = [
        r.facts.duration_s
        for r in refs
        if r.kind is MediaKind.AUDIO and r.facts and r.facts.duration_s
    ]
    video = [
        r.facts.duration_s
        for r in refs
        if r.kind is MediaKind.VIDEO and r.facts and r.facts.duration_s
    ]
    duration = layout.resolve_duration(
        params.duration, audio, video, lowest=min(model.durations), highest=max(model.durations)
    )
    width, height = layout.frame_size(params.resolution or "720p", params.aspect_ratio or "16:9")
    tags = {ref_id: tag.mention for ref_id, tag in number_tags(refs).items()}
    return AnimaticSpec(
        references=refs,
        prompt=snapshot.canonical_prompt(),
        duration_s=duration,
        width=width,
        height=height,
        tags=tags,
    )


def render_animatic(
    spec: AnimaticSpec,
    dest: Path,
    progress: ProgressCallback | None = None,
    cancel_event: threading.Event | None = None,
    *,
    download: bool = True,
) -> Path:
    """Render `spec` to the MP4 `dest` (H.264 + AAC). Raises MediaCancelledError when
    cancelled, leaving no file; `download` False draws remote references as cards."""
    work = Work(progress, cancel_event)
    work.check()
    with atomic_output(dest) as tmp:
        _Renderer(spec, work, download).run(tmp)
    return dest


class _Renderer:
    def __init__(self, spec: AnimaticSpec, work: Work, download: bool) -> None:
        self.spec = spec
        self.work = work
        self.download = download
        self.scale = captions.font_scale(spec.height, spec.width)

    def run(self, dest: Path) -> None:
        spec, work = self.spec, self.work
        local = {r.id: self._local(r) for r in spec.references}
        audio_paths = [
            p
            for r in spec.references
            if r.kind is MediaKind.AUDIO
            if (p := local[r.id]) is not None
        ]
        visuals = [r for r in spec.references if r.kind is not MediaKind.AUDIO]
        rhythm, beats = self._rhythm(audio_paths)
        shots = layout.plan_shots(len(visuals), spec.duration_s, rhythm, beats)
        work.stage(0.0, 0.05)
        sound = soundtrack.mix(audio_paths, spec.duration_s)
        work.report(1.0)
        total_frames = round(spec.duration_s * spec.fps)
        with av.open(str(dest), "w", format="mp4", options={"movflags": "faststart"}) as out:
            vout = out.add_stream("libx264", rate=spec.fps, options=X264_OPTIONS)
            vout.width, vout.height, vout.pix_fmt = spec.width, spec.height, "yuv420p"
            vout.thread_type = "AUTO"
            aout = out.add_stream("aac", rate=soundtrack.RATE, layout="stereo")
            aout.bit_rate = AUDIO_BITRATE
            for frame in sound:
                out.mux(aout.encode(frame))
            out.mux(aout.encode(None))
            work.stage(0.05, 1.0)
            sources = self._sources(visuals, local)
            bands = _BandSet(self.spec, self.scale)
            shot_index = 0
            current: tuple[int, Source] | None = None
            time_base = Fraction(1, spec.fps)
            for i in range(total_frames):
                t = i / spec.fps
                while shot_index < len(shots) - 1 and t >= shots[shot_index].end:
                    shot_index += 1
                if shots:
                    shot = shots[shot_index]
                    source = sources[shot.index][shot_index % len(sources[shot.index])]
                    if current is None or current[0] != shot_index:
                        if isinstance(source, MovingSource):
                            source.begin_shot()
                        current = (shot_index, source)
                    picture = source.frame(t - shot.start, (t - shot.start) / shot.length)
                    tag = spec.tags.get(visuals[shot.index].id, "")
                else:
                    picture = bands.title_card()
                    tag = ""
                captions.stamp(picture, bands.for_tag(tag, picture))
                picture.pts = i
                picture.time_base = time_base
                out.mux(vout.encode(picture))
                work.report((i + 1) / total_frames)
            out.mux(vout.encode(None))

    def _rhythm(self, audio_paths: list[Path]) -> tuple[float | None, list[float]]:
        """The first audio's length and onsets, which set where the cuts fall."""
        if not audio_paths:
            return None, []
        first = audio_paths[0]
        with av.open(str(first)) as src:
            length = float(src.duration / av.time_base) if src.duration else None
        beats = onsets.audio_onsets(first, self.spec.duration_s)
        return length, beats

    def _sources(
        self, visuals: list[Reference], local: dict[str, Path | None]
    ) -> list[list[Source]]:
        """Per visual reference, the picture sources its shots use (stills get two variants
        so repeated shots move differently; a video keeps one reader so it runs on)."""
        made: list[list[Source]] = []
        for n, ref in enumerate(visuals):
            path = local[ref.id]
            tag = self.spec.tags.get(ref.id, "")
            try:
                if path is None:
                    raise ValueError("not available")
                if ref.kind is MediaKind.IMAGE:
                    made.append(
                        [
                            StillSource(path, self.spec.width, self.spec.height, n + k)
                            for k in (0, 1)
                        ]
                    )
                else:
                    made.append([MovingSource(path, self.spec.width, self.spec.height)])
            except (av.FFmpegError, MediaError, ValueError, OSError):
                reason = _missing_reason(ref, self.download) if path is None else _("unreadable")
                made.append(
                    [
                        CardSource(
                            self.spec.width,
                            self.spec.height,
                            [f"{tag} {ref.kind.label}", ref.display_name, reason],
                            self.scale,
                        )
                    ]
                )
            self.work.check()
        return made

    def _local(self, ref: Reference) -> Path | None:
        """A local file for `ref`: its path, or a cached download of its URL (None if neither)."""
        if not ref.is_url:
            path = Path(ref.source)
            return path if path.is_file() else None
        if not self.download:
            return None
        return download_reference(ref.source)


def _missing_reason(ref: Reference, download: bool) -> str:
    if not ref.is_url:
        return _("file not found")
    return _("could not be downloaded") if download else _("not downloaded (offline)")


def label_lines(tag: str, width: int, scale: int) -> list[tuple[str, str]]:
    """The top band's lines: the draft label with the shot's tag at the right, on one line
    when both fit; in narrow frames the label splits after "animatic" and, if even that
    leaves no room, the tag gets a line of its own, so the two never overprint."""
    choices = [
        [(DRAFT_LABEL, tag)],
        [(DRAFT_HEAD, tag), (DRAFT_TAIL, "")],
        [(DRAFT_HEAD, ""), (DRAFT_TAIL, ""), ("", tag)],
    ]
    for lines in choices:
        if all(captions.fits_on_line(left, right, width, scale) for left, right in lines):
            return lines
    return choices[-1]


def caption_lines(prompt: str, width: int, scale: int) -> list[str]:
    """The prompt as the bottom band shows it: whitespace collapsed, wrapped, at most
    CAPTION_LINES lines."""
    text = " ".join(prompt.split())
    return captions.wrap_caption(text, width, scale, CAPTION_LINES) if text else []


def overlay_boxes(width: int, height: int, tag: str, prompt: str) -> list[captions.TextBox]:
    """Every text run a frame of this size carries (draft label, tag, caption), in frame
    pixels: what a render draws, without rendering."""
    scale = captions.font_scale(height, width)
    boxes = captions.line_boxes(label_lines(tag, width, scale), top=0, width=width, scale=scale)
    wrapped = caption_lines(prompt, width, scale)
    if wrapped:
        top = height - captions.band_height(len(wrapped), scale)
        boxes += captions.line_boxes(
            [(line, "") for line in wrapped], top=top, width=width, scale=scale
        )
    return boxes


def download_reference(url: str) -> Path | None:
    """Fetch a remote reference into the cache (once per URL); None when it cannot be had."""
    folder = paths.cache_dir() / "downloads"
    folder.mkdir(parents=True, exist_ok=True)
    ext = format_from_name(url) or "bin"
    target = folder / f"{hashlib.sha256(url.encode()).hexdigest()[:24]}.{ext}"
    if target.is_file():
        return target
    try:
        with (
            atomic_output(target) as tmp,
            httpx.stream("GET", url, timeout=DOWNLOAD_TIMEOUT_S, follow_redirects=True) as response,
        ):
            response.raise_for_status()
            with tmp.open("wb") as fh:
                for chunk in response.iter_bytes():
                    fh.write(chunk)
    except (httpx.HTTPError, OSError):
        return None
    return target


class _BandSet:
    """The caption band (bottom) and the draft label band (top, with the shot's tag), built
    once per tag with the frame's plane strides."""

    def __init__(self, spec: AnimaticSpec, scale: int) -> None:
        self.spec = spec
        self.scale = scale
        self._cache: dict[str, list[captions.Band]] = {}
        self._title: av.VideoFrame | None = None

    def for_tag(self, tag: str, picture: av.VideoFrame) -> list[captions.Band]:
        if tag not in self._cache:
            self._cache[tag] = self._build(tag, picture)
        return self._cache[tag]

    def _build(self, tag: str, picture: av.VideoFrame) -> list[captions.Band]:
        spec, scale = self.spec, self.scale
        y_stride = picture.planes[0].line_size
        uv_stride = picture.planes[1].line_size
        bands = [
            captions.text_band(
                label_lines(tag, spec.width, scale),
                top=0,
                width=spec.width,
                luma_stride=y_stride,
                chroma_stride=uv_stride,
                scale=scale,
            )
        ]
        wrapped = caption_lines(spec.prompt, spec.width, scale)
        if wrapped:
            height = captions.band_height(len(wrapped), scale)
            bands.append(
                captions.text_band(
                    [(line, "") for line in wrapped],
                    top=spec.height - height,
                    width=spec.width,
                    luma_stride=y_stride,
                    chroma_stride=uv_stride,
                    scale=scale,
                )
            )
        return bands

    def title_card(self) -> av.VideoFrame:
        if self._title is None:
            card = CardSource(
                self.spec.width,
                self.spec.height,
                _("no reference images\nor videos").split("\n"),
                self.scale,
            )
            self._title = card.picture
        return self._title
