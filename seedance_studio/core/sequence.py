"""A sequence of shots: the deliverable is rarely one clip but several that share characters,
props and a soundtrack.

Each shot is a composition of its own (tray, prompt, parameters with the provider) plus the
takes generated for it, the one picked, and its free animatic. Everything here is immutable
and pure: an edit returns a new Sequence, so an undo step is simply the sequence before it, and
the window, the CLI and the tests share the same rules.

Chaining: a shot may continue from the previous shot — the last frame of that shot's picked
take (or of its animatic, until a take is picked) becomes the shot's first reference image,
under a stable id, so the prompt's mention of it survives a change of pick.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.i18n import _
from seedance_studio.core.media_facts import MediaFacts, MediaKind
from seedance_studio.core.pricing import Estimate
from seedance_studio.core.prompt import PromptDocument
from seedance_studio.core.reference import Reference
from seedance_studio.core.tray import ReferenceTray

CHAIN_PREFIX = "chain-"


def new_shot_id() -> str:
    return uuid.uuid4().hex[:10]


def chain_reference_id(shot_id: str) -> str:
    """The id of a shot's continuity image: fixed per shot, so mentions of it stay bound when
    the previous shot's pick (and so the image) changes."""
    return f"{CHAIN_PREFIX}{shot_id}"


class Shot(BaseModel):
    """One shot: what to generate, and what has been generated for it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(default_factory=new_shot_id)
    name: str = ""
    composition: CompositionSnapshot
    takes: tuple[int, ...] = ()
    """Job ids of the generations made for this shot, oldest first."""
    pick: int | None = None
    """The take chosen for the cut (one of `takes`), or None while none is chosen."""
    animatic: int | None = None
    """The job id of the latest free local animatic of this shot."""
    chain: bool = False
    """Continue from the previous shot: its pick's last frame is this shot's first image."""

    @property
    def provider(self) -> str:
        return self.composition.params.provider

    @property
    def chained_reference(self) -> Reference | None:
        wanted = chain_reference_id(self.id)
        return next((r for r in self.composition.references if r.id == wanted), None)

    def label(self, index: int) -> str:
        return self.name or f"Shot {index + 1}"


class Continuity(Enum):
    NONE = "none"
    LINKED = "linked"
    """The chained image is the last frame of the previous shot's current take."""
    WAITING = "waiting"
    """Chained, but the previous shot has no take (nor animatic) yet to continue from."""
    FIRST = "first"
    """Chained, but it is the first shot: there is nothing before it."""


class SequenceError(ValueError):
    """An edit names a shot the sequence does not have, or a take the shot does not own."""


