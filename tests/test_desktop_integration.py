"""The desktop entry, the AppStream metainfo and the icons validate and install for the user."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
DESKTOP = PACKAGING / "seedance-studio.desktop"
METAINFO = PACKAGING / "io.github.seedance_studio.SeedanceStudio.metainfo.xml"
MIME = PACKAGING / "seedance-studio-mime.xml"
FREEDESKTOP_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (scripts/bootstrap test installs it)")
    return path


def test_the_desktop_file_validates() -> None:
    result = subprocess.run(
        [_tool("desktop-file-validate"), str(DESKTOP)], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "", result.stdout  # not even a hint


def test_project_files_are_a_file_type_the_desktop_entry_opens() -> None:
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    kind = ElementTree.parse(MIME).getroot().find("m:mime-type", ns)
    assert kind is not None
    assert [g.get("pattern") for g in kind.findall("m:glob", ns)] == ["*.seedance"]
    entry = DESKTOP.read_text()
    assert f"MimeType={kind.get('type')};" in entry
    # The launcher takes the file (and hands it to a studio already running).
    assert re.search(r"^Exec=seedance-studio %f$", entry, re.MULTILINE)


def test_the_metainfo_validates_and_names_screenshots_that_exist() -> None:
    result = subprocess.run(
        [_tool("appstreamcli"), "validate", "--no-net", str(METAINFO)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert not re.search(r"^[EW]:", result.stdout, re.MULTILINE), result.stdout
    tree = ElementTree.parse(METAINFO)
    images = [e.text or "" for e in tree.iter("image")]
    assert images
    for url in images:
        assert (ROOT / "docs" / "screenshots" / url.rsplit("/", 1)[1]).is_file(), url
    launchable = tree.find("launchable")
    assert launchable is not None and launchable.text == DESKTOP.name


def test_icons_exist_at_every_freedesktop_size_and_as_ico_and_icns() -> None:
    for size in FREEDESKTOP_SIZES:
        png = PACKAGING / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "seedance-studio.png"
        with Image.open(png) as image:
            assert image.size == (size, size)
            assert image.mode == "RGBA"
            # Drawn, not blank: the corners are transparent, the middle is not.
            assert image.getpixel((0, 0))[3] == 0  # type: ignore[index]
            assert image.getpixel((size // 2, size // 2))[3] == 255  # type: ignore[index]
    with Image.open(PACKAGING / "icons" / "seedance-studio.ico") as ico:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])
    with Image.open(PACKAGING / "icons" / "seedance-studio.icns") as icns:
        assert icns.format == "ICNS"
        assert {(s, s) for s in (16, 32, 128, 256, 512)} <= {
            (w, h) for w, h, *_ in icns.info["sizes"]
        }


def test_install_desktop_puts_both_commands_on_the_path_and_installs_the_entry(
    tmp_path: Path,
) -> None:
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "share"),
        "XDG_BIN_HOME": str(tmp_path / "bin"),
    }
    subprocess.run(
        [str(ROOT / "scripts" / "install-desktop")],
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )
    for name in ("seedance", "seedance-studio"):
        link = tmp_path / "bin" / name
        assert link.is_symlink() and link.resolve() == (ROOT / ".venv" / "bin" / name).resolve()
    entry = tmp_path / "share" / "applications" / "seedance-studio.desktop"
    text = entry.read_text()
    assert f"Exec={tmp_path / 'bin' / 'seedance-studio'}" in text
    assert (
        tmp_path / "share" / "icons" / "hicolor" / "256x256" / "apps" / "seedance-studio.png"
    ).is_file()
    assert (tmp_path / "share" / "metainfo" / METAINFO.name).is_file()
    assert (tmp_path / "share" / "mime" / "packages" / MIME.name).is_file()
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(
            ["desktop-file-validate", str(entry)], capture_output=True, text=True, timeout=30
        )
        assert check.returncode == 0, check.stdout
    subprocess.run(
        [str(ROOT / "scripts" / "install-desktop"), "--uninstall"],
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )
    assert not (tmp_path / "bin" / "seedance").exists()
    assert not entry.exists()
