"""What a job's message is about, stored beside its text (the `message_kind` column).

Why: the engine's messages are written in the language of the moment, so code must never
recognise one by its words. Rows from before version 6 were classified from their English
text once, by the migration (jobs/store_schema.py `_V6`).
"""

from __future__ import annotations

from enum import StrEnum


class MessageKind(StrEnum):
    POLL_TROUBLE = "poll_trouble"
    """A poll failed for now, or polling paused on a refused key: cleared by the next good poll."""
    CREATING = "creating"
    """The create request is on its way (nothing worth showing beside "Submitting")."""
    CANCELLED = "cancelled"
    """Cancelled, confirmed by the provider or never sent: nothing more to say."""
    CANCEL_REFUSED = "cancel_refused"
    """The provider refused or failed the cancel: the job still runs and is still polled."""
    MAY_BE_CHARGED = "may_be_charged"
    """Stopped here without the provider's confirmation: it may still run and be charged."""


def message_kind(stored: str | None) -> MessageKind | None:
    """The stored kind (None for none, or for a word this version does not know)."""
    try:
        return MessageKind(stored) if stored is not None else None
    except ValueError:
        return None
