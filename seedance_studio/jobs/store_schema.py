"""The job store's schema and its migrations, one SQL script per version.

Why apart: a shipped migration is never edited, only appended to; the store opens a file of
any older version and brings it up to date (jobs/store.py `_migrate`), and refuses a newer one.
"""

from __future__ import annotations

SCHEMA_VERSION = 6


_V1 = """
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id TEXT NOT NULL,
    variant INTEGER NOT NULL DEFAULT 0,
    batch TEXT NOT NULL,
    attempt INTEGER NOT NULL DEFAULT 0,
    retry_of INTEGER,
    state TEXT NOT NULL,
    provider TEXT NOT NULL,
    model TEXT,
    snapshot TEXT NOT NULL,
    params TEXT NOT NULL,
    estimate TEXT,
    estimated_usd TEXT,
    provider_job_id TEXT,
    handle_extra TEXT,
    ref_urls TEXT,
    raw_status TEXT,
    message TEXT,
    error_code TEXT,
    progress REAL,
    results TEXT,
    actual_cost TEXT,
    actual_usd TEXT,
    result_path TEXT,
    sidecar_path TEXT,
    bytes_done INTEGER,
    bytes_total INTEGER,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    create_sent_at REAL,
    submitted_at REAL,
    succeeded_at REAL,
    finished_at REAL,
    next_poll_at REAL,
    lease_owner TEXT,
    lease_until REAL
);
CREATE INDEX jobs_state ON jobs(state);
CREATE INDEX jobs_provider_sent ON jobs(provider, create_sent_at);
CREATE INDEX jobs_group ON jobs(group_id);
CREATE INDEX jobs_updated ON jobs(updated_at);
CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id INTEGER NOT NULL REFERENCES jobs(id),
    at REAL NOT NULL,
    state TEXT NOT NULL,
    message TEXT,
    raw TEXT
);
CREATE INDEX events_job ON events(job_id);
"""

_V2 = """
ALTER TABLE jobs ADD COLUMN pick INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN fanout TEXT;
CREATE INDEX jobs_fanout ON jobs(fanout)
"""
"""The user's pick among compared takes, and the one send that fanned a composition out to
several providers (jobs of one fan-out share it)."""

_V3 = """
ALTER TABLE jobs ADD COLUMN project TEXT;
CREATE INDEX jobs_project ON jobs(project)
"""
"""The project file a job was sent from (None: an untitled composition, the CLI)."""

_V4 = """
ALTER TABLE jobs ADD COLUMN error_type TEXT;
UPDATE jobs SET error_type = error_code, error_code = NULL
    WHERE error_code GLOB '*Error' OR error_code GLOB '*Exception'
       OR error_code IN ('BudgetExceeded', 'KeyboardInterrupt');
UPDATE jobs SET error_type = 'ContentBlockedError', error_code = NULL
    WHERE error_code = 'content_blocked';
UPDATE jobs SET error_type = 'GenerationFailedError'
    WHERE error_type IS NULL AND error_code IS NOT NULL
"""
"""The exception type apart from the provider's own code: `error_code` held both (a class
name the engine wrote, or a code such as "face" the provider sent). Class names end in
Error or Exception; "content_blocked" was the engine's word for a filtered job."""

_V5 = """
ALTER TABLE jobs ADD COLUMN queue_position INTEGER
"""
"""Requests ahead of a queued job, where the provider says (fal)."""

_V6 = """
ALTER TABLE jobs ADD COLUMN message_kind TEXT;
UPDATE jobs SET message_kind = 'poll_trouble' WHERE message GLOB 'polling*';
UPDATE jobs SET message_kind = 'creating' WHERE message = 'creating';
UPDATE jobs SET message_kind = 'cancelled' WHERE message = 'cancelled';
UPDATE jobs SET message_kind = 'cancel_refused'
    WHERE state <> 'cancelled' AND (message GLOB 'not cancelled*'
       OR message GLOB 'cancel refused by *' OR message GLOB 'cancel failed at *');
UPDATE jobs SET message_kind = 'may_be_charged'
    WHERE state = 'cancelled' AND (message LIKE '%may still run and be charged%'
       OR message LIKE '%did not confirm%' OR message LIKE '%cancel failed%')
"""
"""What a message is about (jobs/message_kinds.py), beside its text: the messages are now
written in the user's language. Older rows are classified from the English words the engine
used to write, and which code used to match."""

MIGRATIONS: dict[int, str] = {1: _V1, 2: _V2, 3: _V3, 4: _V4, 5: _V5, 6: _V6}
"""Version -> SQL that brings the previous version to it. Append; never edit a shipped one."""
