"""Which links a provider can fetch: the one rule the checks and the send path both ask.

No provider can reach this computer, a private network, a `file:` path or a `data:` URI, so
those are refused everywhere. Only a provider whose page says so (eachlabs: "publicly-reachable
HTTPS URLs only") refuses plain `http://`; the others are left to fetch it.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from seedance_studio.core.i18n import _

UrlCode = Literal["url_not_https", "url_not_public"]


@dataclass(frozen=True)
class UrlRefusal:
    """Why a link cannot be sent: `reason` completes "Image1 …"."""

    code: UrlCode
    reason: str
    hint: str
    scheme_only: bool = False
    """Refused only for its scheme (http:// where the page asks for https://)."""


def is_loopback_host(host: str | None) -> bool:
    """This machine: localhost names and loopback or unspecified addresses."""
    name = (host or "").lower().strip("[]")
    if name in ("localhost", "localhost.localdomain", "ip6-localhost") or name.endswith(
        ".localhost"
    ):
        return True
    address = _address(name)
    return address is not None and (address.is_loopback or address.is_unspecified)


def is_private_host(host: str | None) -> bool:
    address = _address((host or "").lower().strip("[]"))
    return address is not None and (address.is_private or address.is_link_local)


def _address(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        return None


def url_refusal(
    url: str, *, https_only: bool = False, allow_loopback: bool = False, provider: str = ""
) -> UrlRefusal | None:
    """Why `url` cannot go to a provider, or None when it can.

    `allow_loopback` accepts http(s) links on this machine (the simulator serves its media
    there, and a provider pointed at it can fetch them). `provider` names who cannot fetch it
    ("the provider" when empty).
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    upload = _("add the file itself, so the app uploads it")
    who = provider or _("the provider")
    if scheme == "file":
        return UrlRefusal(
            "url_not_https", _("is a file:// address, which no provider can fetch"), upload
        )
    if scheme == "data":
        return UrlRefusal(
            "url_not_https",
            _("is a data: URI, which providers do not fetch"),
            _("save it as a file and add that"),
        )
    if scheme not in ("http", "https") or not host:
        return UrlRefusal(
            "url_not_https",
            (
                _("is a {scheme} link, not an http(s) URL a provider can fetch").format(
                    scheme=scheme
                )
                if scheme
                else _("is a schemeless link, not an http(s) URL a provider can fetch")
            ),
            _("use the https address, or download the file and add it"),
        )
    if is_loopback_host(host):
        if allow_loopback:
            return None
        return UrlRefusal(
            "url_not_public",
            _("points at this computer ({host}), which {provider} cannot reach").format(
                host=host, provider=who
            ),
            upload,
        )
    if is_private_host(host):
        return UrlRefusal(
            "url_not_public",
            _("points at a private network address ({host}), which {provider} cannot reach").format(
                host=host, provider=who
            ),
            upload,
        )
    if https_only and scheme != "https":
        return UrlRefusal(
            "url_not_https",
            _("is an {scheme}:// URL, and {provider} accepts only https URLs").format(
                scheme=scheme, provider=who
            ),
            _("use the https address, or download the file and add it"),
            scheme_only=True,
        )
    return None


__all__ = ["UrlCode", "UrlRefusal", "is_loopback_host", "is_private_host", "url_refusal"]
