"""Benchmark: render a 10 s 720p animatic (3 images, 1 video, 1 audio) and print the figures.

The target is under 10 s of wall time on 2 cores (a realtime factor above 1).

    .venv/bin/python bench/animatic_bench.py [--seconds 10] [--resolution 720p] [--aspect 16:9]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from seedance_studio.core.probe import probe_file, reference_from_file  # noqa: E402
from seedance_studio.media.animatic import AnimaticSpec, render_animatic  # noqa: E402
from seedance_studio.media.layout import frame_size  # noqa: E402
from tests.media_factory import make_audio, make_image, make_video  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--resolution", default="720p")
    parser.add_argument("--aspect", default="16:9")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ.setdefault("SEEDANCE_STUDIO_HOME", str(folder / "home"))
        refs = [
            reference_from_file(make_image(folder / "a.png", 1600, 1200)),
            reference_from_file(make_image(folder / "b.jpg", 1024, 1536)),
            reference_from_file(make_image(folder / "c.webp", 1920, 1080)),
            reference_from_file(make_video(folder / "d.mp4", 1280, 720, seconds=4, fps=30)),
            reference_from_file(make_audio(folder / "e.wav", seconds=12)),
        ]
        width, height = frame_size(args.resolution, args.aspect)
        spec = AnimaticSpec(
            references=refs,
            duration_s=float(args.seconds),
            width=width,
            height=height,
            prompt="@Image1 walks through the rain past @Image2, then @Video1 sets the pace "
            "while @Audio1 plays; the camera ends on @Image3 at dusk.",
            tags={r.id: f"@{r.kind.label}{n}" for n, r in enumerate(refs, 1)},
        )
        times: list[float] = []
        for run in range(args.runs):
            dest = folder / f"out{run}.mp4"
            start = time.perf_counter()
            render_animatic(spec, dest)
            times.append(time.perf_counter() - start)
        facts = probe_file(dest)
        best = min(times)
        print(f"animatic {args.seconds} s {width}x{height} @ 24 fps, {os.cpu_count()} cores")
        print(f"  wall time   best {best:.2f} s, runs {', '.join(f'{t:.2f}' for t in times)}")
        print(f"  realtime    {args.seconds / best:.2f}x")
        print(
            f"  file        {facts.size_bytes / 1e6:.2f} MB, {facts.duration_s} s, "
            f"{facts.width}x{facts.height}, audio {facts.audio_codec}"
        )
        verdict = "met" if best < args.seconds else "MISSED"
        print(f"  target      < {args.seconds} s wall: {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
