"""API keys and S3 credentials: the OS keyring first, the environment as a fallback.

Keyring service "seedance-studio", user name = provider id (or "s3-access-key-id" /
"s3-secret-access-key"). Environment: SEEDANCE_<ID>_API_KEY (id upper-cased, '-' -> '_'),
SEEDANCE_S3_ACCESS_KEY_ID and SEEDANCE_S3_SECRET_ACCESS_KEY.

Headless Linux often has no keyring (keyring's "fail" backend) or a Secret Service that hangs
without a D-Bus session; every keyring call therefore runs in a daemon thread with a time-out,
and `backend_problem()` says in words what is wrong instead of crashing or hanging.
Every secret read or stored is registered with core.redact, so it is masked in logs.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from seedance_studio.core.errors import KeyFormatError, SeedanceError
from seedance_studio.core.i18n import _
from seedance_studio.core.redact import forget_secret, redact, register_secret

if TYPE_CHECKING:  # keyring is imported on first use (it can take a while to start)
    from keyring.backend import KeyringBackend

SERVICE_NAME = "seedance-studio"
S3_ACCESS_KEY_ID = "s3-access-key-id"
S3_SECRET_ACCESS_KEY = "s3-secret-access-key"
KEYRING_TIMEOUT_S = 5.0
"""A keyring call that takes longer is abandoned (its daemon thread is left behind)."""

_ENV_NAMES = {
    S3_ACCESS_KEY_ID: "SEEDANCE_S3_ACCESS_KEY_ID",
    S3_SECRET_ACCESS_KEY: "SEEDANCE_S3_SECRET_ACCESS_KEY",
}

T = TypeVar("T")


class SecretStoreError(SeedanceError):
    """A key could not be saved or deleted (no usable keyring); the message says why."""


class KeyringTimeoutError(SeedanceError):
    """The keyring did not answer in time."""


def key_problem(value: str) -> str | None:
    """Why `value` (already stripped) cannot be an API key, or None. Never quotes the key."""
    for position, char in enumerate(value, start=1):
        if ord(char) < 32 or ord(char) == 127:
            return _("a control character ({code}) at position {position}").format(
                code=f"U+{ord(char):04X}", position=position
            )
        if ord(char) > 126:
            return _("a non-ASCII character ({code}) at position {position}").format(
                code=f"U+{ord(char):04X}", position=position
            )
        if char == " ":
            return _("a space at position {position}").format(position=position)
    return None


def _label(name: str) -> str:
    from seedance_studio.core import capabilities

    try:
        return capabilities.get(name).name
    except KeyError:
        return name


def clean_key(value: str, *, name: str, origin: str) -> str:
    """`value` without surrounding whitespace (a CRLF .env file, a paste); KeyFormatError
    naming the key and where it came from when what is left cannot be sent."""
    key = value.strip()
    problem = key_problem(key)
    if problem is not None:
        register_secret(key)  # whatever happens next, it is masked
        text = (
            _("the {provider} key {origin} contains {problem}: enter it again (nothing was sent)")
            if origin
            else _("the {provider} key contains {problem}: enter it again (nothing was sent)")
        )
        raise KeyFormatError(
            text.format(provider=_label(name), origin=origin, problem=problem), provider=name
        )
    return key


def env_var(name: str) -> str:
    """The environment variable that may hold secret `name`."""
    return _ENV_NAMES.get(name) or "SEEDANCE_" + name.upper().replace("-", "_") + "_API_KEY"


def call_with_timeout(fn: Callable[..., T], *args: str, timeout: float) -> T:
    """Run `fn` in a daemon thread; KeyringTimeoutError when it does not return in time."""
    box: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            box["value"] = fn(*args)
        except BaseException as exc:
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, name="keyring-call", daemon=True).start()
    if not done.wait(timeout):
        raise KeyringTimeoutError(
            _("the system keyring did not answer within {seconds} s").format(seconds=f"{timeout:g}")
        )
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]


def _backend_names(backend: object) -> list[str]:
    inner = getattr(backend, "backends", None)
    members = list(inner) if isinstance(inner, list | tuple) else [backend]
    return [f"{type(b).__module__}.{type(b).__name__}" for b in members]


def describe_problem(backend: object, environ: Mapping[str, str]) -> str | None:
    """Why `backend` cannot keep keys, in words for the Settings page; None when it can."""
    names = _backend_names(backend)
    hint = _(
        "Keys can still come from the environment (e.g. {env_var}), "
        "or install and unlock a keyring (GNOME Keyring, KWallet, macOS Keychain, "
        "Windows Credential Manager)."
    ).format(env_var="SEEDANCE_EACHLABS_API_KEY")
    if not names or all(n.startswith("keyring.backends.fail.") for n in names):
        return _("No system keyring is available on this computer. {hint}").format(hint=hint)
    if all(n.startswith("keyring.backends.null.") for n in names):
        return _("The system keyring is switched off (keyring's null backend). {hint}").format(
            hint=hint
        )
    secret_service = all(".SecretService." in n or ".libsecret." in n for n in names)
    if (
        secret_service
        and sys.platform.startswith("linux")
        and not environ.get("DBUS_SESSION_BUS_ADDRESS")
    ):
        return _(
            "The Secret Service keyring needs a D-Bus session, and none is running "
            "({variable} is not set). {hint}"
        ).format(variable="DBUS_SESSION_BUS_ADDRESS", hint=hint)
    return None


class SecretStore:
    """Per-provider API keys (and S3 credentials) behind one small interface."""

    def __init__(
        self,
        backend: KeyringBackend | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        timeout_s: float = KEYRING_TIMEOUT_S,
    ) -> None:
        self._backend = backend
        self._environ = environ if environ is not None else os.environ
        self._timeout = timeout_s
        self._lock = threading.Lock()
        self._cache: dict[str, str | None] = {}
        self._problem: str | None = None
        self._resolved = backend is not None

    def __repr__(self) -> str:
        return f"SecretStore(backend={_backend_names(self._backend) if self._resolved else '?'})"

    # -- backend ----------------------------------------------------------------------------

    def _resolve(self) -> KeyringBackend | None:
        if not self._resolved:
            try:
                import keyring

                self._backend = call_with_timeout(keyring.get_keyring, timeout=self._timeout)
            except Exception as exc:
                self._problem = _("The system keyring could not be opened: {error}").format(
                    error=exc
                )
                self._backend = None
            self._resolved = True
        if self._backend is not None and self._problem is None:
            self._problem = describe_problem(self._backend, self._environ)
        return None if self._problem else self._backend

    def backend_problem(self) -> str | None:
        """Why keys cannot be kept in the keyring, or None when it works."""
        with self._lock:
            self._resolve()
            return self._problem

    def backend_available(self) -> bool:
        return self.backend_problem() is None

    def _keyring_call(self, method: str, *args: str) -> str | None:
        backend = self._resolve()
        if backend is None:
            raise SecretStoreError(self._problem or _("no keyring"))
        try:
            call: Callable[..., str | None] = getattr(backend, method)
            return call_with_timeout(call, SERVICE_NAME, *args, timeout=self._timeout)
        except KeyringTimeoutError as exc:
            self._problem = _("{error}; it is not used for the rest of this session.").format(
                error=exc
            )
            raise SecretStoreError(self._problem) from None

    # -- secrets ----------------------------------------------------------------------------

    def _from_keyring(self, name: str) -> str | None:
        if name in self._cache:
            return self._cache[name]
        try:
            value = self._keyring_call("get_password", name)
        except SecretStoreError:
            return None
        except Exception:  # a locked or broken keyring: fall back to the environment
            return None
        value = value if isinstance(value, str) and value else None
        self._cache[name] = value
        return value

    def get(self, name: str) -> str | None:
        """The secret for a provider id (or S3 name): keyring first, then the environment;
        stripped of surrounding whitespace. KeyFormatError for a key that cannot be sent."""
        with self._lock:
            stored = self._from_keyring(name)
            env = None if stored else self._environ.get(env_var(name))
        raw = stored or env
        if not raw or not raw.strip():
            return None
        origin = (
            _("in the keyring ({service} / {name})").format(service=SERVICE_NAME, name=name)
            if stored
            else _("in {variable}").format(variable=env_var(name))
        )
        value = clean_key(raw, name=name, origin=origin)
        register_secret(value)
        return value

    def source(self, name: str) -> Literal["keyring", "env"] | None:
        """Where `get(name)` finds its value, for the Settings page."""
        with self._lock:
            if self._from_keyring(name):
                return "keyring"
        return "env" if self._environ.get(env_var(name)) else None

    def set(self, name: str, value: str) -> None:
        """Store a secret in the keyring; SecretStoreError (without the value) if impossible."""
        value = value.strip()
        if not value:
            raise SecretStoreError(_("an empty key cannot be stored; delete it instead"))
        problem = key_problem(value)
        if problem is not None:
            register_secret(value)
            raise SecretStoreError(
                _("the key contains {problem}: paste it again without it").format(problem=problem)
            )
        register_secret(value)
        with self._lock:
            try:
                self._keyring_call("set_password", name, value)
            except SecretStoreError:
                raise
            except Exception as exc:
                raise SecretStoreError(
                    _("the keyring refused to store the key: {error}").format(
                        error=redact(str(exc), [value])
                    )
                ) from None
            self._cache[name] = value

    def delete(self, name: str) -> None:
        """Remove a stored secret (nothing happens if none was stored)."""
        with self._lock:
            old = self._cache.pop(name, None)
            try:
                self._keyring_call("delete_password", name)
            except SecretStoreError:
                raise
            except Exception as exc:  # keyring raises PasswordDeleteError when absent
                if type(exc).__name__ != "PasswordDeleteError":
                    raise SecretStoreError(
                        _("the keyring refused to delete the key: {error}").format(
                            error=redact(str(exc))
                        )
                    ) from None
            self._cache[name] = None
        forget_secret(old)
