"""Generating a whole sequence: the free animatic of every shot first, then the shots that
still have no picked take on their own providers. Each submission goes through the engine like
any other job, so budgets, confirmations, limits and resumption apply unchanged; the returned
sequence records which job belongs to which shot."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from seedance_studio.core import capabilities
from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.errors import SeedanceError
from seedance_studio.core.i18n import _
from seedance_studio.core.params import switch_model
from seedance_studio.core.sequence import Sequence, shots_to_generate

ANIMATIC = "animatic"

Submit = Callable[[CompositionSnapshot], Awaitable[list[int]]]
"""Sends one composition; returns the job ids it stored (one per variant)."""


def as_animatic(comp: CompositionSnapshot) -> CompositionSnapshot:
    """The same shot for the free local animatic: references, prompt and the options the
    animatic shares (duration, ratio, resolution) kept, the rest at its defaults."""
    params = switch_model(comp.params, capabilities.get(ANIMATIC))
    return comp.model_copy(update={"params": params.model_copy(update={"variants": 1})})


async def render_animatics(seq: Sequence, submit: Submit) -> Sequence:
    """Queue the animatic of every shot (free, local); the sequence notes each job."""
    out = seq
    for shot in seq.shots:
        ids = await submit(as_animatic(shot.composition))
        if ids:
            out = out.with_animatic(shot.id, ids[0])
    return out


async def generate_unpicked(seq: Sequence, submit: Submit) -> Sequence:
    """Send every shot without a picked take to its own provider; the sequence notes each
    new job as a take of its shot. One shot's failure to submit stops nothing else: it is
    raised after the others were sent, with the sequence so far kept on the exception."""
    out = seq
    failures: list[tuple[str, BaseException]] = []
    for shot in shots_to_generate(seq):
        try:
            ids = await submit(shot.composition)
        except Exception as exc:  # each shot is independent; report them all at the end
            failures.append((shot.id, exc))
            continue
        for job_id in ids:
            out = out.with_take(shot.id, job_id)
    if failures:
        raise SequenceSubmitError(out, failures)
    return out


class SequenceSubmitError(SeedanceError):
    """Some shots could not be sent; `sequence` holds the takes of those that were."""

    def __init__(self, sequence: Sequence, failures: list[tuple[str, BaseException]]) -> None:
        labels = ", ".join(sequence.shot(s).label(sequence.index(s)) for s, _exc in failures)
        first = failures[0][1]
        super().__init__(
            _("{count} shot(s) not sent ({shots}): {error}").format(
                count=len(failures), shots=labels, error=first
            )
        )
        self.sequence = sequence
        self.failures = failures
