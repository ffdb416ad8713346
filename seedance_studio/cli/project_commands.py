"""`seedance project FILE`: what a .seedance project holds, and relinking its moved files.

    seedance project opening.seedance [--json]
    seedance project opening.seedance --relink ~/Footage      # search, relink, save

The same ProjectSession the window uses; a missing file is listed as missing (exit 1 while
any stays missing after --relink).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TypeVar

from seedance_studio.core import capabilities
from seedance_studio.core.composition import Composition
from seedance_studio.core.tray import number_tags
from seedance_studio.projects.project_file import load_project
from seedance_studio.projects.relink import find_by_hash
from seedance_studio.projects.session import ProjectSession

Parser = TypeVar("Parser", bound=argparse.ArgumentParser)


def add_project_command(sub: argparse._SubParsersAction[Parser]) -> None:
    p = sub.add_parser("project", help="show a .seedance project; --relink DIR finds moved files")
    p.add_argument("path", type=Path, metavar="FILE")
    p.add_argument(
        "--relink",
        type=Path,
        metavar="DIR",
        help="search DIR (and every folder in it) for missing files by content, "
        "then save the project",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=project)


def project(args: argparse.Namespace) -> int:
    loaded = load_project(args.path)  # ProjectError: one line, exit 1
    session = ProjectSession(Composition(loaded.state.params))
    session.open(args.path)
    relinked = 0
    if args.relink is not None and session.missing:
        result = find_by_hash(args.relink, session.missing)
        relinked = session.relink(result.new_sources(session.missing))
        if relinked:
            session.save()
    comp = session.composition
    tags = number_tags(comp.tray.items)
    missing = {m.ref_id for m in session.missing}
    refs = [
        {
            "tag": tags[r.id].canonical,
            "name": r.display_name,
            "source": r.source,
            "missing": r.id in missing,
        }
        for r in comp.tray
    ]
    report = {
        "project": str(session.path),
        "note": session.note,
        "provider": comp.params.provider,
        "params": comp.params.model_dump(mode="json"),
        "prompt": comp.prompt.text,
        "references": refs,
        "relinked": relinked,
    }
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(
            f"{session.name}: {capabilities.get(comp.params.provider).name}, "
            f"{len(refs)} reference{'s' if len(refs) != 1 else ''}"
        )
        for ref in refs:
            state = "  (missing)" if ref["missing"] else ""
            print(f"  @{ref['tag']}  {ref['source']}{state}")
        print(f"  prompt: {comp.prompt.text}")
        if relinked:
            print(f"relinked {relinked} file{'s' if relinked != 1 else ''} and saved")
    if missing:
        print(
            f"seedance: {len(missing)} file{'s are' if len(missing) != 1 else ' is'} missing"
            + ("" if args.relink else " (try --relink DIR)"),
            file=sys.stderr,
        )
        return 1
    return 0
