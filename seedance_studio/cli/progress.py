"""The one-line progress display of `seedance submit` / `resume` (stderr)."""

from __future__ import annotations

from typing import TextIO

from seedance_studio.jobs.message_kinds import MessageKind
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobRecord


class ProgressLine:
    """Redraws one line on a terminal; elsewhere prints a line only when something changed."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._tty = out.isatty()
        self._fractions: dict[int, tuple[str, float]] = {}
        self._last = ""

    def on_progress(self, job_id: int, phase: str, fraction: float) -> None:
        self._fractions[job_id] = (phase, fraction)

    def _describe(self, job: JobRecord) -> str:
        text = f"job {job.id} {job.state.value}"
        phase, fraction = self._fractions.get(job.id, ("", 0.0))
        if job.state is JobState.DOWNLOADING and phase == "download":
            text += f" {fraction:.0%}"
        elif job.state is JobState.RUNNING and job.progress is not None:
            text += f" {job.progress:.0%}"
        elif job.state is JobState.SUBMITTING and phase == "upload":
            text += f" uploading {fraction:.0%}"
        elif job.state is JobState.SUBMITTING and job.message:
            text += f" ({job.message})"
        elif job.state is JobState.QUEUED and job.queue_position is not None:
            text += f" ({job.queue_position} ahead)"
        return text

    def show(self, jobs: list[JobRecord]) -> None:
        line = " | ".join(self._describe(j) for j in jobs)
        if self._tty:
            self._out.write("\r" + line[:150].ljust(len(self._last)))
            self._out.flush()
            self._last = line[:150]
            return
        # Off a terminal, percentages would flood the log: report state changes only, and
        # why a create is waiting (a rate limit, a full queue), which can last minutes.
        states = " | ".join(
            f"job {j.id} {j.state.value}"
            + (
                f" ({j.message})"
                if j.state is JobState.SUBMITTING
                and j.message
                and j.message_kind is not MessageKind.CREATING
                else ""
            )
            for j in jobs
        )
        if states != self._last:
            print(states, file=self._out, flush=True)
            self._last = states

    def close(self) -> None:
        if self._tty and self._last:
            self._out.write("\n")
            self._out.flush()
