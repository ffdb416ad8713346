"""How the selected take was made: prompt as written and as sent, references with
thumbnails, parameters with the provider's defaults, seed, estimate against charge, the
provider's ids, times and the file; with Load as composition, Re-run, Compare and Pick."""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal, SignalInstance
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from seedance_studio.core import capabilities
from seedance_studio.core.i18n import _
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.core.params import GenerationParams, with_defaults
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobRecord
from seedance_studio.media.thumbnails import Thumbnail, make_thumbnail
from seedance_studio.ui import theme
from seedance_studio.ui.job_format import actual_text, charge_state, estimate_text
from seedance_studio.ui.thumbnail_cache import to_qimage
from seedance_studio.ui.workers import Worker

THUMB = QSize(64, 40)


def _when(ts: float | None) -> str:
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M:%S") if ts else "—"


def _row(label: str, value: str) -> str:
    return _(
        "<tr><td style='color:{value};padding-right:8px'>{label}</td><td>{value2}</td></tr>"
    ).format(value=theme.MUTED.name(), label=label, value2=value)


def provenance_html(job: JobRecord) -> str:
    """The take's facts as one small HTML table (escaped: prompts are user text)."""
    snapshot = job.snapshot()
    try:
        caps = capabilities.get(job.provider)
        name = caps.name
        applied = with_defaults(snapshot.params, caps).model_dump(mode="json")
        defaults = with_defaults(
            GenerationParams(provider=caps.id, model=snapshot.params.model), caps
        ).model_dump(mode="json")
    except KeyError:
        name, applied, defaults = job.provider, dict(job.params), {}
    try:
        sent = snapshot.compiled_prompt()
    except Exception:
        sent = job.prompt_text
    params = ", ".join(
        f"{k}={v}" + (" (default)" if k in defaults and defaults[k] == v else "")
        for k, v in applied.items()
        if v is not None and k not in ("provider", "model")
    )
    charge = actual_text(job) or charge_state(job) or _("not reported yet")
    e = html.escape
    rows = [
        _row(_("Prompt as written"), e(snapshot.canonical_prompt()) or "—"),
        _row(_("Prompt as sent"), e(sent) or "—"),
        _row(_("Provider"), e(f"{name} · {job.model or _('default model')}")),
        _row(_("Parameters"), e(params)),
        _row(
            _("Seed"),
            e(
                str(job.params.get("seed"))
                if job.params.get("seed") is not None
                else _("not set (the provider picks one)")
            ),
        ),
        _row(_("Estimate"), e(estimate_text(job))),
        _row(_("Charged"), e(charge)),
        _row(_("Provider job id"), e(job.provider_job_id or "—")),
        _row(
            _("Job"),
            e(
                _("#{id} · group {group} · batch {batch}").format(
                    id=job.id, group=job.group_id, batch=job.batch[:12]
                )
                + (
                    _(" · sent with {job_fanout}").format(job_fanout=job.fanout)
                    if job.fanout
                    else ""
                )
            ),
        ),
        _row(_("Created"), _when(job.created_at)),
        _row(_("Submitted"), _when(job.submitted_at)),
        _row(_("Finished"), _when(job.finished_at or job.succeeded_at)),
        _row(_("File"), e(job.result_path or "—")),
    ]
    if job.message and job.state in (JobState.FAILED, JobState.CANCELLED, JobState.STUCK):
        rows.insert(3, _row(_("Outcome"), e(job.message)))
    return _("<table cellspacing='2'>") + "".join(rows) + "</table>"


