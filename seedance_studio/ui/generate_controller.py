"""Generate, as the window does it: the checks' verdict read afresh, a question before a
costly send (many variants, over the daily budget), one send at a time, and what became of
the jobs it sent told where the user looks (a failure before the create, an unknown outcome).

The window builds one and points the Generate button and Ctrl+Enter at `submit`; the rules
(what blocks, when to ask) are the core's and jobs/provider_policy.py's.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from seedance_studio.core import capabilities
from seedance_studio.core.advice import advise
from seedance_studio.core.composition import Composition
from seedance_studio.core.errors import BudgetExceeded, SeedanceError, SubmissionUnknownError
from seedance_studio.core.i18n import _
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobRecord
from seedance_studio.ui.compose_checks import ComposeChecks
from seedance_studio.ui.engine_bridge import EngineBridge
from seedance_studio.ui.error_messages import job_advice, provider_name
from seedance_studio.ui.submit_bar import SubmitBar

log = logging.getLogger(__name__)

SENDING_HOLD_S = 20.0
"""Generate stays busy while its uploads and create run, but never longer than this."""


class GenerateController(QObject):
    """Sends the window's composition; `sent(ids)` is called for a submission that went
    through (the project and the window's `submitted` follow it)."""

    def __init__(
        self,
        window: QWidget,
        composition: Composition,
        bridge: EngineBridge,
        checks: ComposeChecks,
        submit_bar: SubmitBar,
        *,
        status: Callable[[str], None],
        open_settings: Callable[[], object],
        sent: Callable[[list[int]], None],
    ) -> None:
        super().__init__(window)
        self._window = window
        self.composition = composition
        self.bridge = bridge
        self.checks = checks
        self.submit_bar = submit_bar
        self._status = status
        self._open_settings = open_settings
        self._sent = sent
        self._tasks: set[asyncio.Task[object]] = set()
        self._closing = False
        self._sending = False
        """A Generate is on its way: further presses are ignored until it is answered."""
        self._sending_ids: set[int] = set()
        """Jobs of that Generate still being uploaded or created."""
        self._send_seq = 0
        self._watched: set[int] = set()
        """Jobs sent from this window that have not yet been created: a failure is told."""
        self.confirm_box: QMessageBox | None = None
        """The question on screen (tests answer it)."""

    def shutdown(self) -> None:
        """The window is closing: stop what is on its way, start nothing more."""
        self._closing = True
        for task in list(self._tasks):
            task.cancel()

    def spawn(self, coro: Coroutine[object, object, object]) -> asyncio.Task[object]:
        """Run a coroutine on the loop, keeping a reference so it is not collected."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def submit(self) -> asyncio.Task[object] | None:
        """Generate (the button or Ctrl+Enter), unless something blocks it or a Generate is
        already on its way (a double-click or a second Ctrl+Enter must not pay twice)."""
        if self._sending:
            return None
        # The verdict Generate follows is read afresh, never a cached one (the live checks
        # keep the references' findings while only the prompt changes).
        self.checks.recompute(fresh=True)
        blocked = self.submit_bar.blocked_reason()
        if blocked is not None:
            # Ctrl+Enter on a blocked composition: say why, and open where it is fixed.
            reason, in_settings = blocked
            self._status(_("Cannot generate: {reason}").format(reason=reason))
            if in_settings:
                self._open_settings()
            return None
        if self._confirm_variants():
            return None
        return self._send(allow_over_budget=False)

    def _confirm_variants(self) -> bool:
        """Many variants at once, or several where no price is published: ask first (the
        same rule as the CLI's --yes); True while the question is open."""
        from seedance_studio.jobs.provider_policy import confirmation_text, needs_confirmation

        params = self.composition.params
        variants = max(params.variants, 1)
        estimate = self.checks.estimate
        total = estimate.worst_case if estimate is not None else None
        if not needs_confirmation(params.provider, variants, total):
            return False
        name = capabilities.get(params.provider).name
        box = QMessageBox(
            QMessageBox.Icon.Question,
            _("Generate several?"),
            _("{what}.\n\nSend them?").format(what=confirmation_text(name, variants, total)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self._window,
        )
        self._ask_then_send(box, allow_over_budget=False)
        return True

    def _send(self, *, allow_over_budget: bool) -> asyncio.Task[object]:
        # Busy now, before the task first runs: presses queued behind this one see it.
        self._sending = True
        self._send_seq += 1
        self.submit_bar.set_busy(True)
        return self.spawn(self._submit(allow_over_budget=allow_over_budget))

    def on_job_changed(self, job_id: int) -> None:
        """Follow the jobs this window sent until each is created, failed or unknown."""
        if job_id not in self._sending_ids and job_id not in self._watched:
            return
        job = self.bridge.job(job_id)
        if job_id in self._watched and (job is None or job.state is not JobState.SUBMITTING):
            self._watched.discard(job_id)
            if job is not None and job.state is JobState.FAILED:
                self._tell_failure(job)
            elif job is not None and job.state is JobState.SUBMIT_UNKNOWN:
                self._tell_unknown(job)
        if job_id not in self._sending_ids:
            return
        if job is None or job.state is not JobState.SUBMITTING:
            self._sending_ids.discard(job_id)
            if not self._sending_ids:
                self._done_sending()

    def _tell_failure(self, job: JobRecord) -> None:
        """A job sent from here failed before it was created: say why where the user looks,
        with the fix (the composition stays as it was; the job keeps Retry)."""
        advice = job_advice(job)
        text = _("Job #{job_id} failed: {advice}").format(job_id=job.id, advice=advice.text)
        self.submit_bar.show_notice(text, open_settings=advice.open_settings)
        self._status(text)

    def _tell_unknown(self, job: JobRecord) -> None:
        """A create whose outcome is unknown (an HTTP 500 after the request was read, a lost
        answer): it may exist and be charged, so it is never sent again by itself; say so
        and where it is settled."""
        advice = advise(SubmissionUnknownError, provider=provider_name(job.provider))
        detail = f" ({job.message})" if job.message else ""
        text = _(
            "Job #{job_id} may have been created{detail}. {advice}: Check again or "
            "Submit anyway in the jobs list"
        ).format(job_id=job.id, detail=detail, advice=advice.text)
        self.submit_bar.show_notice(text)
        self._status(text)

    def _release_sending(self, seq: int) -> None:
        if seq == self._send_seq and self._sending_ids and not self._closing:
            self._sending_ids.clear()
            self._done_sending()

    def _done_sending(self) -> None:
        self._sending = False
        self.submit_bar.set_busy(False)

    async def _submit(self, *, allow_over_budget: bool) -> list[int]:
        snapshot = self.composition.snapshot()
        ids: list[int] = []
        try:
            ids = await self.bridge.submit(
                snapshot, self.checks.estimate, allow_over_budget=allow_over_budget
            )
        except BudgetExceeded as exc:
            self._confirm_over_budget(exc)
            return []
        except SeedanceError as exc:
            advice = advise(exc, provider=capabilities.get(snapshot.params.provider).name)
            self.submit_bar.show_notice(
                _("Not submitted: {advice_text}").format(advice_text=advice.text),
                open_settings=advice.open_settings,
            )
            self._status(_("Not submitted: {advice_text}").format(advice_text=advice.text))
            return []
        except Exception as exc:  # e.g. the job store on a full or locked disk: say so
            log.exception("submit failed unexpectedly")
            self.submit_bar.show_notice(_("Not submitted: {exc}").format(exc=exc))
            self._status(_("Not submitted: {exc}").format(exc=exc))
            return []
        finally:
            # Busy until the uploads and the create are answered (job_changed says when).
            self._sending_ids = {
                i
                for i in ids
                if (job := self.bridge.job(i)) is not None and job.state is JobState.SUBMITTING
            }
            if not self._sending_ids:
                self._done_sending()
            else:  # a long upload or a queue gate must not lock Generate: the queue shows it
                seq = self._send_seq
                QTimer.singleShot(int(SENDING_HOLD_S * 1000), lambda: self._release_sending(seq))
        self.submit_bar.clear_notice()
        self._watched.update(ids)
        for job_id in ids:  # a create refused at once may have failed already
            self.on_job_changed(job_id)
        if not self.submit_bar.notice.isVisible():
            self._status(
                _("Sent to {name}: job{value} {value2}").format(
                    name=capabilities.get(snapshot.params.provider).name,
                    value="s" if len(ids) != 1 else "",
                    value2=", ".join(f"#{i}" for i in ids),
                )
            )
        self._sent(ids)
        return ids

    def _confirm_over_budget(self, exc: BudgetExceeded) -> None:
        """Ask with open() (never exec() inside a coroutine); submit again on Yes."""
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("Over budget"),
            _("This would go over your daily budget: {exc}.\n\nSubmit anyway?").format(exc=exc),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self._window,
        )
        self._ask_then_send(box, allow_over_budget=True)

    def _ask_then_send(self, box: QMessageBox, *, allow_over_budget: bool) -> None:
        """Show the Yes/No `box` (open(), never exec() inside a coroutine); send on Yes
        unless a Generate got on its way meanwhile."""
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(result: int) -> None:
            self.confirm_box = None
            if result == QMessageBox.StandardButton.Yes and not self._sending:
                self._send(allow_over_budget=allow_over_budget)

        box.finished.connect(answered)
        self.confirm_box = box
        box.open()
