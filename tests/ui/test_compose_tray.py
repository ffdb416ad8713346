"""The reference tray widget: drops, tags, removal and the prompt rewriting that follows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QColor, QGuiApplication, QImage
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from seedance_studio.ui.tray_model import REF_MIME
from tests.media_factory import make_image, write_text
from tests.ui.compose_helpers import TrayHarness, drop, drop_mime, sample_media


@pytest.fixture
def harness(qtbot: QtBot) -> Iterator[TrayHarness]:
    h = TrayHarness(qtbot)
    yield h
    h.worker.shutdown()
    h.model.disconnect_tray()


def test_drop_three_files_and_two_urls_gives_tags_in_drop_order(
    harness: TrayHarness, tmp_path: Path
) -> None:
    image, video, audio = sample_media(tmp_path)
    event = drop(
        harness.widget.view.viewport(),
        [
            image,
            video,
            audio,
            "https://cdn.example.com/shots/face.jpg",
            "https://cdn.example.com/clips/dance.mp4?sig=abc",
        ],
    )
    accepted = event.isAccepted()
    assert accepted
    harness.settle()
    assert harness.tags() == ["@Image1", "@Video1", "@Audio1", "@Image2", "@Video2"]
    refs = harness.composition.tray.items
    assert refs[1].facts is not None and refs[1].facts.width == 640
    assert refs[4].is_url and refs[4].facts is None
    # Thumbnails for local files arrive from the worker; the video frame is real pixels.
    harness.qtbot.waitUntil(
        lambda: all(harness.thumbnails.has(r) for r in refs[:3]), timeout=10_000
    )


def test_browser_text_drop_adds_url_lines(harness: TrayHarness) -> None:
    drop(
        harness.widget.view.viewport(),
        text="https://example.com/a.png\nnot a url\nhttps://example.com/b.mp3\n",
    )
    harness.settle()
    assert harness.tags() == ["@Image1", "@Audio1"]


def test_corrupt_and_text_files_are_refused_with_a_message(
    harness: TrayHarness, tmp_path: Path
) -> None:
    good = make_image(tmp_path / "ok.png")
    broken = tmp_path / "broken.png"
    broken.write_bytes(good.read_bytes()[:40])
    notes = write_text(tmp_path / "notes.mp4")
    messages: list[str] = []
    harness.ingest.rejected.connect(messages.append)
    drop(harness.widget.view.viewport(), [broken, good, notes])
    harness.settle()
    assert harness.tags() == ["@Image1"]
    assert len(messages) == 2
    assert any("broken.png" in m for m in messages)
    assert any("notes.mp4" in m for m in messages)
    assert harness.widget.notice.isVisible()


def test_duplicate_drop_is_not_added_twice(harness: TrayHarness, tmp_path: Path) -> None:
    image = make_image(tmp_path / "one.png")
    drop(harness.widget.view.viewport(), [image])
    harness.settle()
    drop(harness.widget.view.viewport(), [image])
    harness.settle()
    assert harness.tags() == ["@Image1"]


def test_delete_key_removes_and_prompt_renumbers(harness: TrayHarness, tmp_path: Path) -> None:
    a = make_image(tmp_path / "a.png")
    b = make_image(tmp_path / "b.png")
    drop(harness.widget.view.viewport(), [a, b])
    harness.settle()
    comp = harness.composition
    comp.prompt.set_text("@Image1 looks at @Image2", comp.tray)
    view = harness.widget.view
    view.setCurrentIndex(harness.model.index(0))
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Delete)
    assert harness.tags() == ["@Image1"]
    assert comp.tray.items[0].name == "b.png"
    assert comp.prompt.text == "@(removed Image1) looks at @Image1"


def test_moving_a_card_renumbers_tags_and_prompt(harness: TrayHarness, tmp_path: Path) -> None:
    a = make_image(tmp_path / "a.png")
    b = make_image(tmp_path / "b.png")
    drop(harness.widget.view.viewport(), [a, b])
    harness.settle()
    comp = harness.composition
    comp.prompt.set_text("@Image1 then @Image2", comp.tray)
    view = harness.widget.view
    second = comp.tray.items[1].id
    # A drag started on a card carries its id; dropping it on the upper half of the first
    # card moves it in front.
    mime = harness.model.mimeData([harness.model.index(1)])
    assert bytes(mime.data(REF_MIME).data()).decode() == second
    top = view.visualRect(harness.model.index(0)).topLeft() + QPoint(10, 5)
    event = drop_mime(view.viewport(), mime, top)
    accepted = event.isAccepted()
    assert accepted
    assert [r.name for r in comp.tray.items] == ["b.png", "a.png"]
    assert comp.prompt.text == "@Image2 then @Image1"
    assert view.selected_ids() == [second]


def test_paste_raw_image_data_saves_it_and_adds_it(harness: TrayHarness) -> None:
    image = QImage(120, 80, QImage.Format.Format_RGB32)
    image.fill(QColor("#3366cc"))
    mime = QMimeData()
    mime.setImageData(image)
    QGuiApplication.clipboard().setMimeData(mime)
    harness.widget.paste()
    harness.settle()
    [ref] = harness.composition.tray.items
    assert ref.facts is not None and (ref.facts.width, ref.facts.height) == (120, 80)
    assert Path(ref.source).is_file() and ref.source.endswith(".png")


def test_paste_links_and_files_from_the_clipboard(harness: TrayHarness, tmp_path: Path) -> None:
    image = make_image(tmp_path / "still.png")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(image)), QUrl("https://example.com/take.mov")])
    QGuiApplication.clipboard().setMimeData(mime)
    harness.widget.paste()
    harness.settle()
    assert harness.tags() == ["@Image1", "@Video1"]


def test_context_menu_removes_and_copies(harness: TrayHarness, tmp_path: Path) -> None:
    image = make_image(tmp_path / "still.png")
    drop(harness.widget.view.viewport(), [image])
    harness.settle()
    ref = harness.composition.tray.items[0]
    fix, copy, remove = harness.widget.context_actions(ref.id)
    assert not fix.isEnabled()  # nothing to fix
    copy.trigger()
    assert QGuiApplication.clipboard().text() == ref.source
    remove.trigger()
    assert harness.tags() == []


def test_thumbnails_of_one_frame_repaint_the_tray_once(
    harness: TrayHarness, tmp_path: Path
) -> None:
    images = [str(make_image(tmp_path / f"still-{i}.png", 96, 64)) for i in range(3)]
    assert harness.ingest.add_sources(images)
    harness.settle()
    refs = harness.composition.tray.items
    for ref in refs:
        harness.thumbnails.pixmap(ref)  # asks for each thumbnail now, not at the next paint
    harness.qtbot.waitUntil(lambda: all(harness.thumbnails.has(r) for r in refs), timeout=10_000)
    harness.qtbot.waitUntil(lambda: not harness.model._landed_timer.isActive(), timeout=2000)
    repaints: list[tuple[int, int]] = []
    harness.model.dataChanged.connect(lambda a, b, *_: repaints.append((a.row(), b.row())))
    for ref in refs:  # three thumbnails landing on one turn
        harness.thumbnails.ready.emit(ref.source)
    assert repaints == []  # shown on the next frame
    harness.qtbot.waitUntil(lambda: bool(repaints), timeout=2000)
    assert repaints == [(0, len(refs) - 1)]
