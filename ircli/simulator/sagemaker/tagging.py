"""Tags on every ARN the simulator hands out: AddTags, ListTags, DeleteTags, and the tags given when a
resource is created. A resource's tags go with it when it is deleted."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from ircli.operations import Service
from ircli.simulator.common import ACCOUNT_ID, decode_offset_token, encode_offset_token, short_hash
from ircli.simulator.exceptions import ResourceNotFound, ValidationException
from ircli.simulator.resource import Resource, handles

ARN = re.compile(r"^arn:aws[a-z-]*:sagemaker:(?P<region>[^:]+):(?P<account>\d{12}):(?P<kind>[a-z-]+)/(?P<name>.+)$")
# ARN resource kind -> the table and column that hold it.
KINDS = {
    "inference-recommendations-job": ("jobs", "name"),
    "endpoint-config": ("endpoint_configs", "name"),
    "endpoint": ("endpoints", "name"),
    "model": ("models", "name"),
    "model-package-group": ("model_package_groups", "name"),
    "model-package": ("model_packages", "name"),
    "ai-workload-config": ("ai_workload_configs", "name"),
    "ai-recommendation-job": ("ai_recommendation_jobs", "name"),
    "ai-benchmark-job": ("ai_benchmark_jobs", "name"),
    "inference-component": ("inference_components", "name"),
}
MAX_TAGS = 50  # the service's limit per resource
# AWS keeps tag keys beginning with aws: (in any case) for its own use; users may not set them.
RESERVED_PREFIX = "aws:"


def reserved_key(tags: list[dict[str, Any]]) -> str | None:
    return next((tag["Key"] for tag in tags if tag["Key"].lower().startswith(RESERVED_PREFIX)), None)


class Tags(Resource):
    def put(self, db: sqlite3.Connection, arn: str, tags: list[dict[str, Any]]) -> None:
        """Tags at creation and AddTags' (the caller's transaction is rolled back when they are refused)."""
        reserved = reserved_key(tags)
        if reserved is not None:
            raise ValidationException(
                f"The tag key {reserved!r} is not allowed: tag keys with the aws: prefix are reserved for AWS use."
            )
        for tag in tags:
            db.execute(
                "INSERT OR REPLACE INTO tags (arn, key, value) VALUES (?,?,?)", (arn, tag["Key"], tag.get("Value", ""))
            )
        count = db.execute("SELECT COUNT(*) FROM tags WHERE arn = ?", (arn,)).fetchone()[0]
        if count > MAX_TAGS:
            raise ValidationException(f"Resource {arn} would have {count} tags; at most {MAX_TAGS} are allowed.")

    def drop(self, db: sqlite3.Connection, arn: str) -> None:
        db.execute("DELETE FROM tags WHERE arn = ?", (arn,))

    def _require_resource(self, db: sqlite3.Connection, arn: str) -> None:
        match = ARN.match(arn)
        if not match or match["kind"] not in KINDS or match["account"] != ACCOUNT_ID:
            raise ValidationException(f"Invalid resource ARN: {arn}")
        table, column = KINDS[match["kind"]]
        if db.execute(f"SELECT 1 FROM {table} WHERE {column} = ?", (match["name"],)).fetchone() is None:
            raise ResourceNotFound(f"Resource {arn} does not exist.")

    @handles(Service.SAGEMAKER, "AddTags")
    def add_tags(self, request: dict[str, Any]) -> dict[str, Any]:
        arn = request["ResourceArn"]
        with self.store.write() as db:
            self._require_resource(db, arn)
            self.put(db, arn, request["Tags"])
        return {"Tags": request["Tags"]}

    @handles(Service.SAGEMAKER, "ListTags")
    def list_tags(self, request: dict[str, Any]) -> dict[str, Any]:
        arn = request["ResourceArn"]
        db = self.store.read()
        self._require_resource(db, arn)
        rows = db.execute("SELECT key, value FROM tags WHERE arn = ? ORDER BY key", (arn,)).fetchall()
        tags = [{"Key": row["key"], "Value": row["value"]} for row in rows]
        context = short_hash(arn, length=12)
        offset = decode_offset_token(request["NextToken"], context) if "NextToken" in request else 0
        limit = int(request.get("MaxResults", 50))
        page: dict[str, Any] = {"Tags": tags[offset : offset + limit]}
        if offset + limit < len(tags):
            page["NextToken"] = encode_offset_token(offset + limit, context)
        return page

    @handles(Service.SAGEMAKER, "DeleteTags")
    def delete_tags(self, request: dict[str, Any]) -> dict[str, Any]:
        arn = request["ResourceArn"]
        with self.store.write() as db:
            self._require_resource(db, arn)
            for key in request["TagKeys"]:
                db.execute("DELETE FROM tags WHERE arn = ? AND key = ?", (arn, key))
        return {}
