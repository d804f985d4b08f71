"""The simulator's own S3: the documents its jobs write to their output locations (an AI benchmark job's
AIPerf results), keyed by bucket and key, and what reads them back. An object a job writes appears when the
job ends (`available_at`); a job stopped first never writes it.

The simulator answers no S3 API: ircli's core reads these through the local backend
(`Objects.get`), as it reads the real bucket through S3 on the aws backend.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from ircli.simulator.resource import Resource

S3_URI = re.compile(r"^(?:s3|https)://(?P<bucket>[^/]+)/?(?P<key>.*)$")


def split_uri(uri: str) -> tuple[str, str]:
    """An S3 URI's bucket and key prefix (without a trailing slash)."""
    match = S3_URI.match(uri)
    if match is None:
        raise ValueError(f"{uri!r} is not an S3 URI")
    return match["bucket"], match["key"].rstrip("/")


def join_key(prefix: str, *parts: str) -> str:
    return "/".join(part for part in (prefix, *parts) if part)


class Objects(Resource):
    def put(
        self,
        db: sqlite3.Connection,
        bucket: str,
        key: str,
        body: bytes,
        *,
        available_at: float,
        content_type: str = "application/json",
    ) -> None:
        """Write an object in the caller's transaction; it is visible from `available_at` on."""
        db.execute(
            "INSERT OR REPLACE INTO objects (bucket, key, created, available_at, content_type, body)"
            " VALUES (?,?,?,?,?,?)",
            (bucket, key, self.clock(), available_at, content_type, body),
        )

    def withdraw(self, db: sqlite3.Connection, bucket: str, key: str, *, after: float) -> None:
        """The object will not appear after all: its job stopped at `after`, before the object was due."""
        db.execute(
            "UPDATE objects SET available_at = NULL WHERE bucket = ? AND key = ? AND available_at > ?",
            (bucket, key, after),
        )

    def get(self, bucket: str, key: str) -> bytes | None:
        """The object's bytes, if it exists now."""
        row = (
            self.store.read()
            .execute(
                "SELECT body FROM objects WHERE bucket = ? AND key = ? AND available_at IS NOT NULL"
                " AND available_at <= ?",
                (bucket, key, self.clock()),
            )
            .fetchone()
        )
        return None if row is None else bytes(row["body"])

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        """The keys of the bucket's objects that exist now, under `prefix`."""
        rows = (
            self.store.read()
            .execute(
                "SELECT key FROM objects WHERE bucket = ? AND substr(key, 1, ?) = ? AND available_at IS NOT NULL"
                " AND available_at <= ? ORDER BY key",
                (bucket, len(prefix), prefix, self.clock()),
            )
            .fetchall()
        )
        return [str(row["key"]) for row in rows]

    def get_json(self, uri: str) -> Any:
        """The JSON document at an S3 URI, or None."""
        import json

        bucket, key = split_uri(uri)
        body = self.get(bucket, key)
        return None if body is None else json.loads(body)
