"""The checks of the references themselves: counts, what a provider requires, where each one
lives, each one's probed facts and the totals per kind (the facts' predicates are
core/limit_rules.py's, shared with the conform planner)."""

from __future__ import annotations

from pathlib import Path

from seedance_studio.core.capabilities import KindLimits
from seedance_studio.core.i18n import _
from seedance_studio.core.limit_rules import Scale, Violation, fact_violations, total_violations
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.core.media_formats import kind_of
from seedance_studio.core.reference import Reference, format_from_name
from seedance_studio.core.url_policy import url_refusal
from seedance_studio.core.validation.problem import (
    Checker,
    Context,
    Problem,
    codec,
    fact_words,
    mb,
    mb_limit,
    plural_word,
    says,
    secs,
    singular_word,
)


def file_problem(ctx: Context, ref: Reference) -> list[Problem]:
    """A local reference whose file has gone (read fresh each time: it is the disk's state,
    not the composition's)."""
    if ref.is_url or ref.source.lower().startswith("file:") or Path(ref.source).is_file():
        return []
    checker = Checker(ctx)
    checker.add(
        "error",
        "file_missing",
        _("{tag}: the file {path} is no longer there").format(
            tag=ctx.tags[ref.id].canonical, path=ref.source
        ),
        _("put the file back or replace the reference"),
        ref=ref,
    )
    return checker.take()


class ReferenceChecks(Checker):
    """Everything about the references that follows from the references and the limits alone
    (a live composition keeps these while only its prompt changes)."""

    def overall(self) -> list[Problem]:
        """Counts and required references."""
        self._check_counts()
        self._check_required()
        return self.take()

    def each(self, ref: Reference) -> list[Problem]:
        """Where `ref` lives (a URL's policy) and its facts."""
        self._check_source(ref)
        self._check_facts(ref)
        return self.take()

    def totals(self) -> list[Problem]:
        for kind in (MediaKind.VIDEO, MediaKind.AUDIO, MediaKind.IMAGE):
            self._check_totals(kind)
        return self.take()

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
                            tag=self.tag(ref), provider=self.name, kind=plural_word(kind)
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
                    _("{count} {kind}").format(count=len(refs), kind=plural_word(kind)),
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
        """A URL's policy (a local file's presence is `file_problem`'s, read fresh)."""
        tag = self.tag(ref)
        if not ref.is_url and not ref.source.lower().startswith("file:"):
            return
        refusal = url_refusal(
            ref.source,
            https_only=self.limits.https_only,
            allow_loopback=self.ctx.allow_loopback,
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
                        ).format(tag=tag, facts=fact_words(ref.kind), provider=self.name),
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
                        ).format(tag=tag, facts=fact_words(ref.kind), provider=self.name),
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
                _("accepts {formats} {kind}").format(formats=accepted, kind=plural_word(ref.kind)),
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
        one = singular_word(ref.kind)
        facts = ref.facts
        assert facts is not None
        text: dict[str, tuple[str, str, str]] = {}
        if v.code == "format_not_accepted":
            accepted = _(" or ").join(f.upper() for f in lim.formats)
            text[v.code] = (
                _("{tag} is {value}").format(tag=tag, value=facts.format.upper()),
                _("accepts {formats} {kind}").format(formats=accepted, kind=plural_word(ref.kind)),
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
                _("decodes {codecs}").format(codecs=_(" or ").join(codec(c) for c in codecs)),
                _("conform it ({codec})").format(codec=codec(codecs[0])),
            )
        elif v.code == "file_too_large":
            text[v.code] = (
                _("{tag} is {value}").format(tag=tag, value=mb(facts.size_bytes)),
                _("accepts up to {limit} per {kind}").format(
                    limit=mb_limit(lim.max_bytes or 0), kind=one
                ),
                _("conform it to a smaller file")
                if ref.kind is not MediaKind.IMAGE
                else _("save it smaller (lower quality or fewer pixels)"),
            )
        elif v.code == "duration_too_long":
            limit = lim.max_duration_s or 0.0
            text[v.code] = (
                _("{tag} lasts {value}").format(tag=tag, value=secs(facts.duration_s or 0.0)),
                _("accepts up to {limit} per {kind}").format(limit=secs(limit), kind=one),
                _("trim it to {limit}").format(limit=secs(limit)),
            )
        elif v.code == "duration_too_short":
            text[v.code] = (
                _("{tag} lasts {value}").format(tag=tag, value=secs(facts.duration_s or 0.0)),
                _("needs at least {limit} per {kind}").format(
                    limit=secs(lim.min_duration_s or 0.0), kind=one
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
        self.add_violation(v, fact, accepts, hint, ref=ref)

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
                ).format(tags=names, value=mb(int(v.actual or 0)))
                accepts = _("accepts up to {limit} of {kind} in all").format(
                    limit=mb_limit(lim.max_total_bytes or 0), kind=plural_word(kind)
                )
                hint = _("conform them to smaller files or remove one")
            else:
                fact = (
                    _("{tags} last {value} together") if many else _("{tags} lasts {value}")
                ).format(tags=names, value=secs(float(v.actual or 0)))
                if v.code == "total_duration_too_long":
                    accepts = _("accepts up to {limit} of {kind} in all").format(
                        limit=secs(lim.max_total_duration_s or 0.0), kind=plural_word(kind)
                    )
                    hint = _("trim them or remove one")
                else:
                    accepts = _("needs at least {limit} of {kind}").format(
                        limit=secs(lim.min_total_duration_s or 0.0), kind=plural_word(kind)
                    )
                    hint = _("use a longer clip")
            self.add_violation(v, fact, accepts, hint, ref=refs[0])


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
