"""A composition: the tray, the prompt bound to it, and the generation parameters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from psygnal import Signal
from pydantic import BaseModel, ConfigDict, PrivateAttr

from seedance_studio.core import capabilities
from seedance_studio.core.dialects import Dialect, compile_prompt
from seedance_studio.core.errors import CompositionError
from seedance_studio.core.params import GenerationParams, switch_model, with_defaults
from seedance_studio.core.prompt import PromptDocument
from seedance_studio.core.reference import Reference
from seedance_studio.core.tray import ReferenceTray

PROJECT_FORMAT = 1


class CompositionSnapshot(BaseModel):
    """An immutable copy of a composition: what a job stores and what a request is built from."""

    model_config = ConfigDict(frozen=True)

    references: list[Reference]
    prompt: dict[str, Any]
    """PromptDocument.to_data()."""
    params: GenerationParams
    format: int = PROJECT_FORMAT

    _read: _Reading | None = PrivateAttr(default=None)
    """The prompt read once for these references (a keystroke's checks, count and estimate
    all read one snapshot); `model_copy` with other references or another prompt reads anew."""

    def tray(self) -> ReferenceTray:
        return ReferenceTray(list(self.references))

    def document(self) -> PromptDocument:
        """The prompt bound to these references, shared by every reader of this snapshot:
        read it, never edit it (`prompt_document` gives a copy to edit)."""
        return self._reading().document

    def reading_tray(self) -> ReferenceTray:
        """A tray of these references, shared like `document`: read it, never edit it."""
        return self._reading().tray

    def prompt_document(self, tray: ReferenceTray | None = None) -> PromptDocument:
        if tray is None or _same(tray.items, self.references):
            return self.document().copy(tray)
        return PromptDocument.from_data(self.prompt, tray)

    def canonical_prompt(self) -> str:
        """The prompt as the user sees it (`@Image1`)."""
        return self.document().text

    def compiled_prompt(self, dialect: Dialect | None = None) -> str:
        """The prompt in `dialect` (default: this snapshot's provider's), as it is sent;
        compiled once per dialect."""
        if dialect is None:
            dialect = capabilities.get(self.params.provider).dialect
        reading = self._reading()
        found = reading.compiled.get(dialect)
        if found is None:
            try:
                found = compile_prompt(reading.document, reading.tray, dialect)
            except CompositionError as exc:
                found = exc
            reading.compiled[dialect] = found
        if isinstance(found, CompositionError):
            raise found
        return found

    def carry(self, document: PromptDocument, tray: ReferenceTray) -> None:
        """Keep `document` (a detached copy that already reads as this snapshot's prompt
        bound to `tray`) instead of reading the prompt's data again."""
        self._read = _Reading(self.references, self.prompt, document, tray)

    def _reading(self) -> _Reading:
        read = self._read
        if read is None or read.prompt is not self.prompt or not _same(read.refs, self.references):
            tray = self.tray()
            read = _Reading(
                self.references, self.prompt, PromptDocument.from_data(self.prompt, tray), tray
            )
            self._read = read
        return read


@dataclass
class _Reading:
    refs: Sequence[Reference]
    prompt: dict[str, Any]
    document: PromptDocument
    tray: ReferenceTray
    compiled: dict[Dialect, str | CompositionError] = field(default_factory=dict)


def _same(a: Sequence[Reference], b: Sequence[Reference]) -> bool:
    """The very same reference objects, in order (references are immutable)."""
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


def memory_key(provider: str, model: str | None = None) -> str:
    """Where a provider's (or one of its models') last parameters are remembered."""
    return provider if model is None else f"{provider}/{model}"


@dataclass(frozen=True)
class CompositionState:
    """Everything an undo step or a project restores: the tray, the prompt with its bindings,
    the parameters and the parameters remembered for every other provider and model."""

    references: tuple[Reference, ...]
    prompt: dict[str, Any]
    params: GenerationParams
    remembered: tuple[tuple[str, GenerationParams], ...] = ()

    def snapshot(self) -> CompositionSnapshot:
        return CompositionSnapshot(
            references=list(self.references), prompt=self.prompt, params=self.params
        )