class ProvenancePanel(QWidget):
    load_requested = Signal(object)
    rerun_requested = Signal(object)
    compare_requested = Signal(list)
    pick_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job: JobRecord | None = None
        self._worker = Worker(max_workers=1, parent=self)
        self._selection: list[JobRecord] = []
        self._generation = 0
        """Bumped per shown take: a thumbnail for an earlier one is dropped."""
        self.heading = QLabel(_("Select a take to see how it was made"), self)
        self.heading.setProperty("role", "heading")
        self.details = QLabel(self)
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.references = QListWidget(self)
        self.references.setAccessibleName(_("Take references"))
        self.references.setIconSize(THUMB)
        self.references.setFlow(QListWidget.Flow.LeftToRight)
        self.references.setWrapping(True)
        self.references.setMaximumHeight(THUMB.height() + 34)
        self.load_button = QPushButton(_("Load as composition"), self)
        self.load_button.setToolTip(
            _(
                "Put this take's references, prompt and parameters back "
                "in the composer (moved files are found by content)"
            )
        )
        self.rerun_button = QPushButton(_("Re-run…"), self)
        self.rerun_button.setToolTip(
            _(
                "Send this take's composition again, here or on another "
                "provider; the estimate is shown first"
            )
        )
        self.compare_button = QPushButton(_("Compare"), self)
        self.compare_button.setToolTip(_("Play the selected takes (2–4) side by side, in sync"))
        self.pick_button = QPushButton(_("Mark as pick"), self)
        for button in (self.load_button, self.rerun_button, self.compare_button, self.pick_button):
            button.setEnabled(False)
        self.load_button.clicked.connect(lambda: self._emit(self.load_requested))
        self.rerun_button.clicked.connect(lambda: self._emit(self.rerun_requested))
        self.compare_button.clicked.connect(self._compare)
        self.pick_button.clicked.connect(lambda: self._emit(self.pick_requested))

        body = QWidget(self)
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self.details)
        inner.addWidget(self.references)
        inner.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for button in (self.load_button, self.rerun_button, self.compare_button, self.pick_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)

    def show_selection(self, jobs: list[JobRecord]) -> None:
        self._selection = jobs
        self.show_job(jobs[0] if jobs else None)
        playable = [j for j in jobs if j.state is JobState.DONE and j.result_path]
        self.compare_button.setEnabled(
            2 <= len(playable) <= 4 or (len(jobs) == 1 and jobs[0].fanout is not None)
        )

    def show_job(self, job: JobRecord | None) -> None:
        self.job = job
        self._generation += 1
        for button in (self.load_button, self.rerun_button):
            button.setEnabled(job is not None)
        self.pick_button.setEnabled(job is not None and job.state is JobState.DONE)
        if job is None:
            self.heading.setText(_("Select a take to see how it was made"))
            self.details.clear()
            self.references.clear()
            return
        self.pick_button.setText(_("Pick ★") if job.pick else _("Mark as pick"))
        self.heading.setText(_("Take #{job_id}").format(job_id=job.id))
        self.details.setText(provenance_html(job))
        self.references.clear()
        snapshot = job.snapshot()
        tags = snapshot.tray().tags()
        for ref in snapshot.references:
            tag = tags[ref.id].mention if ref.id in tags else ""
            gone = not ref.is_url and not Path(ref.source).is_file()
            name = _("{name} (moved)").format(name=ref.display_name) if gone else ref.display_name
            item = QListWidgetItem(f"{tag}\n{name}")
            item.setToolTip(ref.source)
            self.references.addItem(item)
            if not ref.is_url and not gone:
                self._ask_thumbnail(ref.source, ref.kind, item)

    def _ask_thumbnail(self, source: str, kind: MediaKind, item: QListWidgetItem) -> None:
        generation = self._generation

        def done(thumb: Thumbnail) -> None:
            self._thumb(generation, item, thumb)

        self._worker.submit(
            make_thumbnail,
            source,
            kind,
            (THUMB.width(), THUMB.height()),
            on_done=done,
            on_error=lambda _e: None,
        )

    def _thumb(self, generation: int, item: QListWidgetItem, thumb: Thumbnail) -> None:
        if generation == self._generation:
            item.setIcon(QIcon(QPixmap.fromImage(to_qimage(thumb))))

    def _emit(self, signal: SignalInstance) -> None:
        if self.job is not None:
            signal.emit(self.job)

    def _compare(self) -> None:
        self.compare_requested.emit(list(self._selection))

    def shutdown(self) -> None:
        self._worker.shutdown()
