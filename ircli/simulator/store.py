"""The simulator's SQLite store: where jobs, endpoint configurations and endpoints live between commands.

One file, `state.db`, in the state directory. WAL mode and a busy timeout let many ircli processes (and
the HTTP server's threads) read and write at once; every write is one `BEGIN IMMEDIATE` transaction, so
a process killed mid-write leaves the last committed state. `PRAGMA user_version` holds the layout's
version; an older store is migrated when opened, and a store whose tables are not ircli's is refused.
Documents (requests, plans, bodies) are stored through `documents`, as JSON SQLite's functions read.

Only real damage (a file SQLite cannot read as a database, tables that are not ircli's) is called
damaged and answered with `simulator reset`; a full disk, a read-only or locked file say so; any other
SQLite error is a fault of ircli's own and surfaces as it is (an unexpected error, 255).

The state directory is the user's own: one that belongs to another user, or that others may write to, is
refused before anything in it is read.

A job's status is not stored: it follows from the clock and the job's timeline columns, in SQL
(`STATUS_SQL`), so that listing 10,000 jobs with a status filter needs no Python per row.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ircli.errors import ConfigurationError
from ircli.simulator.layouts import (
    MIGRATIONS,
    SCHEMA_V1,
    SCHEMA_V2,
    SCHEMA_VERSION,
    TABLES,
    ForeignState,
    apply,
    missing_columns,
)

__all__ = ["SCHEMA_V1", "SCHEMA_V2", "SCHEMA_VERSION", "TABLES", "Store"]

RESET_HINT = "Run `ircli simulator reset --yes`: it moves the file aside (and says where) and starts afresh."
BUSY_TIMEOUT_SECONDS = 60.0

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

# A wall-clock moment of the job's plan as its timestamps show it (`ircli.simulator.timeline`): at the
# service's pace while the plan runs (`factor` wall seconds per service second), the wall clock after it.
_SHOWN_STOP = (
    "(CASE WHEN factor > 0 AND stop_at < ends_at THEN ends_at + (stop_at - ends_at) / factor ELSE stop_at END)"
)
_SHOWN_PENDING = "(CASE WHEN factor > 0 THEN ends_at + (pending_until - ends_at) / factor ELSE pending_until END)"
_STOPPING = "(CASE WHEN factor > 0 THEN stopping_seconds / factor ELSE stopping_seconds END)"

# When the job last changed status, as of :now, as its timestamps show it.
LAST_MODIFIED_SQL = f"""
CASE
    WHEN stop_at IS NOT NULL AND :now < stop_at + stopping_seconds THEN {_SHOWN_STOP}
    WHEN stop_at IS NOT NULL THEN {_SHOWN_STOP} + {_STOPPING}
    WHEN :now < pending_until THEN created
    WHEN :now < ends_at THEN {_SHOWN_PENDING}
    ELSE ends_at
END
"""


# SQLite's primary result codes that mean the file is not a database ircli can read.
DAMAGE = ("SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_FORMAT")
# Before Python 3.11 errors carry no code: the message says which it is.
MESSAGES = (
    ("database or disk is full", "SQLITE_FULL"),
    ("readonly", "SQLITE_READONLY"),
    ("unable to open", "SQLITE_CANTOPEN"),
    ("disk I/O error", "SQLITE_IOERR"),
    ("locked", "SQLITE_BUSY"),
    ("file is not a database", "SQLITE_NOTADB"),
    ("database disk image is malformed", "SQLITE_CORRUPT"),
    ("malformed database schema", "SQLITE_CORRUPT"),
)


def error_kind(exc: sqlite3.Error) -> str:
    """SQLite's primary result code of an error (SQLITE_IOERR for SQLITE_IOERR_SHORT_READ), by name."""
    name: str | None = getattr(exc, "sqlite_errorname", None)
    if name:
        return "_".join(name.split("_")[:2])
    text = str(exc)
    return next((kind for words, kind in MESSAGES if words in text), "SQLITE_ERROR")


