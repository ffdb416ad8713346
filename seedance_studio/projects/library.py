"""The reference library: every reference ever added, addressed by its content.

A local file is keyed by its sha256 (a copy or a move is the same item), a link by its URL.
Each item keeps its facts, every place it was seen (a place that is gone is reported as
missing, never dropped), and where it was used: projects and jobs. The upload cache (which
host holds a copy, until when) is read from the uploader's own cache, not duplicated.
SQLite, one connection behind a lock: the window records from worker threads.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from seedance_studio.core import paths
from seedance_studio.core.media_facts import MediaFacts, MediaKind
from seedance_studio.core.redact import redact
from seedance_studio.core.reference import Reference
from seedance_studio.projects.digest import DIGESTS, DigestCache

if TYPE_CHECKING:  # the uploader's package loads httpx: only when uploads are looked up
    from seedance_studio.providers.assets.cache import UploadCache

DB_NAME = "library.sqlite3"
SCHEMA_VERSION = 1
URL_PREFIX = "url:"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    size INTEGER,
    facts TEXT,
    added_at REAL NOT NULL,
    used_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS places (
    key TEXT NOT NULL REFERENCES items(key),
    place TEXT NOT NULL,
    seen_at REAL NOT NULL,
    PRIMARY KEY (key, place)
);
CREATE TABLE IF NOT EXISTS uses (
    key TEXT NOT NULL REFERENCES items(key),
    project TEXT NOT NULL DEFAULT '',
    job_id INTEGER NOT NULL DEFAULT 0,
    at REAL NOT NULL,
    PRIMARY KEY (key, project, job_id)
);
CREATE INDEX IF NOT EXISTS items_used ON items(used_at);
"""


@dataclass(frozen=True)
class Place:
    path: str
    """A local path or a URL."""
    exists: bool


@dataclass(frozen=True)
class Hosted:
    host: str
    url: str
    expires_at: float | None


@dataclass(frozen=True)
class LibraryItem:
    key: str
    kind: MediaKind
    name: str
    size: int | None
    facts: MediaFacts | None
    added_at: float
    used_at: float
    places: tuple[Place, ...]
    projects: tuple[str, ...]
    jobs: tuple[int, ...]

    @property
    def is_url(self) -> bool:
        return self.key.startswith(URL_PREFIX)

    @property
    def sha256(self) -> str | None:
        return None if self.is_url else self.key

    @property
    def source(self) -> str | None:
        """Where to add it from: the link, or the first place that still exists."""
        if self.is_url:
            return self.key[len(URL_PREFIX) :]
        return next((p.path for p in self.places if p.exists), None)

    @property
    def missing(self) -> bool:
        return self.source is None


def library_path() -> Path:
    return paths.data_dir() / DB_NAME


def key_of(ref: Reference, digests: DigestCache = DIGESTS) -> str | None:
    """The library key of a reference (hashing a local file: call off the UI thread)."""
    if ref.is_url:
        return URL_PREFIX + redact(ref.source)
    found = digests.digest(Path(ref.source))
    return None if found is None else found.sha256


