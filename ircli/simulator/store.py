"""The simulator's SQLite store: where jobs, endpoint configurations and endpoints live between commands.

One file, `state.db`, in the state directory. WAL mode and a busy timeout let many ircli processes (and
the HTTP server's threads) read and write at once; every write is one `BEGIN IMMEDIATE` transaction, so
a process killed mid-write leaves the last committed state. `PRAGMA user_version` holds the schema
version for later migrations.

A job's status is not stored: it follows from the clock and the job's timeline columns, in SQL
(`STATUS_SQL`), so that listing 10,000 jobs with a status filter needs no Python per row.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ircli.errors import ConfigurationError

RESET_HINT = "Run `ircli simulator reset --yes`: it moves the file aside (and says where) and starts afresh."
SCHEMA_VERSION = 2
BUSY_TIMEOUT_SECONDS = 60.0

# Layout 1: jobs, endpoint configurations, endpoints.
SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS jobs (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    created REAL NOT NULL,
    pending_until REAL NOT NULL,
    ends_at REAL NOT NULL,
    failed INTEGER NOT NULL DEFAULT 0,
    stop_at REAL,
    stopping_seconds REAL NOT NULL,
    job_type TEXT NOT NULL,
    model_name TEXT,
    model_package_arn TEXT,
    request TEXT NOT NULL,
    plan TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_by_created ON jobs (created);
CREATE TABLE IF NOT EXISTS endpoint_configs (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    created REAL NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS endpoints (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    created REAL NOT NULL,
    body TEXT NOT NULL
);
"""

# Layout 2 adds models, the model registry, tags, and Application Auto Scaling's targets and policies.
SCHEMA_V2 = """
CREATE TABLE IF NOT EXISTS models (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    created REAL NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS model_package_groups (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    created REAL NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS model_packages (
    name TEXT PRIMARY KEY COLLATE NOCASE,  -- GROUP/VERSION for a versioned package
    group_name TEXT COLLATE NOCASE,
    version INTEGER,
    created REAL NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tags (
    arn TEXT NOT NULL COLLATE NOCASE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (arn, key)
);
CREATE TABLE IF NOT EXISTS scalable_targets (
    resource_id TEXT NOT NULL,
    dimension TEXT NOT NULL,
    created REAL NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (resource_id, dimension)
);
CREATE TABLE IF NOT EXISTS scaling_policies (
    resource_id TEXT NOT NULL,
    dimension TEXT NOT NULL,
    name TEXT NOT NULL,
    created REAL NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (resource_id, dimension, name)
);
"""

# What each layout adds to the one before; a store at version N runs MIGRATIONS[N:] in one transaction.
MIGRATIONS = (SCHEMA_V1, SCHEMA_V2)
TABLES = (
    "jobs",
    "endpoint_configs",
    "endpoints",
    "models",
    "model_package_groups",
    "model_packages",
    "tags",
    "scalable_targets",
    "scaling_policies",
)

# The job's status at :now, from its timeline.
STATUS_SQL = """
CASE
    WHEN stop_at IS NOT NULL AND :now < stop_at + stopping_seconds THEN 'STOPPING'
    WHEN stop_at IS NOT NULL THEN 'STOPPED'
    WHEN :now < pending_until THEN 'PENDING'
    WHEN :now < ends_at THEN 'IN_PROGRESS'
    WHEN failed THEN 'FAILED'
    ELSE 'COMPLETED'
END
"""

# When the job last changed status, as of :now.
LAST_MODIFIED_SQL = """
CASE
    WHEN stop_at IS NOT NULL AND :now < stop_at + stopping_seconds THEN stop_at
    WHEN stop_at IS NOT NULL THEN stop_at + stopping_seconds
    WHEN :now < pending_until THEN created
    WHEN :now < ends_at THEN pending_until
    ELSE ends_at
END
"""


