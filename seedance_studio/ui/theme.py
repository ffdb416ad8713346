"""The app's look: Fusion with a dark palette and a few stylesheet touches.

Colours live here only, so widgets ask for a role (accent, error, kind colour) instead of
hard-coding hex values.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from seedance_studio.core.media_facts import MediaKind
from seedance_studio.resources import icon_dir

WINDOW = QColor("#1e2227")
BASE = QColor("#16191d")
ALT_BASE = QColor("#22262c")
PANEL = QColor("#252a31")
TEXT = QColor("#d7dce2")
MUTED = QColor("#8b949e")
ACCENT = QColor("#4c8dff")
ERROR = QColor("#ff6b61")
WARNING = QColor("#f0b429")
OK = QColor("#3fb950")
BORDER = QColor("#343a42")

KIND_COLORS = {
    MediaKind.IMAGE: QColor("#4c8dff"),
    MediaKind.VIDEO: QColor("#b07cff"),
    MediaKind.AUDIO: QColor("#3ec98c"),
}


def kind_color(kind: MediaKind) -> QColor:
    return KIND_COLORS[kind]


STYLESHEET = f"""
QMainWindow, QDialog {{ background: {WINDOW.name()}; }}
QToolBar {{ background: {WINDOW.name()}; border: none; border-bottom: 1px solid {BORDER.name()};
            padding: 4px; spacing: 4px; }}
QToolButton {{ padding: 4px 8px; border-radius: 5px; }}
QToolButton:hover {{ background: {PANEL.name()}; }}
QStatusBar {{ border-top: 1px solid {BORDER.name()}; color: {MUTED.name()}; }}
QSplitter::handle {{ background: {BORDER.name()}; }}
QSplitter::handle:horizontal {{ width: 1px; }}
QSplitter::handle:vertical {{ height: 1px; }}
QLabel[role="heading"] {{ font-weight: 600; color: {TEXT.name()}; padding: 2px 0; }}
QLabel[role="muted"] {{ color: {MUTED.name()}; }}
QLabel[role="error"] {{ color: {ERROR.name()}; }}
QLabel[role="estimate"] {{ font-size: 15px; font-weight: 600; color: {TEXT.name()}; }}
QLabel[role="banner"] {{ background: #3d2f12; color: {WARNING.name()}; border: 1px solid #6b5213;
                         border-radius: 6px; padding: 8px; }}
QPlainTextEdit, QListView, QListWidget, QLineEdit, QSpinBox, QComboBox, QDoubleSpinBox {{
    border: 1px solid {BORDER.name()}; border-radius: 6px; }}
QPlainTextEdit {{ padding: 6px; selection-background-color: {ACCENT.name()}; }}
QLineEdit, QSpinBox, QComboBox, QDoubleSpinBox {{ padding: 3px 6px; min-height: 20px; }}
QPlainTextEdit:focus, QLineEdit:focus {{ border-color: {ACCENT.name()}; }}
QPushButton {{ padding: 5px 14px; border-radius: 6px; border: 1px solid {BORDER.name()};
               background: {PANEL.name()}; }}
