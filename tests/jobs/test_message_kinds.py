"""What a job's message is about is stored beside it, so code never reads the words: a
message in Chinese is recognised like one in English, and rows written by older versions
(English text, no kind) are classified when the store is opened."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from seedance_studio.core import i18n
from seedance_studio.core.errors import ServerError
from seedance_studio.core.provider import JobHandle, Running, StatusResult
from seedance_studio.jobs.message_kinds import MessageKind
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobStore, NewJob
from tests.jobs.conftest import EngineMaker
from tests.jobs.fakes import FakeProvider, make_snapshot, until


@pytest.fixture
def chinese() -> Iterator[None]:
    i18n.set_language("zh_CN")
    yield
    i18n.set_language("en")


def catalogue(msgid: str) -> str:
    """`msgid` as the zh_CN catalogue has it (what the engine must have written)."""
    i18n.set_language("zh_CN")
    text = i18n._(msgid)
    assert text != msgid, msgid
    return text


@dataclass
class Stalls(FakeProvider):
    """Running at the same progress (so no status move clears the message), one failed
    poll after the first, then done once `finish` is set."""

    finish: bool = False

    async def status(self, handle: JobHandle) -> StatusResult:
        n = self.polls[handle.job_id] = self.polls.get(handle.job_id, 0) + 1
        if n == 2:
            raise ServerError("502 Bad Gateway")
        if self.finish:
            return await super().status(handle)
        return Running(raw_status="running", progress=0.5)


async def test_poll_trouble_written_in_chinese_is_cleared_by_the_next_good_poll(
    make_engine: EngineMaker, store: JobStore, chinese: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: the loop cleared poll trouble only when the message began with "polling",
    so a translated one stayed on a job that was running fine again."""
    monkeypatch.setattr("seedance_studio.jobs.watching.error_delay", lambda *a, **k: 0.3)
    fake = Stalls(polls_to_finish=1000)
    engine = make_engine(fake)
    [job_id] = await engine.submit(make_snapshot())
    said = catalogue("polling: {error} (will keep trying)").format(error="502 Bad Gateway")
    await until(lambda: store.get(job_id).message == said)
    assert store.get(job_id).message_kind is MessageKind.POLL_TROUBLE
    assert said.startswith("轮询")
    await until(lambda: store.get(job_id).message is None)
    job = store.get(job_id)
    assert job.state is JobState.RUNNING and job.message_kind is None
    fake.finish, fake.polls_to_finish = True, 0
    [job] = await engine.wait([job_id])
    assert job.state is JobState.DONE


async def test_a_refused_cancel_is_said_in_chinese_under_a_chinese_locale(
    make_engine: EngineMaker, store: JobStore, chinese: None
) -> None:
    fake = FakeProvider(polls_to_finish=6, cancel_accepts=False)
    engine = make_engine(fake)
    [job_id] = await engine.submit(make_snapshot())
    await until(lambda: store.get(job_id).state in (JobState.QUEUED, JobState.RUNNING))
    job = await engine.cancel(job_id)
    refusal = catalogue("cancel refused by {name}").format(name="ShortAPI")
    assert job.message == catalogue("{refusal}: still running, still polled").format(
        refusal=refusal
    )
    assert job.message == "ShortAPI 拒绝了取消：仍在运行，仍在轮询"
    assert job.message_kind is MessageKind.CANCEL_REFUSED
    [job] = await engine.wait([job_id])
    assert job.state is JobState.DONE


def test_a_new_message_without_a_kind_drops_the_old_kind(store: JobStore) -> None:
    [job_id] = store.insert_jobs([NewJob(snapshot=make_snapshot(), group_id="g", batch="b")])
    store.update(job_id, message="轮询出错：reset", message_kind=MessageKind.POLL_TROUBLE)
    assert store.get(job_id).message_kind is MessageKind.POLL_TROUBLE
    store.update(job_id, message="something else")
    assert store.get(job_id).message_kind is None
    store.update(job_id, progress=0.5)  # no message written: the kind is not touched
    store.update(job_id, message="x", message_kind=MessageKind.CREATING)
    store.update(job_id, progress=0.6)
    assert store.get(job_id).message_kind is MessageKind.CREATING


def test_rows_of_an_older_version_are_classified_from_their_english_words(
    tmp_path: Path,
) -> None:
    from seedance_studio.jobs.store_schema import _V1, _V2, _V3, _V4, _V5

    path = tmp_path / "v5.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(
        ";".join((_V1, _V2, _V3, _V4, _V5))
        + ";CREATE TABLE schema_version (version INTEGER NOT NULL);"
        "INSERT INTO schema_version VALUES (5);"
    )
    rows = [
        ("running", "polling: connection reset (will keep trying)"),
        ("running", "polling paused, the key was refused: 401 (fix the key, then resume)"),
        ("submitting", "creating"),
        ("cancelled", "cancelled"),
        ("running", "not cancelled: fal cannot stop a running task: still running, still polled"),
        ("queued", "cancel refused by ShortAPI: still running, still polled"),
        ("running", "cancel failed at ShortAPI (reset): still running, still polled"),
        (
            "cancelled",
            "cancelled here; Kinovi has no cancel API, so the job may still run and be charged",
        ),
        ("cancelled", "cancelled before it was sent"),
        ("failed", "Face detected in reference"),
        ("running", None),
    ]
    for state, message in rows:
        db.execute(
            "INSERT INTO jobs (group_id, batch, state, provider, snapshot, params, message, "
            "created_at, updated_at) VALUES ('g', 'b', ?, 'kinovi', '{}', '{}', ?, 0, 0)",
            (state, message),
        )
    db.commit()
    db.close()
    with JobStore(path) as store:
        kinds = [r[0] for r in store._db.execute("SELECT message_kind FROM jobs ORDER BY id")]
    assert kinds == [
        "poll_trouble",
        "poll_trouble",
        "creating",
        "cancelled",
        "cancel_refused",
        "cancel_refused",
        "cancel_refused",
        "may_be_charged",
        None,
        None,
        None,
    ]
