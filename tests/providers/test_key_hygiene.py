"""Keys are cleaned at entry and at load; a key no header can carry is refused before sending."""

from __future__ import annotations

import pytest

from seedance_studio.core.errors import KeyFormatError, MissingKeyError
from seedance_studio.providers.keys import SecretStore, SecretStoreError
from seedance_studio.providers.memory_keyring import MemoryKeyring

KEY = "sk-hygiene-0123456789abcdef"


@pytest.mark.parametrize("suffix", ["\r", "\n", "\r\n", "\t", " "])
def test_a_key_from_a_crlf_env_file_or_a_paste_is_stripped_at_load(suffix: str) -> None:
    """Before: 'Illegal header value b'Bearer sk-…\\r'' and a job marked unknown."""
    store = SecretStore(MemoryKeyring(), environ={"SEEDANCE_SHORTAPI_API_KEY": KEY + suffix})
    assert store.get("shortapi") == KEY


def test_a_key_in_the_keyring_is_stripped_at_load_too() -> None:
    backend = MemoryKeyring()
    backend.passwords[("seedance-studio", "kinovi")] = f"  {KEY}\r\n"
    assert SecretStore(backend, environ={}).get("kinovi") == KEY


@pytest.mark.parametrize(
    ("bad", "what"),
    [
        (KEY[:10] + "\x07" + KEY[10:], "a control character (U+0007) at position 11"),
        (KEY[:5] + "é" + KEY[5:], "a non-ASCII character (U+00E9) at position 6"),
        (KEY[:5] + "\u200b" + KEY[5:], "a non-ASCII character (U+200B) at position 6"),
    ],
)
def test_a_key_with_a_control_or_non_ascii_character_is_refused_by_name(
    bad: str, what: str
) -> None:
    store = SecretStore(MemoryKeyring(), environ={"SEEDANCE_SHORTAPI_API_KEY": bad})
    with pytest.raises(KeyFormatError) as caught:
        store.get("shortapi")
    message = str(caught.value)
    assert message == (
        f"the ShortAPI key in SEEDANCE_SHORTAPI_API_KEY contains {what}: "
        f"enter it again (nothing was sent)"
    )
    assert isinstance(caught.value, MissingKeyError)  # no usable key: the same handling


def test_settings_store_a_pasted_key_stripped_and_refuse_a_broken_one() -> None:
    backend = MemoryKeyring()
    store = SecretStore(backend, environ={})
    store.set("oxen", f"\t{KEY}\r\n")
    assert backend.passwords[("seedance-studio", "oxen")] == KEY
    with pytest.raises(SecretStoreError, match="control character"):
        store.set("oxen", KEY + "\x1b[0m")
    assert backend.passwords[("seedance-studio", "oxen")] == KEY  # the good key is kept
