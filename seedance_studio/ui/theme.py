"""The app's look: Fusion with a dark palette and a few stylesheet touches.

Colours live here only, so widgets ask for a role (accent, error, kind colour) instead of
hard-coding hex values.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:  # the window's first paint is themed before the core is loaded
    from seedance_studio.core.media_facts import MediaKind
from seedance_studio.resources import icon_dir

THEME_ENV = "SEEDANCE_STUDIO_THEME"
"""light or dark: overrides the system's colour scheme (screenshots, accessibility)."""
FUSION_PROPERTY = "seedance-fusion"
"""Set on the application once it runs Fusion (`make_application` asks for it on Qt's command
line, which creates no Python wrapper of the style and so none of QStyle's enums)."""

DARK = {
    "WINDOW": "#1e2227",
    "BASE": "#16191d",
    "ALT_BASE": "#22262c",
    "PANEL": "#252a31",
    "TEXT": "#d7dce2",
    "MUTED": "#8b949e",
    "ACCENT": "#4c8dff",
    "ERROR": "#ff6b61",
    "WARNING": "#f0b429",
    "OK": "#3fb950",
    "BORDER": "#343a42",
    "HOVER_BORDER": "#4a525c",
    "BANNER_BG": "#3d2f12",
    "BANNER_BORDER": "#6b5213",
    "PRIMARY_OFF_BG": "#2f3a4a",
    "PRIMARY_OFF_TEXT": "#7d8896",
    "DARK": "#111316",
    "LIGHT": "#3a4049",
    "DISABLED_TEXT": "#5c6570",
    "INDICATOR_BORDER": "#5a636e",
    "INDICATOR_OFF": "#3a4048",
    "CHEVRON": "#aab2bd",
    "BADGE_BG": "#2d3b22",
    "BADGE_TEXT": "#9be07a",
    "POPUP_SELECTED": "#2f4a74",
    "CARD_SELECTED": "#2b3440",
    "CARD_HOVER": "#262b32",
    "LINK": "#58a6ff",
}
LIGHT = {
    "WINDOW": "#f6f7f9",
    "BASE": "#ffffff",
    "ALT_BASE": "#f0f2f5",
    "PANEL": "#eceff3",
    "TEXT": "#1f2328",
    "MUTED": "#59636e",
    "ACCENT": "#0b63d8",
    "ERROR": "#c9302c",
    "WARNING": "#8a5a00",
    "OK": "#1a7f37",
    "BORDER": "#d0d7de",
    "HOVER_BORDER": "#afb8c1",
    "BANNER_BG": "#fff4d6",
    "BANNER_BORDER": "#e3c16f",
    "PRIMARY_OFF_BG": "#c9d6ea",
    "PRIMARY_OFF_TEXT": "#4d5d73",
    "DARK": "#8c959f",
    "LIGHT": "#ffffff",
    "DISABLED_TEXT": "#9aa4ae",
    "INDICATOR_BORDER": "#8c959f",
    "INDICATOR_OFF": "#d0d7de",
    "CHEVRON": "#59636e",
    "BADGE_BG": "#dafbe1",
    "BADGE_TEXT": "#116329",
    "POPUP_SELECTED": "#cfe2ff",
    "CARD_SELECTED": "#dde9fb",
    "CARD_HOVER": "#e4e8ee",
    "LINK": "#0b63d8",
}
"""Both schemes name the same roles; contrast of TEXT and MUTED on WINDOW stays above 4.5:1."""

