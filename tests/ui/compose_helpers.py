"""Helpers shared by the composing-side widget tests (plain functions, not fixtures)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import PySide6
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from seedance_studio.core import capabilities
from seedance_studio.core.composition import Composition
from seedance_studio.core.params import GenerationParams, with_defaults
from seedance_studio.ui.thumbnail_cache import ThumbnailCache
from seedance_studio.ui.tray_ingest import ReferenceIngest
from seedance_studio.ui.tray_model import TrayModel, TrayRoles
from seedance_studio.ui.tray_widget import TrayWidget
from seedance_studio.ui.workers import Worker
from tests.media_factory import make_audio, make_image, make_video

ENTER_TAKES_QPOINTF = PySide6.__version_info__ >= (6, 12)
"""PySide6 ≥ 6.12 takes a QPointF for a drag-enter's position, earlier releases a QPoint. Asked
by version first: the wrong guess raises a TypeError whose first handling sets up shiboken's
signature module (25 ms, a stall of its own in stall_bench's drop)."""


def composition_for(provider: str = "eachlabs") -> Composition:
    return Composition(
        with_defaults(GenerationParams(provider=provider), capabilities.get(provider))
    )


def sample_media(folder: Path) -> list[Path]:
    """An image, a video that fits eachlabs' limits, and an audio clip."""
    return [
        make_image(folder / "portrait.png", 96, 64),
        make_video(folder / "walk.mp4", 640, 640, seconds=2, fps=24),
        make_audio(folder / "beat.wav", seconds=1.0),
    ]


def drop(
    target: QWidget,
    urls: Iterable[str | Path] = (),
    text: str | None = None,
    at: QPoint | None = None,
) -> QDropEvent:
    """Send a file-manager/browser style drop to `target` and return the event."""
    mime = QMimeData()
    qurls = [QUrl(str(u)) if "://" in str(u) else QUrl.fromLocalFile(str(u)) for u in urls]
    if qurls:
        mime.setUrls(qurls)
    if text is not None:
        mime.setText(text)
    return drop_mime(target, mime, at)


def drop_mime(target: QWidget, mime: QMimeData, at: QPoint | None = None) -> QDropEvent:
    """Drag-enter then drop `mime` on `target` at `at` (default: its centre)."""
    point = at or target.rect().center()
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    # Qt delivers a drop only to the widget that accepted the drag's enter event.
    first: QPoint | QPointF = QPointF(point) if ENTER_TAKES_QPOINTF else point
    second: QPoint | QPointF = point if ENTER_TAKES_QPOINTF else QPointF(point)
    try:
        enter = QDragEnterEvent(first, actions, mime, buttons, mods)  # type: ignore[arg-type,unused-ignore]
    except TypeError:
        enter = QDragEnterEvent(second, actions, mime, buttons, mods)  # type: ignore[arg-type,unused-ignore]
    QApplication.sendEvent(target, enter)
    event = QDropEvent(QPointF(point), actions, mime, buttons, mods)
    QApplication.sendEvent(target, event)
    return event


class TrayHarness:
    """A tray widget on its own composition, model, ingest and workers, shown."""

    def __init__(self, qtbot: QtBot) -> None:
        self.composition: Composition = composition_for("eachlabs")
        self.worker = Worker()
        self.thumbnails = ThumbnailCache(self.worker)
        self.model = TrayModel(self.composition.tray, self.thumbnails)
        self.ingest = ReferenceIngest(self.composition.tray, self.worker)
        self.widget = TrayWidget(self.model, self.ingest)
        qtbot.addWidget(self.widget)
        self.widget.resize(360, 500)
        self.widget.show()
        self.qtbot = qtbot

    def tags(self) -> list[str]:
        return [str(self.model.index(r).data(TrayRoles.TAG)) for r in range(self.model.rowCount())]

    def settle(self) -> None:
        self.qtbot.waitUntil(lambda: self.worker.pending == 0, timeout=10_000)
