"""`seedance export PROJECT.seedance --otio OUT.otio [--mp4 OUT.mp4]`: a project's sequence
handed to an editor without opening the window (the same export the Shots dock runs)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TypeVar

from seedance_studio.core.errors import SeedanceError
from seedance_studio.core.i18n import _

P = TypeVar("P", bound=argparse.ArgumentParser)


class ExportError(SeedanceError):
    """The project cannot be exported as asked (no shots, nothing to export)."""


def add_export_parser(sub: argparse._SubParsersAction[P]) -> None:
    p = sub.add_parser(
        "export", help=_("a project's sequence as an editor timeline and/or one MP4")
    )
    p.add_argument("project", type=Path, metavar="PROJECT.seedance")
    p.add_argument(
        "--otio",
        type=Path,
        metavar="OUT",
        help=_("the timeline; its extension picks the format (.otio, .xml, .edl)"),
    )
    p.add_argument("--mp4", type=Path, metavar="OUT", help=_("the picked takes as one MP4"))
    p.set_defaults(run=run_export)


def run_export(args: argparse.Namespace) -> int:
    # PyAV and OpenTimelineIO load only for this command, not for every `seedance` call.
    from seedance_studio.jobs.sequence_takes import SequenceTakes, export_sequence
    from seedance_studio.jobs.store import JobStore
    from seedance_studio.projects.project_file import load_project
    from seedance_studio.projects.sequence_file import decode_sequence

    if args.otio is None and args.mp4 is None:
        print(_("seedance export: name --otio OUT and/or --mp4 OUT"), file=sys.stderr)
        return 2
    loaded = load_project(args.project)
    seq, _current, _missing = decode_sequence(loaded.file.sequence, loaded.path.parent)
    if not seq.shots:
        raise ExportError(
            _("{loaded_path_name} has no shots: add them in the Shots panel").format(
                loaded_path_name=loaded.path.name
            )
        )
    with JobStore() as store:
        result = export_sequence(
            SequenceTakes(store), seq, name=loaded.name, timeline=args.otio, movie=args.mp4
        )
    if result.timeline is not None:
        print(
            _("timeline: {path} ({clips} clips)").format(path=result.timeline, clips=result.clips)
        )
    if result.movie is not None:
        print(
            _("movie: {path} ({seconds} s, {how})").format(
                path=result.movie.path,
                seconds=f"{result.movie.duration_s:.2f}",
                how=_("packets copied") if result.movie.mode == "copy" else _("re-encoded"),
            )
        )
    for label in result.missing:
        print(
            _("warning: {shot} has no picked take or animatic on disk; left out").format(
                shot=label
            ),
            file=sys.stderr,
        )
    return 0
