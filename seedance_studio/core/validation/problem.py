"""What validation reports, how a problem's severity follows its evidence, and the words.

Every check module appends `Problem`s through a `Checker`; `grade` then lets a limit that only
a `model` or `inferred` tier states warn instead of block.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from seedance_studio.core.capabilities import (
    Evidenced,
    KindLimits,
    Limits,
    ModelCaps,
    ProviderCapabilities,
)
from seedance_studio.core.evidence import Basis, Tier
from seedance_studio.core.i18n import N_, _
from seedance_studio.core.limit_rules import Violation, deciding_tier
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.core.reference import Reference
from seedance_studio.core.tags import Tag

Severity = Literal["error", "warning"]
Value = int | float | str | None

MB = 1024 * 1024
PLURAL = {
    MediaKind.IMAGE: N_("images"),
    MediaKind.VIDEO: N_("videos"),
    MediaKind.AUDIO: N_("audio clips"),
}
SINGULAR = {
    MediaKind.IMAGE: N_("image"),
    MediaKind.VIDEO: N_("video"),
    MediaKind.AUDIO: N_("audio clip"),
}
"""Kind words, translated where a message is made (`plural_word`, `singular_word`)."""
SAYS = N_("{fact}; {provider} {accepts}")
"""What a reference or the composition is, then the provider's limit: `grade` finds the two
halves again by this template's separator, in the language in use."""


def plural_word(kind: MediaKind) -> str:
    return _(PLURAL[kind])


def singular_word(kind: MediaKind) -> str:
    return _(SINGULAR[kind])


def says(fact: str, provider: str, accepts: str) -> str:
    return _(SAYS).format(fact=fact, provider=provider, accepts=accepts)


def says_marker(provider: str) -> str:
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

    @property
    def is_blank_start(self) -> bool:
        """It only says nothing is composed yet: it blocks Generate, but a new, empty
        composition is a starting point, not a mistake to flag in red."""
        return self.code in BLANK_START_CODES


BLANK_START_CODES = frozenset({"empty_composition"})


def is_submittable(problems: Iterable[Problem]) -> bool:
    """True when no problem is an error (warnings alone never block a submission)."""
    return not any(p.is_error for p in problems)


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]


def warnings(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if not p.is_error]


@dataclass(frozen=True)
class Context:
    """What every check of one validation reads: the provider, the model, its limits and the
    references with their tags."""

    caps: ProviderCapabilities
    model: ModelCaps
    limits: Limits
    refs: tuple[Reference, ...]
    tags: dict[str, Tag]
    allow_loopback: bool = False

    @property
    def name(self) -> str:
        return self.caps.name

    def group(self, p: Problem) -> Evidenced | None:
        """The set of limits a problem's `limit_name` belongs to (its evidence lives there)."""
        if p.limit_name is None:
            return None
        if p.limit_name in KindLimits.model_fields and p.kind is not None:
            return self.limits.for_kind(p.kind)
        if p.limit_name in Limits.model_fields:
            return self.limits
        if p.limit_name in ModelCaps.model_fields:
            return self.model
        return None

    def graded(self, problems: Iterable[Problem]) -> list[Problem]:
        return [grade(p, self.group(p), self.caps) for p in problems]


class Checker:
    """One concern's checks over one `Context`; each `check_*` method appends to `problems`."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.caps = ctx.caps
        self.model = ctx.model
        self.limits = ctx.limits
        self.refs = ctx.refs
        self.tags = ctx.tags
        self.name = ctx.name
        self.problems: list[Problem] = []

    def take(self) -> list[Problem]:
        """The problems found since the last `take`, graded."""
        found, self.problems = self.problems, []
        return self.ctx.graded(found)

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

    def add_violation(
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
    marker = says_marker(caps.name)
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


def codec(name: str) -> str:
    return {"h264": "H.264", "aac": "AAC", "mp3": "MP3"}.get(name, name.upper())


def fact_words(kind: MediaKind) -> str:
    return {
        MediaKind.IMAGE: _("size"),
        MediaKind.VIDEO: _("size, duration, resolution and frame rate"),
        MediaKind.AUDIO: _("size and duration"),
    }[kind]


def mb(n: int) -> str:
    if n < MB:
        return f"{n / 1024:.0f} KB"
    value = n / MB
    return f"{value:.0f} MB" if value >= 10 and value == int(value) else f"{value:.1f} MB"


def mb_limit(n: int) -> str:
    """A byte limit as the page wrote it: 30,000,000 and 31,457,280 both read "30 MB"."""
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000} MB"
    return mb(n)


def secs(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds != int(seconds) else f"{int(seconds)} s"


def span_text(values: Sequence[int]) -> str:
    if values and list(values) == list(range(values[0], values[-1] + 1)):
        return f"{values[0]}–{values[-1]} s"
    return ", ".join(str(v) for v in values) + " s"
