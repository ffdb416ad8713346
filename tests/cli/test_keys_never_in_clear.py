"""A key a provider echoes, or one with a trailing CR, is never stored or printed in clear.

Each test runs `seedance` as real subprocesses against the simulator, as a user would, then
scans the database file (and its WAL) and every output for the key.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.cli.conftest import SimProcess, seedance


def db_bytes(env: dict[str, str]) -> bytes:
    data = Path(env["SEEDANCE_STUDIO_HOME"]) / "data"
    return b"".join(p.read_bytes() for p in data.glob("jobs.sqlite3*"))


def submit(sim: SimProcess, env: dict[str, str], provider: str = "kinovi") -> tuple[int, str]:
    result = seedance(
        env,
        "submit",
        "--provider",
        provider,
        "--prompt",
        "@Image1 waves",
        "--image",
        sim.sample_url("image.png"),
        "--duration",
        "4",
    )
    return result.code, result.out + result.err


def test_a_key_echoed_in_a_failure_message_is_stored_and_printed_masked(
    sim: SimProcess, sim_env: dict[str, str]
) -> None:
    """Before: the key landed in jobs.message, events.message, `jobs --json` and `show`."""
    key = sim_env["SEEDANCE_KINOVI_API_KEY"]
    sim.control(
        "POST",
        "outcome",
        provider="kinovi",
        outcome="fail",
        message=f"generation failed for token {key}",
    )
    code, printed = submit(sim, sim_env)
    assert code == 1
    assert "generation failed for token ***" in printed
    assert key.encode() not in db_bytes(sim_env)
    listed = seedance(sim_env, "jobs", "--json")
    shown = seedance(sim_env, "show", "1")
    for output in (printed, listed.out, listed.err, shown.out, shown.err):
        assert key not in output
    assert json.loads(listed.out)[0]["message"] == "generation failed for token ***"


def test_jobs_and_show_mask_a_key_stored_before_redaction(
    sim: SimProcess, sim_env: dict[str, str]
) -> None:
    """The second line of defence: rows written by an older version print masked."""
    code, _ = submit(sim, sim_env)
    assert code == 0
    key = sim_env["SEEDANCE_KINOVI_API_KEY"]
    path = Path(sim_env["SEEDANCE_STUDIO_HOME"]) / "data" / "jobs.sqlite3"
    db = sqlite3.connect(path)
    db.execute("UPDATE jobs SET message = ?", (f"old text with {key}",))
    db.execute("UPDATE events SET message = ?", (f"old event with {key}",))
    db.commit()
    db.close()
    listed = seedance(sim_env, "jobs", "--json")
    shown = seedance(sim_env, "show", "1")
    assert key not in listed.out and key not in shown.out
    assert "old text with ***" in listed.out and "old event with ***" in shown.out


def test_a_key_with_a_trailing_cr_is_stripped_and_the_job_runs(
    sim: SimProcess, sim_env: dict[str, str]
) -> None:
    """Before: `Illegal header value b'Bearer sk-…\\r'` printed, and the job marked
    "submission unknown — may be charged twice" although nothing was sent."""
    key = sim_env["SEEDANCE_KINOVI_API_KEY"]
    env = {**sim_env, "SEEDANCE_KINOVI_API_KEY": key + "\r\n"}
    code, printed = submit(sim, env)
    assert code == 0, printed
    assert "Illegal header" not in printed and key not in printed
    assert sim.count("kinovi", "create") == 1


def test_a_non_ascii_key_is_refused_in_one_line_before_anything_is_sent(
    sim: SimProcess, sim_env: dict[str, str]
) -> None:
    env = {**sim_env, "SEEDANCE_KINOVI_API_KEY": "sk-kinovi-\u00e9t\u00e9-0123456789"}
    code, printed = submit(sim, env)
    assert code == 1
    assert "Traceback" not in printed
    lines = printed.strip().splitlines()
    assert lines == [
        "seedance: the Kinovi key in SEEDANCE_KINOVI_API_KEY contains a non-ASCII "
        "character (U+00E9) at position 11: enter it again (nothing was sent); the "
        "key is from SEEDANCE_KINOVI_API_KEY"
    ]
    assert sim.count("kinovi", "create") == 0
    assert seedance(env, "jobs", "--json").out.strip() == "[]"  # no job in a wrong state
