"""`seedance check` and `seedance fix`: the checks and Fix all of the window, without Qt.

Both ask the core (validation and the conform planner over one set of limit predicates), so
what they report and what they change is what the window would report and change.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import TypeVar

from pydantic import JsonValue

from seedance_studio.cli.compose import add_composition_options, snapshot_from
from seedance_studio.cli.messages import EXIT_FAILED, EXIT_INVALID, EXIT_OK
from seedance_studio.core import capabilities
from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.i18n import _, ngettext
from seedance_studio.core.reference import Reference
from seedance_studio.core.tray import number_tags
from seedance_studio.core.validation import Problem, validate
from seedance_studio.media.plan import ConformPlan, plan_fix_all

P = TypeVar("P", bound=argparse.ArgumentParser)


def add_fix_parsers(sub: argparse._SubParsersAction[P]) -> None:
    p = sub.add_parser("check", help=_("problems, warnings and planned fixes per reference"))
    add_composition_options(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=check)
    p = sub.add_parser("fix", help=_("write the conformed copies Fix all would make"))
    add_composition_options(p)
    p.add_argument("--out", type=Path, help=_("copy the conformed files into this folder"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=fix)


def _verdict(problems: list[Problem]) -> str:
    if any(p.is_error for p in problems):
        return "errors"
    return "warnings" if problems else "ok"


def _problem_json(p: Problem) -> dict[str, JsonValue]:
    return {
        "severity": p.severity,
        "code": p.code,
        "message": p.message,
        "hint": p.hint,
        "basis": p.basis or ("documented" if p.limit_name else None),
        "conformable": p.conformable,
    }


def _plan_json(plan: ConformPlan) -> dict[str, JsonValue]:
    return {
        "format": plan.format,
        "reasons": list(plan.reasons),
        "width": plan.width,
        "height": plan.height,
        "fps": plan.fps,
        "start_s": plan.start_s,
        "duration_s": plan.duration_s,
        "max_bytes": plan.max_bytes,
    }


def report(snapshot: CompositionSnapshot) -> dict[str, JsonValue]:
    """Every problem by reference (and of the whole composition), with the planned fixes."""
    caps = capabilities.get(snapshot.params.provider)
    problems = validate(snapshot, caps)
    plans = {p.ref_id: p for p in plan_fix_all(snapshot, caps)}
    tags = number_tags(list(snapshot.references))
    refs: list[JsonValue] = []
    for ref in snapshot.references:
        plan = plans.get(ref.id)
        refs.append(
            {
                "tag": tags[ref.id].canonical,
                "source": ref.source,
                "problems": [_problem_json(p) for p in problems if p.ref_id == ref.id],
                "fix": _plan_json(plan) if plan is not None else None,
            }
        )
    return {
        "provider": caps.id,
        "verdict": _verdict(problems),
        "references": refs,
        "problems": [_problem_json(p) for p in problems if p.ref_id is None],
    }


def _line(problem: dict[str, JsonValue]) -> str:
    text = (
        _("{message} ({hint})").format(message=problem["message"], hint=problem["hint"])
        if problem.get("hint")
        else str(problem["message"])
    )
    return _("warning: {text}").format(text=text) if problem["severity"] == "warning" else text


def _print_report(data: dict[str, JsonValue]) -> None:
    refs = data["references"]
    assert isinstance(refs, list)
    for item in refs:
        assert isinstance(item, dict)
        problems = item["problems"]
        fix_plan = item["fix"]
        assert isinstance(problems, list)
        state = (
            _("ok")
            if not problems
            else ngettext("{count} problem", "{count} problems", len(problems)).format(
                count=len(problems)
            )
        )
        print(f"{item['tag']}  {item['source']}  {state}")
        for p in problems:
            assert isinstance(p, dict)
            print(f"  {_line(p)}")
        if isinstance(fix_plan, dict):
            reasons = fix_plan["reasons"]
            assert isinstance(reasons, list)
            print("  " + _("fix: {reasons}").format(reasons="; ".join(str(r) for r in reasons)))
    whole = data["problems"]
    assert isinstance(whole, list)
    for p in whole:
        assert isinstance(p, dict)
        print(_line(p))
    verdict = data["verdict"]
    print(
        {
            "ok": _("ready to generate"),
            "warnings": _("ready to generate, with warnings"),
            "errors": _("cannot generate: fix the problems above"),
        }[str(verdict)]
    )


def check(args: argparse.Namespace) -> int:
    data = report(snapshot_from(args))
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        _print_report(data)
    return EXIT_INVALID if data["verdict"] == "errors" else EXIT_OK


def fix(args: argparse.Namespace) -> int:
    """Conform every reference Fix all would, print old → new, then check the result."""
    from seedance_studio.core.errors import MediaError
    from seedance_studio.media.conform import conform

    snapshot = snapshot_from(args)
    caps = capabilities.get(snapshot.params.provider)
    plans = {p.ref_id: p for p in plan_fix_all(snapshot, caps)}
    tags = number_tags(list(snapshot.references))
    fixed: list[Reference] = []
    changes: list[JsonValue] = []
    out: Path | None = args.out
    for ref in snapshot.references:
        plan = plans.get(ref.id)
        if plan is None:
            fixed.append(ref)
            continue
        try:
            new = conform(ref, plan)
        except MediaError as exc:
            print(f"{tags[ref.id].canonical}: {exc}", file=sys.stderr)
            return EXIT_FAILED
        path = Path(new.source)
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            stem = Path(ref.name or ref.source).stem
            target = out / f"{stem}.conformed{path.suffix}"
            shutil.copyfile(path, target)
            path = target
            new = new.model_copy(update={"source": str(path)})
        fixed.append(new)
        changes.append(
            {
                "tag": tags[ref.id].canonical,
                "old": ref.source,
                "new": str(path),
                "changed": list(plan.reasons),
            }
        )
        if not args.json:
            print(f"{tags[ref.id].canonical}: {ref.source} → {path} ({plan.summary()})")
    after = snapshot.model_copy(update={"references": fixed})
    data = report(after)
    if args.json:
        print(json.dumps({"fixed": changes, "check": data}, indent=2, ensure_ascii=False))
    else:
        if not changes:
            print(_("nothing to fix"))
        _print_report(data)
    return EXIT_INVALID if data["verdict"] == "errors" else EXIT_OK


__all__ = ["add_fix_parsers", "check", "fix", "report"]
