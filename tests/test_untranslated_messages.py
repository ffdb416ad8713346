"""No message the app raises or records is a bare English literal: each goes through `_()`.

tests/ui/test_untranslated_literals.py watches the text handed to widgets; this watches what
the Qt-free layers say, which the window and the `seedance` command show as it comes: the
reasons of the app's errors (a media file refused, a download failed, a project that cannot
be opened) and what a job records (`message=`, `event=`, `note=` of the job store, a lost
create's listing). Provider text arrives through variables and is not seen here.
"""

from __future__ import annotations

import re
from pathlib import Path

import seedance_studio
from tests.literal_text import literal_words, named_calls

ROOT = Path(seedance_studio.__file__).resolve().parent
ERRORS = frozenset(
    {
        "CancelNotPossibleError",
        "CompositionError",
        "DownloadError",
        "MalformedResponseError",
        "MediaError",
        "NotFoundError",
        "ProjectError",
        "ProviderError",
        "SeedanceError",
        "TimelineExportError",
    }
)
"""The errors whose text is shown to the user."""
RECORDED = frozenset({"message", "event", "note", "notice", "listing"})
"""Keyword arguments whose text a job or a start plan keeps and shows."""


def _bare_messages(path: Path, root: Path = ROOT) -> list[str]:
    found = []
    for name, node in named_calls(path):
        said = list(node.args) if name in ERRORS else []
        said += [k.value for k in node.keywords if k.arg in RECORDED]
        for arg in said:
            words = literal_words(arg).strip()
            if re.search(r"[A-Za-z]{2,} [A-Za-z]{2,}", words) or re.fullmatch(r"[a-z]{3,}", words):
                found.append(f"{path.relative_to(root)}:{node.lineno}: {name}({words!r})")
    return found


def test_every_message_the_app_raises_or_records_goes_through_the_catalogue() -> None:
    offenders = [
        hit
        for package in ("cli", "core", "jobs", "media", "projects", "providers")
        for path in sorted((ROOT / package).rglob("*.py"))
        for hit in _bare_messages(path)
    ]
    assert offenders == []


def test_the_check_sees_a_bare_reason_and_a_bare_history_label(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        'raise MediaError(str(path), "has no video track")\n'
        'raise MediaError(str(path), _("has no video track"))\n'
        'store.update(job_id, event="created")\n'
        'store.update(job_id, event=_("created"))\n'
        'raise DownloadError(f"download answered HTTP {status}")\n'
        "raise SeedanceError(str(exc))\n"
    )
    assert [hit.split(": ", 1)[1] for hit in _bare_messages(sample, tmp_path)] == [
        "MediaError('has no video track')",
        "update('created')",
        "DownloadError('download answered HTTP')",
    ]
