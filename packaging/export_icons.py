"""Render icons/seedance-studio.svg to every freedesktop size, plus .ico and .icns.

    .venv/bin/python packaging/export_icons.py

Writes packaging/icons/hicolor/<N>x<N>/apps/seedance-studio.png for N in SIZES, and
packaging/icons/seedance-studio.ico (Windows) and .icns (macOS), both written by Pillow from
the same renders. Qt's SVG renderer draws each size from the vector, so small sizes stay sharp.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "icons" / "seedance-studio.svg"
OUT = ROOT / "packaging" / "icons"
NAME = "seedance-studio"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
"""The hicolor theme's fixed-size folders from 16 to 512 pixels."""
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512)


def render(size: int) -> Image.Image:
    renderer = QSvgRenderer(str(SVG))
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return Image.open(io.BytesIO(bytes(data.data()))).convert("RGBA")


def main() -> int:
    _app = QGuiApplication(sys.argv)
    renders = {size: render(size) for size in SIZES}
    for size, image in renders.items():
        target = OUT / "hicolor" / f"{size}x{size}" / "apps" / f"{NAME}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        image.save(target, optimize=True)
    largest = renders[max(SIZES)]
    largest.save(OUT / f"{NAME}.ico", sizes=[(s, s) for s in ICO_SIZES])
    largest.save(OUT / f"{NAME}.icns", sizes=[(s, s) for s in ICNS_SIZES])
    print(f"wrote {len(SIZES)} PNGs, {NAME}.ico and {NAME}.icns under {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
