"""The reference tray: an ordered list of references whose tags follow their order."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from psygnal import Signal

from seedance_studio.core.i18n import _
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.core.reference import Reference
from seedance_studio.core.tags import Tag


def number_tags(items: list[Reference] | tuple[Reference, ...]) -> dict[str, Tag]:
    """Tags for `items` in order: the images are Image1..N, the videos Video1..N, and so on."""
    counters = dict.fromkeys(MediaKind, 0)
    tags: dict[str, Tag] = {}
    for ref in items:
        counters[ref.kind] += 1
        tags[ref.id] = Tag(ref.kind, counters[ref.kind])
    return tags


class ReferenceTray:
    """Ordered references with add / remove / move / replace and a `changed` event.

    Tags are derived from the order on every read, so there is no numbering state to drift.
    """

    changed = Signal()
    """Emitted after any change to the items or their order."""
    removed = Signal(str)
    """Emitted with the id of a removed reference, before `changed`."""

    def __init__(self, items: list[Reference] | None = None) -> None:
        self._items: list[Reference] = []
        self._batch_depth = 0
        self._batch_dirty = False
        for ref in items or []:
            self._check_new(ref)
            self._items.append(ref)

    def copy(self) -> ReferenceTray:
        """The same items in a new tray (no listeners; no need to check them again)."""
        tray = ReferenceTray()
        tray._items = list(self._items)
        return tray

    def __iter__(self) -> Iterator[Reference]:
        return iter(tuple(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, ref_id: object) -> bool:
        return any(r.id == ref_id for r in self._items)

    @property
    def items(self) -> tuple[Reference, ...]:
        return tuple(self._items)

    def of_kind(self, kind: MediaKind) -> list[Reference]:
        """This kind's references in tray order, which is the order payloads list them."""
        return [r for r in self._items if r.kind is kind]

    def get(self, ref_id: str) -> Reference:
        for ref in self._items:
            if ref.id == ref_id:
                return ref
        raise KeyError(ref_id)

    def index_of(self, ref_id: str) -> int:
        for i, ref in enumerate(self._items):
            if ref.id == ref_id:
                return i
        raise KeyError(ref_id)

    def tags(self) -> dict[str, Tag]:
        """Every reference id mapped to its current tag."""
        return number_tags(self._items)

    def tag_of(self, ref_id: str) -> Tag | None:
        return self.tags().get(ref_id)

    def find(self, tag: Tag) -> Reference | None:
        """The reference that currently carries `tag`, if any."""
        of_kind = self.of_kind(tag.kind)
        if 1 <= tag.number <= len(of_kind):
            return of_kind[tag.number - 1]
        return None

    def add(self, ref: Reference, index: int | None = None) -> Reference:
        """Insert `ref` (at the end unless `index` is given) and return it."""
        self._check_new(ref)
        if index is None:
            self._items.append(ref)
        else:
            self._items.insert(max(0, min(index, len(self._items))), ref)
        self._changed()
        return ref

    def extend(self, refs: list[Reference]) -> None:
        """Add several references with a single change event."""
        for ref in refs:
            self._check_new(ref)
        self._items.extend(refs)
        if refs:
            self._changed()

    def remove(self, ref_id: str) -> Reference:
        ref = self._items.pop(self.index_of(ref_id))
        self.removed.emit(ref_id)
        self._changed()
        return ref

    def move(self, ref_id: str, new_index: int) -> None:
        """Move a reference to `new_index` (clamped) in the whole tray's order."""
        old = self.index_of(ref_id)
        new_index = max(0, min(new_index, len(self._items) - 1))
        if old == new_index:
            return
        ref = self._items.pop(old)
        self._items.insert(new_index, ref)
        self._changed()

    def replace(self, ref_id: str, new: Reference) -> Reference:
        """Swap in `new` under the same id, so mentions stay bound (used by conform)."""
        i = self.index_of(ref_id)
        kept = new.model_copy(update={"id": ref_id})
        if kept.kind is not self._items[i].kind:
            raise ValueError(_("a replacement must be of the same kind"))
        self._items[i] = kept
        self._changed()
        return kept

    def clear(self) -> None:
        removed = [r.id for r in self._items]
        self._items.clear()
        for ref_id in removed:
            self.removed.emit(ref_id)
        if removed:
            self._changed()

    def reset(self, items: list[Reference] | tuple[Reference, ...]) -> None:
        """Replace every item at once (undo, redo, opening a project): one change event."""
        new_ids = {r.id for r in items}
        if len(new_ids) != len(items):
            raise ValueError(_("two references share an id"))
        gone = [r.id for r in self._items if r.id not in new_ids]
        if list(items) == self._items:
            return
        self._items = list(items)
        for ref_id in gone:
            self.removed.emit(ref_id)
        self._changed()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Several edits that emit `changed` once, at the end (one undo step, one refresh)."""
        self._batch_depth += 1
        try:
            yield
        finally:
            self._batch_depth -= 1
            if self._batch_depth == 0 and self._batch_dirty:
                self._batch_dirty = False
                self.changed.emit()

    def _changed(self) -> None:
        if self._batch_depth:
            self._batch_dirty = True
        else:
            self.changed.emit()

    def _check_new(self, ref: Reference) -> None:
        if ref.id in self:
            raise ValueError(_("reference {id} is already in the tray").format(id=ref.id))
