"""A planted key never shows up in anything the provider layer produces."""

from __future__ import annotations

import logging
import socket
from typing import Any

import pytest

from seedance_studio.core import capabilities
from seedance_studio.core.errors import SeedanceError
from seedance_studio.core.redact import (
    MASK,
    RedactingFilter,
    install_log_redaction,
    redact,
    register_secret,
)
from seedance_studio.core.settings import Settings
from seedance_studio.providers.keys import SecretStore
from seedance_studio.providers.oxen import OxenProvider
from seedance_studio.providers.registry import create_provider
from seedance_studio.simulator import Fault, Simulator

from .conftest import (
    PLANTED_KEY,
    MakeProvider,
    MemoryKeys,
    SleepRecorder,
    compose,
    follow,
    urls_of,
)


def test_redact_masks_known_and_given_secrets() -> None:
    register_secret("registered-secret-1")
    text = "a registered-secret-1 b given-secret-22 c"
    assert redact(text, ["given-secret-22"]) == f"a {MASK} b {MASK} c"
    assert redact("short abc", ["abc"]) == "short abc"  # too short to be a key
    assert redact("key sk-123456789", ["sk-1234", "sk-123456789"]) == f"key {MASK}"


def test_log_filter_masks_messages_args_and_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    register_secret(PLANTED_KEY)
    caplog.handler.addFilter(RedactingFilter())
    log = logging.getLogger("seedance_studio.test")
    with caplog.at_level(logging.DEBUG):
        log.debug("using key %s", PLANTED_KEY)
        try:
            raise RuntimeError(f"boom {PLANTED_KEY}")
        except RuntimeError:
            log.exception("failed")
    assert PLANTED_KEY not in caplog.text
    assert MASK in caplog.text and "failed" in caplog.text


def test_records_are_masked_without_any_filter_installed() -> None:
    import io

    register_secret(PLANTED_KEY)
    stream = io.StringIO()
    log = logging.getLogger("seedance_studio.test.bare")
    log.propagate = False
    handler = logging.StreamHandler(stream)
    log.addHandler(handler)
    try:
        log.warning("key %s in a message", PLANTED_KEY)
        try:
            raise ValueError(PLANTED_KEY)
        except ValueError:
            log.exception("and in a traceback")
    finally:
        log.removeHandler(handler)
    assert PLANTED_KEY not in stream.getvalue()
    assert f"key {MASK} in a message" in stream.getvalue()


def test_install_log_redaction_attaches_to_root_handlers() -> None:
    handler = logging.StreamHandler()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        filt = install_log_redaction()
        assert filt in handler.filters and filt in root.filters
    finally:
        root.removeHandler(handler)
        root.removeFilter(filt)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_planted_key_absent_from_every_output(
    sim: Simulator, make_provider: MakeProvider, caplog: pytest.LogCaptureFixture
) -> None:
    outputs: list[str] = []

    def keep(value: Any) -> None:
        outputs.append(value.model_dump_json() if hasattr(value, "model_dump_json") else str(value))
        outputs.append(repr(value))

    def keep_error(exc: BaseException) -> None:
        outputs.extend([str(exc), repr(exc), repr(exc.args)])
        if isinstance(exc, SeedanceError):
            outputs.append(repr(vars(exc)))

    with caplog.at_level(logging.DEBUG):
        for pid in ("shortapi", "kinovi", "kinovi-legacy", "oxen", "eachlabs", "fal", "byteplus"):
            provider = make_provider(pid)
            keep(provider)
            source = sim.sample_url("clip_640x640_5s.mp4" if pid == "shortapi" else "image.png")
            snap = compose(pid, "@Image1 @Video1", [source])
            keep(provider.build_request(snap, urls_of(snap)))
            [handle] = await provider.submit(snap, urls_of(snap))
            keep(handle)
            for status in await follow(provider, handle):
                keep(status)
            name = pid.split("-")[0]
            # a provider that echoes the key back in its error message
            sim.inject(name, "create", Fault.http(400, message=f"bad request, key {PLANTED_KEY}"))
            sim.inject(name, "query", Fault.http(500, message=f"oops {PLANTED_KEY}"), times=9)
            for action in (provider.submit(snap, urls_of(snap)), provider.status(handle)):
                with pytest.raises(SeedanceError) as info:
                    await action
                keep_error(info.value)
            sim.reset(keep_jobs=True)
            sim.inject(name, "create", Fault.drop(before_body=False))
            with pytest.raises(SeedanceError) as info:
                await provider.submit(snap, urls_of(snap))
            keep_error(info.value)
        caps = capabilities.get("oxen")
        offline = OxenProvider(
            caps,
            f"http://127.0.0.1:{_closed_port()}/oxen/api",
            MemoryKeys({"oxen": PLANTED_KEY}),
            sleep=SleepRecorder(),
        )
        with pytest.raises(SeedanceError) as info:
            await offline.status(offline.handle_for("x"))
        keep_error(info.value)
        await offline.aclose()
        store = SecretStore(environ={"SEEDANCE_OXEN_API_KEY": PLANTED_KEY})
        keep(store)
        registered = create_provider(
            "oxen", Settings(base_urls={"oxen": sim.base_url("oxen")}), store
        )
        keep(registered)
        await registered.aclose()
    outputs.append(caplog.text)
    assert any("oops ***" in o for o in outputs)  # the echo was there, and masked
    leaks = [o for o in outputs if PLANTED_KEY in o]
    assert not leaks, leaks[:3]