WINDOW = QColor(DARK["WINDOW"])
BASE = QColor(DARK["BASE"])
ALT_BASE = QColor(DARK["ALT_BASE"])
PANEL = QColor(DARK["PANEL"])
TEXT = QColor(DARK["TEXT"])
MUTED = QColor(DARK["MUTED"])
ACCENT = QColor(DARK["ACCENT"])
ERROR = QColor(DARK["ERROR"])
WARNING = QColor(DARK["WARNING"])
OK = QColor(DARK["OK"])
BORDER = QColor(DARK["BORDER"])
BADGE_BG = QColor(DARK["BADGE_BG"])
BADGE_TEXT = QColor(DARK["BADGE_TEXT"])
POPUP_SELECTED = QColor(DARK["POPUP_SELECTED"])
CARD_SELECTED = QColor(DARK["CARD_SELECTED"])
CARD_HOVER = QColor(DARK["CARD_HOVER"])
LINK = QColor(DARK["LINK"])
scheme = "dark"
"""The scheme in use: "dark" or "light"."""

KIND_COLORS = {
    "image": QColor("#4c8dff"),
    "video": QColor("#b07cff"),
    "audio": QColor("#3ec98c"),
}
"""By MediaKind value."""


def kind_color(kind: MediaKind) -> QColor:
    return KIND_COLORS[kind.value]


def kind_text_color(kind: MediaKind) -> QColor:
    """A kind's colour for a tag's text over its own tinted chip: lighter on the dark scheme,
    darker on the light one (the kind colours themselves are mid-tones)."""
    color = KIND_COLORS[kind.value]
    return color.darker(200) if scheme == "light" else color.lighter(130)


def stylesheet(c: dict[str, str]) -> str:
    """The stylesheet for a colour scheme (`{chevron_down}`/`{chevron_up}` left to fill)."""
    return f"""
QMainWindow, QDialog {{ background: {c["WINDOW"]}; }}
QToolBar {{ background: {c["WINDOW"]}; border: none; border-bottom: 1px solid {c["BORDER"]};
            padding: 4px; spacing: 4px; }}
QToolButton {{ padding: 4px 8px; border-radius: 5px; }}
QToolButton:hover {{ background: {c["PANEL"]}; }}
QToolButton[role="menu"]::menu-indicator {{ image: none; width: 0px; }}
QStatusBar {{ border-top: 1px solid {c["BORDER"]}; color: {c["MUTED"]}; }}
QSplitter::handle {{ background: {c["BORDER"]}; }}
QSplitter::handle:horizontal {{ width: 1px; }}
QSplitter::handle:vertical {{ height: 1px; }}
QLabel[role="heading"] {{ font-weight: 600; color: {c["TEXT"]}; padding: 2px 0; }}
QLabel[role="muted"] {{ color: {c["MUTED"]}; }}
QLabel[role="error"] {{ color: {c["ERROR"]}; }}
QLabel[role="estimate"] {{ font-size: 15px; font-weight: 600; color: {c["TEXT"]}; }}
QLabel[role="badge"] {{ background: {c["BADGE_BG"]}; color: {c["BADGE_TEXT"]};
                        border-radius: 9px; padding: 3px 12px; }}
QLabel[role="banner"] {{ background: {c["BANNER_BG"]}; color: {c["WARNING"]};
                         border: 1px solid {c["BANNER_BORDER"]};
                         border-radius: 6px; padding: 8px; }}
QPlainTextEdit, QListView, QListWidget, QLineEdit, QSpinBox, QComboBox, QDoubleSpinBox {{
    border: 1px solid {c["BORDER"]}; border-radius: 6px; }}
QPlainTextEdit {{ padding: 6px; selection-background-color: {c["ACCENT"]}; }}
QLineEdit, QSpinBox, QComboBox, QDoubleSpinBox {{ padding: 3px 6px; min-height: 20px; }}
QPlainTextEdit:focus, QLineEdit:focus {{ border-color: {c["ACCENT"]}; }}
QPushButton {{ padding: 5px 14px; border-radius: 6px; border: 1px solid {c["BORDER"]};
               background: {c["PANEL"]}; }}
QPushButton:hover {{ border-color: {c["HOVER_BORDER"]}; }}
QPushButton[role="primary"] {{ background: {c["ACCENT"]}; color: white; border: none;
                               font-weight: 600; padding: 7px 20px; }}
QPushButton[role="primary"]:disabled {{ background: {c["PRIMARY_OFF_BG"]};
                                        color: {c["PRIMARY_OFF_TEXT"]}; }}
QGroupBox {{ border: 1px solid {c["BORDER"]}; border-radius: 8px; margin-top: 14px;
             padding: 10px 8px 8px 8px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; color: {c["MUTED"]}; }}
QTabWidget::pane {{ border: 1px solid {c["BORDER"]}; border-radius: 6px; }}
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
QComboBox QAbstractItemView {{ border: 1px solid {c["BORDER"]}; background: {c["PANEL"]};
                               selection-background-color: {c["ACCENT"]}; }}
QToolTip {{ background: {c["PANEL"]}; color: {c["TEXT"]}; border: 1px solid {c["BORDER"]};
            padding: 6px; }}
QCheckBox::indicator, QRadioButton::indicator {{ width: 14px; height: 14px;
    border: 1px solid {c["INDICATOR_BORDER"]}; background: {c["BASE"]}; }}
QCheckBox::indicator {{ border-radius: 3px; }}
QRadioButton::indicator {{ border-radius: 8px; }}
QCheckBox::indicator:hover, QRadioButton::indicator:hover {{ border-color: {c["ACCENT"]}; }}
QCheckBox::indicator:checked {{ background: {c["ACCENT"]}; border-color: {c["ACCENT"]};
    image: url("{{check}}"); }}
QRadioButton::indicator:checked {{ border-color: {c["ACCENT"]}; background: qradialgradient(
    cx: 0.5, cy: 0.5, radius: 0.5, fx: 0.5, fy: 0.5, stop: 0 white, stop: 0.4 white,
    stop: 0.5 {c["ACCENT"]}, stop: 1 {c["ACCENT"]}); }}
QCheckBox::indicator:disabled, QRadioButton::indicator:disabled {{
    border-color: {c["INDICATOR_OFF"]}; background: {c["WINDOW"]}; }}
"""


