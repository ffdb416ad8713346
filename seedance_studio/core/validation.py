"""Checking a composition against one provider + model before anything is paid for.

`validate` returns every problem at once (not the first), each naming the limit, the offending
reference by its tag, and a fix. Errors block submission; warnings do not. Limits come from
the capability data, so this module holds rules, never numbers.

What cannot be known is not guessed: a URL that was not probed skips the checks that need its
facts and gets one warning that says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from seedance_studio.core import capabilities
from seedance_studio.core.capabilities import (
    Evidenced,
    KindLimits,
    Limits,
    ModelCaps,
    ProviderCapabilities,
)
from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.dialects import compile_prompt
from seedance_studio.core.errors import CompositionError
from seedance_studio.core.evidence import Basis, Tier
from seedance_studio.core.limit_rules import (
    Scale,
    Violation,
    deciding_tier,
    fact_violations,
    total_violations,
)
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.core.probe import kind_of
from seedance_studio.core.prompt import Mention, PromptDocument
from seedance_studio.core.reference import Reference, format_from_name
from seedance_studio.core.tags import Tag, find_tag_mentions
from seedance_studio.core.tray import ReferenceTray, number_tags
from seedance_studio.core.url_policy import url_refusal

Severity = Literal["error", "warning"]
Value = int | float | str | None

_MB = 1024 * 1024
_PLURAL = {MediaKind.IMAGE: "images", MediaKind.VIDEO: "videos", MediaKind.AUDIO: "audio clips"}
_SINGULAR = {MediaKind.IMAGE: "image", MediaKind.VIDEO: "video", MediaKind.AUDIO: "audio clip"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a composition for the chosen provider + model."""

    severity: Severity
    code: str
    """Stable identifier (tests, the UI's icons, the media helper's conform)."""
    message: str
    """Plain language: names the offending reference by its tag and the limit."""
    hint: str = ""
    """How to fix it, e.g. "conform it to 720p"."""
    ref_id: str | None = None
    """The reference at fault, if one is."""
    kind: MediaKind | None = None
    limit_name: str | None = None
    """The capability field that sets the limit (a KindLimits/Limits/ModelCaps field name)."""
    limit: Value = None
    """The limit's value, in the units of `limit_name` (bytes, seconds, pixels, fps, ...)."""
    actual: Value = None
    """What the composition has, in the same units."""
    conformable: bool = False
    """Whether re-encoding the reference (the media helper's conform) can fix it."""
    basis: Basis | None = None
    """The evidence behind a limit that only warns (`model`, `inferred`)."""

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def is_submittable(problems: Iterable[Problem]) -> bool:
    """True when no problem is an error (warnings alone never block a submission)."""
    return not any(p.is_error for p in problems)


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]


def warnings(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if not p.is_error]


def validate(
    snapshot: CompositionSnapshot,
    caps: ProviderCapabilities | None = None,
    *,
    allow_loopback: bool = False,
    check_files: bool = True,
) -> list[Problem]:
    """Every problem `snapshot` has for `caps` (default: its own provider's capabilities).

    `allow_loopback` accepts http(s) URLs on this machine (the provider simulator serves its
    media there); real providers can never fetch them. `check_files` also reports local
    references whose file has disappeared since it was added.
    """
    if caps is None:
        try:
            caps = capabilities.get(snapshot.params.provider)
        except KeyError as exc:
            return [
                Problem(
                    "error", "unknown_provider", str(exc.args[0]), "pick a provider from the list"
                )
            ]
    try:
        model = caps.model(snapshot.params.model)
    except KeyError as exc:
        return [
            Problem(
                "error",
                "unknown_model",
                str(exc.args[0]),
                f"pick one of {caps.name}'s models",
                limit_name="models",
                actual=snapshot.params.model,
            )
        ]
    checker = _Checker(
        snapshot, caps, model, allow_loopback=allow_loopback, check_files=check_files
    )
    return checker.run()


