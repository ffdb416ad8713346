"""Where a person gets an API key for each provider, as the provider pages say.

Only eachlabs' page names its key page; for the others the pages here show the key in use
but not where to make one, so the link is to the provider's documentation (said as such).
"""

from __future__ import annotations

from dataclasses import dataclass

from seedance_studio.core.capabilities import ProviderCapabilities


@dataclass(frozen=True)
class KeyPage:
    url: str
    is_key_page: bool
    """True when the page is where keys are made; False for the documentation page."""


KEY_PAGES = {
    # eachlabs page, "Usage Notes": "Generate a key from the Eachlabs dashboard at
    # https://www.eachlabs.ai/dashboard/api-keys."
    "eachlabs": "https://www.eachlabs.ai/dashboard/api-keys",
}


def key_page(caps: ProviderCapabilities) -> KeyPage | None:
    """The key page of a provider, its documentation when none is stated, None for local ones."""
    if caps.local:
        return None
    if caps.id in KEY_PAGES:
        return KeyPage(KEY_PAGES[caps.id], True)
    for source in caps.sources:
        url = source.split(" ", 1)[0]
        if url.startswith("https://"):
            return KeyPage(url, False)
    return None
