"""What AI recommendation jobs and AI benchmark jobs share: their timeline (InProgress, then Completed or
Failed; Stopping, then Stopped), derived from the clock in SQL as the classic jobs' is; looking one up by
name or ARN; listing with the filters, sorting and pagination botocore models (NameContains, StatusEquals,
CreationTimeAfter/Before, SortBy Name|CreationTime|Status, SortOrder, MaxResults, NextToken); stopping;
deleting only what has ended; and resolving a workload configuration by name or ARN.

The service's error texts for these operations are not published; they follow the classic jobs' wording.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ircli.simulator.common import (
    SIMULATE_TAG,
    decode_keyset_token,
    encode_keyset_token,
    epoch,
    short_hash,
    to_datetime,
)
from ircli.simulator.exceptions import ResourceLimitExceeded, ResourceNotFound, ValidationException
from ircli.simulator.resource import Resource

STATUS_SQL = """
CASE
    WHEN stop_at IS NOT NULL AND :now < stop_at + stopping_seconds THEN 'Stopping'
    WHEN stop_at IS NOT NULL THEN 'Stopped'
    WHEN :now < ends_at THEN 'InProgress'
    WHEN failed THEN 'Failed'
    ELSE 'Completed'
END
"""
END_SQL = """
CASE
    WHEN stop_at IS NOT NULL AND :now >= stop_at + stopping_seconds THEN stop_at + stopping_seconds
    WHEN stop_at IS NULL AND :now >= ends_at THEN ends_at
