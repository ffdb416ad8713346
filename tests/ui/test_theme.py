"""Light and dark follow the system (or the override), and both keep text readable."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from seedance_studio.ui import theme


def _luminance(hex_color: str) -> float:
    c = QColor(hex_color)
    channels = []
    for v in (c.redF(), c.greenF(), c.blueF()):
        channels.append(v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("colors", [theme.DARK, theme.LIGHT], ids=["dark", "light"])
def test_text_is_readable_on_both_schemes(colors: dict[str, str]) -> None:
    assert theme.DARK.keys() == theme.LIGHT.keys()
    for fg in ("TEXT", "MUTED"):  # WCAG AA for body text
        for bg in ("WINDOW", "BASE", "PANEL"):
            assert _contrast(colors[fg], colors[bg]) >= 4.5, (fg, bg)


def test_the_override_and_the_system_scheme_choose_the_palette(qapp: QApplication) -> None:
    assert theme.system_scheme(qapp, {"SEEDANCE_STUDIO_THEME": "light"}) == "light"
    assert theme.system_scheme(qapp, {"SEEDANCE_STUDIO_THEME": "dark"}) == "dark"
    try:
        assert theme.apply_theme(qapp, "light") == "light"
        assert qapp.palette().color(QPalette.ColorRole.Window) == QColor(theme.LIGHT["WINDOW"])
        assert QColor(theme.LIGHT["TEXT"]) == theme.TEXT
        assert theme.LIGHT["WINDOW"] in qapp.styleSheet()
    finally:
        theme.apply_theme(qapp, "dark")
    assert qapp.palette().color(QPalette.ColorRole.Window) == QColor(theme.DARK["WINDOW"])
