"""The store's layouts: the tables each version of ircli's state adds, and the steps that bring an older
state file up to date (`PRAGMA user_version` says which it is at); and how to tell that a file's tables
are ircli's.

Layout 1: jobs, endpoint configurations, endpoints. Layout 2: models, the model registry, tags, scalable
targets and scaling policies. Layout 3 changes no table: it rewrites every stored document SQLite's JSON
functions refuse (NaN and Infinity, written before `documents`) as `documents` spells them. Layout 4: each
job's pace, and the invocations of deployed endpoints per minute. Layout 5 adds
the generative-AI resources (workload configurations, recommendation and benchmark jobs) and `objects`, the
simulator's own S3 (the documents its jobs write, keyed by bucket and key). Layout 6: inference components.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import cache

from ircli.simulator import documents

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


# Layout 4 adds the generative-AI resources and the objects their jobs write. A job's status follows from
# its timeline columns and the clock, as the classic jobs' does; `available_at` is when an object a job
# writes appears (its end), NULL for one that never will (the job was stopped first).


class ForeignState(Exception):
    """Tables or records in the state file that ircli did not write."""


# The columns that hold JSON documents.
DOCUMENTS = (
    ("jobs", "request"),
    ("jobs", "plan"),
    *((table, "body") for table in ("endpoint_configs", "endpoints", "models", "model_package_groups")),
    *((table, "body") for table in ("model_packages", "scalable_targets", "scaling_policies")),
)


def repair_documents(connection: sqlite3.Connection) -> None:
    """Layout 3: every stored document is JSON that SQLite reads. Stores written before held NaN where a
    benchmark failed, and SQLite's JSON functions refused every listing that reached such a row."""
    for table, column in DOCUMENTS:
        rows = connection.execute(f"SELECT rowid, {column} FROM {table} WHERE NOT json_valid({column})").fetchall()
        for row in rows:
            try:
                document = documents.loads(row[1])
            except (ValueError, TypeError):  # not JSON even to Python: not something ircli wrote
                raise ForeignState(f"a {table} record holds {column} that is not JSON") from None
            connection.execute(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", (documents.dumps(document), row[0]))


# Layout 4: each job's pace (wall seconds per second of the service's time; 1 for jobs stored before, whose
# timestamps were the wall clock's), and the invocations deployed endpoints received, per minute (CloudWatch).
SCHEMA_V4 = """
ALTER TABLE jobs ADD COLUMN factor REAL NOT NULL DEFAULT 1.0;
CREATE TABLE IF NOT EXISTS invocation_counts (
    endpoint TEXT NOT NULL COLLATE NOCASE,
    variant TEXT NOT NULL,
    minute INTEGER NOT NULL,  -- the minute's start, seconds since 1970
    invocations INTEGER NOT NULL DEFAULT 0,
    errors_4xx INTEGER NOT NULL DEFAULT 0,
    errors_5xx INTEGER NOT NULL DEFAULT 0,
    model_errors INTEGER NOT NULL DEFAULT 0,
    hardware TEXT,  -- the variant's instance type and count, or serverless configuration, as it ran
    PRIMARY KEY (endpoint, variant, minute)
);
"""

# Layout 5: the generative-AI resources and the simulator's own S3.
SCHEMA_V5 = """
CREATE TABLE IF NOT EXISTS ai_workload_configs (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    created REAL NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS ai_recommendation_jobs (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    created REAL NOT NULL,
    ends_at REAL NOT NULL,
    failed INTEGER NOT NULL DEFAULT 0,
    stop_at REAL,
    stopping_seconds REAL NOT NULL,
    workload TEXT NOT NULL COLLATE NOCASE,
    request TEXT NOT NULL,
    result TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS ai_benchmark_jobs (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    created REAL NOT NULL,
    ends_at REAL NOT NULL,
    failed INTEGER NOT NULL DEFAULT 0,
    stop_at REAL,
    stopping_seconds REAL NOT NULL,
    workload TEXT NOT NULL COLLATE NOCASE,
    request TEXT NOT NULL,
    result TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS objects (
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    created REAL NOT NULL,
    available_at REAL,
    content_type TEXT NOT NULL,
    body BLOB NOT NULL,
    PRIMARY KEY (bucket, key)
);
"""


# Layout 6 adds inference components.
SCHEMA_V6 = """
CREATE TABLE IF NOT EXISTS inference_components (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    created REAL NOT NULL,
    body TEXT NOT NULL
);
"""

# What each layout adds to the one before; a store at version N runs MIGRATIONS[N:] in one transaction.
MIGRATIONS: tuple[str | Callable[[sqlite3.Connection], None], ...] = (
    SCHEMA_V1,
    SCHEMA_V2,
    repair_documents,
    SCHEMA_V4,
    SCHEMA_V5,
    SCHEMA_V6,
)
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
    "invocation_counts",
    "ai_workload_configs",
    "ai_recommendation_jobs",
    "ai_benchmark_jobs",
    "objects",
    "inference_components",
)

SCHEMA_VERSION = len(MIGRATIONS)


def apply(connection: sqlite3.Connection, layout: str | Callable[[sqlite3.Connection], None]) -> None:
    if callable(layout):
        layout(connection)
        return
    for statement in layout.split(";"):
        if statement.strip():
            connection.execute(statement)


@cache
def expected_columns() -> dict[str, frozenset[str]]:
    """Each table's columns, as the layouts make them."""
    connection = sqlite3.connect(":memory:")
    try:
        for layout in MIGRATIONS:
            if isinstance(layout, str):
                apply(connection, layout)
        return {table: _columns(connection, table) for table in TABLES}
    finally:
        connection.close()


def _columns(connection: sqlite3.Connection, table: str) -> frozenset[str]:
    return frozenset(row[0] for row in connection.execute("SELECT name FROM pragma_table_info(?)", (table,)))


def missing_columns(connection: sqlite3.Connection) -> list[str]:
    """What ircli's tables need and the file's lack: a file of someone else's with tables of the same names."""
    missing: list[str] = []
    for table, columns in expected_columns().items():
        found = _columns(connection, table)
        missing.extend(f"{table}.{column}" for column in sorted(columns - found))
    return missing
