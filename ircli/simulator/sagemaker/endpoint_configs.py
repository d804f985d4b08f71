"""Endpoint configurations: create (every variant's model must exist), describe, list, delete."""

from __future__ import annotations

from typing import Any

from ircli.operations import Service
from ircli.simulator import documents
from ircli.simulator.common import listing, to_datetime
from ircli.simulator.exceptions import ValidationException
from ircli.simulator.resource import Resource, handles


class EndpointConfigs(Resource):
    @handles(Service.SAGEMAKER, "CreateEndpointConfig")
    def create_endpoint_config(self, request: dict[str, Any]) -> dict[str, Any]:
        name = request["EndpointConfigName"]
        for index, variant in enumerate(request["ProductionVariants"]):
            if "ServerlessConfig" not in variant and not (
                "InstanceType" in variant and "InitialInstanceCount" in variant
            ):
                raise ValidationException(
                    f"1 validation error detected: Value at 'productionVariants.{index + 1}.member' failed to satisfy "
                    "constraint: specify InstanceType and InitialInstanceCount, or ServerlessConfig"
                )
        names = [v["VariantName"] for v in request["ProductionVariants"]]
        if len(set(names)) != len(names):
            raise ValidationException("Variant names must be unique within an endpoint configuration.")
        for variant in [*request["ProductionVariants"], *request.get("ShadowProductionVariants", [])]:
            if "ModelName" in variant:
                self.sim.models.require(variant["ModelName"])
        now = self.clock()
        arn = self.arn("endpoint-config", name)
        body = dict(request, EndpointConfigArn=arn)
        body.pop("Tags", None)
        with self.store.write() as db:
            if db.execute("SELECT 1 FROM endpoint_configs WHERE name = ?", (name,)).fetchone():
                raise ValidationException(f'Cannot create already existing endpoint configuration "{arn}".')
            db.execute(
                "INSERT INTO endpoint_configs (name, created, body) VALUES (?,?,?)", (name, now, documents.dumps(body))
            )
            self.sim.tags.put(db, arn, request.get("Tags", []))
        return {"EndpointConfigArn": arn}

    def _config_row(self, name: str) -> Any:
        return self.store.read().execute("SELECT * FROM endpoint_configs WHERE name = ?", (name,)).fetchone()

    @handles(Service.SAGEMAKER, "DescribeEndpointConfig")
    def describe_endpoint_config(self, request: dict[str, Any]) -> dict[str, Any]:
        name = request["EndpointConfigName"]
        row = self._config_row(name)
        if row is None:
            raise ValidationException(f'Could not find endpoint configuration "{self.arn("endpoint-config", name)}".')
        body: dict[str, Any] = documents.loads(row["body"])
        body["CreationTime"] = to_datetime(row["created"])
        return body

    @handles(Service.SAGEMAKER, "DeleteEndpointConfig")
    def delete_endpoint_config(self, request: dict[str, Any]) -> dict[str, Any]:
        name = request["EndpointConfigName"]
        with self.store.write() as db:
            if db.execute("DELETE FROM endpoint_configs WHERE name = ?", (name,)).rowcount == 0:
                raise ValidationException(
                    f'Could not find endpoint configuration "{self.arn("endpoint-config", name)}".'
                )
            self.sim.tags.drop(db, self.arn("endpoint-config", name))
        return {}

    @handles(Service.SAGEMAKER, "ListEndpointConfigs")
    def list_endpoint_configs(self, request: dict[str, Any]) -> dict[str, Any]:
        rows = self.store.read().execute("SELECT name, created, body FROM endpoint_configs").fetchall()
        items = [
            {
                "EndpointConfigName": documents.loads(row["body"])["EndpointConfigName"],
                "EndpointConfigArn": self.arn("endpoint-config", row["name"]),
                "CreationTime": to_datetime(row["created"]),
            }
            for row in rows
        ]
        return listing(
            items,
            request,
            result_key="EndpointConfigs",
            sort_members={"Name": "EndpointConfigName", "CreationTime": "CreationTime"},
            name_member="EndpointConfigName",
        )
