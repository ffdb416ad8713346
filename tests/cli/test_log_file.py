"""The log file: one line per job transition and per provider error, with keys masked."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from seedance_studio.core import logs
from seedance_studio.core.redact import register_secret
from tests.cli.conftest import SimProcess, seedance

PLANTED = "sk-log-planted-0123456789abcdef"


def _log_text(home: Path) -> str:
    files = sorted((home / "logs").glob(logs.LOG_NAME + "*"))
    assert files, "no log file was written"
    return "".join(f.read_text(encoding="utf-8") for f in files)


def test_a_job_writes_one_line_per_transition_and_no_key(
    sim: SimProcess, sim_env: dict[str, str], tmp_path: Path
) -> None:
    sim_env["SEEDANCE_KINOVI_API_KEY"] = PLANTED
    result = seedance(
        sim_env,
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
    assert result.code == 0, result.err
    text = _log_text(tmp_path / "home")
    assert PLANTED not in text
    transitions = [line for line in text.splitlines() if "seedance_studio.jobs.store" in line]
    assert "job 1: created (submitting, kinovi)" in transitions[0]
    assert any("-> queued" in line or "-> running" in line for line in transitions)
    assert "-> done" in transitions[-1]
    # One line per recorded event (each state change), not one per poll.
    events = json.loads(seedance(sim_env, "show", "1").out)["events"]
    assert len(transitions) == len(events)


def test_a_refused_key_is_logged_as_a_provider_error_without_the_key(
    sim: SimProcess, sim_env: dict[str, str], tmp_path: Path
) -> None:
    sim_env["SEEDANCE_OXEN_API_KEY"] = "bad-key"
    result = seedance(
        sim_env,
        "submit",
        "--provider",
        "oxen",
        "--prompt",
        "@Image1 smiles",
        "--image",
        sim.sample_url("image.png"),
    )
    assert result.code != 0
    text = _log_text(tmp_path / "home")
    assert "bad-key" not in text
    errors = [line for line in text.splitlines() if "WARNING seedance_studio.providers" in line]
    assert errors and "oxen: HTTP 401" in errors[0]


def test_registered_secrets_are_masked_in_messages_and_tracebacks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEEDANCE_STUDIO_HOME", str(tmp_path))
    logs.teardown_logging()
    try:
        path = logs.setup_logging()
        register_secret(PLANTED)
        log = logging.getLogger("seedance_studio.test")
        log.warning("sent %s", PLANTED)
        try:
            raise RuntimeError(f"refused {PLANTED}")
        except RuntimeError:
            log.exception("boom")
        logs.teardown_logging()
        text = path.read_text(encoding="utf-8")
    finally:
        logs.teardown_logging()
    assert "sent ***" in text and "refused ***" in text
    assert PLANTED not in text
