"""The window and the terminal give the same advice for every error type (one table, in
core/advice), and the window offers Settings exactly where the advice says the fix is there."""

from __future__ import annotations

import dataclasses
import inspect
from decimal import Decimal
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from seedance_studio.cli.messages import job_failure_text, message_for
from seedance_studio.core.advice import Action, advise, error_types
from seedance_studio.core.composition import Composition
from seedance_studio.core.errors import BudgetExceeded, MediaError, ProviderError, SeedanceError
from seedance_studio.core.params import GenerationParams
from seedance_studio.core.settings import Settings

# Every module that defines an error type, so the table below sees them all.
from seedance_studio.jobs import download, sequence_run  # noqa: F401
from seedance_studio.jobs.states import JobState
from seedance_studio.jobs.store import JobRecord, JobStore, NewJob
from seedance_studio.media import progress, timeline  # noqa: F401
from seedance_studio.providers import keys  # noqa: F401
from seedance_studio.ui.compose_checks import ComposeChecks
from seedance_studio.ui.error_messages import job_advice
from seedance_studio.ui.submit_bar import SubmitBar
from tests.jobs.fakes import make_snapshot

PROVIDER = "eachlabs"
NAME = "eachlabs"  # its display name


def instance(cls: type[SeedanceError]) -> SeedanceError:
    """One exception of `cls`, raised as the app raises it."""
    if issubclass(cls, BudgetExceeded):
        return cls(budget=Decimal(1), spent=Decimal("0.8"), estimate=Decimal("0.5"))
    if issubclass(cls, MediaError):
        return cls("clip.mp4", "the file holds no video")
    if issubclass(cls, ProviderError):
        return cls("the provider's own words", provider=PROVIDER)
    if inspect.signature(cls.__init__).parameters.keys() == {"self", "args", "kwargs"}:
        return cls("what went wrong")
    exc = cls.__new__(cls)  # its own arguments (shots, a sequence) say nothing to advice
    Exception.__init__(exc, "what went wrong")
    return exc


ALL = sorted(error_types().values(), key=lambda c: c.__name__)


@pytest.fixture
def failed_job(tmp_path: Path) -> JobRecord:
    with JobStore(tmp_path / "jobs.sqlite3") as store:
        [job_id] = store.insert_jobs(
            [NewJob(snapshot=make_snapshot(PROVIDER), group_id="g", batch="b")]
        )
        return dataclasses.replace(store.get(job_id), state=JobState.FAILED)


@pytest.mark.parametrize("cls", ALL, ids=[c.__name__ for c in ALL])
def test_gui_and_cli_give_the_same_advice(cls: type[SeedanceError], failed_job: JobRecord) -> None:
    exc = instance(cls)
    provider = NAME if isinstance(exc, ProviderError) else "The provider"
    expected = advise(exc, provider=provider)
    # Raised in a command: the terminal's one line carries the advice.
    assert expected.text in message_for(exc)
    # Stored with a failed job: the window and `seedance submit` read the same row.
    job = dataclasses.replace(failed_job, error_type=cls.__name__, message=str(exc))
    in_window = job_advice(job)
    assert in_window == advise(exc, provider=NAME)
    assert in_window.text in job_failure_text(job)


@pytest.mark.parametrize("action", list(Action))
def test_the_window_links_to_settings_only_where_the_fix_is_there(
    action: Action, qtbot: QtBot
) -> None:
    composition = Composition(GenerationParams(provider=PROVIDER))
    checks = ComposeChecks(composition, Settings())
    bar = SubmitBar(checks)
    qtbot.addWidget(bar)
    cls = (
        next(c for c in ALL if advise(c, provider=NAME).action is action)
        if any(advise(c, provider=NAME).action is action for c in ALL)
        else None
    )
    if cls is None:
        pytest.skip(f"no error type advises {action}")
    advice = advise(cls, provider=NAME)
    bar.show_notice(advice.text, open_settings=advice.open_settings)
    assert ('href="settings"' in bar.notice.text()) is (action is Action.OPEN_SETTINGS)
