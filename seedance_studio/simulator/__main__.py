"""`python -m seedance_studio.simulator --port N`: run until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import contextlib
import errno
import signal
import sys
import threading
from types import FrameType

from seedance_studio.core.i18n import _
from seedance_studio.simulator.simulator import BASE_PATHS, Simulator
from seedance_studio.simulator.timing import SimTiming


def point_at(sim: Simulator) -> str:
    """The variables that point the `seedance` CLI at this simulator (one per provider; any
    non-empty key but "bad-key" / "broke-key" is accepted)."""
    lines = [_("point the seedance CLI here with:")]
    for provider in BASE_PATHS:
        name = "SEEDANCE_" + provider.upper().replace("-", "_") + "_BASE_URL"
        lines.append(f"  export {name}={sim.base_url(provider)}")
    return "\n".join(lines)


def bind_problem(host: str, port: int, exc: OSError) -> str:
    """One line for a port that cannot be listened on, saying what to do instead."""
    if exc.errno == errno.EADDRINUSE:
        return _(
            "port {port} on {host} is taken by another program: pick another with "
            "--port, or --port 0 for a free one"
        ).format(port=port, host=host)
    if exc.errno == errno.EACCES:
        return _("port {port} on {host} needs privileges: pick one above 1023 with --port").format(
            port=port, host=host
        )
    return _("cannot listen on {host}:{port} ({value}): pick another --host or --port").format(
        host=host, port=port, value=exc.strerror or exc
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m seedance_studio.simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help=_("0 picks a free port"))
    parser.add_argument("--speed", type=float, default=1.0, help=_("2 runs jobs twice as fast"))
    parser.add_argument("--queued", type=float, default=SimTiming.queued, help=_("seconds queued"))
    parser.add_argument(
        "--running", type=float, default=SimTiming.running, help=_("seconds running")
    )
    parser.add_argument("--verbose", action="store_true", help=_("log every request to stderr"))
    args = parser.parse_args(argv)
    if args.speed <= 0:
        parser.error("--speed must be positive")
    timing = SimTiming(queued=args.queued, running=args.running, speed=args.speed)
    done = threading.Event()

    def on_term(signum: int, frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGTERM, on_term)
    sim = Simulator(args.host, args.port, timing, verbose=args.verbose)
    try:
        sim.start()
    except OSError as exc:
        print(f"simulator: {bind_problem(args.host, args.port, exc)}", file=sys.stderr)
        return 1
    with sim:
        print(f"simulator listening on {sim.url}", flush=True)
        print(point_at(sim), flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            done.wait()  # signal handlers run (and can set `done`) while this waits
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