class _Checker:
    """One validation run; each `_check_*` method appends to `problems`."""

    def __init__(
        self,
        snapshot: CompositionSnapshot,
        caps: ProviderCapabilities,
        model: ModelCaps,
        *,
        allow_loopback: bool,
        check_files: bool,
    ) -> None:
        self.snapshot = snapshot
        self.caps = caps
        self.model = model
        self.limits: Limits = caps.limits_for(model.id)
        self.refs: list[Reference] = list(snapshot.references)
        self.tags: dict[str, Tag] = number_tags(self.refs)
        self.allow_loopback = allow_loopback
        self.check_files = check_files
        self.problems: list[Problem] = []
        self.name = caps.name

    def run(self) -> list[Problem]:
        self._check_counts()
        self._check_required()
        for ref in self.refs:
            self._check_source(ref)
            self._check_facts(ref)
        for kind in (MediaKind.VIDEO, MediaKind.AUDIO, MediaKind.IMAGE):
            self._check_totals(kind)
        self._check_prompt()
        self._check_params()
        return [grade(p, self._group(p), self.caps) for p in self.problems]

    def _group(self, p: Problem) -> Evidenced | None:
        """The set of limits a problem's `limit_name` belongs to (its evidence lives there)."""
        if p.limit_name is None:
            return None
        if p.limit_name in KindLimits.model_fields and p.kind is not None:
            return self.kind_limits(p.kind)
        if p.limit_name in Limits.model_fields:
            return self.limits
        if p.limit_name in ModelCaps.model_fields:
            return self.model
        return None

    # -- helpers --------------------------------------------------------------------------------

    def add(
        self,
        severity: Severity,
        code: str,
        message: str,
        hint: str = "",
        *,
        ref: Reference | None = None,
        kind: MediaKind | None = None,
        limit_name: str | None = None,
        limit: Value = None,
        actual: Value = None,
        conformable: bool = False,
    ) -> None:
        self.problems.append(
            Problem(
                severity,
                code,
                message,
                hint,
                ref.id if ref else None,
                kind or (ref.kind if ref else None),
                limit_name,
                limit,
                actual,
                conformable,
            )
        )

    def tag(self, ref: Reference) -> str:
        return self.tags[ref.id].canonical

    def of_kind(self, kind: MediaKind) -> list[Reference]:
        return [r for r in self.refs if r.kind is kind]

    def kind_limits(self, kind: MediaKind) -> KindLimits:
        return self.limits.for_kind(kind)

    # -- counts and required references ---------------------------------------------------------

    def _check_counts(self) -> None:
        for kind in MediaKind:
            refs = self.of_kind(kind)
            allowed = self.kind_limits(kind).max_count
            if not refs or len(refs) <= allowed:
                continue
            if allowed == 0:
                for ref in refs:
                    self.add(
                        "error",
                        "kind_not_accepted",
                        f"{self.tag(ref)}: {self.name} takes no {_PLURAL[kind]}",
                        f"remove {self.tag(ref)} or pick another provider",
                        ref=ref,
                        limit_name="max_count",
                        limit=0,
                        actual=len(refs),
                    )
                continue
            extra = refs[allowed:]
            names = ", ".join(self.tag(r) for r in extra)
            self.add(
                "error",
                "too_many_of_kind",
                f"{len(refs)} {_PLURAL[kind]}; {self.name} accepts up to {allowed}",
                f"remove {names}",
                ref=extra[0],
                kind=kind,
                limit_name="max_count",
                limit=allowed,
                actual=len(refs),
            )
        cap = self.limits.max_files
        if cap is not None and len(self.refs) > cap:
            self.add(
                "error",
                "too_many_files",
                f"{len(self.refs)} references in all; {self.name} accepts up to {cap} "
                "files across images, videos and audio",
                f"remove {len(self.refs) - cap}",
                limit_name="max_files",
                limit=cap,
                actual=len(self.refs),
            )

    def _check_required(self) -> None:
        visual = self.of_kind(MediaKind.IMAGE) + self.of_kind(MediaKind.VIDEO)
        audio = self.of_kind(MediaKind.AUDIO)
        if self.limits.video_required and not self.of_kind(MediaKind.VIDEO):
            self.add(
                "error",
                "video_required",
                f"{self.name} needs a reference video; there is none",
                "add a video (MP4 or MOV)",
                kind=MediaKind.VIDEO,
                limit_name="video_required",
            )
        elif self.limits.visual_required and not visual:
            self.add(
                "error",
                "visual_required",
                f"{self.name} needs at least one reference image or video",
                "add an image or a video",
                limit_name="visual_required",
            )
        if audio and not visual and self.limits.audio_requires_visual:
            self.add(
                "error",
                "audio_needs_visual",
                f"audio alone is not allowed: {self.name} needs at least one image or "
                "video beside the audio",
                "add an image or a video",
                ref=audio[0],
                limit_name="audio_requires_visual",
            )

    # -- sources --------------------------------------------------------------------------------

    def _check_source(self, ref: Reference) -> None:
        tag = self.tag(ref)
        if not ref.is_url and not ref.source.lower().startswith("file:"):
            if self.check_files and not Path(ref.source).is_file():
                self.add(
                    "error",
                    "file_missing",
                    f"{tag}: the file {ref.source} is no longer there",
                    "put the file back or replace the reference",
                    ref=ref,
                )
            return
        refusal = url_refusal(
            ref.source, https_only=self.limits.https_only, allow_loopback=self.allow_loopback
        )
        if refusal is None:
            return
        reason = refusal.reason.replace("the provider", self.name)
        if refusal.scheme_only:
            self.add(
                "error",
                refusal.code,
                f"{tag} {reason}",
                refusal.hint,
                ref=ref,
                limit_name="https_only",
                actual=True,
            )
        else:
            self.add(
                "error",
                refusal.code,
                f"{tag} {reason}",
                refusal.hint,
                ref=ref,
                actual=ref.source if len(ref.source) < 80 else ref.source[:77] + "...",
            )

    # -- per-reference facts --------------------------------------------------------------------

    def _check_facts(self, ref: Reference) -> None:
        lim = self.kind_limits(ref.kind)
        if lim.max_count == 0:
            return  # already reported as a kind the provider does not take
        tag = self.tag(ref)
        facts = ref.facts
        if facts is None:
            fmt = format_from_name(ref.name or ref.source) or format_from_name(ref.source)
            if fmt and lim.formats and fmt not in lim.formats:
                self._format_problem(ref, fmt, lim)
            if _has_documented_fact_limits(lim):
                if ref.is_url:
                    self.add(
                        "warning",
                        "not_probed",
                        f"{tag} is a URL that was not probed, so its "
                        f"{_fact_words(ref.kind)} could not be checked against "
                        f"{self.name}'s limits",
                        "add the file itself to check it",
                        ref=ref,
                    )
                else:
                    self.add(
                        "warning",
                        "not_probed",
                        f"{tag} could not be probed, so its {_fact_words(ref.kind)} "
                        f"could not be checked against {self.name}'s limits",
                        "re-add the file to probe it",
                        ref=ref,
                    )
            return
        actual_kind = kind_of(facts)
        if actual_kind is not ref.kind:
            self.add(
                "error",
                "kind_mismatch",
                f"{tag} holds {actual_kind.value}, not {ref.kind.value}",
                "remove it and add the file again",
                ref=ref,
                actual=actual_kind.value,
            )
            return
        # A conformed copy keeps the user's file name, so its own path is what names it.
        file_name = Path(ref.source).name if ref.original_source else ref.name
        named = format_from_name(file_name) if file_name else None
        if named and named != facts.format and not {named, facts.format} <= {"mp4", "mov"}:
            self.add(
                "warning",
                "format_mislabelled",
                f"{tag} ({file_name}) is really {facts.format.upper()}, "
                f"not {named.upper()} as its name says",
                "rename the file to match",
                ref=ref,
                actual=facts.format,
            )
        for violation in fact_violations(ref.kind, facts, lim):
            self._fact_problem(ref, violation, lim)

    def _format_problem(self, ref: Reference, fmt: str, lim: KindLimits) -> None:
        accepted = " or ".join(f.upper() for f in lim.formats)
        target = lim.formats[0].upper()
        hint = (
            f"conform it to {target}"
            if ref.kind is not MediaKind.IMAGE
            else f"convert it to {accepted}"
        )
        self.add(
            "error",
            "format_not_accepted",
            f"{self.tag(ref)} is {fmt.upper()}; {self.name} accepts {accepted} {_PLURAL[ref.kind]}",
            hint,
            ref=ref,
            limit_name="formats",
            limit=",".join(lim.formats),
            actual=fmt,
            conformable=True,
        )

    def _fact_problem(self, ref: Reference, v: Violation, lim: KindLimits) -> None:
        """One limit `ref` breaks on its own, in words: what it is; what the limit is."""
        tag = self.tag(ref)
        one = _SINGULAR[ref.kind]
        facts = ref.facts
        assert facts is not None
        text: dict[str, tuple[str, str, str]] = {}
        if v.code == "format_not_accepted":
            accepted = " or ".join(f.upper() for f in lim.formats)
            text[v.code] = (
                f"{tag} is {facts.format.upper()}",
                f"accepts {accepted} {_PLURAL[ref.kind]}",
                f"conform it to {lim.formats[0].upper()}"
                if ref.kind is not MediaKind.IMAGE
                else f"convert it to {accepted}",
            )
        elif v.code in ("video_codec_not_accepted", "audio_codec_not_accepted"):
            stream = "picture" if v.code.startswith("video") else "sound"
            codecs = lim.video_codecs if stream == "picture" else lim.audio_codecs
            text[v.code] = (
                f"{tag}'s {stream} is {str(v.actual).upper()}",
                f"decodes {' or '.join(_codec(c) for c in codecs)}",
                f"conform it ({_codec(codecs[0])})",
            )
        elif v.code == "file_too_large":
            text[v.code] = (
                f"{tag} is {_mb(facts.size_bytes)}",
                f"accepts up to {_mb_limit(lim.max_bytes or 0)} per {one}",
                "conform it to a smaller file"
                if ref.kind is not MediaKind.IMAGE
                else "save it smaller (lower quality or fewer pixels)",
            )
        elif v.code == "duration_too_long":
            limit = lim.max_duration_s or 0.0
            text[v.code] = (
                f"{tag} lasts {_s(facts.duration_s or 0.0)}",
                f"accepts up to {_s(limit)} per {one}",
                f"trim it to {_s(limit)}",
            )
        elif v.code == "duration_too_short":
            text[v.code] = (
                f"{tag} lasts {_s(facts.duration_s or 0.0)}",
                f"needs at least {_s(lim.min_duration_s or 0.0)} per {one}",
                "use a longer clip",
            )
        elif v.code in ("too_many_pixels", "too_few_pixels"):
            most = v.code == "too_many_pixels"
            w, h = (lim.max_width, lim.max_height) if most else (lim.min_width, lim.min_height)
            count = (lim.max_pixels if most else lim.min_pixels) or 0
            box = (
                f"{w}×{h} pixels ({count:,} pixels in all)"
                if w and h
                else (f"{count:,} pixels per frame")
            )
            target = f"{v.target.width}×{v.target.height}" if isinstance(v.target, Scale) else ""
            text[v.code] = (
                f"{tag} is {facts.width}×{facts.height}",
                f"{'accepts up to' if most else 'needs at least'} {box}",
                f"conform it to {target}" + ("" if most else " (scaled up)"),
            )
        elif v.code in ("fps_too_high", "fps_too_low"):
            high = v.code == "fps_too_high"
            limit = (lim.max_fps if high else lim.min_fps) or 0.0
            text[v.code] = (
                f"{tag} runs at {round(facts.fps or 0.0, 2):g} fps",
                f"{'accepts up to' if high else 'needs at least'} {limit:g} fps",
                f"conform it to {limit:g} fps",
            )
        if v.code not in text:
            return
        fact, accepts, hint = text[v.code]
        self._add_violation(v, fact, accepts, hint, ref=ref)

    def _add_violation(
        self, v: Violation, fact: str, accepts: str, hint: str, *, ref: Reference | None = None
    ) -> None:
        message = compose(fact, accepts, v.tier, self.caps)
        if v.severity == "warning" and v.conformable:
            hint = f"{hint}; Fix does it"
        limit = v.limit if isinstance(v.limit, int | float | str) else None
        actual = v.actual if isinstance(v.actual, int | float | str) else None
        self.problems.append(
            Problem(
                v.severity,
                v.code,
                message,
                hint,
                ref.id if ref else None,
                v.kind,
                v.field,
                limit,
                actual,
                v.conformable,
                v.tier.basis if v.tier is not None and not v.tier.blocks else None,
            )
        )

    # -- totals per kind ------------------------------------------------------------------------

    def _check_totals(self, kind: MediaKind) -> None:
        lim = self.kind_limits(kind)
        refs = self.of_kind(kind)
        if not refs or lim.max_count == 0:
            return
        names = ", ".join(self.tag(r) for r in refs)
        for v in total_violations(kind, [r.facts for r in refs], lim):
            if v.code == "total_size_too_large":
                fact = (
                    f"{names} {'are' if len(refs) > 1 else 'is'} {_mb(int(v.actual or 0))}"
                    f"{_together(refs)}"
                )
                accepts = (
                    f"accepts up to {_mb_limit(lim.max_total_bytes or 0)} of {_PLURAL[kind]} in all"
                )
                hint = "conform them to smaller files or remove one"
            elif v.code == "total_duration_too_long":
                fact = f"{names} {_last(refs)} {_s(float(v.actual or 0))}{_together(refs)}"
                accepts = (
                    f"accepts up to {_s(lim.max_total_duration_s or 0.0)} of {_PLURAL[kind]} in all"
                )
                hint = "trim them or remove one"
            else:
                fact = f"{names} {_last(refs)} {_s(float(v.actual or 0))}{_together(refs)}"
                accepts = f"needs at least {_s(lim.min_total_duration_s or 0.0)} of {_PLURAL[kind]}"
                hint = "use a longer clip"
            self._add_violation(v, fact, accepts, hint, ref=refs[0])

    # -- prompt ---------------------------------------------------------------------------------

    def _check_prompt(self) -> None:
        tray = self.snapshot.tray()
        doc: PromptDocument = self.snapshot.prompt_document(tray)
        text = doc.text
        if not text.strip() and not self.refs:
            self.add(
                "error",
                "empty_composition",
                "nothing to generate: the prompt is empty and there are no references",
                "describe the video you want or add a reference",
            )
            return
        if self.limits.prompt_required and not text.strip():
            self.add(
                "error",
                "prompt_required",
                f"{self.name} needs a prompt; it is empty",
                "describe the video you want",
                limit_name="prompt_required",
            )
        for mention in doc.dangling_mentions():
            self.add(
                "error",
                "dangling_mention",
                dangling_message(mention, tray),
                "right-click the marker to point it at another reference or delete it",
                limit_name="mentions",
                actual=mention.last_tag,
            )
        spans = [(m.start, m.end) for m in doc.mentions]
        spans += [(start, end) for start, end, _tag in doc.unknown_tags()]
        for found in _REMOVED_MARKER.finditer(text):
            if not any(s < found.end() and found.start() < e for s, e in spans):
                spans.append((found.start(), found.end()))
                self.add(
                    "error",
                    "removed_marker_text",
                    f"the prompt still reads “{found.group()}”, left from a removed "
                    "reference; it points at nothing",
                    "delete it or mention a reference",
                    limit_name="mentions",
                    actual=found.group(),
                )
        for found in _TAG_LIKE.finditer(text):
            if any(s < found.end() and found.start() < e for s, e in spans):
                continue
            self.add(
                "error",
                "unbound_tag",
                f"the prompt reads “{found.group()}”, which looks like a tag but names "
                "no reference",
                "finish the mention with @ and a tag from the list, or delete it",
                limit_name="mentions",
                actual=found.group(),
            )
        counts = {kind: len(tray.of_kind(kind)) for kind in MediaKind}
        by_id = {r.id: r for r in self.refs}
        for mention in doc.live_mentions():
            ref = by_id.get(mention.ref_id)
            if ref is not None and self.kind_limits(ref.kind).max_count == 0:
                self.add(
                    "error",
                    "mention_kind_not_accepted",
                    f"the prompt mentions {self.tag(ref)}, but {self.name} takes no "
                    f"{_PLURAL[ref.kind]}",
                    f"delete the mention of {self.tag(ref)}",
                    ref=ref,
                    limit_name="max_count",
                    limit=0,
                )
        for _start, _end, tag in doc.unknown_tags():
            if self.kind_limits(tag.kind).max_count == 0:
                self.add(
                    "error",
                    "mention_kind_not_accepted",
                    f"the prompt mentions @{tag.canonical}, but {self.name} takes no "
                    f"{_PLURAL[tag.kind]}",
                    f"delete @{tag.canonical}",
                    kind=tag.kind,
                    limit_name="max_count",
                    limit=0,
                    actual=tag.canonical,
                )
                continue
            have = counts[tag.kind]
            there = (
                f"there is no {_SINGULAR[tag.kind]}"
                if have == 0
                else f"there {'is' if have == 1 else 'are'} only {have} "
                f"{_SINGULAR[tag.kind] if have == 1 else _PLURAL[tag.kind]}"
            )
            self.add(
                "error",
                "unknown_tag",
                f"the prompt mentions @{tag.canonical}, but {there}",
                f"add the {_SINGULAR[tag.kind]} or correct the mention",
                kind=tag.kind,
                limit_name="mentions",
                limit=have,
                actual=tag.canonical,
            )
        max_chars = self.limits.prompt_max_chars
        if max_chars is not None:
            sent = self._compiled_or(text, doc)
            if len(sent) > max_chars:
                self.add(
                    "error",
                    "prompt_too_long",
                    f"the prompt is {len(sent):,} characters; {self.name} accepts up to "
                    f"{max_chars:,}",
                    f"shorten it by {len(sent) - max_chars:,} characters",
                    limit_name="prompt_max_chars",
                    limit=max_chars,
                    actual=len(sent),
                )

    def _compiled_or(self, text: str, doc: PromptDocument) -> str:
        """The prompt as it would be sent (its length is what counts), or the text as shown."""
        try:
            return compile_prompt(doc, self.snapshot.tray(), self.caps.dialect)
        except CompositionError:
            return text

    # -- parameters -----------------------------------------------------------------------------

    def _check_params(self) -> None:
        params = self.snapshot.params
        model = self.model
        label = f"{self.name} {model.label}"
        duration = params.duration
        if duration == "auto":
            if not model.auto_duration:
                self.add(
                    "error",
                    "duration_not_offered",
                    f"{label} has no automatic duration",
                    f"pick {model.durations[0]}–{model.durations[-1]} s"
                    if model.durations
                    else "pick a duration",
                    limit_name="auto_duration",
                    actual="auto",
                )
        elif duration is not None and duration not in model.durations:
            span = _span(model.durations)
            self.add(
                "error",
                "duration_not_offered",
                f"{label} cannot make {duration} s videos; it offers {span}",
                f"pick {span}",
                limit_name="durations",
                actual=duration,
            )
        self._check_choice("resolution", params.resolution, model.resolutions, label)
        self._check_choice("aspect_ratio", params.aspect_ratio, model.aspect_ratios, label)
        self._check_choice("mode", params.mode, model.modes, label)
        self._check_choice("upscale", params.upscale, model.upscale, label)
        if params.variants > model.max_variants:
            self.add(
                "error",
                "too_many_variants",
                f"{label} makes up to {model.max_variants} "
                f"video{'s' if model.max_variants > 1 else ''} per request; "
                f"{params.variants} were asked for",
                f"ask for {model.max_variants} or fewer",
                limit_name="max_variants",
                limit=model.max_variants,
                actual=params.variants,
            )
        if params.seed is not None and not model.seed:
            self.add(
                "warning",
                "seed_ignored",
                f"{label} takes no seed; it will not be sent",
                "clear the seed",
                limit_name="seed",
                actual=params.seed,
            )
        if params.generate_audio is not None and not model.generate_audio:
            self.add(
                "warning",
                "generate_audio_ignored",
                f"{label} has no switch for generated audio; the setting will not be sent",
                limit_name="generate_audio",
            )

    def _check_choice(
        self, field: str, value: str | None, offered: Sequence[str], label: str
    ) -> None:
        if value is None:
            return
        words = field.replace("_", " ")
        if not offered:
            self.add(
                "warning",
                f"{field}_ignored",
                f"{label} offers no {words} choice; {value} will not be sent",
                f"clear the {words}",
                limit_name=_FIELD_LIMIT[field],
                actual=value,
            )
        elif value not in offered:
            self.add(
                "error",
                f"{field}_not_offered",
                f"{label} does not offer {words} {value}; it offers {', '.join(offered)}",
                f"pick one of {', '.join(offered)}",
                limit_name=_FIELD_LIMIT[field],
                limit=",".join(offered),
                actual=value,
            )


