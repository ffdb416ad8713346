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
from seedance_studio.core.i18n import N_, _, ngettext
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
_PLURAL = {
    MediaKind.IMAGE: N_("images"),
    MediaKind.VIDEO: N_("videos"),
    MediaKind.AUDIO: N_("audio clips"),
}
_SINGULAR = {
    MediaKind.IMAGE: N_("image"),
    MediaKind.VIDEO: N_("video"),
    MediaKind.AUDIO: N_("audio clip"),
}
"""Kind words, translated where a message is made (`_plural`, `_singular`)."""
SAYS = N_("{fact}; {provider} {accepts}")
"""What a reference or the composition is, then the provider's limit: `grade` finds the two
halves again by this template's separator, in the language in use."""


def _plural(kind: MediaKind) -> str:
    return _(_PLURAL[kind])


def _singular(kind: MediaKind) -> str:
    return _(_SINGULAR[kind])


def says(fact: str, provider: str, accepts: str) -> str:
    return _(SAYS).format(fact=fact, provider=provider, accepts=accepts)


def _says_marker(provider: str) -> str:
    """The text between the fact and the limit in `says` ("; eachlabs " in English)."""
    template = _(SAYS)
    middle = template.split("{fact}", 1)[-1].split("{accepts}", 1)[0]
    return middle.format(provider=provider)


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
                    "error",
                    "unknown_provider",
                    str(exc.args[0]),
                    _("pick a provider from the list"),
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
                _("pick one of {provider}'s models").format(provider=caps.name),
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
                        _("{tag}: {provider} takes no {kind}").format(
                            tag=self.tag(ref), provider=self.name, kind=_plural(kind)
                        ),
                        _("remove {tag} or pick another provider").format(tag=self.tag(ref)),
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
                says(
                    _("{count} {kind}").format(count=len(refs), kind=_plural(kind)),
                    self.name,
                    _("accepts up to {count}").format(count=allowed),
                ),
                _("remove {tags}").format(tags=names),
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
                says(
                    _("{count} references in all").format(count=len(self.refs)),
                    self.name,
                    _("accepts up to {count} files across images, videos and audio").format(
                        count=cap
                    ),
                ),
                _("remove {count}").format(count=len(self.refs) - cap),
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
                _("{provider} needs a reference video; there is none").format(provider=self.name),
                _("add a video (MP4 or MOV)"),
                kind=MediaKind.VIDEO,
                limit_name="video_required",
            )
        elif self.limits.visual_required and not visual:
            self.add(
                "error",
                "visual_required",
                _("{provider} needs at least one reference image or video").format(
                    provider=self.name
                ),
                _("add an image or a video"),
                limit_name="visual_required",
            )
        if audio and not visual and self.limits.audio_requires_visual:
            self.add(
                "error",
                "audio_needs_visual",
                _(
                    "audio alone is not allowed: {provider} needs at least one image or "
                    "video beside the audio"
                ).format(provider=self.name),
                _("add an image or a video"),
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
                    _("{tag}: the file {path} is no longer there").format(tag=tag, path=ref.source),
                    _("put the file back or replace the reference"),
                    ref=ref,
                )
            return
        refusal = url_refusal(
            ref.source,
            https_only=self.limits.https_only,
            allow_loopback=self.allow_loopback,
            provider=self.name,
        )
        if refusal is None:
            return
        reason = refusal.reason
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
                        _(
                            "{tag} is a URL that was not probed, so its {facts} could not be "
                            "checked against {provider}'s limits"
                        ).format(tag=tag, facts=_fact_words(ref.kind), provider=self.name),
                        _("add the file itself to check it"),
                        ref=ref,
                    )
                else:
                    self.add(
                        "warning",
                        "not_probed",
                        _(
                            "{tag} could not be probed, so its {facts} could not be checked "
                            "against {provider}'s limits"
                        ).format(tag=tag, facts=_fact_words(ref.kind), provider=self.name),
                        _("re-add the file to probe it"),
                        ref=ref,
                    )
            return
        actual_kind = kind_of(facts)
        if actual_kind is not ref.kind:
            self.add(
                "error",
                "kind_mismatch",
                _("{tag} holds {actual}, not {named}").format(
                    tag=tag, actual=_(actual_kind.value), named=_(ref.kind.value)
                ),
                _("remove it and add the file again"),
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
                _("{tag} ({name}) is really {actual}, not {named} as its name says").format(
                    tag=tag, name=file_name, actual=facts.format.upper(), named=named.upper()
                ),
                _("rename the file to match"),
                ref=ref,
                actual=facts.format,
            )
        for violation in fact_violations(ref.kind, facts, lim):
            self._fact_problem(ref, violation, lim)

    def _format_problem(self, ref: Reference, fmt: str, lim: KindLimits) -> None:
        accepted = _(" or ").join(f.upper() for f in lim.formats)
        target = lim.formats[0].upper()
        hint = (
            _("conform it to {target}").format(target=target)
            if ref.kind is not MediaKind.IMAGE
            else _("convert it to {target}").format(target=accepted)
        )
        self.add(
            "error",
            "format_not_accepted",
            says(
                _("{tag} is {value}").format(tag=self.tag(ref), value=fmt.upper()),
                self.name,
                _("accepts {formats} {kind}").format(formats=accepted, kind=_plural(ref.kind)),
            ),
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
        one = _singular(ref.kind)
        facts = ref.facts
        assert facts is not None
        text: dict[str, tuple[str, str, str]] = {}
        if v.code == "format_not_accepted":
            accepted = _(" or ").join(f.upper() for f in lim.formats)
            text[v.code] = (
                _("{tag} is {value}").format(tag=tag, value=facts.format.upper()),
                _("accepts {formats} {kind}").format(formats=accepted, kind=_plural(ref.kind)),
                _("conform it to {target}").format(target=lim.formats[0].upper())
                if ref.kind is not MediaKind.IMAGE
                else _("convert it to {target}").format(target=accepted),
            )
        elif v.code in ("video_codec_not_accepted", "audio_codec_not_accepted"):
            picture = v.code.startswith("video")
            codecs = lim.video_codecs if picture else lim.audio_codecs
            fact = _("{tag}'s picture is {codec}") if picture else _("{tag}'s sound is {codec}")
            text[v.code] = (
                fact.format(tag=tag, codec=str(v.actual).upper()),
                _("decodes {codecs}").format(codecs=_(" or ").join(_codec(c) for c in codecs)),
                _("conform it ({codec})").format(codec=_codec(codecs[0])),
            )
        elif v.code == "file_too_large":
            text[v.code] = (
                _("{tag} is {value}").format(tag=tag, value=_mb(facts.size_bytes)),
                _("accepts up to {limit} per {kind}").format(
                    limit=_mb_limit(lim.max_bytes or 0), kind=one
                ),
                _("conform it to a smaller file")
                if ref.kind is not MediaKind.IMAGE
                else _("save it smaller (lower quality or fewer pixels)"),
            )
        elif v.code == "duration_too_long":
            limit = lim.max_duration_s or 0.0
            text[v.code] = (
                _("{tag} lasts {value}").format(tag=tag, value=_s(facts.duration_s or 0.0)),
                _("accepts up to {limit} per {kind}").format(limit=_s(limit), kind=one),
                _("trim it to {limit}").format(limit=_s(limit)),
            )
        elif v.code == "duration_too_short":
            text[v.code] = (
                _("{tag} lasts {value}").format(tag=tag, value=_s(facts.duration_s or 0.0)),
                _("needs at least {limit} per {kind}").format(
                    limit=_s(lim.min_duration_s or 0.0), kind=one
                ),
                _("use a longer clip"),
            )
        elif v.code in ("too_many_pixels", "too_few_pixels"):
            most = v.code == "too_many_pixels"
            w, h = (lim.max_width, lim.max_height) if most else (lim.min_width, lim.min_height)
            count = (lim.max_pixels if most else lim.min_pixels) or 0
            box = (
                _("{size} pixels ({count} pixels in all)").format(
                    size=f"{w}×{h}", count=f"{count:,}"
                )
                if w and h
                else _("{count} pixels per frame").format(count=f"{count:,}")
            )
            target = f"{v.target.width}×{v.target.height}" if isinstance(v.target, Scale) else ""
            text[v.code] = (
                _("{tag} is {value}").format(tag=tag, value=f"{facts.width}×{facts.height}"),
                (_("accepts up to {limit}") if most else _("needs at least {limit}")).format(
                    limit=box
                ),
                (
                    _("conform it to {target}") if most else _("conform it to {target} (scaled up)")
                ).format(target=target),
            )
        elif v.code in ("fps_too_high", "fps_too_low"):
            high = v.code == "fps_too_high"
            limit = (lim.max_fps if high else lim.min_fps) or 0.0
            fps = _("{value} fps").format(value=f"{limit:g}")
            text[v.code] = (
                _("{tag} runs at {value} fps").format(
                    tag=tag, value=f"{round(facts.fps or 0.0, 2):g}"
                ),
                (_("accepts up to {limit}") if high else _("needs at least {limit}")).format(
                    limit=fps
                ),
                _("conform it to {target}").format(target=fps),
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
            hint = _("{hint}; Fix does it").format(hint=hint)
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
            many = len(refs) > 1
            if v.code == "total_size_too_large":
                fact = (
                    _("{tags} are {value} together") if many else _("{tags} is {value}")
                ).format(tags=names, value=_mb(int(v.actual or 0)))
                accepts = _("accepts up to {limit} of {kind} in all").format(
                    limit=_mb_limit(lim.max_total_bytes or 0), kind=_plural(kind)
                )
                hint = _("conform them to smaller files or remove one")
            else:
                fact = (
                    _("{tags} last {value} together") if many else _("{tags} lasts {value}")
                ).format(tags=names, value=_s(float(v.actual or 0)))
                if v.code == "total_duration_too_long":
                    accepts = _("accepts up to {limit} of {kind} in all").format(
                        limit=_s(lim.max_total_duration_s or 0.0), kind=_plural(kind)
                    )
                    hint = _("trim them or remove one")
                else:
                    accepts = _("needs at least {limit} of {kind}").format(
                        limit=_s(lim.min_total_duration_s or 0.0), kind=_plural(kind)
                    )
                    hint = _("use a longer clip")
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
                _("nothing to generate: the prompt is empty and there are no references"),
                _("describe the video you want or add a reference"),
            )
            return
        if self.limits.prompt_required and not text.strip():
            self.add(
                "error",
                "prompt_required",
                _("{provider} needs a prompt; it is empty").format(provider=self.name),
                _("describe the video you want"),
                limit_name="prompt_required",
            )
        for mention in doc.dangling_mentions():
            self.add(
                "error",
                "dangling_mention",
                dangling_message(mention, tray),
                _("right-click the marker to point it at another reference or delete it"),
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
                    _(
                        "the prompt still reads “{text}”, left from a removed reference; it "
                        "points at nothing"
                    ).format(text=found.group()),
                    _("delete it or mention a reference"),
                    limit_name="mentions",
                    actual=found.group(),
                )
        for found in _TAG_LIKE.finditer(text):
            if any(s < found.end() and found.start() < e for s, e in spans):
                continue
            self.add(
                "error",
                "unbound_tag",
                _(
                    "the prompt reads “{text}”, which looks like a tag but names no reference"
                ).format(text=found.group()),
                _("finish the mention with @ and a tag from the list, or delete it"),
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
                    _("the prompt mentions {tag}, but {provider} takes no {kind}").format(
                        tag=self.tag(ref), provider=self.name, kind=_plural(ref.kind)
                    ),
                    _("delete the mention of {tag}").format(tag=self.tag(ref)),
                    ref=ref,
                    limit_name="max_count",
                    limit=0,
                )
        for _start, _end, tag in doc.unknown_tags():
            if self.kind_limits(tag.kind).max_count == 0:
                self.add(
                    "error",
                    "mention_kind_not_accepted",
                    _("the prompt mentions {tag}, but {provider} takes no {kind}").format(
                        tag=f"@{tag.canonical}", provider=self.name, kind=_plural(tag.kind)
                    ),
                    _("delete {tag}").format(tag=f"@{tag.canonical}"),
                    kind=tag.kind,
                    limit_name="max_count",
                    limit=0,
                    actual=tag.canonical,
                )
                continue
            have = counts[tag.kind]
            if have == 0:
                there = _("there is no {kind}").format(kind=_singular(tag.kind))
            elif have == 1:
                there = _("there is only 1 {kind}").format(kind=_singular(tag.kind))
            else:
                there = _("there are only {count} {kind}").format(
                    count=have, kind=_plural(tag.kind)
                )
            self.add(
                "error",
                "unknown_tag",
                _("the prompt mentions {tag}, but {there}").format(
                    tag=f"@{tag.canonical}", there=there
                ),
                _("add the {kind} or correct the mention").format(kind=_singular(tag.kind)),
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
                    says(
                        _("the prompt is {count} characters").format(count=f"{len(sent):,}"),
                        self.name,
                        _("accepts up to {count}").format(count=f"{max_chars:,}"),
                    ),
                    _("shorten it by {count} characters").format(
                        count=f"{len(sent) - max_chars:,}"
                    ),
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
                    _("{model} has no automatic duration").format(model=label),
                    _("pick {choices}").format(
                        choices=f"{model.durations[0]}–{model.durations[-1]} s"
                    )
                    if model.durations
                    else _("pick a duration"),
                    limit_name="auto_duration",
                    actual="auto",
                )
        elif duration is not None and duration not in model.durations:
            span = _span(model.durations)
            self.add(
                "error",
                "duration_not_offered",
                _("{model} cannot make {duration} s videos; it offers {choices}").format(
                    model=label, duration=duration, choices=span
                ),
                _("pick {choices}").format(choices=span),
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
                ngettext(
                    "{model} makes up to {most} video per request; {asked} were asked for",
                    "{model} makes up to {most} videos per request; {asked} were asked for",
                    model.max_variants,
                ).format(model=label, most=model.max_variants, asked=params.variants),
                _("ask for {most} or fewer").format(most=model.max_variants),
                limit_name="max_variants",
                limit=model.max_variants,
                actual=params.variants,
            )
        if params.seed is not None and not model.seed:
            self.add(
                "warning",
                "seed_ignored",
                _("{model} takes no seed; it will not be sent").format(model=label),
                _("clear the seed"),
                limit_name="seed",
                actual=params.seed,
            )
        if params.generate_audio is not None and not model.generate_audio:
            self.add(
                "warning",
                "generate_audio_ignored",
                _("{model} has no switch for generated audio; the setting will not be sent").format(
                    model=label
                ),
                limit_name="generate_audio",
            )

    def _check_choice(
        self, field: str, value: str | None, offered: Sequence[str], label: str
    ) -> None:
        if value is None:
            return
        words = _(_FIELD_WORDS[field])
        if not offered:
            self.add(
                "warning",
                f"{field}_ignored",
                _("{model} offers no {field} choice; {value} will not be sent").format(
                    model=label, field=words, value=value
                ),
                _("clear the {field}").format(field=words),
                limit_name=_FIELD_LIMIT[field],
                actual=value,
            )
        elif value not in offered:
            self.add(
                "error",
                f"{field}_not_offered",
                _("{model} does not offer {field} {value}; it offers {choices}").format(
                    model=label, field=words, value=value, choices=", ".join(offered)
                ),
                _("pick one of {choices}").format(choices=", ".join(offered)),
                limit_name=_FIELD_LIMIT[field],
                limit=",".join(offered),
                actual=value,
            )


def dangling_message(mention: Mention, tray: ReferenceTray) -> str:
    """What a removed reference's mention says; when another item now carries the same tag,
    it says which is which."""
    named = f"{mention.last_tag} ({mention.last_name})" if mention.last_name else mention.last_tag
    text = _("the prompt mentions {tag}, which was removed from the tray").format(tag=named)
    found = find_tag_mentions(f"@{mention.last_tag}")
    now = tray.find(found[0].tag) if found else None
    if now is not None and now.id != mention.ref_id:
        text += _("; the {tag} in the tray now is {name}, another reference").format(
            tag=mention.last_tag, name=now.display_name
        )
    return text


_REMOVED_MARKER = re.compile(r"@\(remo?v?e?d?[^)\n]{0,20}\)?")
_TAG_LIKE = re.compile(
    r"(?<![\w@])@(?:im(?:a(?:ge?)?)?|vi(?:d(?:eo?)?)?|au(?:d(?:io?)?)?)\b\s?\d*", re.IGNORECASE
)
"""An @-word that starts like a tag (`@Imag`, `@vid`, `@Audio`) but binds to nothing."""
"""What is left of a dangling mention's marker once an edit has cut it loose from its span."""

_FIELD_WORDS = {
    "resolution": N_("resolution"),
    "aspect_ratio": N_("aspect ratio"),
    "mode": N_("mode"),
    "upscale": N_("upscale"),
}

_FIELD_LIMIT = {
    "resolution": "resolutions",
    "aspect_ratio": "aspect_ratios",
    "mode": "modes",
    "upscale": "upscale",
}


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


def compose(fact: str, accepts: str | None, tier: Tier | None, caps: ProviderCapabilities) -> str:
    """What a reference is, then the limit with its evidence: a documented limit is the
    provider's word; a `model` or `inferred` one says why the job may still be refused.
    `accepts` None: the fact names the limit itself (a count, a flag, a choice)."""
    if tier is None or tier.blocks:
        return fact if accepts is None else says(fact, caps.name, accepts)
    doc = caps.documents.get(tier.document)
    source = doc.title if doc is not None else tier.document
    if accepts is None:
        if tier.basis == "model":
            return _(
                "{fact}; {provider}'s page states no such limit, but Seedance 2.0 itself has it "
                "(“{phrase}”, {source}), so the job may be refused"
            ).format(fact=fact, provider=caps.name, phrase=tier.phrase, source=source)
        if tier.note:
            return _(
                "{fact}; by one reading of “{phrase}”: {note}, so the job may be refused"
            ).format(fact=fact, phrase=tier.phrase, note=tier.note)
        return _("{fact}; by one reading of “{phrase}”, so the job may be refused").format(
            fact=fact, phrase=tier.phrase
        )
    if tier.basis == "model":
        return _(
            "{fact}; {provider}'s page states no such limit, but Seedance 2.0 itself {accepts} "
            "(“{phrase}”, {source}), so the job may be refused"
        ).format(fact=fact, provider=caps.name, accepts=accepts, phrase=tier.phrase, source=source)
    if tier.note:
        return _(
            "{fact}; {provider} {accepts} by one reading of “{phrase}”: {note}, so the job may "
            "be refused"
        ).format(fact=fact, provider=caps.name, accepts=accepts, phrase=tier.phrase, note=tier.note)
    return _(
        "{fact}; {provider} {accepts} by one reading of “{phrase}”, so the job may be refused"
    ).format(fact=fact, provider=caps.name, accepts=accepts, phrase=tier.phrase)


def grade(problem: Problem, group: Evidenced | None, caps: ProviderCapabilities) -> Problem:
    """Severity follows evidence for the checks written as messages (counts, flags, choices):
    a problem stays an error only when it breaks a `documented` tier of its limit."""
    if not problem.is_error or group is None or problem.limit_name is None:
        return problem
    tier = deciding_tier(group, problem.limit_name, problem.actual)
    if tier is None or tier.blocks:
        return problem
    marker = _says_marker(caps.name)
    if marker in problem.message:
        fact, accepts = problem.message.split(marker, 1)
        message = compose(fact, accepts, tier, caps)
    else:
        message = compose(problem.message, None, tier, caps)
    hint = (
        _("{hint}; Fix does it").format(hint=problem.hint)
        if problem.conformable and problem.hint
        else problem.hint
    )
    return replace(problem, severity="warning", message=message, hint=hint, basis=tier.basis)


def _codec(name: str) -> str:
    return {"h264": "H.264", "aac": "AAC", "mp3": "MP3"}.get(name, name.upper())


def _fact_words(kind: MediaKind) -> str:
    return {
        MediaKind.IMAGE: _("size"),
        MediaKind.VIDEO: _("size, duration, resolution and frame rate"),
        MediaKind.AUDIO: _("size and duration"),
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
