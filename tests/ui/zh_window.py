"""Run as a child process with LANG set: build the studio window as the app does, save a
screenshot and print every visible text of its menus, buttons, labels and headers as JSON, with
the problem list and the estimate.

    python -m tests.ui.zh_window OUT_PNG [MEDIA_DIR]

With MEDIA_DIR the composition has real problems: an image whose file is gone, an image too
big for eachlabs, and a prompt mentioning a video the tray does not hold.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

import qasync
from PySide6.QtWidgets import QAbstractButton, QHeaderView, QLabel, QMenu

from seedance_studio.app import build_studio, make_application
from seedance_studio.core import capabilities
from seedance_studio.core.composition import Composition
from seedance_studio.core.media_facts import MediaFacts, MediaKind
from seedance_studio.core.params import GenerationParams, switch_model
from seedance_studio.core.reference import Reference

TOO_BIG = 100 * 1024 * 1024


def with_problems(media: Path) -> Composition:
    params = switch_model(GenerationParams(provider="eachlabs"), capabilities.get("eachlabs"))
    composition = Composition(params.model_copy(update={"duration": 5}))
    big = media / "poster.png"
    big.write_bytes(b"\x89PNG\r\n\x1a\n")  # present on disk; its facts say 100 MB
    facts = MediaFacts(format="png", size_bytes=TOO_BIG, width=1024, height=768)
    composition.tray.extend(
        [
            Reference(kind=MediaKind.IMAGE, source=str(media / "gone.png"), name="gone.png"),
            Reference(kind=MediaKind.IMAGE, source=str(big), name="poster.png", facts=facts),
        ]
    )
    composition.prompt.set_text(
        "@Image1 和 @Image2 在雨中奔跑，接上 @Video1 的镜头", composition.tray
    )
    return composition


def main(out: str, media: str | None = None) -> int:
    app = make_application(sys.argv[:1])
    loop = qasync.QEventLoop(app, already_running=True)
    asyncio.set_event_loop(loop)
    composition = with_problems(Path(media)) if media else None
    studio = build_studio(simulator=True, composition=composition)
    window = studio.window
    window.resize(1280, 800)
    window.show()
    end = time.monotonic() + 1.5
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)
    texts: list[str] = []
    texts += [a.text() for a in window.menuBar().actions()]
    for menu in window.findChildren(QMenu):
        texts += [a.text() for a in menu.actions() if a.text()]
    texts += [b.text() for b in window.findChildren(QAbstractButton) if b.isVisible() and b.text()]
    texts += [
        label.text() for label in window.findChildren(QLabel) if label.isVisible() and label.text()
    ]
    for header in window.findChildren(QHeaderView):
        model = header.model()
        if model is not None and header.orientation().value == 1:
            texts += [
                str(model.headerData(i, header.orientation())) for i in range(model.columnCount())
            ]
    screen = window.screen()
    picture = screen.grabWindow(int(window.winId())) if screen is not None else window.grab()
    if picture.isNull() or app.platformName() == "offscreen":
        picture = window.grab()
    picture.save(out)
    shown = {
        "title": window.windowTitle(),
        "texts": texts,
        "problems": window.problems.messages(),
        "checks_heading": window.problems.heading.text(),
        "estimate": window.submit_bar.estimate.text(),
        "estimate_tip": window.submit_bar.estimate.toolTip(),
        "generate_tip": window.submit_bar.button.toolTip(),
    }
    print(json.dumps(shown, ensure_ascii=False))
    if studio.simulator is not None:
        studio.simulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
