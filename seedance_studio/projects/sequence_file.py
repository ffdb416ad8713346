"""A sequence in a project file: each shot's composition saved like the project's own (files
relative to the project, with their hashes), plus its takes, pick, animatic and chaining."""

from __future__ import annotations

from pathlib import Path

from seedance_studio.core.composition import CompositionSnapshot, CompositionState
from seedance_studio.core.sequence import Sequence, Shot
from seedance_studio.projects.project_file import (
    DigestFn,
    MissingFile,
    SavedSequence,
    SavedShot,
    SequenceEncoder,
    decode_composition,
    encode_state,
    resolve_path,
    saved_file,
)


def encode_sequence(
    seq: Sequence, current: str | None, base_dir: Path | None, digest: DigestFn
) -> SavedSequence | None:
    """None for a project without shots (the file then reads as before sequences)."""
    if not seq.shots:
        return None
    shots = [
        SavedShot(
            id=s.id,
            name=s.name,
            takes=list(s.takes),
            pick=s.pick,
            animatic=s.animatic,
            chain=s.chain,
            composition=encode_state(_state(s.composition), base_dir, digest=digest),
        )
        for s in seq.shots
    ]
    sound = saved_file(seq.soundtrack, base_dir, digest) if seq.soundtrack else None
    return SavedSequence(shots=shots, current=current, soundtrack=sound)


def sequence_encoder(seq: Sequence, current: str | None) -> SequenceEncoder:
    """What `save_project` calls (on a worker: it hashes files) for this sequence value."""

    def encode(base_dir: Path | None, digest: DigestFn) -> SavedSequence | None:
        return encode_sequence(seq, current, base_dir, digest)

    return encode


def decode_sequence(
    saved: SavedSequence | None, base_dir: Path | None
) -> tuple[Sequence, str | None, list[MissingFile]]:
    """The sequence, the shot that was current, and the shots' files that are missing."""
    if saved is None:
        return Sequence(), None, []
    shots: list[Shot] = []
    missing: list[MissingFile] = []
    for item in saved.shots:
        state, lost = decode_composition(item.composition, base_dir)
        missing.extend(lost)
        shots.append(
            Shot(
                id=item.id,
                name=item.name,
                composition=state.snapshot(),
                takes=tuple(item.takes),
                pick=item.pick,
                animatic=item.animatic,
                chain=item.chain,
            )
        )
    sound = str(resolve_path(saved.soundtrack.path, base_dir)) if saved.soundtrack else None
    current = saved.current if any(s.id == saved.current for s in shots) else None
    return Sequence(shots=tuple(shots), soundtrack=sound), current, missing


def _state(comp: CompositionSnapshot) -> CompositionState:
    return CompositionState(tuple(comp.references), dict(comp.prompt), comp.params, ())
