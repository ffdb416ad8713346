"""Run as a child process with LANG set: build the studio window as the app does, save a
screenshot and print every visible text of its menus, buttons, labels and headers as JSON.

    python -m tests.ui.zh_window OUT_PNG
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

import qasync
from PySide6.QtWidgets import QAbstractButton, QHeaderView, QLabel, QMenu

from seedance_studio.app import build_studio, make_application


def main(out: str) -> int:
    app = make_application(sys.argv[:1])
    loop = qasync.QEventLoop(app, already_running=True)
    asyncio.set_event_loop(loop)
    studio = build_studio(simulator=True)
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
    print(json.dumps({"title": window.windowTitle(), "texts": texts}, ensure_ascii=False))
    if studio.simulator is not None:
        studio.simulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