STYLESHEET = stylesheet(DARK)


def palette_for(c: dict[str, str]) -> QPalette:
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: c["WINDOW"],
        QPalette.ColorRole.WindowText: c["TEXT"],
        QPalette.ColorRole.Base: c["BASE"],
        QPalette.ColorRole.AlternateBase: c["ALT_BASE"],
        QPalette.ColorRole.ToolTipBase: c["PANEL"],
        QPalette.ColorRole.ToolTipText: c["TEXT"],
        QPalette.ColorRole.PlaceholderText: c["MUTED"],
        QPalette.ColorRole.Text: c["TEXT"],
        QPalette.ColorRole.Button: c["PANEL"],
        QPalette.ColorRole.ButtonText: c["TEXT"],
        QPalette.ColorRole.BrightText: "#ffffff",
        QPalette.ColorRole.Highlight: c["ACCENT"],
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: c["ACCENT"],
        QPalette.ColorRole.Mid: c["BORDER"],
        QPalette.ColorRole.Dark: c["DARK"],
        QPalette.ColorRole.Light: c["LIGHT"],
    }
    for role, color in roles.items():
        pal.setColor(role, QColor(color))
    disabled = QPalette.ColorGroup.Disabled
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.WindowText,
    ):
        pal.setColor(disabled, role, QColor(c["DISABLED_TEXT"]))
    return pal


def dark_palette() -> QPalette:
    return palette_for(DARK)


def _override(environ: Mapping[str, str] | None) -> str | None:
    env = os.environ if environ is None else environ
    wanted = env.get(THEME_ENV, "").strip().lower()
    return wanted if wanted in {"light", "dark"} else None


