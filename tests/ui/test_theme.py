"""Light and dark follow the system (or the override), and both keep text readable."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QToolBar, QWidget
from pytestqt.qtbot import QtBot

from seedance_studio.app import build_studio
from seedance_studio.core.i18n import _
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.core.reference import Reference
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


@pytest.mark.parametrize("colors", [theme.DARK, theme.LIGHT], ids=["dark", "light"])
def test_badge_popup_and_cards_keep_text_readable(colors: dict[str, str]) -> None:
    pairs = [
        ("BADGE_TEXT", "BADGE_BG"),
        ("TEXT", "POPUP_SELECTED"),
        ("TEXT", "CARD_SELECTED"),
        ("TEXT", "CARD_HOVER"),
        ("LINK", "WINDOW"),
    ]
    for fg, bg in pairs:
        assert _contrast(colors[fg], colors[bg]) >= 4.5, (fg, bg)
    assert _contrast(colors["CHEVRON"], colors["BASE"]) >= 3.0  # a graphic: WCAG's 3:1
    # A disabled Generate still says what it is (WCAG exempts disabled controls; 3:1 here).
    assert _contrast(colors["PRIMARY_OFF_TEXT"], colors["PRIMARY_OFF_BG"]) >= 3.0


def _opaque_colours(widget: QWidget) -> Counter[str]:
    image = widget.grab().toImage()
    found: Counter[str] = Counter()
    for y in range(image.height()):
        for x in range(image.width()):
            c = image.pixelColor(x, y)
            found[c.name()] += 1
    return found


def _share_near(found: Counter[str], wanted: str, tolerance: int = 24) -> int:
    w = QColor(wanted)
    return sum(
        n
        for name, n in found.items()
        if max(
            abs(QColor(name).red() - w.red()),
            abs(QColor(name).green() - w.green()),
            abs(QColor(name).blue() - w.blue()),
        )
        <= tolerance
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_toolbar_icons_badge_and_mention_popup_follow_the_scheme(
    scheme: str, qapp: QApplication, qtbot: QtBot, run_async: Any
) -> None:
    colors = theme.LIGHT if scheme == "light" else theme.DARK
    other = theme.DARK if scheme == "light" else theme.LIGHT
    theme.apply_theme(qapp, scheme)
    studio = build_studio(simulator=True)
    window = studio.window
    qtbot.addWidget(window)
    try:
        window.resize(1280, 800)
        window.show()
        qtbot.waitExposed(window)
        bar = window.findChild(QToolBar, "main-toolbar")
        assert bar is not None
        settings = bar.widgetForAction(window.settings_action)
        drawn = _opaque_colours(settings)
        # The gear is drawn in the scheme's text colour, not the other scheme's (nor its
        # old fixed light grey, which on the light toolbar was 1.4:1).
        assert _share_near(drawn, colors["TEXT"]) > 20, drawn.most_common(5)
        assert _share_near(drawn, "#c9d1d9", 6) < 5 or scheme == "dark"
        text = _("Simulator: no account, no charges")
        badge = next(w for w in bar.findChildren(QLabel) if w.text() == text)
        found = _opaque_colours(badge)
        assert found.most_common(1)[0][0] == colors["BADGE_BG"], found.most_common(3)
        assert _share_near(found, other["BADGE_BG"], 4) == 0

        editor = window.prompt.editor
        comp = window.composition
        comp.tray.add(Reference.from_source("https://example.com/face.png", MediaKind.IMAGE))
        editor.setFocus()
        QTest.keyClicks(editor, "@")
        qtbot.waitUntil(lambda: editor.popup.isVisible())
        popup = _opaque_colours(editor.popup)
        assert _share_near(popup, colors["POPUP_SELECTED"], 4) > 200, popup.most_common(4)
        assert _share_near(popup, colors["PANEL"], 4) > 50, popup.most_common(4)
        editor.close_completion()
    finally:
        window.close()
        run_async(studio.close(), timeout=15)
        theme.apply_theme(qapp, "dark")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_reference_tags_are_readable_on_their_chips(scheme: str, qapp: QApplication) -> None:
    """A tag's text over its kind's tinted chip (tray cards at alpha 60, prompt tokens at 55)
    on every background a card or the prompt has."""
    colors = theme.LIGHT if scheme == "light" else theme.DARK
    theme.apply_theme(qapp, scheme)
    try:
        for kind in MediaKind:
            tint = theme.kind_color(kind)
            for bg_name in ("PANEL", "CARD_SELECTED", "CARD_HOVER", "BASE"):
                bg = QColor(colors[bg_name])
                a = 60 / 255
                chip = QColor(
                    round(tint.red() * a + bg.red() * (1 - a)),
                    round(tint.green() * a + bg.green() * (1 - a)),
                    round(tint.blue() * a + bg.blue() * (1 - a)),
                )
                text = theme.kind_text_color(kind).name()
                assert _contrast(text, chip.name()) >= 4.5, (kind, bg_name)
    finally:
        theme.apply_theme(qapp, "dark")
