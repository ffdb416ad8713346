"""The job layer's own words reach the Chinese window in Chinese: the history labels of the
raw-responses view, the dashboard advice of a lost create, a failed download's reason and
the summary of a take loaded back. Provider text, codes and tags stay as they are."""

from __future__ import annotations

import gettext
import struct
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from seedance_studio.core import i18n
from seedance_studio.core.errors import MediaError, RateLimitedError, SeedanceError
from seedance_studio.jobs import download as dl
from seedance_studio.jobs.pool import handle_of
from seedance_studio.jobs.provider_policy import dashboard_advice
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobStore, NewJob
from seedance_studio.projects.take import RefStatus, Restored, RestoredRef
from tests.jobs.conftest import EngineMaker
from tests.jobs.fakes import FakeProvider, make_snapshot

ZH = gettext.GNUTranslations(
    (i18n.LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "seedance-studio.mo").open("rb")
)


@pytest.fixture
def chinese() -> Iterator[None]:
    i18n.set_language("zh_CN")
    yield
    i18n.set_language("en")


def zh(msgid: str) -> str:
    text = ZH.gettext(msgid)
    assert text != msgid, msgid
    return text


def test_a_new_job_is_recorded_as_created_in_chinese(store: JobStore, chinese: None) -> None:
    [job_id] = store.insert_jobs([NewJob(snapshot=make_snapshot(), group_id="g", batch="b")])
    assert [e.message for e in store.events(job_id)] == ["已创建"]
    assert zh("created") == "已创建"


async def test_a_create_refused_for_now_is_labelled_in_chinese(
    make_engine: EngineMaker, fake: FakeProvider, store: JobStore, chinese: None
) -> None:
    fake.submit_errors = [RateLimitedError("too many tasks in progress", retry_after=0.01)]
    engine = make_engine()
    [job_id] = await engine.submit(make_snapshot())
    [job] = await engine.wait([job_id])
    assert job.state is JobState.DONE
    labels = [e.message or "" for e in store.events(job_id)]
    assert zh("create refused (rate limited)") in labels, labels
    assert labels[0] == "已创建"


def test_the_dashboard_advice_is_chinese_around_the_provider_and_prompt(chinese: None) -> None:
    text = dashboard_advice(
        "eachlabs",
        "eachlabs",
        sent_at=None,
        prompt="A cat walks like @Video1",
        references=[],
        estimate_usd=Decimal("1.25"),
    )
    assert text.startswith("eachlabs 没有可在无 ID 时查找任务的 API"), text
    assert "“A cat walks like @Video1”" in text and "$1.25" in text
    assert "https://www.eachlabs.ai/dashboard" in text
    assert "参考素材：无" in text and zh("unknown") in text
    assert "look on" not in text and "none" not in text


def test_a_job_without_a_provider_id_says_so_in_chinese(store: JobStore, chinese: None) -> None:
    [job_id] = store.insert_jobs([NewJob(snapshot=make_snapshot(), group_id="g", batch="b")])
    with pytest.raises(SeedanceError) as caught:
        handle_of(FakeProvider(), store.get(job_id))
    assert str(caught.value) == f"任务 {job_id} 没有服务商任务 ID"


def test_a_downloaded_file_that_is_no_video_is_refused_in_chinese(
    tmp_path: Path, chinese: None
) -> None:
    text = tmp_path / "result.mp4"
    text.write_text("<html>expired</html>")
    with pytest.raises(MediaError) as caught:
        dl.verify_playable(text)
    assert caught.value.reason.startswith("不是可播放的视频（"), caught.value.reason


def test_a_take_loaded_back_is_summed_up_in_chinese(chinese: None) -> None:
    restored = Restored(
        make_snapshot(),
        [
            RestoredRef("a.png", RefStatus.FOUND, "/moved/a.png"),
            RestoredRef("b.png", RefStatus.MISSING, "/gone/b.png"),
        ],
    )
    assert restored.summary() == "2 个参考素材；1 个已按内容重新找到；缺失：b.png"


def test_a_download_cut_short_is_refused_in_chinese(tmp_path: Path, chinese: None) -> None:
    from seedance_studio.jobs import playable

    cut = tmp_path / "cut.mp4"
    cut.write_bytes(struct.pack(">I4s", 1000, b"ftyp") + b"isom\0\0\0\0")
    with pytest.raises(MediaError) as caught:
        playable.check_layout(cut)
    assert caught.value.reason == "不完整（只有 16 / 1000 字节）"
