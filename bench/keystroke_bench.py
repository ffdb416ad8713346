"""Benchmark: the cost of one keystroke in a 4,000-character prompt with 12 references.

    .venv/bin/python bench/keystroke_bench.py [--keys 200] [--rounds 3]

Core (no Qt): one character typed into the middle of the prompt through what a keystroke
runs — the prompt's edit (mentions re-bound), the snapshot, validation and the estimate
(core/live_checks.py's `update`, what ui/compose_checks.py's `recompute` calls) — against
the bare edit alone (`apply_edit`), the baseline, in the same run. Also shown: the same
keystroke checked afresh (`fresh=True`, what Generate asks for), which keeps nothing.
Widget (offscreen Qt): one key press into the real prompt panel
with the live checks and estimate attached, against the same key press into a bare
QPlainTextEdit holding the same text. Rounds alternate so noise hits both; figures are
medians per keystroke. Targets: core < 1 ms, widget < 8 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QPlainTextEdit  # noqa: E402

from seedance_studio.core import capabilities  # noqa: E402
from seedance_studio.core.composition import Composition  # noqa: E402
from seedance_studio.core.live_checks import LiveChecks  # noqa: E402
from seedance_studio.core.params import GenerationParams, with_defaults  # noqa: E402
from seedance_studio.core.probe import reference_from_file  # noqa: E402
from seedance_studio.core.settings import Settings  # noqa: E402
from tests.media_factory import make_audio, make_image, make_video  # noqa: E402

PROVIDER = "kinovi"
SENTENCE = (
    "@Image{i} turns slowly under the lights while the camera follows the beat of "
    "@Audio1 and the moves of @Video{v}. "
)


def composition(folder: Path) -> Composition:
    """9 images, 2 videos and 1 audio clip (12 references), a 4,000-character prompt."""
    files = [make_image(folder / f"still-{i}.png", 320, 240) for i in range(9)]
    files += [make_video(folder / f"move-{i}.mp4", 640, 640, seconds=2, fps=24) for i in range(2)]
    files.append(make_audio(folder / "beat.wav", seconds=1.0))
    comp = Composition(
        with_defaults(GenerationParams(provider=PROVIDER), capabilities.get(PROVIDER))
    )
    for path in files:
        comp.tray.add(reference_from_file(str(path)))
    text = ""
    n = 0
    while len(text) < 4000:
        text += SENTENCE.format(i=n % 9 + 1, v=n % 2 + 1)
        n += 1
    comp.prompt.set_text_diff(text[:4000].rstrip(), comp.tray)
    return comp


def per_key(run: Callable[[], None], keys: int) -> float:
    """Median seconds of one call of `run` over `keys` calls."""
    times = []
    for _ in range(keys):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def core_keystroke(
    comp: Composition, settings: Settings, live: LiveChecks, *, fresh: bool = False
) -> Callable[[], None]:
    middle = len(comp.prompt.text) // 2

    def run() -> None:
        comp.prompt.apply_edit(middle, 0, "x", comp.tray)
        live.update(comp.snapshot(), settings.price_overrides.get(PROVIDER, {}), fresh=fresh)

    return run


def bare_edit(comp: Composition) -> Callable[[], None]:
    middle = len(comp.prompt.text) // 2

    def run() -> None:
        comp.prompt.apply_edit(middle, 0, "x", comp.tray)

    return run


def key_into(app: QApplication, editor: QPlainTextEdit) -> Callable[[], None]:
    """One key press at the cursor (mid-text), then the events it posted (repaint)."""
    cursor = editor.textCursor()
    cursor.setPosition(len(editor.toPlainText()) // 2)
    editor.setTextCursor(cursor)

    def run() -> None:
        QTest.keyClick(editor, Qt.Key.Key_X)
        app.processEvents()

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    app = QApplication(sys.argv[:1])
    from seedance_studio.ui.compose_checks import ComposeChecks
    from seedance_studio.ui.estimate_label import EstimateLabel
    from seedance_studio.ui.prompt_editor import PromptPanel
    from seedance_studio.ui.thumbnail_cache import ThumbnailCache
    from seedance_studio.ui.workers import Worker

    settings = Settings()
    with tempfile.TemporaryDirectory(prefix="seedance-keys-") as tmp:
        comp_core = composition(Path(tmp))
        comp_ui = composition(Path(tmp))
        refs = len(comp_core.tray.items)
        chars = len(comp_core.prompt.text)
        worker = Worker(max_workers=1)
        panel = PromptPanel(comp_ui, ThumbnailCache(worker))
        checks = ComposeChecks(comp_ui, settings)
        label = EstimateLabel(checks)
        label.show()
        panel.resize(560, 420)
        panel.show()
        bare = QPlainTextEdit()
        bare.setPlainText(comp_ui.prompt.text)
        bare.resize(560, 420)
        bare.show()
        app.processEvents()
        editor = panel.editor
        core, base, widget, plain, afresh = [], [], [], [], []
        live = LiveChecks()
        for _ in range(options.rounds):
            base.append(per_key(bare_edit(comp_core), options.keys))
            core.append(per_key(core_keystroke(comp_core, settings, live), options.keys))
            afresh.append(
                per_key(core_keystroke(comp_core, settings, live, fresh=True), options.keys // 4)
            )
            plain.append(per_key(key_into(app, bare), options.keys))
            widget.append(per_key(key_into(app, editor), options.keys))
        assert len(comp_ui.prompt.text) > chars  # the keys reached the model
        worker.shutdown()
        del label
    ms = 1000
    c, b, w, p, f = (statistics.median(x) for x in (core, base, widget, plain, afresh))
    print(
        f"{chars} characters, {refs} references, {PROVIDER}; {options.rounds} rounds x "
        f"{options.keys} keys, alternating; load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"core: edit + snapshot + validate + estimate  {c * ms:.3f} ms per key "
        f"(target < 1 ms); the edit alone {b * ms:.3f} ms = {c / b:.1f}x"
    )
    print(f"core, checked afresh (Generate's verdict)     {f * ms:.3f} ms per key")
    print(
        f"widget: key press into the prompt panel      {w * ms:.3f} ms per key "
        f"(target < 8 ms); a bare QPlainTextEdit {p * ms:.3f} ms = {w / p:.1f}x"
    )


if __name__ == "__main__":
    main()
