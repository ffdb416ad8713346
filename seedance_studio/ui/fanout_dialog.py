"""Send one composition to several providers: tick them, see each price (or why one cannot
take it) and the total, confirm once. The plan and the send are jobs/fanout's; this dialog
only shows them and collects the ticks."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from seedance_studio.core import capabilities
from seedance_studio.core.composition import CompositionSnapshot
from seedance_studio.core.i18n import _
from seedance_studio.jobs.fanout import FanoutPlan, Target, plan

PlanFn = Callable[[CompositionSnapshot, list[Target]], FanoutPlan]

PROVIDER_ROLE = int(Qt.ItemDataRole.UserRole) + 21


class FanoutDialog(QDialog):
    """`confirmed(plan)` once the user presses Send; nothing is sent by the dialog itself."""

    confirmed = Signal(object)

    def __init__(
        self,
        snapshot: CompositionSnapshot,
        planner: PlanFn,
        *,
        ticked: Iterable[str] = (),
        title: str = _("Send to several providers"),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.snapshot = snapshot
        self._planner = planner
        self.plan: FanoutPlan = planner(snapshot, [])
        intro = QLabel(
            _(
                "Tick the providers to send this composition to. Each one gets its own "
                "job; a refusal at one never stops the others."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.providers = QListWidget(self)
        self.providers.setAccessibleName(_("Providers to send to"))
        self.variants = QSpinBox(self)
        self.variants.setRange(1, 4)
        self.variants.setValue(max(1, snapshot.params.variants))
        self.variants.setSuffix(_(" per provider"))
        self.total = QLabel(self)
        self.total.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.send_button = self.buttons.addButton(_("Send"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.rejected.connect(self.reject)
        self.buttons.accepted.connect(self._send)
        variants_row = QHBoxLayout()
        variants_row.addWidget(QLabel(_("Variants:"), self))
        variants_row.addWidget(self.variants)
        variants_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.providers, 1)
        layout.addLayout(variants_row)
        layout.addWidget(self.total)
        layout.addWidget(self.buttons)
        wanted = set(ticked)
        self._filling = True
        for caps in capabilities.load_all().values():
            item = QListWidgetItem(caps.name)
            item.setData(PROVIDER_ROLE, caps.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if caps.id in wanted else Qt.CheckState.Unchecked
            )
            self.providers.addItem(item)
        self._filling = False
        self.providers.itemChanged.connect(lambda _i: self.refresh())
        self.variants.valueChanged.connect(lambda _v: self.refresh())
        self.resize(520, 420)
        self.refresh()

    def item_for(self, provider_id: str) -> QListWidgetItem | None:
        for row in range(self.providers.count()):
            item = self.providers.item(row)
            if item.data(PROVIDER_ROLE) == provider_id:
                return item
        return None

    def tick(self, provider_ids: Iterable[str]) -> None:
        wanted = set(provider_ids)
        for row in range(self.providers.count()):
            item = self.providers.item(row)
            item.setCheckState(
                Qt.CheckState.Checked
                if item.data(PROVIDER_ROLE) in wanted
                else Qt.CheckState.Unchecked
            )

    def ticked(self) -> list[str]:
        return [
            str(self.providers.item(r).data(PROVIDER_ROLE))
            for r in range(self.providers.count())
            if self.providers.item(r).checkState() == Qt.CheckState.Checked
        ]

    def refresh(self) -> None:
        if self._filling:
            return
        every = [
            Target(str(self.providers.item(r).data(PROVIDER_ROLE)), variants=self.variants.value())
            for r in range(self.providers.count())
        ]
        quotes = {q.provider: q for q in self._planner(self.snapshot, every).quotes}
        self.providers.blockSignals(True)
        for row in range(self.providers.count()):
            item = self.providers.item(row)
            q = quotes[str(item.data(PROVIDER_ROLE))]
            item.setText(
                f"{q.name} — {q.price_text()}"
                if q.can_take
                else _("{q_name} — cannot take it: {q_reason}").format(
                    q_name=q.name, q_reason=q.reason
                )
            )
            item.setToolTip(q.reason or q.price_text())
            if q.can_take:
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEnabled)
            else:
                item.setCheckState(Qt.CheckState.Unchecked)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
        self.providers.blockSignals(False)
        chosen = [Target(p, variants=self.variants.value()) for p in self.ticked()]
        self.plan = self._planner(self.snapshot, chosen)
        self.total.setText(self.plan.summary() if chosen else _("Tick at least one provider."))
        self.send_button.setEnabled(bool(self.plan.ready))
        count = self.plan.job_count
        self.send_button.setText(
            _("Send {count} job{value}").format(count=count, value="s" if count != 1 else "")
            if count
            else _("Send")
        )

    def _send(self) -> None:
        if self.plan.ready:
            self.confirmed.emit(self.plan)
            self.accept()


def default_planner(
    overrides: Callable[[], Mapping[str, Mapping[str, Decimal]]] | None = None,
    allow_loopback: bool = False,
) -> PlanFn:
    def planner(snapshot: CompositionSnapshot, targets: list[Target]) -> FanoutPlan:
        return plan(
            snapshot,
            targets,
            overrides=overrides() if overrides else None,
            allow_loopback=allow_loopback,
        )

    return planner