def dangling_message(mention: Mention, tray: ReferenceTray) -> str:
    """What a removed reference's mention says; when another item now carries the same tag,
    it says which is which."""
    named = f"{mention.last_tag} ({mention.last_name})" if mention.last_name else mention.last_tag
    text = f"the prompt mentions {named}, which was removed from the tray"
    found = find_tag_mentions(f"@{mention.last_tag}")
    now = tray.find(found[0].tag) if found else None
    if now is not None and now.id != mention.ref_id:
        text += f"; the {mention.last_tag} in the tray now is {now.display_name}, another reference"
    return text


_REMOVED_MARKER = re.compile(r"@\(remo?v?e?d?[^)\n]{0,20}\)?")
_TAG_LIKE = re.compile(
    r"(?<![\w@])@(?:im(?:a(?:ge?)?)?|vi(?:d(?:eo?)?)?|au(?:d(?:io?)?)?)\b\s?\d*", re.IGNORECASE
)
"""An @-word that starts like a tag (`@Imag`, `@vid`, `@Audio`) but binds to nothing."""
"""What is left of a dangling mention's marker once an edit has cut it loose from its span."""

_FIELD_LIMIT = {
    "resolution": "resolutions",
    "aspect_ratio": "aspect_ratios",
    "mode": "modes",
    "upscale": "upscale",
}