def effective_user() -> int | None:
    """Who ircli runs as (the seam tests replace); None where the system has no owners."""
    geteuid = getattr(os, "geteuid", None)
    return int(geteuid()) if geteuid is not None else None


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
            self.state_dir.parent.mkdir(parents=True, exist_ok=True)
            try:
                self.state_dir.mkdir(mode=0o700)
            except FileExistsError:
                pass  # another process made it first: it is checked below like any existing directory
            else:
                os.chmod(self.state_dir, 0o700)  # mkdir's mode is filtered by the umask
        self.check_directory()
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

    def check_directory(self) -> None:
        """Refuse a state directory another user owns or others may write to: whoever can write there can
        replace the state, or the files SQLite makes beside it, and so every answer the simulator gives."""
        user = effective_user()
        if user is None or not self.state_dir.is_dir():
            return  # no owners here (Windows); a path that is not a directory fails on its own when opened
        info = self.state_dir.stat()
        where = self.state_dir
        if info.st_uid != user:
            raise ConfigurationError(
                f"The simulator state directory {where} belongs to another user (uid {info.st_uid}, you are {user});"
                " ircli keeps its state only in a directory of your own.",
                hint="Choose a directory of your own with --state-dir or IRCLI_HOME (ircli creates it, mode 0700).",
            )
        if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            raise ConfigurationError(
                f"The simulator state directory {where} is writable by "
                f"{'others' if info.st_mode & stat.S_IWOTH else 'its group'} (mode {stat.S_IMODE(info.st_mode):04o}):"
                " anyone who can write there can replace the simulator's state.",
                hint=f"Run `chmod 700 {where}`, or choose another directory with --state-dir or IRCLI_HOME.",
            )

    def problem(self, exc: sqlite3.Error) -> Exception:
        """What a database error means for the user, and what to do (exit 253); an error that is none of the
        environment's (a fault in ircli's own SQL) is returned as it is, to surface as unexpected (255)."""
        text = str(exc)
        kind = error_kind(exc)
        if kind == "SQLITE_FULL":
            return ConfigurationError(
                f"The disk holding the simulator state {self.path} is full; nothing was written.",
                hint="Free some space (the state is unchanged), or choose another --state-dir.",
            )
        if kind in ("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH", "SQLITE_IOERR"):
            return ConfigurationError(
                f"The simulator state in {self.path} cannot be written: {text}.",
                hint="Choose a writable directory with --state-dir or IRCLI_HOME.",
            )
        if kind in ("SQLITE_BUSY", "SQLITE_LOCKED"):
            return ConfigurationError(
                f"The simulator state in {self.path} stayed locked by another process for "
                f"{BUSY_TIMEOUT_SECONDS:g} s ({text}).",
                hint="Try again when the other ircli (or `ircli simulator serve`) has finished.",
            )
        if kind in DAMAGE:
            return self.damaged(text)
        return exc

    def damaged(self, why: str) -> ConfigurationError:
        return ConfigurationError(
            f"The simulator state {self.path} is damaged or not ircli's ({why}).", hint=RESET_HINT
        )

    def set_aside(self) -> Path | None:
        """Move a damaged state file (and its -wal, -shm) aside, keeping it for inspection; where it went."""
        self.close()
        self.check_directory()  # nothing is moved, or made afresh, in a directory that is not the user's own
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
        try:
            if version < SCHEMA_VERSION:
                with self._transaction(connection):
                    # Another process may have migrated it while this one waited for the write lock.
                    version = connection.execute("PRAGMA user_version").fetchone()[0]
                    for layout in MIGRATIONS[version:]:
                        apply(connection, layout)
                    connection.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                    if version < 2 and self.on_create is not None:  # the layout that added models
                        self.on_create(connection)
            missing = missing_columns(connection)
        except ForeignState as exc:
            raise self.damaged(str(exc)) from None
        except sqlite3.OperationalError as exc:
            # The layouts' SQL only fails on tables of the same names that are not ircli's.
            raise (self.damaged(str(exc)) if error_kind(exc) == "SQLITE_ERROR" else self.problem(exc)) from None
        except sqlite3.DatabaseError as exc:
            raise self.problem(exc) from None
        if missing:
            raise self.damaged(f"its tables lack {', '.join(missing)}")

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