QPushButton:hover {{ border-color: #4a525c; }}
QPushButton[role="primary"] {{ background: {ACCENT.name()}; color: white; border: none;
                               font-weight: 600; padding: 7px 20px; }}
QPushButton[role="primary"]:disabled {{ background: #2f3a4a; color: #7d8896; }}
QGroupBox {{ border: 1px solid {BORDER.name()}; border-radius: 8px; margin-top: 14px;
             padding: 10px 8px 8px 8px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; color: {MUTED.name()}; }}
QTabWidget::pane {{ border: 1px solid {BORDER.name()}; border-radius: 6px; }}
QComboBox::drop-down {{ subcontrol-origin: padding; subcontrol-position: center right;
                        width: 22px; border: none; }}
QComboBox::down-arrow {{ image: url("{{chevron_down}}"); width: 11px; height: 11px; }}
QComboBox::down-arrow:disabled {{ image: none; }}
QSpinBox::up-button, QDoubleSpinBox::up-button {{ subcontrol-origin: border;
    subcontrol-position: top right; width: 18px; border: none; }}
QSpinBox::down-button, QDoubleSpinBox::down-button {{ subcontrol-origin: border;
    subcontrol-position: bottom right; width: 18px; border: none; }}
QSpinBox::up-arrow, QDoubleSpinBox::up-arrow {{ image: url("{{chevron_up}}"); width: 9px;
    height: 9px; }}
QSpinBox::down-arrow, QDoubleSpinBox::down-arrow {{ image: url("{{chevron_down}}"); width: 9px;
    height: 9px; }}
QComboBox QAbstractItemView {{ border: 1px solid {BORDER.name()}; background: {PANEL.name()};
                               selection-background-color: {ACCENT.name()}; }}
QToolTip {{ background: {PANEL.name()}; color: {TEXT.name()}; border: 1px solid {BORDER.name()};
            padding: 6px; }}
QCheckBox::indicator, QRadioButton::indicator {{ width: 14px; height: 14px;
    border: 1px solid #5a636e; background: {BASE.name()}; }}
QCheckBox::indicator {{ border-radius: 3px; }}
QRadioButton::indicator {{ border-radius: 8px; }}
QCheckBox::indicator:hover, QRadioButton::indicator:hover {{ border-color: {ACCENT.name()}; }}
QCheckBox::indicator:checked {{ background: {ACCENT.name()}; border-color: {ACCENT.name()};
    image: url("{{check}}"); }}
QRadioButton::indicator:checked {{ border-color: {ACCENT.name()}; background: qradialgradient(
    cx: 0.5, cy: 0.5, radius: 0.5, fx: 0.5, fy: 0.5, stop: 0 white, stop: 0.4 white,
    stop: 0.5 {ACCENT.name()}, stop: 1 {ACCENT.name()}); }}
QCheckBox::indicator:disabled, QRadioButton::indicator:disabled {{ border-color: #3a4048;
    background: {WINDOW.name()}; }}
"""


def dark_palette() -> QPalette:
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: WINDOW,
        QPalette.ColorRole.WindowText: TEXT,
        QPalette.ColorRole.Base: BASE,
        QPalette.ColorRole.AlternateBase: ALT_BASE,
        QPalette.ColorRole.ToolTipBase: PANEL,
        QPalette.ColorRole.ToolTipText: TEXT,
        QPalette.ColorRole.PlaceholderText: MUTED,
        QPalette.ColorRole.Text: TEXT,
        QPalette.ColorRole.Button: PANEL,
        QPalette.ColorRole.ButtonText: TEXT,
        QPalette.ColorRole.BrightText: QColor("#ffffff"),
        QPalette.ColorRole.Highlight: ACCENT,
        QPalette.ColorRole.HighlightedText: QColor("#ffffff"),
        QPalette.ColorRole.Link: ACCENT,
        QPalette.ColorRole.Mid: BORDER,
        QPalette.ColorRole.Dark: QColor("#111316"),
        QPalette.ColorRole.Light: QColor("#3a4049"),
    }
    for role, color in roles.items():
        pal.setColor(role, color)
    disabled = QPalette.ColorGroup.Disabled
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText,
                 QPalette.ColorRole.WindowText):
        pal.setColor(disabled, role, QColor("#5c6570"))
    return pal


def apply_theme(app: QApplication) -> None:
    """Fusion + the dark palette + the stylesheet, for the whole application."""
    app.setStyle("Fusion")
    app.setPalette(dark_palette())
    icons = icon_dir().as_posix()
    app.setStyleSheet(STYLESHEET.replace("{chevron_down}", f"{icons}/chevron-down.svg")
                      .replace("{chevron_up}", f"{icons}/chevron-up.svg")
                      .replace("{check}", f"{icons}/check-on-accent.svg"))