def _last(refs: Sequence[Reference]) -> str:
    return "last" if len(refs) > 1 else "lasts"


def _together(refs: Sequence[Reference]) -> str:
    return " together" if len(refs) > 1 else ""


_FACT_FIELDS = (
    "max_bytes",
    "max_total_bytes",
    "min_duration_s",
    "max_duration_s",
    "min_total_duration_s",
    "max_total_duration_s",
    "min_pixels",
    "max_pixels",
    "min_fps",
    "max_fps",
)


def _has_documented_fact_limits(lim: KindLimits) -> bool:
    """Whether an unprobed reference could break a limit that blocks (a limit written in code
    without evidence counts as one; a `model` or `inferred` one only warns anyway)."""
    for name in _FACT_FIELDS:
        if getattr(lim, name) is None:
            continue
        tiers = lim.tiers(name)
        if not tiers or any(t.blocks for t in tiers):
            return True
    return False


def compose(fact: str, accepts: str, tier: Tier | None, caps: ProviderCapabilities) -> str:
    """What a reference is, then the limit with its evidence: a documented limit is the
    provider's word; a `model` or `inferred` one says why the job may still be refused."""
    if tier is None or tier.blocks:
        return f"{fact}; {caps.name} {accepts}"
    doc = caps.documents.get(tier.document)
    source = doc.title if doc is not None else tier.document
    if tier.basis == "model":
        return (
            f"{fact}; {caps.name}'s page states no such limit, but Seedance 2.0 itself "
            f"{accepts} (“{tier.phrase}”, {source}), so the job may be refused"
        )
    reading = f": {tier.note}" if tier.note else ""
    return (
        f"{fact}; {caps.name} {accepts} by one reading of “{tier.phrase}”{reading}, "
        "so the job may be refused"
    )