class Composition:
    """The live, editable composition behind the main window and the CLI.

    The prompt follows the tray: any tray change re-syncs the prompt's mentions. The last
    parameters used with each provider (and each of its models) are remembered, so switching
    away and back restores them; a provider chosen for the first time starts at its defaults.
    """

    changed = Signal()
    """Anything changed: tray, prompt text or parameters."""
    params_changed = Signal(object)

    def __init__(
        self,
        params: GenerationParams,
        tray: ReferenceTray | None = None,
        prompt: PromptDocument | None = None,
        remembered: dict[str, GenerationParams] | None = None,
    ) -> None:
        self.tray = tray or ReferenceTray()
        self.prompt = prompt or PromptDocument()
        self._params = params
        self._remembered: dict[str, GenerationParams] = dict(remembered or {})
        self._snapshot: CompositionSnapshot | None = None
        self._snapshot_version = -1
        self._remember(params)
        self.tray.changed.connect(self._on_tray_changed)
        self.prompt.changed.connect(self.changed.emit)

    @property
    def params(self) -> GenerationParams:
        return self._params

    @params.setter
    def params(self, value: GenerationParams) -> None:
        if value != self._params:
            self._params = value
            self._remember(value)
            self.params_changed.emit(value)
            self.changed.emit()

    def update_params(self, **changes: object) -> None:
        self.params = self._params.model_copy(update=changes)

    @property
    def remembered(self) -> dict[str, GenerationParams]:
        """The last parameters per provider (key `provider`) and per model (`provider/model`)."""
        return dict(self._remembered)

    def _remember(self, params: GenerationParams) -> None:
        self._remembered[memory_key(params.provider)] = params
        if params.model is not None:
            self._remembered[memory_key(params.provider, params.model)] = params

    def _usable(self, params: GenerationParams | None) -> GenerationParams | None:
        """Remembered parameters, unless the provider's capabilities no longer offer them."""
        if params is None:
            return None
        try:
            capabilities.get(params.provider).model(params.model)
        except KeyError:
            return None
        return params

    def switch_provider(self, provider_id: str) -> None:
        """Choose another provider: its remembered parameters, else its defaults."""
        if provider_id == self._params.provider:
            return
        caps = capabilities.get(provider_id)
        kept = self._usable(self._remembered.get(memory_key(provider_id)))
        self.params = kept or with_defaults(GenerationParams(provider=provider_id), caps)

    def switch_model(self, model_id: str) -> None:
        """Choose another model of the same provider: what was last used with it, else the
        current choices it also offers (the rest at its defaults)."""
        params = self._params
        if model_id == params.model:
            return
        caps = capabilities.get(params.provider)
        kept = self._usable(self._remembered.get(memory_key(params.provider, model_id)))
        self.params = kept or switch_model(params, caps, model_id)

    def state(self) -> CompositionState:
        return CompositionState(
            tuple(self.tray.items),
            self.prompt.to_data(),
            self._params,
            tuple(sorted(self._remembered.items())),
        )

    def restore(self, state: CompositionState) -> None:
        """Become `state` in place (undo, redo, opening a project): widgets bound to this
        composition's tray and prompt follow."""
        self.tray.reset(state.references)
        self.prompt.restore(state.prompt, self.tray)
        self._remembered = dict(state.remembered)
        self.params = state.params
        self._remember(state.params)
        self.changed.emit()

    def snapshot(self) -> CompositionSnapshot:
        """The composition as it is now; the same object until something changes, so the
        checks, the count and the estimate of one keystroke share one reading of it."""
        items = self.tray.items
        last = self._snapshot
        if (
            last is not None
            and self._snapshot_version == self.prompt.version
            and last.params is self._params
            and _same(last.references, items)
        ):
            return last
        snap = CompositionSnapshot(
            references=list(items), prompt=self.prompt.to_data(), params=self._params
        )
        if self.prompt.synced_to(self.tray):
            snap.carry(self.prompt.copy(), self.tray.copy())
        self._snapshot, self._snapshot_version = snap, self.prompt.version
        return snap

    def to_project(self) -> dict[str, Any]:
        """A JSON-able project; it holds no keys (there are none in a composition)."""
        return self.snapshot().model_dump(mode="json")

    @classmethod
    def from_snapshot(cls, snap: CompositionSnapshot) -> Composition:
        tray = snap.tray()
        return cls(snap.params, tray, snap.prompt_document(tray))

    @classmethod
    def from_project(cls, data: dict[str, Any]) -> Composition:
        return cls.from_snapshot(CompositionSnapshot.model_validate(data))

    def _on_tray_changed(self) -> None:
        self.prompt.sync(self.tray)
        self.changed.emit()
