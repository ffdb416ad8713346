"""The open project: a composition, its undo history, where it is saved and what is missing.

The window, the CLI and the tests drive the same object: new, open, save, relink, note.
"""

from __future__ import annotations

from pathlib import Path

from psygnal import Signal

from seedance_studio.core.composition import Composition, CompositionState
from seedance_studio.core.history import CompositionHistory
from seedance_studio.core.i18n import _
from seedance_studio.core.params import GenerationParams
from seedance_studio.core.sequence import Sequence
from seedance_studio.core.sequence_document import SequenceDocument
from seedance_studio.projects.project_file import (
    LoadedProject,
    MissingFile,
    ProjectFile,
    SequenceEncoder,
    load_project,
    save_project,
    with_project_suffix,
)
from seedance_studio.projects.sequence_file import decode_sequence, sequence_encoder

UNTITLED = "Untitled"


def empty_state(params: GenerationParams) -> CompositionState:
    return CompositionState((), {"text": "", "mentions": []}, params, ())


class ProjectSession:
    changed = Signal()
    """The name, the path, the unsaved mark or the missing files changed."""

    def __init__(self, composition: Composition) -> None:
        self.composition = composition
        self.history = CompositionHistory(composition)
        self.sequence = SequenceDocument()
        """The shots, when the project is a sequence (the composer shows the current one)."""
        self._saved_sequence = Sequence()
        self._writing_sequence = Sequence()
        self.path: Path | None = None
        self.saved: ProjectFile | None = None
        self.missing: list[MissingFile] = []
        self._note = ""
        self._saved_note = ""
        self.history.changed.connect(self.changed.emit)
        self.sequence.changed.connect(self.changed.emit)

    def detach(self) -> None:
        self.history.detach()

    # -- reading -----------------------------------------------------------------------------

    @property
    def name(self) -> str:
        return self.path.stem if self.path is not None else UNTITLED

    @property
    def modified(self) -> bool:
        return (
            self.history.is_modified
            or self._note != self._saved_note
            or self.sequence.sequence != self._saved_sequence
        )

    @property
    def note(self) -> str:
        return self._note

    def set_note(self, text: str) -> None:
        if text != self._note:
            self._note = text
            self.changed.emit()

    def is_empty(self) -> bool:
        comp = self.composition
        return not len(comp.tray) and not comp.prompt.text and not self._note

    # -- acting ------------------------------------------------------------------------------

    def new(self, params: GenerationParams) -> None:
        """An empty untitled composition on `params`' provider."""
        self.composition.restore(empty_state(params))
        self._load_sequence(Sequence(), None)
        self._became(None, None, [], "")

    def open(self, path: Path) -> LoadedProject:
        """Load a project (ProjectError with a one-line reason when it cannot be)."""
        loaded = load_project(path)
        seq, current, lost = decode_sequence(loaded.file.sequence, loaded.path.parent)
        self.composition.restore(loaded.state)
        self._load_sequence(seq, current)
        self._became(loaded.path, loaded.file, loaded.missing, loaded.file.note)
        self._saved_sequence = seq
        self.missing = self._with_shot_files(loaded.missing, lost)
        self.changed.emit()
        return loaded

    def adopt(
        self,
        state: CompositionState,
        *,
        path: Path | None,
        note: str,
        modified: bool,
        autosaved: ProjectFile | None = None,
    ) -> None:
        """Take over a composition restored from an autosave (still unsaved if `modified`)."""
        saved: ProjectFile | None = None
        missing: list[MissingFile] = []
        if path is not None:
            try:
                loaded = load_project(path)
                saved, missing = loaded.file, loaded.missing
            except Exception:  # the project file is gone or broken: keep the autosave
                saved = None
        self.composition.restore(state)
        restored = decode_sequence(autosaved.sequence if autosaved else None, None)
        self._load_sequence(restored[0], restored[1])
        self._became(path, saved, missing, note)
        self._saved_sequence = (
            decode_sequence(saved.sequence, path.parent)[0]
            if saved is not None and path is not None
            else restored[0]
        )
        if modified:
            self._saved_note = saved.note if saved else ""
            self.history.mark_clean_lost()
        self.missing = self.find_missing()
        self.changed.emit()

    def save(self, path: Path | None = None) -> Path:
        """Write the project (to `path`, else where it was opened from). Hashes files:
        the window calls `write` on a worker and `saved` back on the UI thread instead."""
        target = with_project_suffix(path or self._require_path())
        state, position = self.composition.state(), self.history.position
        project = self.write(state, target)
        self.saved_as(target, project, position)
        return target

    def write(self, state: CompositionState, target: Path) -> ProjectFile:
        seq = self._writing_sequence = self.sequence.sequence
        return save_project(
            state,
            target,
            note=self._note,
            previous=self.saved,
            sequence=sequence_encoder(seq, self.sequence.current),
        )

    def sequence_encoder(self) -> SequenceEncoder:
        """The autosave's encoder for the sequence as it is now."""
        return sequence_encoder(self.sequence.sequence, self.sequence.current)

    def saved_as(self, target: Path, project: ProjectFile, position: int) -> None:
        self.path = target
        self.saved = project
        self._saved_note = project.note
        self._saved_sequence = self._writing_sequence
        self.history.mark_clean(position)
        self.missing = self.find_missing()
        self.changed.emit()

    def relink(self, new_sources: dict[str, str]) -> int:
        """Point references at their files' new places (one undo step); returns how many."""
        tray = self.composition.tray
        todo = {i: s for i, s in new_sources.items() if i in tray and tray.get(i).source != s}
        if not todo:
            return 0
        name = "Relink 1 file" if len(todo) == 1 else f"Relink {len(todo)} files"
        with self.history.group(name), tray.batch():
            for ref_id, source in todo.items():
                ref = tray.get(ref_id)
                update: dict[str, str | None] = {"source": source}
                if ref.original_source is None or ref.original_source == ref.source:
                    update["original_source"] = ref.original_source and source
                tray.replace(ref_id, ref.model_copy(update=update))
        self.missing = self.find_missing()
        self.changed.emit()
        return len(todo)

    def find_missing(self) -> list[MissingFile]:
        """Local references whose file is not there now (hash and size from the last save)."""
        saved = {r.id: r for r in self.saved.composition.references} if self.saved else {}
        missing = []
        for ref in self.composition.tray:
            if ref.is_url or Path(ref.source).is_file():
                continue
            old = saved.get(ref.id)
            file = old.file if old is not None else None
            missing.append(
                MissingFile(
                    ref.id,
                    ref.display_name,
                    ref.source,
                    file.sha256 if file else None,
                    file.size if file else None,
                )
            )
        return missing

    # -- internals ---------------------------------------------------------------------------

    def _load_sequence(self, seq: Sequence, current: str | None) -> None:
        self.sequence.load(seq, current)

    @staticmethod
    def _with_shot_files(missing: list[MissingFile], lost: list[MissingFile]) -> list[MissingFile]:
        """The composer's missing files, plus the other shots' (once per file)."""
        seen = {m.ref_id for m in missing}
        return [*missing, *(m for m in lost if m.ref_id not in seen)]

    def _require_path(self) -> Path:
        if self.path is None:
            raise ValueError(_("this project has not been saved yet: choose where (Save As)"))
        return self.path

    def _became(
        self, path: Path | None, saved: ProjectFile | None, missing: list[MissingFile], note: str
    ) -> None:
        self.path = path
        self.saved = saved
        self.missing = missing
        self._note = self._saved_note = note
        self.history.reset()
        self.changed.emit()
