"""The animatic's caption font: a system (or bundled) TrueType font drawn by Pillow, and
wrapping by the pixels a line takes.

A CJK-capable font comes first (WenQuanYi Micro Hei or Noto Sans CJK on Linux, PingFang or
Microsoft YaHei elsewhere): they carry Latin, accents and Chinese, so one font draws any
prompt. Without one the Latin fonts follow, then Pillow's own font: captions still draw,
and characters no font has show as boxes instead of failing the render.
"""

from __future__ import annotations

import os
import sys
import unicodedata
from functools import cache
from pathlib import Path

from PIL import ImageFont

FONT_ENV = "SEEDANCE_CAPTION_FONT"
"""A font file to use instead of the search below."""

CANDIDATES: tuple[str, ...] = (
    # Linux (Debian/Ubuntu packages fonts-wqy-microhei, fonts-noto-cjk, fonts-dejavu-core)
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    # macOS and Windows
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    # Latin only
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/segoeui.ttf",
)

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
ELLIPSIS = "…"


def _bundled_dir() -> Path:
    """Fonts shipped next to a frozen bundle (packaging/ copies any it finds into fonts/)."""
    base = getattr(sys, "_MEIPASS", None)
    return Path(base) / "fonts" if base else Path(__file__).parent / "fonts"


def font_path() -> str | None:
    """The font file captions use, or None for Pillow's built-in font."""
    override = os.environ.get(FONT_ENV)
    if override and Path(override).is_file():
        return override
    bundled = sorted(_bundled_dir().glob("*.tt[cf]")) if _bundled_dir().is_dir() else []
    for candidate in [*map(str, bundled), *CANDIDATES]:
        if Path(candidate).is_file():
            return candidate
    return None


@cache
def caption_font(pixels: int) -> Font:
    """The caption font at `pixels` (em size); cached per size."""
    path = font_path()
    if path is not None:
        try:
            return ImageFont.truetype(path, pixels)
        except OSError:
            pass
    try:
        return ImageFont.load_default(pixels)
    except (TypeError, OSError):  # a Pillow without FreeType: the small bitmap font
        return ImageFont.load_default()


def normalise(text: str) -> str:
    """Text as drawn: composed (NFC), control characters dropped, whitespace collapsed."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    return " ".join(text.split())


def text_width(text: str, font: Font) -> int:
    return round(font.getlength(text)) if text else 0


def _is_wide(ch: str) -> bool:
    """Characters a line may break after without a space (CJK ideographs, kana, hangul)."""
    return unicodedata.east_asian_width(ch) in {"W", "F"}


def _tokens(text: str) -> list[str]:
    """Words, with each wide character a word of its own (CJK has no spaces to break at)."""
    tokens: list[str] = []
    word = ""
    for ch in text:
        if ch == " ":
            if word:
                tokens.append(word)
            word = ""
            tokens.append(" ")
        elif _is_wide(ch):
            if word:
                tokens.append(word)
            word = ""
            tokens.append(ch)
        else:
            word += ch
    if word:
        tokens.append(word)
    return tokens


def _split_long(token: str, font: Font, max_width: int) -> list[str]:
    pieces, piece = [], ""
    for ch in token:
        if piece and text_width(piece + ch, font) > max_width:
            pieces.append(piece)
            piece = ch
        else:
            piece += ch
    return [*pieces, piece] if piece else pieces


def wrap(text: str, font: Font, max_width: int, max_lines: int) -> list[str]:
    """`text` in at most `max_lines` lines of at most `max_width` pixels; words are kept
    whole where they fit, CJK breaks between characters, and a cut ends in an ellipsis."""
    text = normalise(text)
    lines: list[str] = []
    line = ""
    for token in _tokens(text):
        if token == " " and not line:
            continue
        candidate = line + token
        if text_width(candidate.rstrip(), font) <= max_width:
            line = candidate
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = "" if token == " " else token
        if text_width(line, font) > max_width:
            *full, line = _split_long(line, font, max_width)
            lines.extend(full)
    if line.strip():
        lines.append(line.rstrip())
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    last = kept[-1]
    while last and text_width(last + ELLIPSIS, font) > max_width:
        last = last[:-1]
    kept[-1] = last.rstrip() + ELLIPSIS
    return kept
