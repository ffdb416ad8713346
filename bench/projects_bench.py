"""Benchmark: keeping the creative's work — autosave, exit on SIGTERM, relinking, undo.

    .venv/bin/python bench/projects_bench.py [--runs 5] [--files 5000]

- autosave: building the autosave text of a full composition (9 images, 3 videos, 3 audio,
  a 2,000-character prompt with mentions) and writing it atomically (temp file, fsync,
  rename, fsync of the folder), against a plain `write_text` of the same bytes in the same
  run, alternating. Target: far below the 2 s promise (the window waits 1 s, then writes).
- SIGTERM: the real app (`python -m seedance_studio.app`, offscreen, a fresh home) from the
  signal to the process's end, against a bare Python process that sleeps and exits on
  SIGTERM, alternating. Target: under 1 s.
- relink: finding 15 moved files by hash in a tree of --files files (same-size decoys
  included), against `os.walk` + `stat` of the same tree. Shows that only candidates of a
  wanted size are read.
- undo: 1,000 recorded edits (typing, tray, parameters) undone and redone.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from seedance_studio.core import capabilities
from seedance_studio.core.composition import Composition
from seedance_studio.core.history import CompositionHistory
from seedance_studio.core.media_facts import MediaFacts, MediaKind
from seedance_studio.core.params import GenerationParams, with_defaults
from seedance_studio.core.reference import Reference
from seedance_studio.projects.atomic import atomic_write_text
from seedance_studio.projects.autosave import autosave_text
from seedance_studio.projects.digest import sha256_of
from seedance_studio.projects.project_file import MissingFile
from seedance_studio.projects.relink import find_by_hash


def full_composition(folder: Path) -> Composition:
    comp = Composition(
        with_defaults(GenerationParams(provider="kinovi"), capabilities.get("kinovi"))
    )
    refs = []
    for kind, n, ext in (
        (MediaKind.IMAGE, 9, "png"),
        (MediaKind.VIDEO, 3, "mp4"),
        (MediaKind.AUDIO, 3, "wav"),
    ):
        for i in range(n):
            path = folder / f"{kind.value}{i}.{ext}"
            path.write_bytes(os.urandom(2048))
            refs.append(
                Reference(
                    kind=kind,
                    source=str(path),
                    name=path.name,
                    facts=MediaFacts(format=ext, size_bytes=2048),
                )
            )
    comp.tray.extend(refs)
    text = " ".join(f"@{r.kind.label}1 moves" for r in refs)
    comp.prompt.set_text((text + " ") * (2000 // len(text) + 1), comp.tray)
    return comp


def bench_autosave(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        comp = full_composition(folder)
        state = comp.state()
        atomic, plain, build = [], [], []
        for _ in range(runs):
            t = time.perf_counter()
            text = autosave_text(state, project_path=None, note="", modified=True)
            build.append(time.perf_counter() - t)
            t = time.perf_counter()
            (folder / "plain.json").write_text(text, "utf-8")
            plain.append(time.perf_counter() - t)
            t = time.perf_counter()
            atomic_write_text(folder / "autosave.seedance", text)
            atomic.append(time.perf_counter() - t)
        print(
            f"autosave: {len(text):,} bytes; build {statistics.median(build) * 1000:.1f} ms, "
            f"atomic write {statistics.median(atomic) * 1000:.1f} ms vs plain write "
            f"{statistics.median(plain) * 1000:.2f} ms (median of {runs})"
        )


def _until_exit(cmd: list[str], env: dict[str, str], ready: Path | None) -> float:
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while ready is not None and not ready.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)
        t = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
        return time.monotonic() - t
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def bench_sigterm(runs: int) -> None:
    app, bare = [], []
    bare_cmd = [
        sys.executable,
        "-c",
        "import signal,sys,time\n"
        "signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))\ntime.sleep(60)",
    ]
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as home:
            env = {**os.environ, "SEEDANCE_STUDIO_HOME": home, "QT_QPA_PLATFORM": "offscreen"}
            app.append(
                _until_exit(
                    [sys.executable, "-m", "seedance_studio.app"],
                    env,
                    Path(home) / "data" / "session.json",
                )
            )
        bare.append(_until_exit(bare_cmd, dict(os.environ), None))
    print(
        f"SIGTERM -> exit: app {statistics.median(app):.3f} s (max {max(app):.3f}) vs bare "
        f"python {statistics.median(bare):.3f} s (median of {runs}; target < 1 s)"
    )


def bench_relink(files: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        wanted: list[MissingFile] = []
        for i in range(files):
            folder = root / f"d{i % 50}" / f"e{i % 7}"
            folder.mkdir(parents=True, exist_ok=True)
            size = 4096 + (i % 300)
            data = os.urandom(size)
            path = folder / f"f{i}.bin"
            path.write_bytes(data)
            if i % (files // 15) == 0 and len(wanted) < 15:
                wanted.append(
                    MissingFile(str(i), path.name, f"/gone/x{i}.bin", sha256_of(path), size)
                )
        t = time.perf_counter()
        walked = sum(
            1
            for folder, _d, names in os.walk(root)
            for n in names
            if (Path(folder) / n).stat().st_size >= 0
        )
        walk_s = time.perf_counter() - t
        t = time.perf_counter()
        result = find_by_hash(root, wanted)
        search_s = time.perf_counter() - t
        print(
            f"relink: {len(result.found)}/{len(wanted)} found among {walked:,} files in "
            f"{search_s:.3f} s (looked at {result.scanned:,}) vs walk+stat {walk_s:.3f} s"
        )


def bench_undo() -> None:
    comp = Composition(
        with_defaults(GenerationParams(provider="kinovi"), capabilities.get("kinovi"))
    )
    history = CompositionHistory(comp)
    t = time.perf_counter()
    for i in range(1000):
        if i % 10 == 0:
            comp.tray.add(Reference(kind=MediaKind.IMAGE, source=f"https://x/{i}.png"))
        elif i % 10 == 1:
            comp.update_params(duration=10 if comp.params.duration == 5 else 5)
        else:
            comp.prompt.apply_edit(len(comp.prompt.text), 0, "w ", comp.tray)
    record_s = time.perf_counter() - t
    steps = len(history.names())
    t = time.perf_counter()
    while history.can_undo:
        history.undo()
    while history.can_redo:
        history.redo()
    print(
        f"undo: 1,000 edits recorded in {record_s * 1000:.0f} ms ({steps} steps); all undone "
        f"and redone in {(time.perf_counter() - t) * 1000:.0f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--files", type=int, default=5000)
    args = parser.parse_args()
    bench_autosave(max(args.runs, 5))
    bench_sigterm(args.runs)
    bench_relink(args.files)
    bench_undo()
    return 0


if __name__ == "__main__":
    sys.exit(main())
