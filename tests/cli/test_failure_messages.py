"""What a demanding user reads when something goes wrong: who said it, which key, no junk."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from seedance_studio.cli.compose import base_url_env
from tests.cli.conftest import Cli, SimProcess
from tests.jobs.walk import walk_to

IMAGE = "https://example.com/person.jpg"


def test_missing_key_names_the_keyring_entry_and_the_variable_and_stores_no_job(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SEEDANCE_KINOVI_LEGACY_API_KEY")
    result = cli(
        "submit", "--provider", "kinovi-legacy", "--prompt", "@Image1 walks", "--image", IMAGE
    )
    assert result.code == 1
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, lines
    assert "SEEDANCE_KINOVI_LEGACY_API_KEY" in lines[0]
    assert "seedance-studio / kinovi-legacy" in lines[0]
    assert json.loads(cli("jobs", "--json").out) == []  # nothing that could never be sent


def test_refused_key_says_which_provider_and_which_key(
    cli: Cli, sim: SimProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEEDANCE_OXEN_API_KEY", "bad-key")
    monkeypatch.setenv(base_url_env("oxen"), sim.base_url("oxen"))
    result = cli(
        "submit",
        "--provider",
        "oxen",
        "--prompt",
        "@Image1 waves",
        "--image",
        IMAGE,
        "--duration",
        "4",
    )
    assert result.code == 1
    [line] = [ln for ln in result.err.splitlines() if ln.startswith("seedance:")]
    assert "Oxen" in line and "SEEDANCE_OXEN_API_KEY" in line and "bad-key" not in line


def test_a_provider_failure_names_the_provider(
    cli: Cli, sim: SimProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(base_url_env("eachlabs"), sim.base_url("eachlabs"))
    sim.inject(
        "eachlabs",
        "create",
        status=400,
        kind="http_status",
        message="image_urls[0]: could not fetch the file",
    )
    result = cli(
        "submit",
        "--provider",
        "eachlabs",
        "--prompt",
        "@Image1 waves",
        "--image",
        IMAGE,
        "--duration",
        "4",
    )
    assert result.code == 1
    [line] = [ln for ln in result.err.splitlines() if ln.startswith("seedance:")]
    assert line.endswith("eachlabs refused the request: image_urls[0]: could not fetch the file"), (
        line
    )


def test_request_for_more_variants_than_one_create_shows_each_create(cli: Cli) -> None:
    result = cli(
        "request",
        "--provider",
        "oxen",
        "--prompt",
        "@Image1 waves",
        "--image",
        IMAGE,
        "--variants",
        "6",
    )
    assert result.code == 0, result.err
    body = json.loads(result.out)["body"]
    assert "num_generations" not in body  # one generation per create, six creates
    assert "6 requests" in result.err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["request", "--provider", "nope", "--prompt", "x"], ["nope", "kinovi-legacy"]),
        (
            ["estimate", "--provider", "kinovi", "--prompt", "x", "--duration", "5s"],
            ["--duration", "5s"],
        ),
        ([], ["COMMAND"]),
    ],
)
def test_option_mistakes_are_one_line_and_exit_2(
    cli: Cli, capsys: pytest.CaptureFixture[str], args: list[str], words: list[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        cli(*args)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert all(w in err for w in words), err


def test_a_reader_that_goes_away_is_no_error(sim_env: dict[str, str]) -> None:
    """`seedance jobs | head -1`: the pipe closes before the output is written."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "seedance_studio.cli.main",
            "estimate",
            "--provider",
            "kinovi",
            "--prompt",
            "@Image1 walks",
            "--image",
            IMAGE,
            "--json",
        ],
        env=sim_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    proc.stdout.close()  # before the child has started, let alone printed
    _out, err = proc.communicate(timeout=60)
    assert err.strip() == ""
    assert proc.returncode == 141


def test_resume_names_the_jobs_waiting_for_a_decision(cli: Cli) -> None:
    from seedance_studio.jobs.states import JobState
    from seedance_studio.jobs.store import JobStore, NewJob
    from tests.jobs.fakes import make_snapshot

    with JobStore() as store:
        [job_id] = store.insert_jobs([NewJob(snapshot=make_snapshot(), group_id="g", batch="b")])
        walk_to(
            store,
            job_id,
            JobState.SUBMIT_UNKNOWN,
            create_sent_at=store.now(),
            message="submission outcome unknown",
        )
    result = cli("resume")
    assert result.code == 1
    assert f"job {job_id}: submit_unknown" in result.out
    assert f"seedance submit-anyway {job_id}" in result.err
    assert f"seedance check-again {job_id}" in result.err


