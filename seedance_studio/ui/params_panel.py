"""Generation parameters: only what the chosen provider and model offer, with their defaults.

Every control writes to the Composition; every control is refreshed from it when the params
change (from here, a loaded project, or a provider switch), so there is one source of truth.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from seedance_studio.core import capabilities
from seedance_studio.core.capabilities import ModelCaps, ProviderCapabilities
from seedance_studio.core.composition import Composition
from seedance_studio.core.i18n import _
from seedance_studio.core.params import GenerationParams

SEED_RANDOM = -1
"""The seed spin box's "Random" position: no seed is sent."""
MAX_SEED = 2**31 - 1


def provider_label(caps: ProviderCapabilities) -> str:
    return caps.name


def _aspect_label(value: str) -> str:
    return _("Auto (from references)") if value == "auto" else value


class ParamsPanel(QWidget):
    def __init__(self, composition: Composition, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._composition = composition
        self.provider = QComboBox()
        for caps in capabilities.load_all().values():
            self.provider.addItem(provider_label(caps), caps.id)
        self.model = QComboBox()
        self.duration = QComboBox()
        self.aspect_ratio = QComboBox()
        self.resolution = QComboBox()
        self.mode = QComboBox()
        self.seed = QSpinBox()
        self.seed.setRange(SEED_RANDOM, MAX_SEED)
        self.seed.setSpecialValueText(_("Random"))
        self.generate_audio = QCheckBox(_("Generate a soundtrack"))
        self.variants = QSpinBox()
        self.variants.setRange(1, 1)
        self.upscale = QComboBox()
        self.note = QLabel()
        self.note.setProperty("role", "muted")
        self.note.setWordWrap(True)

        heading = QLabel(_("Generation"))
        heading.setProperty("role", "heading")
        self.form = QFormLayout()
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setHorizontalSpacing(12)
        self.form.setVerticalSpacing(6)
        self.form.addRow(_("Provider"), self.provider)
        self.form.addRow(_("Model"), self.model)
        self.form.addRow(_("Duration"), self.duration)
        self.form.addRow(_("Aspect ratio"), self.aspect_ratio)
        self.form.addRow(_("Resolution"), self.resolution)
        self.form.addRow(_("Mode"), self.mode)
        self.form.addRow(_("Seed"), self.seed)
        self.form.addRow(_("Audio"), self.generate_audio)
        self.form.addRow(_("Variants"), self.variants)
        self.form.addRow(_("Upscale"), self.upscale)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(heading)
        layout.addLayout(self.form)
        layout.addWidget(self.note)

        self.provider.currentIndexChanged.connect(self._on_provider)
        self.model.currentIndexChanged.connect(self._on_model)
        self._bind_combo(self.duration, "duration")
        self._bind_combo(self.aspect_ratio, "aspect_ratio")
        self._bind_combo(self.resolution, "resolution")
        self._bind_combo(self.mode, "mode")
        self._bind_combo(self.upscale, "upscale")
        self.seed.valueChanged.connect(
            lambda v: self._write(seed=None if v == SEED_RANDOM else int(v))
        )
        self.generate_audio.toggled.connect(lambda on: self._write(generate_audio=bool(on)))
        self.variants.valueChanged.connect(lambda v: self._write(variants=int(v)))
        composition.params_changed.connect(self._refresh)
        self._refresh()

    def detach(self) -> None:
        self._composition.params_changed.disconnect(self._refresh)

    # -- writing -----------------------------------------------------------------------------

    def _bind_combo(self, combo: QComboBox, field: str) -> None:
        def write(_index: int) -> None:
            self._write(**{field: combo.currentData()})

        combo.currentIndexChanged.connect(write)

    def _write(self, **changes: object) -> None:
        self._composition.update_params(**changes)

    def _on_provider(self, _index: int) -> None:
        # The composition remembers each provider's parameters: back to one restores them.
        self._composition.switch_provider(str(self.provider.currentData()))

    def _on_model(self, _index: int) -> None:
        model_id = self.model.currentData()
        if model_id and model_id != self._composition.params.model:
            self._composition.switch_model(str(model_id))

    # -- reading -----------------------------------------------------------------------------

    def _refresh(self, *_args: object) -> None:
        params: GenerationParams = self._composition.params
        caps = capabilities.get(params.provider)
        model = caps.model(params.model)
        blockers = [
            QSignalBlocker(w)
            for w in (
                self.provider,
                self.model,
                self.duration,
                self.aspect_ratio,
                self.resolution,
                self.mode,
                self.seed,
                self.generate_audio,
                self.variants,
                self.upscale,
            )
        ]
        try:
            self.provider.setCurrentIndex(self.provider.findData(caps.id))
            _fill(self.model, [(m.label, m.id) for m in caps.models], model.id)
            self.model.setEnabled(len(caps.models) > 1)
            durations: list[tuple[str, object]] = (
                [(_("Auto (model decides)"), "auto")] if model.auto_duration else []
            )
            durations += [(f"{d} s", d) for d in model.durations]
            _fill(self.duration, durations, params.duration)
            _fill(
                self.aspect_ratio,
                [(_aspect_label(a), a) for a in model.aspect_ratios],
                params.aspect_ratio,
            )
            _fill(self.resolution, [(r, r) for r in model.resolutions], params.resolution)
            _fill(self.mode, [(m.capitalize(), m) for m in model.modes], params.mode)
            _fill(
                self.upscale,
                [(_("Off"), None)] + [(u.upper(), u) for u in model.upscale],
                params.upscale,
            )
            self.seed.setValue(SEED_RANDOM if params.seed is None else params.seed)
            self.generate_audio.setChecked(bool(params.generate_audio))
            self.variants.setRange(1, max(1, model.max_variants))
            self.variants.setValue(params.variants)
        finally:
            del blockers
        self._show_rows(model)
        notes = " ".join(caps.notes)
        self.provider.setToolTip(f"<p>{notes}</p>" if notes else "")
        self.note.setText(
            _("Prices and limits as of {caps_as_of:%d %b %Y}").format(caps_as_of=caps.as_of)
        )
        self.note.setToolTip(f"<p>{notes}</p>" if notes else "")

    def _show_rows(self, model: ModelCaps) -> None:
        visible: dict[QWidget, bool] = {
            self.duration: bool(model.durations) or model.auto_duration,
            self.aspect_ratio: bool(model.aspect_ratios),
            self.resolution: bool(model.resolutions),
            self.mode: bool(model.modes),
            self.seed: model.seed,
            self.generate_audio: model.generate_audio,
            self.variants: model.max_variants > 1,
            self.upscale: bool(model.upscale),
        }
        for widget, shown in visible.items():
            self.form.setRowVisible(widget, shown)

    def visible_fields(self) -> list[str]:
        """Labels of the rows on show (tests and screenshots read this)."""
        shown: list[str] = []
        for row in range(self.form.rowCount()):
            label = self.form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field = self.form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if label is None or field is None or field.widget() is None:
                continue
            if self.form.isRowVisible(row):
                text = label.widget()
                if isinstance(text, QLabel):
                    shown.append(text.text())
        return shown


def _fill(combo: QComboBox, items: list[tuple[str, object]], current: object) -> None:
    """Replace a combo's items (signals are blocked by the caller) and select `current`."""
    combo.clear()
    for text, data in items:
        combo.addItem(text, data)
    index = combo.findData(current) if current is not None else -1
    if index < 0 and current is None:
        index = next((i for i in range(combo.count()) if combo.itemData(i) is None), 0)
    combo.setCurrentIndex(max(index, 0) if combo.count() else -1)
