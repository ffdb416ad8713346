"""Turning command-line options into a composition snapshot and the settings to run it with,
and checking that snapshot against the provider's rules before anything runs."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from seedance_studio.cli.messages import EXIT_INVALID
from seedance_studio.core import capabilities
from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.errors import CompositionError
from seedance_studio.core.i18n import _
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.core.params import GenerationParams
from seedance_studio.core.prompt import PromptDocument
from seedance_studio.core.reference import Reference, is_url
from seedance_studio.core.settings import Settings, load_settings
from seedance_studio.core.tray import ReferenceTray

BASE_URL_ENV = "SEEDANCE_{}_BASE_URL"


def base_url_env(provider_id: str) -> str:
    """SEEDANCE_KINOVI_LEGACY_BASE_URL for kinovi-legacy (same rule as the key variables)."""
    return BASE_URL_ENV.format(provider_id.upper().replace("-", "_"))


def settings_for(
    settings: Settings,
    provider: str | None = None,
    base_url: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """`settings` with base URL overrides from the environment and --base-url applied."""
    env = os.environ if environ is None else environ
    urls = dict(settings.base_urls)
    for provider_id in capabilities.provider_ids():
        value = env.get(base_url_env(provider_id))
        if value:
            urls[provider_id] = value
    if provider and base_url:
        urls[provider] = base_url
    return settings.model_copy(update={"base_urls": urls})


class AppendReference(argparse.Action):
    """--image/--video/--audio append (kind, source) to one list, keeping the given order."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        refs = list(getattr(namespace, self.dest, None) or [])
        refs.append((self.const, str(values)))
        setattr(namespace, self.dest, refs)


def parse_duration(text: str) -> int | str:
    if text == "auto":
        return "auto"
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("{text!r} is neither a number of seconds nor 'auto'").format(text=text)
        ) from None


def add_composition_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--provider", required=True, choices=capabilities.provider_ids())
    parser.add_argument(
        "--prompt",
        required=True,
        help=_("canonical tags: @Image1, @Video1, @Audio1 (in flag order)"),
    )
    for kind in MediaKind:
        parser.add_argument(
            f"--{kind.value}",
            dest="refs",
            action=AppendReference,
            const=kind,
            metavar="SRC",
            help=_("{kind_value} path or URL (repeatable)").format(kind_value=kind.value),
        )
    parser.add_argument("--model")
    parser.add_argument("--duration", type=parse_duration, metavar="N|auto")
    parser.add_argument("--aspect-ratio")
    parser.add_argument("--resolution")
    parser.add_argument("--mode", help="std | fast")
    parser.add_argument("--upscale", help="e.g. 4k")
    parser.add_argument("--seed", type=int)
    parser.add_argument("--no-audio", action="store_true", help=_("no generated soundtrack"))
    parser.add_argument("--variants", type=int, default=1)
    parser.add_argument("--base-url", help=_("the provider's API base (e.g. the simulator)"))


def reference_for(kind: MediaKind, source: str) -> Reference:
    """A URL is taken at its word; a local file is probed, and must be what the flag says."""
    if is_url(source):
        return Reference.from_source(source, kind)
    from seedance_studio.core.probe import reference_from_file

    ref = reference_from_file(source)
    if ref.kind is not kind:
        raise CompositionError(
            _("{source} is {ref_kind_value}, but was given as --{kind_value}").format(
                source=source, ref_kind_value=ref.kind.value, kind_value=kind.value
            )
        )
    return ref


def snapshot_from(args: argparse.Namespace) -> CompositionSnapshot:
    """The composition the options describe; tags bind to the references in flag order."""
    refs = [reference_for(kind, source) for kind, source in (args.refs or [])]
    tray = ReferenceTray(refs)
    prompt = PromptDocument(args.prompt, tray)
    if args.variants < 1:
        raise CompositionError(_("--variants must be at least 1"))
    params = GenerationParams(
        provider=args.provider,
        model=args.model,
        duration=args.duration,
        aspect_ratio=args.aspect_ratio,
        resolution=args.resolution,
        mode=args.mode,
        seed=args.seed,
        generate_audio=False if args.no_audio else None,
        variants=args.variants,
        upscale=args.upscale,
    )
    return CompositionSnapshot(references=list(tray.items), prompt=prompt.to_data(), params=params)


def settings_from(args: argparse.Namespace) -> Settings:
    """The stored settings with the command's --base-url and the environment's overrides."""
    return settings_for(
        load_settings(), getattr(args, "provider", None), getattr(args, "base_url", None)
    )


def _on_loopback(settings: Settings, provider_id: str) -> bool:
    from seedance_studio.providers.base import is_loopback_url

    caps = capabilities.get(provider_id)
    return is_loopback_url(settings.base_url(provider_id, caps.base_url))


def as_one_request(snapshot: CompositionSnapshot) -> CompositionSnapshot:
    """What one create request carries: more variants than a request can make are sent as
    separate creates by the engine, so they are no error."""
    params = snapshot.params
    try:
        most = capabilities.get(params.provider).model(params.model).max_variants
    except KeyError:
        return snapshot
    if params.variants <= most:
        return snapshot
    return snapshot.model_copy(update={"params": params.model_copy(update={"variants": 1})})


def checked_snapshot(args: argparse.Namespace, settings: Settings) -> CompositionSnapshot | int:
    """The composition, or EXIT_INVALID after printing one line per problem."""
    from seedance_studio.core.validation import validate

    snapshot = snapshot_from(args)
    problems = validate(
        as_one_request(snapshot), allow_loopback=_on_loopback(settings, args.provider)
    )
    errors = [p for p in problems if p.is_error]
    for problem in problems:
        if not problem.is_error:
            print(_("warning: {text}").format(text=problem.message), file=sys.stderr)
    for problem in errors:
        if problem.hint:
            text = _("{message} ({hint})").format(message=problem.message, hint=problem.hint)
        else:
            text = problem.message
        print(text, file=sys.stderr)
    return EXIT_INVALID if errors else snapshot
