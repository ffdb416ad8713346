"""Checking a composition against one provider + model before anything is paid for.

`validate` returns every problem at once (not the first), each naming the limit, the offending
reference by its tag, and a fix. Errors block submission; warnings do not. Limits come from
the capability data, so this package holds rules, never numbers: the references' checks in
`references`, the prompt's in `prompt_checks`, the parameters' in `params_checks`, the
problem, its grading and its words in `problem`.

What cannot be known is not guessed: a URL that was not probed skips the checks that need its
facts and gets one warning that says so.

A live composition is checked on every keystroke: `Validation` keeps what the references'
and the parameters' checks found while those stay the same objects (they are immutable), so
a keystroke re-reads only the prompt. `validate` (and every submission) starts afresh.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from seedance_studio.core import capabilities
from seedance_studio.core.capabilities import ProviderCapabilities
from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.i18n import _
from seedance_studio.core.params import GenerationParams
from seedance_studio.core.reference import Reference
from seedance_studio.core.tray import number_tags
from seedance_studio.core.validation.params_checks import ParamChecks
from seedance_studio.core.validation.problem import (
    Context,
    Problem,
    Severity,
    Value,
    compose,
    errors,
    grade,
    is_submittable,
    warnings,
)
from seedance_studio.core.validation.prompt_checks import PromptChecks, dangling_message
from seedance_studio.core.validation.references import ReferenceChecks, file_problem


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
    return Validation().run(snapshot, caps, allow_loopback=allow_loopback, check_files=check_files)


@dataclass
class _Kept:
    """What one set of references found, for one provider + model."""

    ctx: Context
    overall: list[Problem]
    each: list[list[Problem]]
    totals: list[Problem]
    params: GenerationParams | None = None
    params_found: tuple[Problem, ...] = ()


class Validation:
    """Validates snapshot after snapshot, reading again only what changed.

    `files_every_s` is how stale a local file's presence may be (0: looked up on every run;
    the live checks look again each second, a submission always).
    """

    def __init__(self, *, files_every_s: float = 0.0) -> None:
        self._files_every_s = files_every_s
        self._kept: _Kept | None = None
        self._files: tuple[float, tuple[Reference, ...], list[list[Problem]]] | None = None

    def run(
        self,
        snapshot: CompositionSnapshot,
        caps: ProviderCapabilities | None = None,
        *,
        allow_loopback: bool = False,
        check_files: bool = True,
    ) -> list[Problem]:
        """What `validate` returns for the same arguments."""
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
        kept = self._references(snapshot.references, caps, model.id, allow_loopback)
        ctx = kept.ctx
        files = self._file_problems(ctx) if check_files else [[] for _ in ctx.refs]
        found = list(kept.overall)
        for own, fresh in zip(kept.each, files, strict=True):
            found += fresh
            found += own
        found += kept.totals
        found += PromptChecks(ctx).run(snapshot)
        if kept.params is not snapshot.params:
            kept.params = snapshot.params
            kept.params_found = tuple(ParamChecks(ctx).run(snapshot.params))
        found += kept.params_found
        return found

    def _references(
        self,
        refs: list[Reference],
        caps: ProviderCapabilities,
        model_id: str,
        allow_loopback: bool,
    ) -> _Kept:
        kept = self._kept
        if (
            kept is not None
            and kept.ctx.caps is caps
            and kept.ctx.model.id == model_id
            and kept.ctx.allow_loopback == allow_loopback
            and _same(kept.ctx.refs, refs)
        ):
            return kept
        model = caps.model(model_id)
        ctx = Context(
            caps, model, caps.limits_for(model.id), tuple(refs), number_tags(refs), allow_loopback
        )
        checks = ReferenceChecks(ctx)
        overall = checks.overall()
        each = [checks.each(ref) for ref in ctx.refs]
        kept = self._kept = _Kept(ctx, overall, each, checks.totals())
        return kept

    def _file_problems(self, ctx: Context) -> list[list[Problem]]:
        now = time.monotonic()
        last = self._files
        if last is not None and now - last[0] < self._files_every_s and _same(last[1], ctx.refs):
            return last[2]
        found = [file_problem(ctx, ref) for ref in ctx.refs]
        self._files = (now, ctx.refs, found)
        return found


def _same(
    a: tuple[Reference, ...] | list[Reference], b: tuple[Reference, ...] | list[Reference]
) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


__all__ = [
    "Problem",
    "Severity",
    "Validation",
    "Value",
    "compose",
    "dangling_message",
    "errors",
    "grade",
    "is_submittable",
    "validate",
    "warnings",
]
