"""Removing secrets (API keys, S3 credentials) from any text the app shows, logs or stores.

Every secret the app reads is registered here, so one logging filter and one `redact()` call
cover logs, exception messages and request dumps without each caller knowing which keys exist.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MASK = "***"
"""What a secret is replaced with."""

MIN_SECRET_LENGTH = 4
"""Shorter strings are not treated as secrets: masking "a" everywhere would wreck the text."""

_lock = threading.Lock()
_known: set[str] = set()


def register_secret(secret: str | None) -> None:
    """Remember `secret` so every later `redact()` and every log record mask it.

    The first registration also installs the log-record hook, so no logging set-up can
    forget redaction.
    """
    if secret and len(secret) >= MIN_SECRET_LENGTH:
        with _lock:
            _known.add(secret)
        _install_record_factory()


def forget_secret(secret: str | None) -> None:
    """Stop masking `secret` (after the user deleted it); harmless if unknown."""
    if secret:
        with _lock:
            _known.discard(secret)


def known_secrets() -> frozenset[str]:
    with _lock:
        return frozenset(_known)


def redact(text: str, secrets: Iterable[str | None] | None = None) -> str:
    """`text` with every registered secret and every one of `secrets` replaced by MASK.

    Longer secrets are replaced first, so a key that contains another key is fully masked.
    """
    candidates = set(known_secrets())
    if secrets is not None:
        candidates.update(s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH)
    for secret in sorted(candidates, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    return text


_SIGNATURE_PARAMS = ("x-amz-", "awsaccesskeyid", "signature", "expires", "x-goog-")
"""Query parameters of presigned URLs (SigV4, SigV2, GCS): credential, signature, expiry."""


def without_signature(url: str) -> str:
    """`url` without a presigned URL's credential and signature query (the access key id is
    in it): what is stored and shown; a new URL is signed when one is needed again."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    kept = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_SIGNATURE_PARAMS)
    ]
    return urlunsplit(parts._replace(query=urlencode(kept)))


class RedactingFilter(logging.Filter):
    """A logging filter that masks registered secrets in the message and the traceback.

    Attach it to handlers (filters on a logger do not see records propagated from children);
    `install_log_redaction()` does that for the root logger's handlers.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not known_secrets():
            return True
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_FILTER = RedactingFilter()
_factory_installed = False


def _install_record_factory() -> None:
    """Mask secrets as each log record is made, whatever handlers exist now or later."""
    global _factory_installed
    with _lock:
        if _factory_installed:
            return
        _factory_installed = True
    previous = logging.getLogRecordFactory()

    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _FILTER.filter(record)
        return record

    logging.setLogRecordFactory(make_record)


def install_log_redaction(logger: logging.Logger | None = None) -> RedactingFilter:
    """Attach the shared filter to `logger` (root by default) and to each of its handlers."""
    target = logger or logging.getLogger()
    if _FILTER not in target.filters:
        target.addFilter(_FILTER)
    for handler in target.handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
    return _FILTER
