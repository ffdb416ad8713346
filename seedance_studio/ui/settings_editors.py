"""One editor per settings field, chosen from the field itself (its type, title, description,
constraints and hint from core/settings_fields), so a new setting needs no widget code.

An editor shows the stored value in the shown unit and gives back the stored value; the
model validates it (core/settings.py). A dotted path ("s3.region") names a nested field.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TypeVar, get_args

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from seedance_studio.core.i18n import _
from seedance_studio.core.settings_fields import Choices, Folder, Money, Placeholder, Unit
from seedance_studio.ui.icons import icon

H = TypeVar("H")


def field_at(model: BaseModel, path: str) -> tuple[FieldInfo, object]:
    """The field a dotted path names in `model`, and its current value."""
    *parents, name = path.split(".")
    target: object = model
    for part in parents:
        target = getattr(target, part)
    assert isinstance(target, BaseModel), path
    return type(target).model_fields[name], getattr(target, name)


def hint_of(info: FieldInfo, kind: type[H]) -> H | None:
    """The hint of type `kind` the field carries, if any."""
    return next((m for m in info.metadata if isinstance(m, kind)), None)


@dataclass
class FieldEditor:
    """What a page shows for one field, and how to read it back."""

    path: str
    label: str
    description: str
    widget: QWidget
    """What goes in the form (may hold more than the input: a Choose… button)."""
    control: QWidget
    """The input itself: a line edit, spin box, combo box or check box."""
    unit: Unit | None = None

    def value(self) -> object:
        """The stored value (in the stored unit); the model validates it."""
        control = self.control
        if isinstance(control, QCheckBox):
            return control.isChecked()
        if isinstance(control, QComboBox):
            return control.currentData()
        if isinstance(control, QDoubleSpinBox):
            amount = round(control.value(), 2)
            return Decimal(str(amount)) if amount > 0 else None
        if isinstance(control, QSpinBox):
            return self.unit.stored(control.value()) if self.unit else control.value()
        assert isinstance(control, QLineEdit)
        return control.text().strip()

    def set_enabled(self, enabled: bool) -> None:
        self.widget.setEnabled(enabled)


def editor_for(model: BaseModel, path: str) -> FieldEditor:
    """The editor for the field at `path`, showing its current value."""
    info, value = field_at(model, path)
    label = info.title or path.rsplit(".", 1)[-1].replace("_", " ").capitalize()
    control = _control(info, value)
    widget = control
    folder = hint_of(info, Folder)
    if folder is not None:
        widget = _with_chooser(control, label)
        assert isinstance(control, QLineEdit)
        control.setPlaceholderText(str(folder.default()))
    if info.description:
        control.setToolTip(info.description)
    control.setObjectName(path)
    unit = hint_of(info, Unit) if isinstance(control, QSpinBox) else None
    return FieldEditor(path, label, info.description or "", widget, control, unit)


def _control(info: FieldInfo, value: object) -> QWidget:
    choices = hint_of(info, Choices)
    unit = hint_of(info, Unit)
    money = hint_of(info, Money)
    if choices is not None:
        combo = QComboBox()
        for data, text in choices.labels:
            combo.addItem(text, data)
        combo.setCurrentIndex(max(0, combo.findData(value)))
        return combo
    if unit is not None and isinstance(value, int):
        spin = QSpinBox()
        spin.setRange(unit.minimum, unit.maximum)
        spin.setSuffix(f" {unit.symbol}")
        spin.setValue(unit.shown(value))
        return spin
    if money is not None:
        money_box = QDoubleSpinBox()
        money_box.setRange(0, money.maximum)
        money_box.setDecimals(2)
        money_box.setPrefix("$ ")
        money_box.setSpecialValueText(_(money.none_text))
        money_box.setValue(float(value) if isinstance(value, Decimal) else 0.0)
        return money_box
    if info.annotation is bool:
        check = QCheckBox()
        check.setChecked(bool(value))
        return check
    if info.annotation is int and isinstance(value, int):
        plain = QSpinBox()
        plain.setRange(0, 1_000_000)
        plain.setValue(value)
        return plain
    if info.annotation is not str and str not in get_args(info.annotation):
        raise TypeError(
            _("no editor for a {info_annotation} setting: give it a hint").format(
                info_annotation=info.annotation
            )
        )
    edit = QLineEdit(str(value or ""))
    placeholder = hint_of(info, Placeholder)
    if placeholder is not None:
        edit.setPlaceholderText(placeholder.text)
    return edit


def _with_chooser(edit: QWidget, title: str) -> QWidget:
    assert isinstance(edit, QLineEdit)
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(edit, 1)
    browse = QPushButton(icon("folder"), _("Choose…"))

    def choose() -> None:
        dialog = QFileDialog(box, title)
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if edit.text():
            dialog.setDirectory(str(Path(edit.text())))
        dialog.fileSelected.connect(edit.setText)
        dialog.open()

    browse.clicked.connect(choose)
    row.addWidget(browse)
    return box


class SecretField(QWidget):
    """A masked line edit with a show/hide eye (keys: they go to the keyring, not the model)."""

    def __init__(self, placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setPlaceholderText(placeholder)
        self.edit.setClearButtonEnabled(True)
        self.toggle = QAction(icon("show"), _("Show"), self.edit)
        self.toggle.setCheckable(True)
        self.toggle.toggled.connect(self._toggled)
        self.edit.addAction(self.toggle, QLineEdit.ActionPosition.TrailingPosition)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)

    def _toggled(self, shown: bool) -> None:
        self.edit.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self.toggle.setIcon(icon("hide" if shown else "show"))
        self.toggle.setText(_("Hide") if shown else _("Show"))

    def text(self) -> str:
        return self.edit.text().strip()

    def set_text(self, text: str) -> None:
        self.edit.setText(text)
