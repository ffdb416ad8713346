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
from seedance_studio.core.i18n import _, ngettext
from seedance_studio.core.tray import number_tags
from seedance_studio.projects.project_file import load_project
from seedance_studio.projects.relink import find_by_hash
from seedance_studio.projects.session import ProjectSession

Parser = TypeVar("Parser", bound=argparse.ArgumentParser)


def add_project_command(sub: argparse._SubParsersAction[Parser]) -> None:
    p = sub.add_parser(
        "project", help=_("show a .seedance project; --relink DIR finds moved files")
    )
    p.add_argument("path", type=Path, metavar="FILE")
    p.add_argument(
        "--relink",
        type=Path,
        metavar="DIR",
        help=_(
            "search DIR (and every folder in it) for missing files by content, then save the "
            "project"
        ),
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
            ngettext(
                "{project}: {provider}, {count} reference",
                "{project}: {provider}, {count} references",
                len(refs),
            ).format(
                project=session.name,
                provider=capabilities.get(comp.params.provider).name,
                count=len(refs),
            )
        )
        for ref in refs:
            state = "  " + _("(missing)") if ref["missing"] else ""
            print(f"  @{ref['tag']}  {ref['source']}{state}")
        print("  " + _("prompt: {text}").format(text=comp.prompt.text))
        if relinked:
            print(
                ngettext(
                    "relinked {count} file and saved", "relinked {count} files and saved", relinked
                ).format(count=relinked)
            )
    if missing:
        text = ngettext("{count} file is missing", "{count} files are missing", len(missing))
        text = text.format(count=len(missing))
        if not args.relink:
            text = _("{text} (try --relink DIR)").format(text=text)
        print(f"seedance: {text}", file=sys.stderr)
        return 1
    return 0
