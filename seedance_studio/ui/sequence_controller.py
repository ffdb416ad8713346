"""Glue between the shot list, the composer and the engine.

The composer edits one composition at a time: the current shot's. Choosing another shot puts
that shot's composition into the composer; every edit in the composer is written back into
the current shot. Generating goes through the same bridge as Generate; each job is noted on
its shot, and a chained shot's continuity image follows the previous shot's take as files
arrive (last frames are extracted on a worker thread). Playing flattens the cut into one file
(packets copied, milliseconds for same-format takes) and plays it in the preview.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable, Coroutine, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from seedance_studio.core import capabilities, paths, pricing
from seedance_studio.core.composition import Composition, CompositionSnapshot, CompositionState
from seedance_studio.core.errors import SeedanceError
from seedance_studio.core.i18n import _
from seedance_studio.core.media_facts import MediaFacts
from seedance_studio.core.money import format_money
from seedance_studio.core.pricing import Estimate
from seedance_studio.core.probe import probe_file
from seedance_studio.core.sequence import (
    Continuity,
    Sequence,
    Shot,
    continuity,
    estimate_sequence,
    source_take,
    sync_chains,
)
from seedance_studio.core.sequence_document import SequenceDocument
from seedance_studio.jobs.sequence_run import (
    SequenceSubmitError,
    generate_unpicked,
    render_animatics,
)
from seedance_studio.jobs.states import JobState
from seedance_studio.ui.engine_bridge import EngineBridge
from seedance_studio.ui.shot_list import ShotListModel, ShotListPanel
from seedance_studio.ui.workers import Worker

if TYPE_CHECKING:
    from seedance_studio.jobs.sequence_takes import SequenceTakes

log = logging.getLogger(__name__)


class SequenceController(QObject):
    message = Signal(str)
    play_requested = Signal(str)
    """A file to play in the preview (the flattened sequence)."""

    def __init__(
        self,
        doc: SequenceDocument,
        composition: Composition,
        bridge: EngineBridge,
        worker: Worker,
        *,
        overrides: Callable[[str], Mapping[str, Decimal] | None] | None = None,
        reset_history: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.doc = doc
        self.composition = composition
        self.bridge = bridge
        self.worker = worker
        self._takes: SequenceTakes | None = None
        self._overrides = overrides
        self._reset_history = reset_history
        self._loading = False
        self._frames: dict[int, Path] = {}
        self._facts: dict[Path, MediaFacts] = {}
        """The probed facts of each last frame (probed on the worker with the extraction)."""
        """Last frames already extracted (job id -> PNG): read on the UI thread, never made."""
        self._extracting: set[int] = set()
        self._tasks: set[asyncio.Task[object]] = set()
        self._window = parent
        self.confirm_box: QMessageBox | None = None
        self.file_dialog: QFileDialog | None = None
        self.model = ShotListModel(
            doc, price=self._price, take_text=self._take_text, continuity=self._continuity
        )
        self.panel = ShotListPanel(self.model, doc)
        self._wire()
        self._update_summary()

    @property
    def takes(self) -> SequenceTakes:
        """The sequence's files (PyAV and OpenTimelineIO load on first use, not at start)."""
        if self._takes is None:
            from seedance_studio.jobs.sequence_takes import SequenceTakes

            self._takes = SequenceTakes(self.bridge.store)
        return self._takes

    def _wire(self) -> None:
        p = self.panel
        p.add_requested.connect(self.add_shot)
        p.duplicate_requested.connect(self.doc.duplicate)
        p.remove_requested.connect(self.doc.remove)
        p.move_requested.connect(self.doc.move)
        p.chain_requested.connect(self.set_chain)
        p.animatics_requested.connect(self.render_animatics)
        p.generate_requested.connect(self.confirm_generate)
        p.play_requested.connect(self.play)
        p.export_requested.connect(self.choose_export)
        p.soundtrack_requested.connect(self.choose_soundtrack)
        p.soundtrack_cleared.connect(lambda: self.doc.set_soundtrack(None))
        p.shot_activated.connect(self.doc.set_current)
        self.doc.current_changed.connect(self._load_current)
        self.doc.changed.connect(self._update_summary)
        self.composition.changed.connect(self._store_current)
        self.bridge.job_changed.connect(self._on_job_changed)

    # -- composing ---------------------------------------------------------------------------

    def add_shot(self) -> str:
        """The first press turns what is being composed into Shot 1 and adds Shot 2; later
        presses add an empty shot with the current shot's provider and parameters."""
        if not self.doc.sequence.shots:
            self.doc.add_shot(self.composition.snapshot())  # the composer already shows it
        blank = CompositionSnapshot(
            references=[], prompt={"text": "", "mentions": []}, params=self.composition.params
        )
        return self.doc.add_shot(blank, after=self.doc.current)

    def set_chain(self, shot_id: str, chain: bool) -> None:
        self.doc.set_chain(shot_id, chain)
        self._sync_chains()

    def _load_current(self, shot_id: object) -> None:
        if not isinstance(shot_id, str):
            return
        shot = self.doc.sequence.shot(shot_id)
        comp = shot.composition
        if comp == self.composition.snapshot():
            return
        self._loading = True
        try:
            self.composition.restore(
                CompositionState(
                    tuple(comp.references),
                    dict(comp.prompt),
                    comp.params,
                    tuple(sorted(self.composition.remembered.items())),
                )
            )
        finally:
            self._loading = False
        if self._reset_history is not None:
            self._reset_history()  # each shot is composed like its own document

    def _store_current(self) -> None:
        current = self.doc.current
        if self._loading or current is None:
            return
        snap = self.composition.snapshot()
        if self.doc.sequence.shot(current).composition != snap:
            self.doc.replace_silently(self.doc.sequence.update_shot(current, composition=snap))

    # -- reading for the table ---------------------------------------------------------------

    def _price(self, shot: Shot) -> Estimate | None:
        try:
            caps = capabilities.get(shot.provider)
            overrides = self._overrides(shot.provider) if self._overrides else None
            return pricing.estimate(shot.composition, caps, overrides)
        except (KeyError, ValueError):
            return None

    def _take_text(self, shot: Shot) -> str:
        if shot.pick is not None:
            return _("#{job} (picked)").format(job=shot.pick)
        latest = shot.takes[-1] if shot.takes else None
        if latest is not None:
            job = self.bridge.job(latest)
            state = job.state.value if job is not None else "?"
            return f"#{latest} {state}" + (
                f" (+{len(shot.takes) - 1})" if len(shot.takes) > 1 else ""
            )
        if shot.animatic is not None:
            job = self.bridge.job(shot.animatic)
            done = job is not None and job.state is JobState.DONE
            text = _("animatic #{job}").format(job=shot.animatic)
            return text if done else _("{animatic} (rendering)").format(animatic=text)
        return "—"

    def _continuity(self, shot_id: str) -> Continuity:
        return continuity(self.doc.sequence, shot_id, self._frames.get)

    def _update_summary(self) -> None:
        seq = self.doc.sequence
        if not seq.shots:
            self.panel.set_summary(_("Add a shot to turn this composition into a sequence."))
            return
        total = estimate_sequence(seq, lambda c: self._price_of(c))
        todo = len(total.shots)
        if todo == 0:
            text = _("{len_value} shots, every one picked.").format(len_value=len(seq.shots))
        else:
            high = _("no upper bound") if total.max is None else format_money(total.max)
            span = (
                format_money(total.min)
                if total.max == total.min
                else f"{format_money(total.min)}–{high}"
            )
            text = _("{todo} of {len_value} shots to generate: {span}").format(
                todo=todo, len_value=len(seq.shots), span=span
            )
            if total.unpriced:
                text += _(" (+ {len_value} with no published price)").format(
                    len_value=len(total.unpriced)
                )
        self.panel.set_summary(text)

    def _price_of(self, comp: CompositionSnapshot) -> Estimate:
        caps = capabilities.get(comp.params.provider)
        overrides = self._overrides(comp.params.provider) if self._overrides else None
        return pricing.estimate(comp, caps, overrides)

    # -- generating --------------------------------------------------------------------------

    def spawn(self, coro: Coroutine[object, object, object]) -> asyncio.Task[object]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _submit(self, comp: CompositionSnapshot) -> list[int]:
        return await self.bridge.submit(comp, self._price_of(comp))

    def render_animatics(self) -> asyncio.Task[object]:
        async def run() -> None:
            try:
                seq = await render_animatics(self.doc.sequence, self._submit)
            except SeedanceError as exc:
                self.message.emit(_("Animatics not started: {exc}").format(exc=exc))
                return
            self._merge_jobs(seq)
            self.message.emit(
                _("Rendering the animatic of {len_value} shots (free)").format(
                    len_value=len(seq.shots)
                )
            )

        return self.spawn(run())

    def confirm_generate(self) -> QMessageBox | None:
        """Show the total first; send only on Yes (open(), never exec(), in an async app)."""
        seq = self.doc.sequence
        total = estimate_sequence(seq, self._price_of)
        if not total.shots:
            self.message.emit(_("Every shot has a picked take: nothing to generate"))
            return None
        high = _("no upper bound") if total.max is None else format_money(total.max)
        lines = [
            _("Generate {len_value} shot(s) on their providers?").format(
                len_value=len(total.shots)
            ),
            _("Estimated total: {format_money_value}").format(
                format_money_value=format_money(total.min)
            )
            + ("" if total.max == total.min else f" – {high}"),
        ]
        if total.unpriced:
            lines.append(
                _(
                    "{len_value} shot(s) on a provider with no published price are not "
                    "in the total."
                ).format(len_value=len(total.unpriced))
            )
        box = QMessageBox(
            QMessageBox.Icon.Question,
            _("Generate the rest"),
            "\n".join(lines),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self._window,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(result: int) -> None:
            self.confirm_box = None
            if result == QMessageBox.StandardButton.Yes:
                self.generate_rest()

        box.finished.connect(answered)
        self.confirm_box = box
        box.open()
        return box

    def generate_rest(self) -> asyncio.Task[object]:
        async def run() -> None:
            try:
                seq = await generate_unpicked(self.doc.sequence, self._submit)
            except SequenceSubmitError as exc:
                self._merge_jobs(exc.sequence)
                self.message.emit(str(exc))
                return
            self._merge_jobs(seq)
            self.message.emit(_("Shots sent; their takes arrive in the shot list and the jobs"))

        return self.spawn(run())

    def _merge_jobs(self, sent: Sequence) -> None:
        """Note the jobs a run created on the shots as they are now (the user may have edited
        meanwhile): takes and animatics only, nothing else is taken from `sent`."""
        seq = self.doc.sequence
        for shot in sent.shots:
            if all(s.id != shot.id for s in seq.shots):
                continue
            for job_id in shot.takes:
                seq = seq.with_take(shot.id, job_id)
            if shot.animatic is not None:
                seq = seq.with_animatic(shot.id, shot.animatic)
        self.doc.replace_silently(seq)

    def _on_job_changed(self, job_id: int) -> None:
        seq = self.doc.sequence
        shot = seq.shot_of_job(job_id)
        if shot is None:
            return
        job = self.bridge.job(job_id)
        if job is not None and job.pick and shot.pick != job_id and job_id in shot.takes:
            self.doc.replace_silently(seq.with_pick(shot.id, job_id))  # picked in compare
        if job is not None and job.state is JobState.DONE:
            self._sync_chains()
        self.model.refresh()

    def set_pick(self, shot_id: str, job_id: int | None) -> None:
        self.doc.set_pick(shot_id, job_id)
        self._sync_chains()

    def _sync_chains(self) -> None:
        """Extract the last frames chained shots need (worker thread), then re-point them."""
        seq = self.doc.sequence
        wanted = set()
        for i, shot in enumerate(seq.shots):
            if shot.chain and i > 0:
                take = source_take(seq.shots[i - 1])
                if take is not None and take not in self._frames:
                    wanted.add(take)
        for job_id in wanted - self._extracting:
            self._extract(job_id)
        self._apply_chains()

    def _extract(self, job_id: int) -> None:
        self._extracting.add(job_id)
        takes = self.takes

        def extract() -> tuple[Path, MediaFacts] | None:
            path = takes.last_frame(job_id)
            return None if path is None else (path, probe_file(path))

        def done(found: tuple[Path, MediaFacts] | None) -> None:
            if found is not None:
                self._facts[found[0]] = found[1]
            self._frame_ready(job_id, found[0] if found else None)

        def failed(_exc: BaseException) -> None:
            self._extracting.discard(job_id)

        self.worker.submit(extract, on_done=done, on_error=failed)

    def _frame_ready(self, job_id: int, path: Path | None) -> None:
        self._extracting.discard(job_id)
        if path is not None:
            self._frames[job_id] = path
            self._apply_chains()

    def _apply_chains(self) -> None:
        seq = sync_chains(self.doc.sequence, self._frames.get, self._facts.get)
        if seq != self.doc.sequence:
            self.doc.replace_silently(seq)
            current = self.doc.current
            if current is not None:
                self._load_current(current)
        self.model.refresh()

    # -- playing, exporting ------------------------------------------------------------------

    def play(self) -> None:
        items = self.takes.playlist(self.doc.sequence)
        if not items:
            self.message.emit(
                _("No shot has a take or an animatic to play yet: try Animatic for all")
            )
            return
        sound = Path(self.doc.sequence.soundtrack) if self.doc.sequence.soundtrack else None
        key = hashlib.sha256(
            "|".join([*(str(i.path) for i in items), str(sound)]).encode()
        ).hexdigest()[:16]
        target = paths.cache_dir() / "sequences" / f"cut-{key}.mp4"
        if target.is_file():
            self.play_requested.emit(str(target))
            return
        self.message.emit(
            _("Preparing the sequence ({len_items} shots)…").format(len_items=len(items))
        )
        from seedance_studio.media.flatten import flatten

        files = [i.path for i in items]
        self.worker.submit(
            lambda: flatten(files, target, sound=sound),
            on_done=lambda r: self.play_requested.emit(str(r.path)),
            on_error=lambda e: self.message.emit(_("Cannot play: {e}").format(e=e)),
        )

    def choose_export(self) -> QFileDialog:
        """Where to export (open(), never exec(): the loop must keep running)."""
        return self._file_dialog(
            _("Export the sequence"),
            QFileDialog.AcceptMode.AcceptSave,
            _(
                "OpenTimelineIO (*.otio);;Final Cut Pro XML (*.xml);;CMX 3600 EDL (*.edl);;"
                "One MP4 (*.mp4)"
            ),
            lambda path: self.export(Path(path)),
            select="sequence.otio",
        )

    def choose_soundtrack(self) -> QFileDialog:
        return self._file_dialog(
            _("Soundtrack of the sequence"),
            QFileDialog.AcceptMode.AcceptOpen,
            _("Audio (*.wav *.mp3 *.m4a *.aac *.flac *.ogg *.opus)"),
            lambda path: self.doc.set_soundtrack(path),
        )

    def _file_dialog(
        self,
        title: str,
        mode: QFileDialog.AcceptMode,
        filters: str,
        chosen: Callable[[str], None],
        *,
        select: str = "",
    ) -> QFileDialog:
        dialog = QFileDialog(self._window, title)
        dialog.setAcceptMode(mode)
        dialog.setNameFilter(filters)
        if mode is QFileDialog.AcceptMode.AcceptOpen:
            dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        if select:
            dialog.selectFile(select)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(chosen)
        self.file_dialog = dialog
        dialog.open()
        return dialog

    def export(self, dest: Path) -> None:
        movie = dest if dest.suffix.lower() == ".mp4" else None
        timeline = None if movie is not None else dest
        self.message.emit(_("Exporting {name}…").format(name=dest.name))
        from seedance_studio.jobs.sequence_takes import export_sequence

        seq = self.doc.sequence
        self.worker.submit(
            lambda: export_sequence(
                self.takes, seq, name=dest.stem, timeline=timeline, movie=movie
            ),
            on_done=lambda r: self.message.emit(
                _("Exported {r_clips} shots to {dest}").format(r_clips=r.clips, dest=dest)
                + (_("; left out: {value}").format(value=", ".join(r.missing)) if r.missing else "")
            ),
            on_error=lambda e: self.message.emit(_("Not exported: {e}").format(e=e)),
        )

    def shutdown(self) -> None:
        for task in list(self._tasks):
            task.cancel()
