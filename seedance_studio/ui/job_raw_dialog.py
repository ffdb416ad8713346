"""A read-only view of what the provider answered for a job (keys were redacted on storage)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QVBoxLayout, QWidget

from seedance_studio.core.i18n import _
from seedance_studio.jobs.store import JobEvent, JobRecord


def raw_text(job: JobRecord, events: list[JobEvent]) -> str:
    """The job as stored, then every recorded event with its raw provider answer."""
    parts = [
        _("Job #{id} — {provider} — {state}").format(
            id=job.id, provider=job.provider, state=job.state.value
        ),
        json.dumps(job.to_json(), indent=2, ensure_ascii=False, default=str),
        "",
    ]
    for event in events:
        stamp = datetime.fromtimestamp(event.at, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        header = f"— {stamp} · {event.state}"
        if event.message:
            header += f" · {event.message}"
        parts.append(header)
        if event.raw is not None:
            parts.append(_pretty(event.raw))
    return "\n".join(parts)


def _pretty(raw: object) -> str:
    return json.dumps(raw, indent=2, ensure_ascii=False, default=str)


class RawResponseDialog(QDialog):
    """Shown with open() (never exec()), so it can be raised from anywhere, coroutines too."""

    def __init__(
        self, job: JobRecord, events: list[JobEvent], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Job #{job_id}: provider responses").format(job_id=job.id))
        self.resize(640, 520)
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setPlainText(raw_text(job, events))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