def system_scheme(app: QApplication, environ: Mapping[str, str] | None = None) -> str:
    """ "light" or "dark": the override in SEEDANCE_STUDIO_THEME, else the system's colour
    scheme as Qt reports it; dark where the system says nothing.

    Asking Qt builds every enum of the Qt namespace (~20 ms), so the first paint uses
    `first_paint_scheme` and this runs after it."""
    wanted = _override(environ)
    if wanted is not None:
        return wanted
    from PySide6.QtCore import Qt

    if app.styleHints().colorScheme() == Qt.ColorScheme.Light:
        return "light"
    return "dark"


def first_paint_scheme(remembered: object, environ: Mapping[str, str] | None = None) -> str:
    """The scheme for the first paint without asking Qt: the override, else the scheme the
    system had when the app last ran (`remembered`, kept in the UI state), else dark. The
    system is asked right after the first paint and wins (`apply_theme`)."""
    wanted = _override(environ)
    if wanted is not None:
        return wanted
    if isinstance(remembered, str) and remembered in {"light", "dark"}:
        return remembered
    return "dark"


def _use(colors: dict[str, str], name: str) -> None:
    """Point the module's colour roles at `colors` (widgets read theme.TEXT etc. when they
    paint, so a later repaint follows)."""
    global scheme
    module = globals()
    for role in (
        "WINDOW",
        "BASE",
        "ALT_BASE",
        "PANEL",
        "TEXT",
        "MUTED",
        "ACCENT",
        "ERROR",
        "WARNING",
        "OK",
        "BORDER",
        "BADGE_BG",
        "BADGE_TEXT",
        "POPUP_SELECTED",
        "CARD_SELECTED",
        "CARD_HOVER",
        "LINK",
    ):
        module[role] = QColor(colors[role])
    scheme = name


def apply_theme(app: QApplication, name: str | None = None) -> str:
    """Fusion + the palette and stylesheet of the system's scheme (or `name`); follows the
    system when it switches between light and dark. Returns the scheme applied."""
    chosen = apply_palette(app, name)
    apply_stylesheet(app)
    if name is None and not app.property("seedance-theme-follows"):
        app.setProperty("seedance-theme-follows", True)
        app.styleHints().colorSchemeChanged.connect(lambda _scheme: apply_theme(app))
    return chosen


def apply_palette(app: QApplication, name: str | None = None) -> str:
    """Fusion and the scheme's palette: enough for the first paint's frame."""
    chosen = name or system_scheme(app)
    colors = LIGHT if chosen == "light" else DARK
    _use(colors, chosen)
    if not app.property(FUSION_PROPERTY):
        app.setStyle("Fusion")
        app.setProperty(FUSION_PROPERTY, True)
    app.setPalette(palette_for(colors))
    return chosen


def apply_stylesheet(app: QApplication) -> None:
    """The scheme's stylesheet (parsed, and every widget polished with it: after the first
    paint)."""
    colors = LIGHT if scheme == "light" else DARK
    icons = icon_dir().as_posix()
    app.setStyleSheet(
        stylesheet(colors)
        .replace("{chevron_down}", _tinted("chevron-down", DARK["CHEVRON"], colors["CHEVRON"]))
        .replace("{chevron_up}", _tinted("chevron-up", DARK["CHEVRON"], colors["CHEVRON"]))
        .replace("{check}", f"{icons}/check-on-accent.svg")
    )


def _tinted(name: str, drawn: str, wanted: str) -> str:
    """The path of icon `name` with colour `drawn` replaced by `wanted` (stylesheets take only
    files: a copy per colour is written once to the cache folder)."""
    source = icon_dir() / f"{name}.svg"
    if drawn == wanted:
        return source.as_posix()
    from seedance_studio.core import paths

    target = paths.cache_dir() / "icons" / f"{name}-{wanted.lstrip('#')}.svg"
    if not target.is_file():
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(source.read_text(encoding="utf-8").replace(drawn, wanted), "utf-8")
        except OSError:  # a read-only cache: the drawn colour still shows the arrow
            return source.as_posix()
    return target.as_posix()
