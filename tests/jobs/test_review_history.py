"""The history behind the gallery: filters, sorts and pages over the store; picks; fan-out
to several providers; a past take restored as the composition."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from seedance_studio.core.composition import Composition
from seedance_studio.core.errors import BudgetExceeded
from seedance_studio.core.params import GenerationParams
from seedance_studio.core.reference import Reference
from seedance_studio.jobs import fanout
from seedance_studio.jobs.download import sha256_file
from seedance_studio.jobs.engine import JobEngine
from seedance_studio.jobs.gallery import GalleryFilter, GalleryQuery, GallerySort
from seedance_studio.jobs.picks import clear_pick, mark_pick
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import SCHEMA_VERSION, JobStore, NewJob
from seedance_studio.projects.take import RefStatus, load_into, restore
from seedance_studio.simulator import Simulator
from seedance_studio.simulator.faults import Fault
from tests.jobs.fakes import make_snapshot
from tests.jobs.walk import walk_to
from tests.media_factory import make_image


def _add(
    store: JobStore,
    provider: str,
    text: str,
    usd: str | None = None,
    state: JobState = JobState.DONE,
) -> int:
    snap = make_snapshot(provider, text, ["https://example.com/a.png"])
    [job_id] = store.insert_jobs(
        [
            NewJob(
                snapshot=snap, group_id="g", batch=text, estimated_usd=Decimal(usd) if usd else None
            )
        ]
    )
    walk_to(store, job_id, state)
    return job_id


def test_an_old_store_gains_the_pick_and_fanout_columns(tmp_path: Path) -> None:
    import sqlite3

    from seedance_studio.jobs.store_schema import _V1

    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(
        _V1 + "CREATE TABLE schema_version (version INTEGER NOT NULL);"
        "INSERT INTO schema_version VALUES (1);"
    )
    db.close()
    with JobStore(path) as store:
        version = sqlite3.connect(path).execute("SELECT version FROM schema_version")
        assert version.fetchone() == (SCHEMA_VERSION,) and SCHEMA_VERSION >= 2
        job_id = _add(store, "eachlabs", "kept")
        job = store.get(job_id)
        assert job.pick is False and job.fanout is None


def test_filters_sorts_and_pages(store: JobStore) -> None:
    a = _add(store, "eachlabs", "A red fox runs", "1.51")
    b = _add(store, "kinovi", "A blue whale sings", "0.40")
    c = _add(store, "oxen", "The fox sleeps", None, JobState.FAILED)
    d = _add(store, "eachlabs", "100% sure_thing", "2.00")

    def ids(f: GalleryFilter, sort: GallerySort = GallerySort.NEWEST) -> list[int]:
        q = GalleryQuery(store, f, sort)
        page = q.page(0, 100)
        assert q.count() == len(page)
        return [j.id for j in page]

    assert ids(GalleryFilter()) == [d, c, b, a]
    assert ids(GalleryFilter(), GallerySort.OLDEST) == [a, b, c, d]
    assert ids(GalleryFilter(providers=frozenset({"eachlabs"}))) == [d, a]
    assert ids(GalleryFilter(states=frozenset({JobState.FAILED}))) == [c]
    assert ids(GalleryFilter(text="FOX")) == [c, a]
    assert ids(GalleryFilter(text="fox red")) == [a]  # every word
    assert ids(GalleryFilter(text="%")) == [d]  # LIKE wildcards are literal
    assert ids(GalleryFilter(text="r_d")) == []  # would match "red"
    assert ids(GalleryFilter(text="e_t")) == [d]
    # Unpriced jobs sort last both ways.
    assert ids(GalleryFilter(), GallerySort.COST_HIGH) == [d, a, b, c]
    assert ids(GalleryFilter(), GallerySort.COST_LOW) == [b, a, d, c]
    now = store.now()
    assert ids(GalleryFilter(since=now + 60)) == []
    assert ids(GalleryFilter(until=now + 60)) == [d, c, b, a]
    store.set_project([a, c], "/home/me/Fox film.seedance")
    assert ids(GalleryFilter(project="fox film")) == [c, a]
    assert ids(GalleryFilter(project="whale")) == []
    q = GalleryQuery(store)
    assert [j.id for j in q.page(1, 2)] == [c, b]
    assert q.position_of(b) == 2
    assert GalleryQuery(store, GalleryFilter(text="whale")).position_of(a) is None


def test_one_pick_per_comparison_shown_by_the_filter(store: JobStore) -> None:
    a, b, c = (_add(store, "eachlabs", t) for t in ("one", "two", "three"))
    mark_pick(store, a, among=[a, b, c])
    mark_pick(store, b, among=[a, b, c])
    assert [store.get(i).pick for i in (a, b, c)] == [False, True, False]
    picked = GalleryQuery(store, GalleryFilter(picks_only=True)).page(0)
    assert [j.id for j in picked] == [b]
    assert GalleryQuery(store, sort=GallerySort.PICKS_FIRST).page(0)[0].id == b
    clear_pick(store, b)
    assert not store.get(b).pick
    with pytest.raises(KeyError):
        mark_pick(store, 999)


def _three(sim: Simulator) -> list[fanout.Target]:
    return [fanout.Target("eachlabs"), fanout.Target("kinovi"), fanout.Target("oxen")]


async def test_fanout_sends_one_batch_and_one_refusal_stops_nothing(
    simulator: Simulator, sim_engine: Callable[..., JobEngine]
) -> None:
    image = simulator.sample_url("image.png")
    snap = make_snapshot("eachlabs", "@Image1 waves", [image], duration=5)
    targets = [*_three(simulator), fanout.Target("kinovi-legacy")]
    plan = fanout.plan(snap, targets, allow_loopback=True)
    # eachlabs prices 720p output at $0.3024/s (its page): 5 s.
    each = next(q for q in plan.quotes if q.provider == "eachlabs")
    assert each.can_take and each.estimate.max == Decimal("0.3024") * 5 * 1
    assert [q.provider for q in plan.unpriced] == ["oxen"]  # Oxen publishes no price
    assert plan.total_usd == sum((q.worst_case_usd or Decimal(0) for q in plan.ready), Decimal(0))
    assert "no published price" in plan.summary()
    simulator.inject("oxen", "create", Fault.http(402, message="insufficient credits"))
    engine = sim_engine()
    result = await fanout.send(engine, plan)
    ready = [q.provider for q in plan.ready]
    assert [o.provider for o in result.outcomes] == ready
    jobs = await engine.wait(result.job_ids)
    states = {j.provider: j.state for j in jobs}
    assert states["oxen"] is JobState.FAILED
    assert states["eachlabs"] is JobState.DONE and states["kinovi"] is JobState.DONE
    assert {j.fanout for j in jobs} == {result.fanout}
    grouped = GalleryQuery(engine.store, GalleryFilter(fanout=result.fanout)).page(0)
    assert sorted(j.id for j in grouped) == sorted(result.job_ids)


async def test_fanout_checks_the_budget_once_for_the_total(
    simulator: Simulator, sim_engine: Callable[..., JobEngine]
) -> None:
    image = simulator.sample_url("image.png")
    snap = make_snapshot("eachlabs", "@Image1 waves", [image], duration=5)
    plan = fanout.plan(
        snap, [fanout.Target("eachlabs"), fanout.Target("kinovi")], allow_loopback=True
    )
    engine = sim_engine()
    engine.settings.budget_usd = plan.total_usd - Decimal("0.01")
    with pytest.raises(BudgetExceeded):
        await fanout.send(engine, plan)
    assert engine.store.list_jobs() == []  # nothing half-sent
    result = await fanout.send(engine, plan, allow_over_budget=True)
    assert len(result.job_ids) == 2


def test_restore_finds_a_moved_reference_by_hash(store: JobStore, tmp_path: Path) -> None:
    first = tmp_path / "shoot" / "portrait.png"
    first.parent.mkdir()
    make_image(first, 64, 48)
    ref = Reference.from_source(str(first))
    snap = make_snapshot("eachlabs", "@Image1 waves", [])
    snap = snap.model_copy(update={"references": [ref]})
    comp = Composition.from_snapshot(snap)
    comp.prompt.set_text("@Image1 waves", comp.tray)
    comp.update_params(duration=5, seed=42)
    snap = comp.snapshot()
    [job_id] = store.insert_jobs([NewJob(snapshot=snap, group_id="g", batch="b")])
    sidecar = tmp_path / "take.json"
    sidecar.write_text(json.dumps({"references": [{"sha256": sha256_file(first)}]}))
    store.update(job_id, sidecar_path=str(sidecar))

    in_place = restore(store.get(job_id))
    assert [r.status for r in in_place.references] == [RefStatus.IN_PLACE]

    moved = tmp_path / "archive" / "renamed.png"
    moved.parent.mkdir()
    (tmp_path / "archive" / "other.png").write_bytes(b"x" * 10)
    shutil.move(first, moved)
    back = restore(store.get(job_id), [tmp_path / "archive"])
    assert [r.status for r in back.references] == [RefStatus.FOUND]
    assert back.snapshot.references[0].source == str(moved)
    assert "found again" in back.summary()

    live = Composition(GenerationParams(provider="kinovi"))
    load_into(live, back.snapshot)
    assert live.prompt.text == "@Image1 waves"
    assert [m.ref_id for m in live.prompt.live_mentions()] == [ref.id]
    assert live.params == snap.params and live.params.seed == 42
    assert live.snapshot().references[0].source == str(moved)

    moved.unlink()
    lost = restore(store.get(job_id), [tmp_path / "archive"])
    assert lost.missing and "missing: portrait.png" in lost.summary()


async def test_a_job_held_back_says_how_many_slots_are_in_use(
    simulator: Simulator, sim_engine: Callable[..., JobEngine], monkeypatch: pytest.MonkeyPatch
) -> None:
    from seedance_studio.providers.eachlabs import EachlabsProvider
    from seedance_studio.providers.rate_limits import RateLimits
    from seedance_studio.simulator.timing import SimTiming
    from tests.jobs.fakes import until

    monkeypatch.setattr(EachlabsProvider, "rate_limits", RateLimits(max_unfinished=2))
    simulator.set_timing(SimTiming(queued=0.05, running=1.5))
    engine = sim_engine()
    snap = make_snapshot(
        "eachlabs", "@Image1 runs", [simulator.sample_url("image.png")], duration=4
    )
    ids = [i for _ in range(3) for i in await engine.submit(snap)]
    held = ids[-1]

    def waiting() -> bool:
        job = engine.store.get(held)
        return job.state is JobState.SUBMITTING and "free slot" in (job.message or "")

    await until(waiting, 10)
    assert engine.store.get(held).message == "waiting for a free slot (2 of 2 in use)"
    jobs = await engine.wait(ids)
    assert [j.state for j in jobs] == [JobState.DONE] * 3


def test_grouped_by_send_keeps_a_send_together(store: JobStore) -> None:
    def add(group: str, fanout_id: str | None) -> int:
        snap = make_snapshot("eachlabs", "x", [])
        [job_id] = store.insert_jobs([NewJob(snapshot=snap, group_id=group, batch=group)])
        if fanout_id:
            store.update(job_id, fanout=fanout_id)
        return job_id

    a = add("ga", "f1")
    b = add("gb", None)
    c = add("gc", "f1")
    d = add("gd", None)
    page = GalleryQuery(store, sort=GallerySort.BY_SEND).page(0, 10)
    # Newest send first (d alone), then the fan-out a+c in the order sent, then b.
    assert [j.id for j in page] == [d, a, c, b]
