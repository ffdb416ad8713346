"""`seedance`: the studio's core from the command line (scriptable; the tests drive it).

    seedance request  --provider P --prompt TEXT [--image SRC]... [options]   # dry run, JSON
    seedance estimate --provider P --prompt TEXT ... [--json]
    seedance submit   --provider P --prompt TEXT ... [--detach] [--yes]
    seedance jobs [--json] | show ID | cancel ID | download ID | resume
    seedance check-again ID | submit-anyway ID | retry ID
    seedance spend [--json]
    seedance project FILE [--relink DIR] [--json]
    seedance export PROJECT.seedance --otio OUT.otio [--mp4 OUT.mp4]
    seedance check --provider P ... [--json]          # problems, warnings, planned fixes
    seedance fix   --provider P ... [--out DIR]       # write the conformed copies

Exit status: 0 done; 1 failure (message on stderr); 2 the composition breaks the provider's
rules (one line per problem on stderr).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from seedance_studio.cli import dry_run_commands, job_commands, store_commands
from seedance_studio.cli.compose import add_composition_options
from seedance_studio.cli.export import add_export_parser
from seedance_studio.cli.fix_commands import add_fix_parsers
from seedance_studio.cli.messages import exit_code_for, message_for
from seedance_studio.cli.project_commands import add_project_command
from seedance_studio.core.i18n import _
from seedance_studio.core.logs import setup_logging

EPILOG = _("""\
keys and places (ID is the provider id upper-cased, '-' -> '_', e.g. KINOVI_LEGACY):
  API keys      the system keyring, service "seedance-studio", user = provider id
                (what Settings stores), else SEEDANCE_<ID>_API_KEY
  API bases     --base-url, or SEEDANCE_<ID>_BASE_URL (`python -m seedance_studio.simulator
                --port N` prints the values that point every provider at it)
  data          SEEDANCE_STUDIO_HOME (jobs database, cache, settings, library)
  polling       SEEDANCE_POLL_INTERVAL seconds between polls (scripts, the simulator)

exit status: 0 done; 1 a failure (one line on stderr); 2 the composition or the options
break the rules (one line per problem); 130 interrupted; 141 the output pipe closed.
""")


class _Parser(argparse.ArgumentParser):
    """Option mistakes are one line on stderr (exit 2), like every other refusal; the usage
    is one `--help` away rather than printed in front of the message."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="seedance",
        description=_("Seedance 2.0 reference-to-video across providers."),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("request", help=_("print the create request as JSON; nothing is sent"))
    add_composition_options(p)
    p.set_defaults(run=dry_run_commands.request)

    p = sub.add_parser("estimate", help=_("what a submission would cost"))
    add_composition_options(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=dry_run_commands.estimate)

    p = sub.add_parser("submit", help=_("create the job(s) and bring the video(s) home"))
    add_composition_options(p)
    p.add_argument(
        "--detach",
        action="store_true",
        help=_("return once created; `seedance resume` finishes later"),
    )
    p.add_argument("--yes", action="store_true", help=_("go ahead even above the budget"))
    p.set_defaults(run=job_commands.submit)

    p = sub.add_parser("jobs", help=_("list jobs, newest first"))
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=int)
    p.set_defaults(run=store_commands.list_jobs)

    for name, run, text in (
        ("show", store_commands.show, _("one job with its history (JSON)")),
        ("cancel", job_commands.cancel, _("cancel a job (on the server where the API allows)")),
        ("download", job_commands.download, _("fetch a finished job's video again")),
        (
            "check-again",
            job_commands.check_again,
            _("look again at an unknown submission / stuck job"),
        ),
        (
            "submit-anyway",
            job_commands.submit_anyway,
            _("send an unknown submission again (may be charged twice)"),
        ),
        (
            "retry",
            job_commands.retry,
            _("a new job from a finished job's composition (new charge)"),
        ),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("job_id", type=int, metavar="ID")
        p.set_defaults(run=run)
        if name == "cancel":
            p.add_argument(
                "--anyway",
                action="store_true",
                help=_(
                    "where the provider has no cancel API: stop watching the job "
                    "(it may still run and be charged)"
                ),
            )
        if name == "retry":
            p.add_argument("--yes", action="store_true", help=_("go ahead even above the budget"))

    p = sub.add_parser("resume", help=_("poll and fetch every unfinished job"))
    p.set_defaults(run=job_commands.resume)

    p = sub.add_parser("spend", help=_("money spent (or committed) per provider and per day"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=store_commands.spend)

    add_project_command(sub)
    add_export_parser(sub)
    add_fix_parsers(sub)
    return parser


EXIT_PIPE_CLOSED = 141
"""What a shell reports for a writer stopped by SIGPIPE (`seedance jobs | head`)."""


def _quiet_stdout() -> None:
    """The reader went away: send what is still buffered nowhere, so the interpreter's own
    flush at exit does not print a second error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


_SPENDING = frozenset({"submit", "retry", "submit-anyway"})


def _settings_problem(args: argparse.Namespace) -> int | None:
    """A settings file that cannot be read is said once, in one line; a command that spends
    stops then (the budget it would have checked is gone), the others go on."""
    from seedance_studio.core.settings import load_settings, take_load_problem

    load_settings()
    problem = take_load_problem()
    if problem is None:
        return None
    print(f"seedance: {problem}", file=sys.stderr)
    if args.command in _SPENDING:
        print(
            _(
                "seedance: nothing was sent; run `seedance {command}` again once the settings "
                "are right"
            ).format(command=args.command),
            file=sys.stderr,
        )
        return 1
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    with contextlib.suppress(OSError):  # a read-only log folder must not stop the command
        setup_logging()
    try:
        if (stop := _settings_problem(args)) is not None:
            return stop
        code: int = args.run(args)
        sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_PIPE_CLOSED
    except (Exception, KeyboardInterrupt) as exc:
        print(f"seedance: {message_for(exc)}", file=sys.stderr)
        return exit_code_for(exc)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