def test_cancel_says_when_the_provider_cannot_stop_the_job(
    cli: Cli, sim: SimProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(base_url_env("shortapi"), sim.base_url("shortapi"))
    submitted = cli(
        "submit",
        "--detach",
        "--provider",
        "shortapi",
        "--prompt",
        "@Video1",
        "--video",
        "https://example.com/v.mp4",
    )
    assert submitted.code == 0, submitted.err
    refused = cli("cancel", "1")  # no server cancel: only the user may accept that
    assert refused.code == 1
    assert "may still run and be charged" in refused.err and "--anyway" in refused.err
    result = cli("cancel", "1", "--anyway")
    assert result.code == 0
    assert "job 1: cancelled" in result.out
    assert "may still run and be charged" in result.err


def test_help_says_where_keys_and_bases_come_from(
    cli: Cli, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        cli("--help")
    out = capsys.readouterr().out
    assert 'service "seedance-studio"' in out and "SEEDANCE_<ID>_API_KEY" in out
    assert "SEEDANCE_<ID>_BASE_URL" in out and "exit status" in out


def test_a_key_refused_while_polling_ends_the_wait_with_the_key_named(
    cli: Cli, sim: SimProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(base_url_env("oxen"), sim.base_url("oxen"))
    sim.inject("oxen", "query", times=50, kind="http_status", status=401)
    result = cli(
        "submit",
        "--provider",
        "oxen",
        "--prompt",
        "@Image1 waves",
        "--image",
        IMAGE,
        "--duration",
        "4",
    )
    assert result.code == 1
    assert "job 1: queued" in result.out  # kept: `seedance resume` goes on with it
    [line] = [ln for ln in result.err.splitlines() if ln.startswith("seedance:")]
    assert "refused" in line and "SEEDANCE_OXEN_API_KEY" in line


def test_check_again_says_its_finding_once(cli: Cli) -> None:
    from seedance_studio.jobs.states import JobState
    from seedance_studio.jobs.store import JobStore, NewJob
    from tests.jobs.fakes import make_snapshot

    with JobStore() as store:
        [job_id] = store.insert_jobs([NewJob(snapshot=make_snapshot(), group_id="g", batch="b")])
        walk_to(store, job_id, JobState.SUBMIT_UNKNOWN, create_sent_at=store.now())
    result = cli("check-again", str(job_id))
    assert result.code == 1
    finding = "has no API to find a job without its id"
    assert result.err.count(finding) == 1, result.err


def test_a_corrupt_settings_file_is_said_once_moved_aside_and_stops_a_submit(
    cli: Cli, sim: SimProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: silently replaced by defaults (a $0.01 daily budget vanished and the job ran)."""
    from seedance_studio.core.settings import settings_path

    monkeypatch.setenv(base_url_env("kinovi"), sim.base_url("kinovi"))
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"budget_usd": "0.01", ', "utf-8")  # cut short by a crash
    result = cli(
        "submit",
        "--provider",
        "kinovi",
        "--prompt",
        "@Image1 waves",
        "--image",
        sim.sample_url("image.png"),
        "--duration",
        "4",
    )
    assert result.code == 1
    lines = result.err.strip().splitlines()
    assert lines[0].startswith(f"seedance: {path} could not be read (")
    assert f"moved to {path.with_suffix('.broken.json')}" in lines[0]
    assert "nothing was sent" in lines[1] and len(lines) == 2
    assert sim.count("kinovi", "create") == 0
    assert path.with_suffix(".broken.json").read_text("utf-8").startswith('{"budget_usd"')
    again = cli("jobs")
    assert again.code == 0 and "could not be read" not in again.err  # said once


def test_resume_says_another_process_owns_a_job_and_leaves_it(cli: Cli) -> None:
    """Before: exit 1 with the job "submitting", and no word of the other process."""
    import os

    from seedance_studio.jobs.store import JobStore, NewJob
    from tests.jobs.fakes import make_snapshot

    with JobStore() as store:
        owner = f"{os.uname().nodename}:{os.getppid()}:creating"  # a live process
        [job_id] = store.insert_jobs(
            [NewJob(snapshot=make_snapshot(), group_id="g", batch="b")], owner=owner, lease_s=600
        )
    result = cli("resume")
    assert result.code == 0, result.err
    assert (
        f"job {job_id} (submitting) is being run by another process (pid {os.getppid()})"
    ) in result.err
    with JobStore() as store:
        assert store.get(job_id).attempt == 0  # nothing was sent from here


def test_many_variants_without_a_price_ask_for_yes_and_send_nothing(
    cli: Cli, sim: SimProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: `--variants 100` on Oxen (no published price) needed no confirmation."""
    monkeypatch.setenv(base_url_env("oxen"), sim.base_url("oxen"))
    result = cli(
        "submit",
        "--provider",
        "oxen",
        "--prompt",
        "@Image1 waves",
        "--image",
        sim.sample_url("image.png"),
        "--duration",
        "4",
        "--variants",
        "100",
    )
    assert result.code == 1
    assert result.err.strip().splitlines()[-1] == (
        "seedance: 100 generations on Oxen.ai: no published price, so the total is unknown: "
        "add --yes to send them"
    )
    assert sim.count("oxen", "create") == 0
    assert cli("jobs", "--json").out.strip() == "[]"
