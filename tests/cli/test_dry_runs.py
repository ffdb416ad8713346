"""`seedance request` / `estimate`: the documented bodies, placeholders, prices, exit codes."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from seedance_studio.core import capabilities
from seedance_studio.simulator.media import png_bytes
from tests.cli.conftest import PLANTED_KEY, Cli, Result

SHORTAPI_VIDEO = (
    "https://file.shortapi.ai/assets/examples/bytedance/seedance-2.0/video-edit-video.mp4"
)
KINOVI_IMAGE = (
    "https://seedance2-pro.com/landing/seedance2/cases/consistency/consistency-row3-ref.png"
)
KINOVI_VIDEO = "https://example.com/action-reference.mp4"


def request_json(result: Result) -> dict[str, object]:
    assert result.code == 0, result.err
    assert PLANTED_KEY not in result.out + result.err
    data: dict[str, object] = json.loads(result.out)
    assert set(data) == {"method", "url", "headers", "body"}
    return data


def test_shortapi_documented_example(cli: Cli) -> None:
    # The page's example mentions @Image 1 without sending an image; a composition cannot
    # mention what it lacks, so this one adds the panda and checks everything the page shows.
    panda = "https://example.com/panda.png"
    data = request_json(
        cli(
            "request",
            "--provider",
            "shortapi",
            "--prompt",
            "Replace the puppy in @Video1 with the panda from @Image1",
            "--video",
            SHORTAPI_VIDEO,
            "--image",
            panda,
        )
    )
    assert data["method"] == "POST"
    assert data["url"] == "https://api.shortapi.ai/api/v1/job/create"
    assert data["headers"] == {"Authorization": "Bearer ***", "Content-Type": "application/json"}
    assert data["body"] == {
        "model": "bytedance/seedance-2.0/omni-reference",
        "args": {
            "prompt": "Replace the puppy in @Video 1 with the panda from @Image 1",
            "video_url": SHORTAPI_VIDEO,
            "image_urls": [panda],
        },
    }


def test_kinovi_legacy_documented_example(cli: Cli) -> None:
    data = request_json(
        cli(
            "request",
            "--provider",
            "kinovi-legacy",
            "--prompt",
            "This character @Image1 mimics the action from @Video1, smooth cinematic motion",
            "--image",
            KINOVI_IMAGE,
            "--video",
            KINOVI_VIDEO,
            "--aspect-ratio",
            "16:9",
            "--duration",
            "8",
        )
    )
    assert data["url"] == "https://seedance2-pro.com/api/v1/jobs/createTask"
    assert data["body"] == {
        "model": "seedance-20",
        "inputs": {
            "urls": [KINOVI_IMAGE],
            "videoUrls": [KINOVI_VIDEO],
            "prompt": "This character @1 mimics the action from @2, smooth cinematic motion",
            "ratio": "16:9",
            "duration": "8s",
        },
    }


def test_kinovi_current_schema(cli: Cli) -> None:
    audio = "https://example.com/music.mp3"
    data = request_json(
        cli(
            "request",
            "--provider",
            "kinovi",
            "--model",
            "seedance-20",
            "--prompt",
            "@Image1 performs the moves from @Video1 to the rhythm of @Audio1",
            "--video",
            KINOVI_VIDEO,
            "--image",
            KINOVI_IMAGE,
            "--audio",
            audio,
            "--duration",
            "8",
            "--aspect-ratio",
            "9:16",
            "--resolution",
            "720p",
            "--upscale",
            "4k",
        )
    )
    assert data["body"] == {
        "model": "seedance-20",
        "inputs": {
            "urls": [KINOVI_VIDEO, KINOVI_IMAGE],
            "audioUrls": [audio],
            "prompt": "@image1 performs the moves from @video1 to the rhythm of @audio1",
            "duration": "8",
            "aspectRatio": "9:16",
            "mode": "reference",
            "outputResolution": "720p",
            "upscaleResolution": "4k",
        },
    }


def test_oxen_queue_with_two_generations(cli: Cli) -> None:
    image = "https://example.com/person.jpg"
    data = request_json(
        cli(
            "request",
            "--provider",
            "oxen",
            "--prompt",
            "@Image1 waves at the camera and smiles",
            "--image",
            image,
            "--duration",
            "5",
            "--variants",
            "2",
        )
    )
    assert data["url"] == "https://hub.oxen.ai/api/ai/queue"
    assert data["body"] == {
        "model": "bytedance-seedance-2-0-reference-to-video",
        "prompt": "@Image1 waves at the camera and smiles",
        "input_images": [image],
        "duration": "5",
        "num_generations": 2,
    }


def test_eachlabs_headers_and_seed(cli: Cli) -> None:
    data = request_json(
        cli(
            "request",
            "--provider",
            "eachlabs",
            "--prompt",
            "@Image1 in a timelapse",
            "--image",
            "https://example.com/lot.png",
            "--seed",
            "42",
            "--no-audio",
        )
    )
    assert data["url"] == "https://api.eachlabs.ai/v1/prediction/"
    assert data["headers"] == {"X-API-Key": "***", "Content-Type": "application/json"}
    body = data["body"]
    assert isinstance(body, dict)
    assert body["version"] == "0.0.1"
    assert body["input"]["seed"] == "42" and body["input"]["generate_audio"] is False


def test_local_file_shows_a_placeholder_and_uploads_nothing(cli: Cli, tmp_path: Path) -> None:
    image = tmp_path / "my cat.png"
    image.write_bytes(png_bytes(320, 320))
    data = request_json(
        cli("request", "--provider", "kinovi", "--prompt", "@Image1 purrs", "--image", str(image))
    )
    body = data["body"]
    assert isinstance(body, dict)
    [url] = body["inputs"]["urls"]
    assert url.startswith("upload://") and "eachlabs" in url and "cat" in url
    assert str(tmp_path) not in json.dumps(data)


def encode_24fps(path: Path, seconds: int) -> Path:
    """A 640×640 24 fps clip: what ShortAPI accepts as a reference video."""
    import av

    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=24)
        stream.width = stream.height = 640
        stream.pix_fmt = "yuv420p"
        stream.options = {"preset": "ultrafast"}
        for i in range(seconds * 24):
            frame = av.VideoFrame(640, 640, "rgb24")
            frame.planes[0].update(bytes([i * 5 % 256]) * frame.planes[0].buffer_size)
            frame.pts = i
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def test_estimate_json_counts_probed_input_video_seconds(cli: Cli, tmp_path: Path) -> None:
    clip = encode_24fps(tmp_path / "dance.mp4", 3)
    result = cli(
        "estimate",
        "--provider",
        "shortapi",
        "--prompt",
        "Dance like @Video1",
        "--video",
        str(clip),
        "--duration",
        "5",
        "--mode",
        "std",
        "--json",
    )
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert set(data) == {"currency", "min", "max", "credits", "items"}
    rule = next(r for r in capabilities.get("shortapi").pricing.rules if r.id == "std")
    expected = rule.per_output_second * 5 + rule.per_input_video_second * 3
    assert data["currency"] == "USD" and data["credits"] is None
    assert Decimal(str(data["min"])) == Decimal(str(data["max"])) == expected
    assert len(data["items"]) == 2


def test_estimate_in_credits(cli: Cli) -> None:
    result = cli(
        "estimate",
        "--provider",
        "kinovi",
        "--model",
        "seedance-20",
        "--resolution",
        "720p",
        "--prompt",
        "@Image1 waves",
        "--image",
        KINOVI_IMAGE,
        "--duration",
        "8",
        "--json",
    )
    data = json.loads(result.out)
    pricing = capabilities.get("kinovi").pricing
    rule = next(r for r in pricing.rules if r.id == "pro-720p")
    credits = rule.per_output_second * 8
    assert Decimal(str(data["credits"]["min"])) == credits
    assert Decimal(str(data["max"])) == credits * (pricing.credit_usd or 0)


def test_broken_composition_exits_2_with_one_line_per_problem(cli: Cli) -> None:
    result = cli(
        "submit",
        "--provider",
        "shortapi",
        "--prompt",
        "@Image3 and @Video1",
        "--video",
        "https://x.test/a.mp4",
        "--video",
        "https://x.test/b.mp4",
        "--duration",
        "99",
    )
    assert result.code == 2
    assert "Traceback" not in result.err
    lines = [ln for ln in result.err.splitlines() if not ln.startswith("warning:")]
    assert len(lines) >= 3  # two videos for one slot, the unknown @Image3, the duration
    assert any("Image3" in ln for ln in lines) and any("99" in ln for ln in lines)


def test_missing_file_is_a_plain_message(cli: Cli, tmp_path: Path) -> None:
    result = cli(
        "estimate",
        "--provider",
        "kinovi",
        "--prompt",
        "@Image1",
        "--image",
        str(tmp_path / "nope.png"),
    )
    assert result.code == 2
    assert "nope.png" in result.err and "Traceback" not in result.err


def test_unknown_job_is_exit_1(cli: Cli) -> None:
    result = cli("show", "999")
    assert result.code == 1 and "no job 999" in result.err


def test_budget_refuses_without_yes(cli: Cli, tmp_path: Path) -> None:
    from seedance_studio.core.settings import Settings, save_settings, settings_path

    save_settings(Settings(budget_usd=Decimal("0.50")), settings_path())
    result = cli(
        "submit",
        "--provider",
        "kinovi",
        "--prompt",
        "@Image1 waves",
        "--image",
        KINOVI_IMAGE,
        "--duration",
        "8",
    )
    assert result.code == 1
    assert "budget" in result.err and "--yes" in result.err
    assert cli("jobs", "--json").out.strip() == "[]"  # nothing stored, nothing sent


def test_text_estimate_shows_what_is_billed(cli: Cli, tmp_path: Path) -> None:
    from tests.media_factory import make_video

    clip = make_video(tmp_path / "moves.mp4", 640, 640, seconds=3)
    result = cli(
        "estimate",
        "--provider",
        "shortapi",
        "--prompt",
        "Dance like @Video1",
        "--video",
        str(clip),
        "--duration",
        "5",
    )
    assert result.code == 0, result.err
    lines = [ln.strip() for ln in result.out.splitlines()]
    assert lines[0] == "$1.34"
    assert "Std: output: 5 output s × $0.168 = $0.84" in lines
    assert "Std: input video: 3 input video s × $0.168 = $0.504" in lines