END
"""
ACTIVE = ("InProgress", "Stopping")
TERMINAL = ("Completed", "Failed", "Stopped")


def resource_name(identifier: str, kind: str) -> str | None:
    """The name an identifier (a name, or an ARN of `kind`) names; None for an ARN of another kind."""
    if not identifier.startswith("arn:"):
        return identifier
    head, _, name = identifier.partition(f":{kind}/")
    return name if name and head.count(":") == 4 else None


def refuse_when_limited(request: dict[str, Any], what: str) -> None:
    """A tag `ircli:simulate` = `limit-exceeded` refuses the create as an account at its limit is refused."""
    tags = {tag["Key"]: tag.get("Value", "") for tag in request.get("Tags", [])}
    if tags.get(SIMULATE_TAG) == "limit-exceeded":
        raise ResourceLimitExceeded(
            f"The account-level service limit 'Number of {what}' has been reached."
            f" (simulated by the {SIMULATE_TAG} tag)"
        )


class AIJobs(Resource):
    """One kind of AI job over its table."""

    TABLE: ClassVar[str]
    KIND: ClassVar[str]  # the ARN's resource kind
    LABEL: ClassVar[str]  # how messages name one
    MEMBER: ClassVar[str]  # the API's prefix: AIRecommendationJob, AIBenchmarkJob

    def job_arn(self, name: str) -> str:
        return self.arn(self.KIND, name)

    def row(self, name: str) -> Any:
        return (
            self.store.read()
            .execute(
                f"SELECT *, {STATUS_SQL} AS status, {END_SQL} AS ended FROM {self.TABLE} WHERE name = :name",
                {"now": self.clock(), "name": name},
            )
            .fetchone()
        )

    def require(self, name: str) -> Any:
        row = self.row(name)
        if row is None:
            raise ResourceNotFound(f"{self.LABEL} {name} does not exist.")
        return row

    def timeline(self, row: Any) -> dict[str, Any]:
        """The status and times every description carries."""
        answer: dict[str, Any] = {
            f"{self.MEMBER}Status": row["status"],
            "CreationTime": to_datetime(row["created"]),
            "StartTime": to_datetime(row["created"]),
        }
        if row["ended"] is not None:
            answer["EndTime"] = to_datetime(row["ended"])
        return answer

    def active_using(self, workload: str) -> str | None:
        """The name of an active job of this kind that uses the workload configuration, if any."""
        found = (
            self.store.read()
            .execute(
                f"SELECT name FROM {self.TABLE} WHERE workload = :workload"
                f" AND ({STATUS_SQL}) IN ('InProgress', 'Stopping')",
                {"now": self.clock(), "workload": workload},
            )
            .fetchone()
        )
        return None if found is None else str(found["name"])

    def stop(self, name: str) -> dict[str, Any]:
        """Stop an InProgress job: Stopping now, Stopped after the stopping time."""
        now = self.clock()
        with self.store.write() as db:
            row = db.execute(
                f"SELECT {STATUS_SQL} AS status FROM {self.TABLE} WHERE name = :name", {"now": now, "name": name}
            ).fetchone()
            if row is None:
                raise ResourceNotFound(f"{self.LABEL} {name} does not exist.")
            if row["status"] != "InProgress":
                raise ValidationException(f"{self.LABEL} {name} is {row['status']} and cannot be stopped.")
            db.execute(f"UPDATE {self.TABLE} SET stop_at = ? WHERE name = ?", (now, name))
            self.stopped(db, name, now)
        return {f"{self.MEMBER}Arn": self.job_arn(name)}

    def stopped(self, db: Any, name: str, now: float) -> None:
        """What else a stop undoes, in its transaction (a benchmark's results never appear)."""

    def delete(self, name: str) -> dict[str, Any]:
        """Delete a job that has ended; an active one must be stopped first."""
        now = self.clock()
        with self.store.write() as db:
            row = db.execute(
                f"SELECT {STATUS_SQL} AS status FROM {self.TABLE} WHERE name = :name", {"now": now, "name": name}
            ).fetchone()
            if row is None:
                raise ResourceNotFound(f"{self.LABEL} {name} does not exist.")
            if row["status"] in ACTIVE:
                raise ValidationException(
                    f"{self.LABEL} {name} is {row['status']}: only a Completed, Failed or Stopped job can be deleted."
                    + (" Stop it first." if row["status"] == "InProgress" else "")
                )
            db.execute(f"DELETE FROM {self.TABLE} WHERE name = ?", (name,))
            self.sim.tags.drop(db, self.job_arn(name))
        return {f"{self.MEMBER}Arn": self.job_arn(name)}

    def listing(self, request: dict[str, Any], result_key: str) -> dict[str, Any]:
        """One page of the List answer, filtered, sorted and paged in SQL (keyset tokens)."""
        clauses: list[str] = ["1=1"]
        params: dict[str, Any] = {"now": self.clock()}
        filters = {
            "NameContains": "instr(lower(name), lower(:NameContains)) > 0",
            "StatusEquals": f"({STATUS_SQL}) = :StatusEquals",
            "CreationTimeAfter": "created > :CreationTimeAfter",
            "CreationTimeBefore": "created < :CreationTimeBefore",
        }
        for member, clause in filters.items():
            if member in request:
                clauses.append(clause)
                value = request[member]
                params[member] = epoch(value) if member.startswith("Creation") else value
        sort_key = {"Name": "name", "CreationTime": "created", "Status": f"({STATUS_SQL})"}[
            request.get("SortBy", "CreationTime")
        ]
        order = "ASC" if request.get("SortOrder") == "Ascending" else "DESC"
        context = short_hash({k: v for k, v in request.items() if k not in ("NextToken", "MaxResults")}, length=12)
        if "NextToken" in request:
            params["after_key"], params["after_name"] = decode_keyset_token(request["NextToken"], context)
            beyond = ">" if order == "ASC" else "<"
            clauses.append(
                f"({sort_key} {beyond} :after_key OR ({sort_key} = :after_key AND name {beyond} :after_name))"
            )
        limit = int(request.get("MaxResults", 100))
        rows = (
            self.store.read()
            .execute(
                f"SELECT *, {sort_key} AS sort_key, {STATUS_SQL} AS status, {END_SQL} AS ended FROM {self.TABLE}"
                f" WHERE {' AND '.join(clauses)} ORDER BY {sort_key} {order}, name {order} LIMIT {limit + 1}",
                params,
            )
            .fetchall()
        )
        page: dict[str, Any] = {result_key: [self.summary(row) for row in rows[:limit]]}
        if len(rows) > limit:
            last = rows[limit - 1]
            page["NextToken"] = encode_keyset_token(last["sort_key"], last["name"], context)
        return page

    def summary(self, row: Any) -> dict[str, Any]:
        from ircli.simulator import documents

        request = documents.loads(row["request"])
        item: dict[str, Any] = {
            f"{self.MEMBER}Name": request[f"{self.MEMBER}Name"],
            f"{self.MEMBER}Arn": self.job_arn(row["name"]),
            f"{self.MEMBER}Status": row["status"],
            "CreationTime": to_datetime(row["created"]),
        }
        if row["ended"] is not None:
            item["EndTime"] = to_datetime(row["ended"])
        return item