def grade(problem: Problem, group: Evidenced | None, caps: ProviderCapabilities) -> Problem:
    """Severity follows evidence for the checks written as messages (counts, flags, choices):
    a problem stays an error only when it breaks a `documented` tier of its limit."""
    if not problem.is_error or group is None or problem.limit_name is None:
        return problem
    tier = deciding_tier(group, problem.limit_name, problem.actual)
    if tier is None or tier.blocks:
        return problem
    marker = f"; {caps.name} "
    if marker in problem.message:
        fact, accepts = problem.message.split(marker, 1)
        message = compose(fact, accepts, tier, caps)
    else:
        message = compose(problem.message, "", tier, caps).replace(f"; {caps.name} ", "; ", 1)
        message = message.replace(" itself  (", " itself has it (").replace("  by one", " by one")
    hint = f"{problem.hint}; Fix does it" if problem.conformable and problem.hint else problem.hint
    return replace(problem, severity="warning", message=message, hint=hint, basis=tier.basis)


def _codec(name: str) -> str:
    return {"h264": "H.264", "aac": "AAC", "mp3": "MP3"}.get(name, name.upper())


def _fact_words(kind: MediaKind) -> str:
    return {
        MediaKind.IMAGE: "size",
        MediaKind.VIDEO: "size, duration, resolution and frame rate",
        MediaKind.AUDIO: "size and duration",
    }[kind]


def _mb(n: int) -> str:
    if n < _MB:
        return f"{n / 1024:.0f} KB"
    value = n / _MB
    return f"{value:.0f} MB" if value >= 10 and value == int(value) else f"{value:.1f} MB"


def _mb_limit(n: int) -> str:
    """A byte limit as the page wrote it: 30,000,000 and 31,457,280 both read "30 MB"."""
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000} MB"
    return _mb(n)


def _s(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds != int(seconds) else f"{int(seconds)} s"


def _span(values: Sequence[int]) -> str:
    if values and list(values) == list(range(values[0], values[-1] + 1)):
        return f"{values[0]}–{values[-1]} s"
    return ", ".join(str(v) for v in values) + " s"


__all__ = ["Problem", "Severity", "errors", "is_submittable", "validate", "warnings"]
