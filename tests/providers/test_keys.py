"""SecretStore: keyring first, environment fallback, clear words (not a hang) without a keyring."""

from __future__ import annotations

import time
from typing import Any

import pytest
from keyring.backends import fail, null

from seedance_studio.core.redact import known_secrets
from seedance_studio.providers.keys import (
    S3_ACCESS_KEY_ID,
    S3_SECRET_ACCESS_KEY,
    SERVICE_NAME,
    SecretStore,
    SecretStoreError,
    env_var,
)
from seedance_studio.providers.memory_keyring import MemoryKeyring


class HangingKeyring(MemoryKeyring):
    """A Secret Service that never answers (what a missing D-Bus session can do)."""

    def get_password(self, service: str, username: str) -> str | None:
        time.sleep(30)
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        time.sleep(30)


def test_env_var_names() -> None:
    assert env_var("eachlabs") == "SEEDANCE_EACHLABS_API_KEY"
    assert env_var("kinovi-legacy") == "SEEDANCE_KINOVI_LEGACY_API_KEY"
    assert env_var(S3_ACCESS_KEY_ID) == "SEEDANCE_S3_ACCESS_KEY_ID"
    assert env_var(S3_SECRET_ACCESS_KEY) == "SEEDANCE_S3_SECRET_ACCESS_KEY"


def test_keyring_round_trip_under_the_service_name() -> None:
    ring = MemoryKeyring()
    store = SecretStore(ring, environ={})
    assert store.backend_available() and store.backend_problem() is None
    store.set("oxen", "  ox-secret-1  ")
    assert ring.passwords[(SERVICE_NAME, "oxen")] == "ox-secret-1"
    assert store.get("oxen") == "ox-secret-1" and store.source("oxen") == "keyring"
    assert "ox-secret-1" in known_secrets()
    store.set(S3_SECRET_ACCESS_KEY, "s3-secret-value")
    assert SecretStore(ring, environ={}).get(S3_SECRET_ACCESS_KEY) == "s3-secret-value"
    store.delete("oxen")
    assert store.get("oxen") is None and (SERVICE_NAME, "oxen") not in ring.passwords
    store.delete("oxen")  # deleting twice is harmless
    assert "ox-secret-1" not in repr(store)


def test_environment_fallback_and_keyring_precedence() -> None:
    ring = MemoryKeyring()
    env = {"SEEDANCE_EACHLABS_API_KEY": "from-env-123"}
    store = SecretStore(ring, environ=env)
    assert store.get("eachlabs") == "from-env-123" and store.source("eachlabs") == "env"
    store.set("eachlabs", "from-ring-456")
    assert store.get("eachlabs") == "from-ring-456"
    assert store.get("shortapi") is None and store.source("shortapi") is None


def test_empty_key_is_refused() -> None:
    with pytest.raises(SecretStoreError, match="empty"):
        SecretStore(MemoryKeyring(), environ={}).set("oxen", "   ")


@pytest.mark.parametrize(
    ("backend", "words"),
    [
        (fail.Keyring(), "No system keyring"),  # type: ignore[no-untyped-call]
        (null.Keyring(), "switched off"),  # type: ignore[no-untyped-call]
    ],
)
def test_unusable_backend_is_explained_and_env_still_works(backend: Any, words: str) -> None:
    store = SecretStore(backend, environ={"SEEDANCE_OXEN_API_KEY": "env-key-789"})
    problem = store.backend_problem()
    assert problem is not None and words in problem and "SEEDANCE_" in problem
    assert not store.backend_available()
    assert store.get("oxen") == "env-key-789"
    with pytest.raises(SecretStoreError, match=words) as info:
        store.set("oxen", "never-stored-1")
    assert "never-stored-1" not in str(info.value)


def test_default_backend_from_keyring_settings() -> None:
    # tests/conftest.py selects keyring's null backend for the whole run
    store = SecretStore(environ={})
    assert store.backend_problem() is not None
    assert store.get("oxen") is None


def test_secret_service_without_dbus_is_not_even_called() -> None:
    from keyring.backends import SecretService

    backend = SecretService.Keyring()  # type: ignore[no-untyped-call]
    store = SecretStore(backend, environ={})
    started = time.monotonic()
    problem = store.backend_problem()
    assert problem is not None and "D-Bus" in problem
    assert store.get("oxen") is None
    assert time.monotonic() - started < 1.0


def test_hanging_keyring_times_out_with_a_clear_message() -> None:
    store = SecretStore(
        HangingKeyring(), environ={"SEEDANCE_OXEN_API_KEY": "env-key-000"}, timeout_s=0.2
    )
    started = time.monotonic()
    assert store.get("oxen") == "env-key-000"
    assert time.monotonic() - started < 1.5
    problem = store.backend_problem()
    assert problem is not None and "did not answer" in problem
    started = time.monotonic()
    with pytest.raises(SecretStoreError, match="did not answer"):
        store.set("oxen", "x-12345")
    assert time.monotonic() - started < 0.5  # no second wait once it is known to hang
