"""Trim…: choose the in and out points of a clip that is too long, then conform that part."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import pytest
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from seedance_studio.core.composition import Composition
from seedance_studio.core.probe import probe_file, reference_from_file
from seedance_studio.core.validation import validate
from seedance_studio.ui.conform_actions import ConformActions
from seedance_studio.ui.thumbnail_cache import ThumbnailCache
from seedance_studio.ui.tray_ingest import ReferenceIngest
from seedance_studio.ui.tray_model import TrayModel
from seedance_studio.ui.tray_widget import TrayWidget
from seedance_studio.ui.trim_dialog import TrimDialog, TrimWindow
from seedance_studio.ui.workers import Worker
from tests.media_factory import make_image, make_video
from tests.ui.compose_helpers import composition_for

RAMP_PER_S = 8
"""Luma gained per second by the ramp video: its brightness says where a frame comes from."""
RAMP_BASE = 16
DURATION_CODES = {"duration_too_long", "total_duration_too_long"}


def make_ramp_video(path: Path, seconds: int, fps: int = 12, size: int = 640) -> Path:
    """A grey video that brightens steadily (luma = 16 + 8 per second), no sound."""
    with av.open(str(path), "w", format="mp4") as out:
        stream: Any = out.add_stream("h264", rate=fps, options={"preset": "ultrafast"})
        stream.width, stream.height, stream.pix_fmt = size, size, "yuv420p"
        for i in range(seconds * fps):
            frame = av.VideoFrame(size, size, "yuv420p")
            luma = RAMP_BASE + round(RAMP_PER_S * i / fps)
            for plane, value in zip(frame.planes, (luma, 128, 128), strict=True):
                plane.update(bytes([value]) * plane.buffer_size)
            frame.pts = i
            frame.time_base = Fraction(1, fps)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


def first_frame_luma(path: Path) -> float:
    """The mean luma (Y, as written) of the first decoded frame, padding bytes excluded."""
    with av.open(str(path)) as src:
        frame = next(src.decode(video=0)).reformat(format="yuv420p")
    plane = frame.planes[0]
    data = bytes(plane)
    rows = [
        data[y * plane.line_size : y * plane.line_size + frame.width] for y in range(frame.height)
    ]
    return sum(sum(r) for r in rows) / (frame.width * frame.height)


class TrimHarness:
    """The tray widget wired to ConformActions the way the main window wires them."""

    def __init__(self, qtbot: QtBot) -> None:
        self.composition: Composition = composition_for("eachlabs")
        self.worker = Worker()
        self.model = TrayModel(self.composition.tray, ThumbnailCache(self.worker))
        self.widget = TrayWidget(self.model, ReferenceIngest(self.composition.tray, self.worker))
        qtbot.addWidget(self.widget)
        self.actions = ConformActions(self.composition, self.widget)
        self.dialogs: list[TrimDialog | None] = []
        self.messages: list[str] = []
        self.widget.trim_requested.connect(
            lambda ref_id: self.dialogs.append(self.actions.open_trim(ref_id, self.widget))
        )
        self.actions.busy_changed.connect(self.widget.set_fixing)
        self.actions.message.connect(self.messages.append)
        self.widget.set_fix_available(True)
        self.widget.resize(420, 500)
        self.widget.show()

    def check(self) -> list[str]:
        """Validate as the window does and hand the problems to the tray; the error codes."""
        problems = validate(self.composition.snapshot(), check_files=False)
        self.model.set_problems(problems)
        return [p.code for p in problems if p.is_error]


@pytest.fixture
def trim(qtbot: QtBot) -> Iterator[TrimHarness]:
    h = TrimHarness(qtbot)
    yield h
    h.actions.stop()
    h.worker.shutdown()
    h.model.disconnect_tray()


def test_trim_from_five_seconds_swaps_in_a_copy_that_starts_there(
    trim: TrimHarness, tmp_path: Path, qtbot: QtBot, qasync_loop: object
) -> None:
    source = make_ramp_video(tmp_path / "ramp.mp4", seconds=20)
    comp = trim.composition
    ref = comp.tray.add(reference_from_file(source))
    comp.prompt.set_text("@Video1 walks in", comp.tray)
    assert DURATION_CODES & set(trim.check())

    # The badge's problem is a duration limit: Trim… is offered for the selected card.
    trim.widget.view.setCurrentIndex(trim.model.index(0))
    assert trim.widget.trim_button.isVisible()
    action = trim.widget.trim_action(ref.id)
    assert action is not None and action.isEnabled()
    action.trigger()
    dialog = trim.dialogs[-1]
    # open(), not exec(): shown without a nested event loop (the trigger has returned).
    assert dialog is not None and dialog.isVisible()
    # Defaults: from the start, as long as eachlabs' combined 15 s allows.
    assert dialog.in_spin.value() == 0.0
    assert 14.5 <= dialog.out_spin.value() <= 15.0
    assert "of 20.0 s" in dialog.keeps_label.text()

    dialog.in_spin.setValue(5.0)
    in_s, out_s = dialog.span
    span = out_s - in_s
    assert in_s == 5.0 and 14.5 <= span <= 15.0  # the out point followed the in point
    assert dialog.keeps_label.text() == f"Keeps {span:.1f} s of 20.0 s"
    assert dialog.hint_label.isHidden()
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: trim.actions.busy, timeout=2000)
    qtbot.waitUntil(lambda: not trim.actions.busy, timeout=60_000)

    fixed = comp.tray.get(ref.id)
    assert fixed.original_source == str(source)
    assert fixed.source != str(source)
    assert str(comp.tray.tag_of(ref.id)) == "Video1"
    assert comp.prompt.text == "@Video1 walks in"
    assert abs((probe_file(fixed.source).duration_s or 0.0) - span) < 0.2
    luma = first_frame_luma(Path(fixed.source))
    assert abs(luma - (RAMP_BASE + RAMP_PER_S * 5)) <= 5, luma
    assert first_frame_luma(source) < RAMP_BASE + 5  # the source itself starts dark
    assert [m.ref_id for m in comp.prompt.live_mentions()] == [ref.id]
    assert not DURATION_CODES & set(trim.check()), trim.check()


def test_an_explicit_out_point_keeps_only_the_span_between(
    trim: TrimHarness, tmp_path: Path, qtbot: QtBot, qasync_loop: object
) -> None:
    source = make_ramp_video(tmp_path / "ramp.mp4", seconds=20)
    comp = trim.composition
    ref = comp.tray.add(reference_from_file(source))
    trim.check()
    dialog = trim.actions.open_trim(ref.id, trim.widget)
    assert dialog is not None
    dialog.in_spin.setValue(4.0)
    dialog.out_spin.setValue(9.0)
    dialog.in_spin.setValue(3.0)  # an edited out point stays where the user put it
    assert dialog.span == (3.0, 9.0)
    assert dialog.keeps_label.text() == "Keeps 6.0 s of 20.0 s"
    dialog.accept()
    qtbot.waitUntil(lambda: not trim.actions.busy, timeout=60_000)
    fixed = comp.tray.get(ref.id)
    assert abs((probe_file(fixed.source).duration_s or 0.0) - 6.0) < 0.2
    luma = first_frame_luma(Path(fixed.source))
    assert abs(luma - (RAMP_BASE + RAMP_PER_S * 3)) <= 5, luma
    assert not DURATION_CODES & set(trim.check())


def test_the_hint_names_the_window_a_span_breaks_and_ok_waits_for_a_fit(
    trim: TrimHarness, tmp_path: Path
) -> None:
    comp = trim.composition
    other = comp.tray.add(
        reference_from_file(
            make_video(tmp_path / "other.mp4", 640, 640, seconds=6, fps=24, audio=False)
        )
    )
    long = comp.tray.add(reference_from_file(make_ramp_video(tmp_path / "ramp.mp4", 20)))
    trim.check()
    window = trim.actions.trim_window(long.id)
    assert window is not None
    assert window.others_s == pytest.approx(6.0, abs=0.1)
    assert window.max_total_s == 15 and window.min_total_s == 2
    # The default keeps what the other 6 s clip leaves of the combined 15 s.
    assert 8.5 <= window.longest_s <= 9.0
    assert trim.actions.trim_window(other.id) is not None

    dialog = trim.actions.open_trim(long.id, trim.widget)
    assert dialog is not None
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled() and dialog.hint_label.isHidden()
    dialog.out_spin.setValue(12.0)
    assert not ok.isEnabled() and dialog.hint_label.isVisible()
    assert "combined 15 s limit" in dialog.hint_label.text()
    assert "6.0 s" in dialog.hint_label.text()
    dialog.in_spin.setValue(3.0)
    dialog.out_spin.setValue(3.2)
    assert "at least 0.5 s" in dialog.hint_label.text()
    dialog.accept()  # refused while the span does not fit
    assert dialog.isVisible() and not trim.actions.busy
    dialog.in_spin.setValue(2.9)  # an in point that crowds the out point pushes it on
    assert dialog.span == (2.9, window.default_out(2.9))
    assert dialog.hint_label.isHidden() and ok.isEnabled()
    dialog.reject()


@pytest.mark.parametrize(
    ("in_s", "out_s", "problem"),
    [
        (0.0, 10.0, None),
        (2.0, 14.0, "12.0 s is over the 10 s limit per video"),
        (0.0, 1.0, "1.5 s with the other videos (0.5 s) is under the combined 2 s minimum"),
        (5.0, 5.2, "Keep at least 0.5 s: move the out point after the in point"),
    ],
)
def test_trim_window_judges_spans(in_s: float, out_s: float, problem: str | None) -> None:
    window = TrimWindow(
        name="a.mp4",
        kind="video",
        full_s=30.0,
        longest_s=10.0,
        max_s=10.0,
        max_total_s=15.0,
        min_total_s=2.0,
        others_s=0.5,
    )
    assert window.problem(in_s, out_s) == problem
    assert window.default_out(25.0) == 30.0
    assert window.default_out(3.0) == 13.0


def test_images_and_links_have_no_trim(trim: TrimHarness, tmp_path: Path) -> None:
    image = trim.composition.tray.add(reference_from_file(make_image(tmp_path / "a.png")))
    assert trim.widget.trim_action(image.id) is None
    assert trim.actions.open_trim(image.id) is None
    assert trim.messages[-1] == "Only local video and audio clips can be trimmed"
