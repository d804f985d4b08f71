"""AI workload configurations: create (the inline workload spec checked as the service checks it, see
`ircli.lib.workload_spec`), describe, list, delete (refused while an active job uses one). Jobs resolve
theirs by name or ARN through `resolve`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ircli.operations import Service
from ircli.simulator import documents
from ircli.simulator.common import listing, to_datetime
from ircli.simulator.exceptions import ResourceInUse, ResourceNotFound, ValidationException
from ircli.simulator.resource import Resource, handles
from ircli.simulator.sagemaker.ai_jobs import refuse_when_limited, resource_name

if TYPE_CHECKING:
    from ircli.lib import workload_spec

KIND = "ai-workload-config"
LABEL = "AI workload configuration"


class AIWorkloads(Resource):
    def config_arn(self, name: str) -> str:
        return self.arn(KIND, name)

    @handles(Service.SAGEMAKER, "CreateAIWorkloadConfig")
    def create_workload_config(self, request: dict[str, Any]) -> dict[str, Any]:
        name = request["AIWorkloadConfigName"]
        refuse_when_limited(request, "AI workload configurations")
        from ircli.lib.ai_rules import workload_config_rules
        from ircli.lib.validation import service_message

        # The service checks the spec whoever sends it (dispatch has run the rules already for an unchecked
        # request; a caller that says it validated may still have sent a spec of its own making).
        problems = list(workload_config_rules(request))
        if problems:
            raise ValidationException(service_message(problems))
        body = {k: v for k, v in request.items() if k != "Tags"}
        arn = self.config_arn(name)
        with self.store.write() as db:
            if db.execute("SELECT 1 FROM ai_workload_configs WHERE name = ?", (name,)).fetchone():
                raise ResourceInUse(f"{LABEL} with name {name} already exists.")
            db.execute(
                "INSERT INTO ai_workload_configs (name, created, body) VALUES (?,?,?)",
                (name, self.clock(), documents.dumps(body)),
            )
            self.sim.tags.put(db, arn, request.get("Tags", []))
        return {"AIWorkloadConfigArn": arn}

    def resolve(self, identifier: str) -> tuple[str, dict[str, Any]]:
        """A workload configuration named by name or ARN: its stored name and body; ResourceNotFound else."""
        name = resource_name(identifier, KIND)
        row = (
            None
            if name is None
            else self.store.read().execute("SELECT * FROM ai_workload_configs WHERE name = ?", (name,)).fetchone()
        )
        if row is None:
            raise ResourceNotFound(f"{LABEL} {identifier} does not exist.")
        body: dict[str, Any] = documents.loads(row["body"])
        return str(row["name"]), body

    def workload(self, body: dict[str, Any]) -> workload_spec.Workload:
        """What a stored configuration asks of an endpoint."""
        inline = body.get("AIWorkloadConfigs", {}).get("WorkloadSpec", {}).get("Inline")
        from ircli.lib import workload_spec  # its patterns compile on import: only AI jobs need them

        return workload_spec.workload(inline)

    @handles(Service.SAGEMAKER, "DescribeAIWorkloadConfig")
    def describe_workload_config(self, request: dict[str, Any]) -> dict[str, Any]:
        name = request["AIWorkloadConfigName"]
        row = self.store.read().execute("SELECT * FROM ai_workload_configs WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise ResourceNotFound(f"{LABEL} {name} does not exist.")
        body = documents.loads(row["body"])
        arn = self.config_arn(row["name"])
        answer: dict[str, Any] = {"AIWorkloadConfigName": body["AIWorkloadConfigName"], "AIWorkloadConfigArn": arn}
        for member in ("DatasetConfig", "AIWorkloadConfigs"):
            if member in body:
                answer[member] = body[member]
        tags = self.sim.tags.list_tags({"ResourceArn": arn})["Tags"]
        if tags:
            answer["Tags"] = tags
        answer["CreationTime"] = to_datetime(row["created"])
        return answer

    @handles(Service.SAGEMAKER, "ListAIWorkloadConfigs")
    def list_workload_configs(self, request: dict[str, Any]) -> dict[str, Any]:
        rows = self.store.read().execute("SELECT name, created, body FROM ai_workload_configs").fetchall()
        items = [
            {
                "AIWorkloadConfigName": documents.loads(row["body"])["AIWorkloadConfigName"],
                "AIWorkloadConfigArn": self.config_arn(row["name"]),
                "CreationTime": to_datetime(row["created"]),
            }
            for row in rows
        ]
        return listing(
            items,
            request,
            result_key="AIWorkloadConfigs",
            sort_members={"Name": "AIWorkloadConfigName", "CreationTime": "CreationTime"},
            name_member="AIWorkloadConfigName",
        )

    @handles(Service.SAGEMAKER, "DeleteAIWorkloadConfig")
    def delete_workload_config(self, request: dict[str, Any]) -> dict[str, Any]:
        name = request["AIWorkloadConfigName"]
        arn = self.config_arn(name)
        for jobs in (self.sim.ai_benchmarks, self.sim.ai_recommendations):
            user = jobs.active_using(name)
            if user is not None:
                raise ResourceInUse(f"{LABEL} {name} is in use by {jobs.LABEL} {user}, which has not ended.")
        with self.store.write() as db:
            if db.execute("DELETE FROM ai_workload_configs WHERE name = ?", (name,)).rowcount == 0:
                raise ResourceNotFound(f"{LABEL} {name} does not exist.")
            self.sim.tags.drop(db, arn)
        return {"AIWorkloadConfigArn": arn}
