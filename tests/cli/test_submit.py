"""`seedance submit / jobs / show / cancel / resume` as subprocesses against the simulator."""

from __future__ import annotations

import json
from pathlib import Path

from seedance_studio.jobs.download import verify_playable
from tests.cli.conftest import SimProcess, seedance


def kinovi_args(sim: SimProcess, *extra: str) -> list[str]:
    return [
        "--provider",
        "kinovi",
        "--prompt",
        "@Image1 waves hello",
        "--image",
        sim.sample_url("image.png"),
        "--duration",
        "4",
        *extra,
    ]


def test_submit_waits_and_brings_the_video_home(sim: SimProcess, sim_env: dict[str, str]) -> None:
    result = seedance(sim_env, "submit", *kinovi_args(sim, "--seed", "5"))
    assert result.code == 0, result.err
    assert result.out.startswith("job 1: done ")
    video = Path(result.out.split(" ", 3)[3].strip())
    verify_playable(video)
    side = json.loads(video.with_suffix(".json").read_text())
    assert side["prompt_sent"] == "@image1 waves hello" and side["seed"] == 5
    assert "sim-key" not in video.with_suffix(".json").read_text()
    assert sim.count("kinovi", "create") == 1

    spent = json.loads(seedance(sim_env, "spend", "--json").out)
    assert spent["providers"]["kinovi"] > 0 and spent["today"] == spent["providers"]["kinovi"]

    listed = seedance(sim_env, "jobs", "--json")
    [job] = json.loads(listed.out)
    assert job["state"] == "done" and job["provider"] == "kinovi"
    shown = json.loads(seedance(sim_env, "show", "1").out)
    states = [e["state"] for e in shown["events"]]
    assert states[0] == "submitting" and states[-1] == "done"
    assert "sim-key" not in json.dumps(shown)


def test_detach_then_resume(sim: SimProcess, sim_env: dict[str, str]) -> None:
    detached = seedance(sim_env, "submit", "--detach", *kinovi_args(sim, "--variants", "2"))
    assert detached.code == 0, detached.err
    assert "job 1: queued" in detached.out and "job 2: queued" in detached.out
    resumed = seedance(sim_env, "resume")
    assert resumed.code == 0, resumed.err
    assert resumed.out.count(": done ") == 2
    assert sim.count("kinovi", "create") == 2
    assert seedance(sim_env, "resume").err.strip() == "nothing to resume"


def test_cancel_asks_the_server(sim: SimProcess, sim_env: dict[str, str]) -> None:
    sim.inject("oxen", "create", kind="stuck")
    args = [
        "--provider",
        "oxen",
        "--prompt",
        "@Image1 smiles",
        "--image",
        sim.sample_url("image.png"),
    ]
    assert seedance(sim_env, "submit", "--detach", *args).code == 0
    result = seedance(sim_env, "cancel", "1")
    assert result.code == 0, result.err
    assert "job 1: cancelled" in result.out
    assert sim.count("oxen", "cancel") == 1


def test_refused_key_is_exit_1_with_a_message(sim: SimProcess, sim_env: dict[str, str]) -> None:
    env = {**sim_env, "SEEDANCE_KINOVI_API_KEY": "broke-key"}
    result = seedance(env, "submit", *kinovi_args(sim))
    assert result.code == 1
    assert "credits" in result.err.lower() and "Traceback" not in result.err
    assert "job 1: failed" in result.out


def test_unknown_submission_is_left_to_the_user(sim: SimProcess, sim_env: dict[str, str]) -> None:
    sim.inject("kinovi", "create", kind="applied_no_response")  # created, answer lost
    first = seedance(sim_env, "submit", *kinovi_args(sim))
    assert first.code == 1
    assert "job 1: submit_unknown" in first.out and "unknown" in first.err
    assert sim.count("kinovi", "create") == 1
    again = seedance(sim_env, "check-again", "1")
    assert again.code == 1 and "submit anyway" in again.err
    resumed = seedance(sim_env, "resume")  # not resent, but named with its choices
    assert resumed.code == 1 and "seedance submit-anyway 1" in resumed.err
    assert sim.count("kinovi", "create") == 1  # never resent on its own
    anyway = seedance(sim_env, "submit-anyway", "1")
    assert anyway.code == 0, anyway.err
    assert "job 1: done" in anyway.out
    assert sim.count("kinovi", "create") == 2
