"""A composition: the tray, the prompt bound to it, and the generation parameters."""

from __future__ import annotations

from typing import Any

from psygnal import Signal
from pydantic import BaseModel, ConfigDict

from seedance_studio.core import capabilities
from seedance_studio.core.dialects import compile_prompt
from seedance_studio.core.params import GenerationParams
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

    def tray(self) -> ReferenceTray:
        return ReferenceTray(list(self.references))

    def prompt_document(self, tray: ReferenceTray | None = None) -> PromptDocument:
        return PromptDocument.from_data(self.prompt, tray or self.tray())

    def canonical_prompt(self) -> str:
        """The prompt as the user sees it (`@Image1`)."""
        return self.prompt_document().text

    def compiled_prompt(self) -> str:
        """The prompt in this snapshot's provider dialect, as it is sent."""
        tray = self.tray()
        caps = capabilities.get(self.params.provider)
        return compile_prompt(self.prompt_document(tray), tray, caps.dialect)


class Composition:
    """The live, editable composition behind the main window and the CLI.

    The prompt follows the tray: any tray change re-syncs the prompt's mentions.
    """

    changed = Signal()
    """Anything changed: tray, prompt text or parameters."""
    params_changed = Signal(object)

    def __init__(self, params: GenerationParams, tray: ReferenceTray | None = None,
                 prompt: PromptDocument | None = None) -> None:
        self.tray = tray or ReferenceTray()
        self.prompt = prompt or PromptDocument()
        self._params = params
        self.tray.changed.connect(self._on_tray_changed)
        self.prompt.changed.connect(self.changed.emit)

    @property
    def params(self) -> GenerationParams:
        return self._params

    @params.setter
    def params(self, value: GenerationParams) -> None:
        if value != self._params:
            self._params = value
            self.params_changed.emit(value)
            self.changed.emit()

    def update_params(self, **changes: Any) -> None:
        self.params = self._params.model_copy(update=changes)

    def snapshot(self) -> CompositionSnapshot:
        return CompositionSnapshot(references=list(self.tray.items),
                                   prompt=self.prompt.to_data(), params=self._params)

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