class ReferenceLibrary:
    def __init__(self, path: Path | None = None, *, uploads: UploadCache | None = None) -> None:
        self.path = path or library_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        self._uploads = uploads

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- writing -----------------------------------------------------------------------------

    def record(
        self, refs: Iterable[Reference], *, project: str | None = None, job_ids: Iterable[int] = ()
    ) -> list[str]:
        """Remember `refs` (hashing local files) and where they are used; returns their keys
        (a file that cannot be read now is skipped: it is recorded when it can be)."""
        now = time.time()
        jobs = list(job_ids)
        keys: list[str] = []
        rows: list[tuple[str, Reference]] = []
        for ref in refs:
            key = key_of(ref)
            if key is not None:
                rows.append((key, ref))
                keys.append(key)
        with self._lock, self._db:
            self._db.execute("BEGIN")
            for key, ref in rows:
                facts = ref.facts.model_dump_json() if ref.facts else None
                size = ref.facts.size_bytes if ref.facts else None
                self._db.execute(
                    "INSERT INTO items (key, kind, name, size, facts, added_at, used_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET "
                    "used_at = excluded.used_at, facts = COALESCE(excluded.facts, facts)",
                    (key, ref.kind.value, redact(ref.display_name), size, facts, now, now),
                )
                place = key[len(URL_PREFIX) :] if key.startswith(URL_PREFIX) else ref.source
                self._db.execute(
                    "INSERT INTO places (key, place, seen_at) VALUES (?, ?, ?) "
                    "ON CONFLICT(key, place) DO UPDATE SET seen_at = excluded.seen_at",
                    (key, place, now),
                )
                if ref.original_source and not ref.is_url:
                    self._db.execute(
                        "INSERT OR IGNORE INTO places (key, place, seen_at) VALUES (?, ?, ?)",
                        (key, ref.source, now),
                    )
                for job in jobs or [0]:
                    if project is None and not job:
                        continue
                    self._db.execute(
                        "INSERT OR REPLACE INTO uses (key, project, job_id, at) "
                        "VALUES (?, ?, ?, ?)",
                        (key, project or "", job, now),
                    )
            self._db.execute("COMMIT")
        return keys

    # -- reading -----------------------------------------------------------------------------

    def search(
        self, text: str = "", *, kind: MediaKind | None = None, limit: int = 500
    ) -> list[LibraryItem]:
        """Items whose name, place or project matches every word of `text`; newest used
        first."""
        sql = "SELECT key FROM items"
        where: list[str] = []
        args: list[object] = []
        for word in text.split():
            like = f"%{word.replace('%', '').replace('_', '')}%"
            where.append(
                "(name LIKE ? OR key LIKE ? OR key IN (SELECT key FROM places "
                "WHERE place LIKE ?) OR key IN (SELECT key FROM uses "
                "WHERE project LIKE ?))"
            )
            args += [like, like, like, like]
        if kind is not None:
            where.append("kind = ?")
            args.append(kind.value)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY used_at DESC, name LIMIT ?"
        args.append(limit)
        with self._lock:
            keys = [r[0] for r in self._db.execute(sql, args).fetchall()]
        return [item for k in keys if (item := self.item(k)) is not None]

    def item(self, key: str) -> LibraryItem | None:
        with self._lock:
            row = self._db.execute(
                "SELECT key, kind, name, size, facts, added_at, used_at FROM items WHERE key = ?",
                (key,),
            ).fetchone()
            if row is None:
                return None
            places = [
                r[0]
                for r in self._db.execute(
                    "SELECT place FROM places WHERE key = ? ORDER BY seen_at DESC", (key,)
                )
            ]
            uses = self._db.execute(
                "SELECT project, job_id FROM uses WHERE key = ? ORDER BY at DESC", (key,)
            ).fetchall()
        is_link = key.startswith(URL_PREFIX)
        facts = MediaFacts.model_validate(json.loads(row[4])) if row[4] else None
        projects = tuple(dict.fromkeys(p for p, _j in uses if p))
        jobs = tuple(sorted({j for _p, j in uses if j}))
        return LibraryItem(
            key=row[0],
            kind=MediaKind(row[1]),
            name=row[2],
            size=row[3],
            facts=facts,
            added_at=row[5],
            used_at=row[6],
            places=tuple(Place(p, is_link or Path(p).is_file()) for p in places),
            projects=projects,
            jobs=jobs,
        )

    def hosted(self, item: LibraryItem) -> list[Hosted]:
        """Where the uploader already holds this file (and until when), per host."""
        if item.sha256 is None:
            return []
        if self._uploads is None:
            from seedance_studio.providers.assets.cache import UploadCache

            self._uploads = UploadCache()
        cache = self._uploads
        return [
            Hosted(host, entry.url, entry.expires_at)
            for host, entry in sorted(cache.hosts_of(item.sha256).items())
        ]

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM items").fetchone()[0])