class Store:
    """A handle on one state directory. Connections are per thread; the store is safe to share."""

    def __init__(self, state_dir: Path, *, on_create: Callable[[sqlite3.Connection], None] | None = None) -> None:
        self.state_dir = state_dir
        # Fills a store whose models table is new (a new store, or one migrated from layout 1) and one that
        # is reset, in the same transaction.
        self.on_create = on_create
        self.path = state_dir / "state.db"
        self._local = threading.local()
        self._ready = False
        self._ready_lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        try:
            self._prepare_files()
            connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
        except sqlite3.DatabaseError as exc:
            raise self.problem(exc) from None
        except OSError as exc:
            raise ConfigurationError(
                f"The simulator state directory {self.state_dir} is not usable: {exc.strerror or exc}.",
                hint="Choose a writable directory with --state-dir or IRCLI_HOME.",
            ) from None
        connection.row_factory = sqlite3.Row
        return connection

    def _prepare_files(self) -> None:
        """The state is private: the directory 0700 when ircli makes it, the database 0600, whatever the
        umask (SQLite gives its -wal and -shm files the database's mode). A link is not followed."""
        if not self.state_dir.exists():
            self.state_dir.mkdir(parents=True, mode=0o700)
            os.chmod(self.state_dir, 0o700)  # mkdir's mode is filtered by the umask
        if self.path.is_symlink():
            raise ConfigurationError(
                f"The simulator state {self.path} is a symbolic link; ircli keeps its state in a file of its own.",
                hint=RESET_HINT,
            )
        if not self.path.exists():
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0), 0o600))
        for suffix in ("", "-wal", "-shm"):
            path = Path(f"{self.path}{suffix}")
            if path.exists() and path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o077:
                os.chmod(path, 0o600)

    def problem(self, exc: sqlite3.Error) -> ConfigurationError:
        """What a database error means for the user, and what to do (exit 253)."""
        text = str(exc)
        if "full" in text:
            return ConfigurationError(
                f"The disk holding the simulator state {self.path} is full; nothing was written.",
                hint="Free some space (the state is unchanged), or choose another --state-dir.",
            )
        if "readonly" in text or "unable to open" in text:
            return ConfigurationError(
                f"The simulator state in {self.path} cannot be written: {text}.",
                hint="Choose a writable directory with --state-dir or IRCLI_HOME.",
            )
        return ConfigurationError(
            f"The simulator state {self.path} is damaged or not ircli's ({text}).", hint=RESET_HINT
        )

    def set_aside(self) -> Path | None:
        """Move a damaged state file (and its -wal, -shm) aside, keeping it for inspection; where it went."""
        self.close()
        if not (self.path.exists() or self.path.is_symlink()):
            return None
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"state.db.damaged-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{self.path}{suffix}")
            if source.exists() or source.is_symlink():
                source.rename(Path(f"{target}{suffix}"))
        self._ready = False
        return target

    @property
    def connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._connect()
            self._local.connection = connection
        if not self._ready:
            with self._ready_lock:
                if not self._ready:
                    self._migrate(connection)
                    self._ready = True
        return connection

    def _migrate(self, connection: sqlite3.Connection) -> None:
        try:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise self.problem(exc) from None
        if version > SCHEMA_VERSION:
            raise ConfigurationError(
                f"The simulator state in {self.state_dir} was written by a newer ircli (schema {version}).",
                hint="Upgrade ircli, or use another --state-dir.",
            )
        if version == SCHEMA_VERSION:
            return
        try:
            with self._transaction(connection):
                for layout in MIGRATIONS[version:]:
                    for statement in layout.split(";"):
                        if statement.strip():
                            connection.execute(statement)
                connection.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                if version < 2 and self.on_create is not None:  # the layout that added models
                    self.on_create(connection)
        except sqlite3.DatabaseError as exc:
            raise self.problem(exc) from None

    @contextmanager
    def _transaction(self, connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            # SQLite has already rolled back after some errors (a full disk): the original error is the news.
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, holding the write lock from its start."""
        try:
            with self._transaction(self.connection) as connection:
                yield connection
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise
            raise self.problem(exc) from None
        except sqlite3.DatabaseError as exc:
            raise self.problem(exc) from None

    def read(self) -> sqlite3.Connection:
        return self.connection

    def counts(self) -> dict[str, int]:
        connection = self.connection
        return {
            table: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("jobs", "endpoint_configs", "endpoints", "models", "model_packages")
        }

    def reset(self) -> None:
        """Back to a fresh state: nothing but what a new store is created with."""
        with self.write() as connection:
            for table in TABLES:
                connection.execute(f"DELETE FROM {table}")
            if self.on_create is not None:
                self.on_create(connection)

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None
