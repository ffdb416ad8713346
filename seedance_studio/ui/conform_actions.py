"""One-click fixes: conform a reference (or all of them) to the provider's limits.

The plans and the encoding live in media/; this only runs them on the loop and swaps the
conformed copy into the tray under the same id, so mentions stay bound.
"""

from __future__ import annotations

import asyncio
import threading

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from seedance_studio.core import capabilities
from seedance_studio.core.composition import Composition
from seedance_studio.core.errors import SeedanceError
from seedance_studio.core.history import CompositionHistory
from seedance_studio.core.i18n import _
from seedance_studio.core.media_facts import MediaKind
from seedance_studio.media.plan import ConformPlan, plan_conform, plan_fix_all
from seedance_studio.ui.trim_dialog import TrimDialog, TrimWindow


class ConformActions(QObject):
    message = Signal(str)
    busy_changed = Signal(bool)
    progress = Signal(float)
    """Fraction 0..1 of the whole batch being fixed (queued from the encoder's thread)."""

    def __init__(self, composition: Composition, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._composition = composition
        self._tasks: set[asyncio.Task[object]] = set()
        self._cancel = threading.Event()
        """Set to stop the encoder itself (a cancelled await alone leaves its thread running)."""
        self.history: CompositionHistory | None = None
        """Names each swap in the undo history ("Fix Video2", "Trim Video2") when set."""

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    def plans_for(self, ref_id: str) -> ConformPlan | None:
        comp = self._composition
        caps = capabilities.get(comp.params.provider)
        ref = comp.tray.get(ref_id)
        return plan_conform(ref, caps.limits_for(comp.params.model), comp.tray.items)

    def fix(self, ref_id: str) -> asyncio.Task[None] | None:
        plan = self.plans_for(ref_id)
        if plan is None:
            self.message.emit(_("This reference cannot be fixed automatically"))
            return None
        return self._run([plan])

    def can_trim(self, ref_id: str) -> bool:
        """A local video or audio clip of known length can be trimmed to a chosen part."""
        if ref_id not in self._composition.tray:
            return False
        ref = self._composition.tray.get(ref_id)
        return (
            ref.kind is not MediaKind.IMAGE
            and not ref.is_url
            and ref.facts is not None
            and bool(ref.facts.duration_s)
        )

    def trim_window(self, ref_id: str) -> TrimWindow | None:
        """The clip's length and the limits a chosen part must fit, next to the other clips."""
        if not self.can_trim(ref_id):
            return None
        comp = self._composition
        ref = comp.tray.get(ref_id)
        assert ref.facts is not None and ref.facts.duration_s is not None
        limits = capabilities.get(comp.params.provider).limits_for(comp.params.model)
        kl = limits.for_kind(ref.kind)
        plan = plan_conform(ref, limits, comp.tray.items)
        full = ref.facts.duration_s
        longest = plan.duration_s if plan is not None and plan.duration_s is not None else full
        others = sum(
            (o.facts.duration_s or 0.0)
            for o in comp.tray.items
            if o.kind is ref.kind and o.id != ref.id and o.facts is not None
        )
        return TrimWindow(
            name=ref.display_name,
            kind=ref.kind.value,
            full_s=full,
            longest_s=longest,
            max_s=kl.max_duration_s,
            max_total_s=kl.max_total_duration_s,
            min_total_s=kl.min_total_duration_s,
            others_s=others,
        )

    def open_trim(self, ref_id: str, parent: QWidget | None = None) -> TrimDialog | None:
        """Show the non-modal Trim dialog; its OK runs `trim` with the chosen points."""
        window = self.trim_window(ref_id)
        if window is None:
            self.message.emit(_("Only local video and audio clips can be trimmed"))
            return None
        dialog = TrimDialog(window, parent)
        dialog.span_chosen.connect(
            lambda in_s, out_s: self.trim(ref_id, in_s, None if out_s < 0 else out_s)
        )
        dialog.open()
        return dialog

    def trim(
        self, ref_id: str, in_point_s: float, out_point_s: float | None = None
    ) -> asyncio.Task[None] | None:
        """Conform the part between the points (then any other limit, as Fix does)."""
        comp = self._composition
        if ref_id not in comp.tray:
            return None
        caps = capabilities.get(comp.params.provider)
        ref = comp.tray.get(ref_id)
        try:
            plan = plan_conform(
                ref,
                caps.limits_for(comp.params.model),
                comp.tray.items,
                in_point_s=in_point_s,
                out_point_s=out_point_s,
            )
        except ValueError as exc:
            self.message.emit(
                _("Cannot trim {ref_display_name}: {exc}").format(
                    ref_display_name=ref.display_name, exc=exc
                )
            )
            return None
        if plan is None:
            self.message.emit(
                _("{ref_display_name} already fits as it is").format(
                    ref_display_name=ref.display_name
                )
            )
            return None
        return self._run([plan], verb=_("Trim"))

    def fix_all(self) -> asyncio.Task[None] | None:
        comp = self._composition
        plans = plan_fix_all(comp.snapshot(), capabilities.get(comp.params.provider))
        if not plans:
            self.message.emit(_("Nothing to fix automatically"))
            return None
        return self._run(plans)

    def cancel(self) -> None:
        """Stop every running fix (the encoder stops at its next frame and says so); the
        tray keeps the originals."""
        self._cancel.set()

    def stop(self) -> None:
        """Closing: stop the encoders and drop the tasks at once."""
        self._cancel.set()
        for task in list(self._tasks):
            task.cancel()

    def _run(self, plans: list[ConformPlan], verb: str = _("Fix")) -> asyncio.Task[None]:
        if not self._tasks:
            self._cancel = threading.Event()
        task = asyncio.ensure_future(self._apply(plans, self._cancel, verb))
        self._tasks.add(task)
        self.busy_changed.emit(True)

        def done(t: asyncio.Task[None]) -> None:
            self._tasks.discard(t)
            if not self._tasks:
                self.busy_changed.emit(False)

        task.add_done_callback(done)
        return task

    async def _apply(
        self, plans: list[ConformPlan], cancel: threading.Event, verb: str = _("Fix")
    ) -> None:
        # The encoders load PyAV/FFmpeg: imported on the first fix, not when the window opens.
        from seedance_studio.media.conform import conform_async
        from seedance_studio.media.progress import MediaCancelledError

        tray = self._composition.tray
        total = len(plans)
        for n, plan in enumerate(plans, start=1):
            if plan.ref_id not in tray:
                continue
            ref = tray.get(plan.ref_id)
            self.message.emit(
                _("Fixing {name} ({n}/{total}): {plan}").format(
                    name=ref.display_name, n=n, total=total, plan=plan.summary()
                )
            )
            self.progress.emit((n - 1) / total)
            last = [-1]

            def report(fraction: float, n: int = n, last: list[int] = last) -> None:
                # Called on the encoder's thread: a signal crosses to the UI thread queued;
                # whole percents only, so the UI is not flooded with one event per frame.
                percent = int(((n - 1) + min(max(fraction, 0.0), 1.0)) / total * 100)
                if percent != last[0]:
                    last[0] = percent
                    self.progress.emit(percent / 100)

            try:
                fixed = await conform_async(ref, plan, report, cancel)
            except MediaCancelledError:
                self.message.emit(_("Fix cancelled: the references are as they were"))
                return
            except SeedanceError as exc:
                self.message.emit(
                    _("Could not fix {ref_display_name}: {exc}").format(
                        ref_display_name=ref.display_name, exc=exc
                    )
                )
                continue
            if plan.ref_id in tray:
                tag = tray.tag_of(plan.ref_id)
                if self.history is not None and tag is not None:
                    self.history.label_next(f"{verb} {tag.canonical}")
                tray.replace(plan.ref_id, fixed)
        self.message.emit(
            _("Fixed {len_plans} reference{value}").format(
                len_plans=len(plans), value="s" if len(plans) != 1 else ""
            )
        )