class Sequence(BaseModel):
    """Ordered shots and an optional soundtrack laid over the whole cut."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    shots: tuple[Shot, ...] = ()
    soundtrack: str | None = None
    """A local audio file (absolute, or relative to the project) played under the whole cut."""

    # --- reading -----------------------------------------------------------------------------

    def index(self, shot_id: str) -> int:
        for i, shot in enumerate(self.shots):
            if shot.id == shot_id:
                return i
        raise SequenceError(_("no shot {id} in this sequence").format(id=repr(shot_id)))

    def shot(self, shot_id: str) -> Shot:
        return self.shots[self.index(shot_id)]

    def previous(self, shot_id: str) -> Shot | None:
        i = self.index(shot_id)
        return self.shots[i - 1] if i > 0 else None

    def shot_of_job(self, job_id: int) -> Shot | None:
        return next((s for s in self.shots if job_id in s.takes or s.animatic == job_id), None)

    # --- edits (each returns a new sequence) -------------------------------------------------

    def add(
        self, composition: CompositionSnapshot, *, name: str = "", index: int | None = None
    ) -> tuple[Sequence, str]:
        shot = Shot(name=name, composition=composition)
        at = len(self.shots) if index is None else max(0, min(index, len(self.shots)))
        shots = (*self.shots[:at], shot, *self.shots[at:])
        return self.model_copy(update={"shots": shots}), shot.id

    def duplicate(self, shot_id: str) -> tuple[Sequence, str]:
        """A copy of the shot right after it: same composition, no takes, no pick."""
        i = self.index(shot_id)
        src = self.shots[i]
        copy = Shot(
            name=f"{src.name} (copy)" if src.name else "",
            chain=src.chain,
            composition=_rekey_chain(src.composition, src.id, None),
        )
        copy = copy.model_copy(
            update={"composition": _rekey_chain(src.composition, src.id, copy.id)}
        )
        shots = (*self.shots[: i + 1], copy, *self.shots[i + 1 :])
        return self.model_copy(update={"shots": shots}), copy.id

    def move(self, shot_id: str, to: int) -> Sequence:
        i = self.index(shot_id)
        shots = list(self.shots)
        shot = shots.pop(i)
        shots.insert(max(0, min(to, len(shots))), shot)
        return self.model_copy(update={"shots": tuple(shots)})

    def remove(self, shot_id: str) -> Sequence:
        i = self.index(shot_id)
        return self.model_copy(update={"shots": (*self.shots[:i], *self.shots[i + 1 :])})

    def replace(self, shot: Shot) -> Sequence:
        i = self.index(shot.id)
        return self.model_copy(update={"shots": (*self.shots[:i], shot, *self.shots[i + 1 :])})

    def update_shot(self, shot_id: str, **changes: object) -> Sequence:
        return self.replace(self.shot(shot_id).model_copy(update=changes))

    def with_take(self, shot_id: str, job_id: int) -> Sequence:
        shot = self.shot(shot_id)
        if job_id in shot.takes:
            return self
        return self.replace(shot.model_copy(update={"takes": (*shot.takes, job_id)}))

    def with_pick(self, shot_id: str, job_id: int | None) -> Sequence:
        shot = self.shot(shot_id)
        if job_id is not None and job_id not in shot.takes:
            raise SequenceError(
                _("job {id} is not a take of {shot}").format(
                    id=job_id, shot=shot.label(self.index(shot_id))
                )
            )
        return self.replace(shot.model_copy(update={"pick": job_id}))

    def with_animatic(self, shot_id: str, job_id: int) -> Sequence:
        return self.update_shot(shot_id, animatic=job_id)

    def with_soundtrack(self, path: str | None) -> Sequence:
        return self.model_copy(update={"soundtrack": path})


# --- continuity -------------------------------------------------------------------------------


def source_take(shot: Shot) -> int | None:
    """The take that stands for `shot` in the cut: its pick, else its animatic."""
    return shot.pick if shot.pick is not None else shot.animatic


def continuity(seq: Sequence, shot_id: str, last_frame: Callable[[int], Path | None]) -> Continuity:
    """How `shot_id` connects to the shot before it (`last_frame` maps a job id to the path of
    its extracted last frame, or None when the take has no file yet)."""
    shot = seq.shot(shot_id)
    if not shot.chain:
        return Continuity.NONE
    prev = seq.previous(shot_id)
    if prev is None:
        return Continuity.FIRST
    take = source_take(prev)
    frame = last_frame(take) if take is not None else None
    ref = shot.chained_reference
    if frame is not None and ref is not None and ref.source == str(frame):
        return Continuity.LINKED
    return Continuity.WAITING


def sync_chains(
    seq: Sequence,
    last_frame: Callable[[int], Path | None],
    facts: Callable[[Path], MediaFacts | None] | None = None,
) -> Sequence:
    """Point every chained shot's continuity image at the last frame of the previous shot's
    current take: added first in the tray when missing, swapped in place (same id, so the
    prompt's mention follows) when the pick changed, left alone while there is no take yet."""
    out = seq
    for i, shot in enumerate(seq.shots):
        if not shot.chain or i == 0:
            continue
        take = source_take(out.shots[i - 1])
        frame = last_frame(take) if take is not None else None
        if frame is None:
            continue
        ref = shot.chained_reference
        if ref is not None and ref.source == str(frame):
            continue
        image = Reference(
            id=chain_reference_id(shot.id),
            kind=MediaKind.IMAGE,
            source=str(frame),
            facts=facts(frame) if facts else None,
            name=_("Last frame of {shot}").format(shot=out.shots[i - 1].label(i - 1)),
        )
        refs = list(shot.composition.references)
        if ref is None:
            refs.insert(0, image)
        else:
            refs[refs.index(ref)] = image
        comp = _with_references(shot.composition, refs)
        out = out.replace(shot.model_copy(update={"composition": comp}))
    return out


def _rekey_chain(
    comp: CompositionSnapshot, old_shot: str, new_shot: str | None
) -> CompositionSnapshot:
    """A copy of `comp` whose continuity image belongs to `new_shot` (dropped when None)."""
    old = chain_reference_id(old_shot)
    refs = []
    for ref in comp.references:
        if ref.id != old:
            refs.append(ref)
        elif new_shot is not None:
            refs.append(ref.model_copy(update={"id": chain_reference_id(new_shot)}))
    prompt = _rebind(comp.prompt, old, chain_reference_id(new_shot) if new_shot else None)
    return _with_references(comp.model_copy(update={"prompt": prompt}), refs)


def _with_references(comp: CompositionSnapshot, refs: list[Reference]) -> CompositionSnapshot:
    """`comp` with another tray, its prompt re-synced so the stored text shows the new tags."""
    tray = ReferenceTray(refs)
    prompt = PromptDocument.from_data(dict(comp.prompt), tray).to_data()
    return comp.model_copy(update={"references": refs, "prompt": prompt})


def _rebind(prompt: Mapping[str, object], old: str, new: str | None) -> dict[str, object]:
    """PromptDocument data with mentions of `old` bound to `new` instead."""
    data = dict(prompt)
    spans = data.get("mentions")
    if isinstance(spans, list) and new is not None:
        data["mentions"] = [
            {**m, "ref_id": new} if isinstance(m, dict) and m.get("ref_id") == old else m
            for m in spans
        ]
    return data


# --- playing, estimating ----------------------------------------------------------------------


@dataclass(frozen=True)
class PlayItem:
    shot_id: str
    label: str
    job_id: int
    path: Path
    is_animatic: bool


def playlist(seq: Sequence, path_of: Callable[[int], Path | None]) -> list[PlayItem]:
    """What plays, in order: each shot's pick, or its animatic standing in; a shot with
    neither file is left out (the shot list says why)."""
    items = []
    for i, shot in enumerate(seq.shots):
        for job_id, animatic in ((shot.pick, False), (shot.animatic, True)):
            path = path_of(job_id) if job_id is not None else None
            if job_id is not None and path is not None:
                items.append(PlayItem(shot.id, shot.label(i), job_id, path, animatic))
                break
    return items


@dataclass(frozen=True)
class SequenceEstimate:
    """The price of generating the shots that have no pick yet, before anything is sent."""

    shots: dict[str, Estimate]
    """Shot id -> its estimate, for the shots still to generate."""
    min: Decimal
    max: Decimal | None
    """None when some shot's price has no upper bound."""
    unpriced: tuple[str, ...]
    """Shots whose provider publishes no price: the total leaves them out and says so."""


def estimate_sequence(
    seq: Sequence, price: Callable[[CompositionSnapshot], Estimate]
) -> SequenceEstimate:
    per_shot: dict[str, Estimate] = {}
    low, high = Decimal(0), Decimal(0)
    bounded = True
    unpriced: list[str] = []
    for shot in seq.shots:
        if shot.pick is not None:
            continue
        est = price(shot.composition)
        per_shot[shot.id] = est
        if not est.published or est.min is None:
            unpriced.append(shot.id)
            continue
        low += est.min
        if est.max is None:
            bounded = False
        else:
            high += est.max
    return SequenceEstimate(per_shot, low, high if bounded else None, tuple(unpriced))


def shots_to_generate(seq: Sequence) -> list[Shot]:
    """The shots without a picked take: what "Generate the rest" sends."""
    return [s for s in seq.shots if s.pick is None]
