"""The real app in a process of its own, edited as a user would, then left running for the
test to kill: `python -m tests.ui.crash_driver TEXT URL [PROJECT]`.

It is `seedance_studio.app.main` with one addition: once the window is up it types TEXT
into the prompt and adds URL to the tray (after saving the empty composition as PROJECT,
when given), and prints EDITED when the autosave has them.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import qasync
from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest

from seedance_studio import app
from seedance_studio.projects.autosave import AUTOSAVE_FILE, autosave_dir


def main() -> int:
    text, url = sys.argv[1], sys.argv[2]
    project = Path(sys.argv[3]) if len(sys.argv) > 3 else None
    application = app.make_application(sys.argv[:1])
    loop = qasync.QEventLoop(application)
    asyncio.set_event_loop(loop)

    async def drive() -> None:
        studio = app.build_studio()
        window = studio.window
        window.show()
        await studio.bridge.start()
        if project is not None:
            window.project.save_to(project, wait=True)
        window.ingest.add_sources([url])
        editor = window.prompt.editor
        editor.setFocus()
        QTest.keyClicks(editor, text)
        path = autosave_dir() / AUTOSAVE_FILE
        for _ in range(600):  # bounded: 60 s
            await asyncio.sleep(0.1)
            saved = path.read_text("utf-8") if path.exists() else ""
            if text in saved and url in saved:
                print("EDITED", flush=True)
                break
        await asyncio.Event().wait()  # until killed

    tick = QTimer()
    tick.start(250)
    with loop:
        loop.run_until_complete(drive())
    return 0


if __name__ == "__main__":
    sys.exit(main())
