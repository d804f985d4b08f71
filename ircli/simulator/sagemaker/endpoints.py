"""Endpoints: create, describe, list, update (a new configuration or new capacities), delete, each taking
effect over time: Creating, Updating and Deleting, then InService (or gone). A tag `ircli:simulate` with
the value `fail-endpoint` on CreateEndpoint ends the creation in Failed, with a FailureReason."""

from __future__ import annotations

from typing import Any

from ircli.operations import Service
from ircli.simulator import documents
from ircli.simulator.common import REALTIME, SIMULATE_TAG, listing, speed_factor, to_datetime
from ircli.simulator.exceptions import ValidationException
from ircli.simulator.resource import Resource, handles
from ircli.simulator.timeline import backdated

FAILURE_REASON = (
    "The primary container for production variant AllTraffic did not pass the ping health check. "
    "(simulated by the ircli:simulate tag)"
)


def variants_of(config: dict[str, Any]) -> list[dict[str, Any]]:
    """An endpoint configuration's variants as an endpoint runs them."""
    return [
        {
            "VariantName": v["VariantName"],
            "weight": v.get("InitialVariantWeight", 1.0),
            "instance_type": v.get("InstanceType"),
            "instance_count": v.get("InitialInstanceCount"),
            "serverless": v.get("ServerlessConfig"),
            "model": v.get("ModelName"),
            "managed_scaling": v.get("ManagedInstanceScaling"),
            "shadow": shadow,
        }
        for shadow, member in ((False, "ProductionVariants"), (True, "ShadowProductionVariants"))
        for v in config.get(member, [])
    ]


class Endpoints(Resource):
    @handles(Service.SAGEMAKER, "CreateEndpoint")
    def create_endpoint(self, request: dict[str, Any]) -> dict[str, Any]:
        name, config_name = request["EndpointName"], request["EndpointConfigName"]
        config = self.sim.endpoint_configs.describe_endpoint_config({"EndpointConfigName": config_name})
        now = self.clock()
        factor = speed_factor(self.speed)
        # Its timestamps keep the service's pace: created that long before it comes up (timeline).
        created = backdated(now, REALTIME["endpoint_create"], factor)
        arn = self.arn("endpoint", name)
        variants = self._profiled(variants_of(config))
        simulate = {t["Key"]: t.get("Value", "") for t in request.get("Tags", [])}.get(SIMULATE_TAG)
        body = {
            "EndpointName": name,
            "EndpointArn": arn,
            "EndpointConfigName": config["EndpointConfigName"],
            "ready_at": now + REALTIME["endpoint_create"] * factor,
            "variants": variants,
            "pending": None,
            "last_modified": created,
            "failure_reason": FAILURE_REASON if simulate == "fail-endpoint" else None,
            "deleting_until": None,
        }
        with self.store.write() as db:
            if self._live(db.execute("SELECT * FROM endpoints WHERE name = ?", (name,)).fetchone()) is not None:
                raise ValidationException(f'Cannot create already existing endpoint "{arn}".')
            db.execute("DELETE FROM endpoints WHERE name = ?", (name,))  # a deleted one's remains
            db.execute(
                "INSERT INTO endpoints (name, created, body) VALUES (?,?,?)", (name, created, documents.dumps(body))
            )
            self.sim.tags.put(db, arn, request.get("Tags", []))
        return {"EndpointArn": arn}

    def _profiled(self, variants: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The variants, each with the ContainerConfig of the newest job that named its model when it is
        deployed (the job that recommended it benchmarked that model): how it answers under load
        (`sagemaker_runtime.load`) stays that, whatever jobs are created later."""
        for variant in variants:
            variant["container"] = self.benchmarked_container(variant.get("model"))
        return variants

    def benchmarked_container(self, model_name: str | None) -> dict[str, Any] | None:
        """The ContainerConfig of the newest job that named the model (None: no job named it)."""
        if not model_name:
            return None
        query = "SELECT request FROM jobs WHERE model_name = ? ORDER BY rowid DESC LIMIT 1"
        row = self.store.read().execute(query, (model_name,)).fetchone()
        container = documents.loads(row["request"]).get("InputConfig", {}).get("ContainerConfig") if row else None
        return container if isinstance(container, dict) else None

    def _live(self, row: Any) -> Any:
        """The row, unless it is an endpoint whose deletion has finished."""
        if row is None:
            return None
        deleting_until = documents.loads(row["body"]).get("deleting_until")
        return None if deleting_until is not None and self.clock() >= deleting_until else row

    def endpoint_row(self, name: str) -> Any:
        return self._live(self.store.read().execute("SELECT * FROM endpoints WHERE name = ?", (name,)).fetchone())

    def materialized_endpoint(self, name: str, row: Any = None) -> dict[str, Any]:
        """The endpoint as of now: a finished update is folded into the current variants."""
        row = row if row is not None else self.endpoint_row(name)
        if row is None:
            raise ValidationException(f'Could not find endpoint "{self.arn("endpoint", name)}".')
        body: dict[str, Any] = documents.loads(row["body"])
        body["created"] = row["created"]
        now = self.clock()
        pending = body.get("pending")
        if body.get("deleting_until") is not None:
            body["status"] = "Deleting"
        elif now < body["ready_at"]:
            body["status"] = "Creating"
        elif body.get("failure_reason"):
            body["status"] = "Failed"
            body["last_modified"] = max(body["last_modified"], body["ready_at"])
        elif pending and now < pending["ready_at"]:
            body["status"] = "Updating"
        else:
            body["status"] = "InService"
            if pending:
                body["variants"] = pending["variants"]
                body["EndpointConfigName"] = pending.get("config_name", body["EndpointConfigName"])
                body["last_modified"] = pending["ready_at"]
                body["pending"] = None
            elif body["last_modified"] < body["ready_at"]:
                body["last_modified"] = body["ready_at"]
        return body

    @handles(Service.SAGEMAKER, "DescribeEndpoint")
    def describe_endpoint(self, request: dict[str, Any]) -> dict[str, Any]:
        endpoint = self.materialized_endpoint(request["EndpointName"])
        status = endpoint["status"]
        pending = endpoint.get("pending")
        desired_by_name = {v["VariantName"]: v for v in (pending["variants"] if pending else endpoint["variants"])}
        summaries: dict[bool, list[dict[str, Any]]] = {False: [], True: []}
        for variant in endpoint["variants"]:
            desired = desired_by_name.get(variant["VariantName"], variant)
            summary: dict[str, Any] = {"VariantName": variant["VariantName"], "DesiredWeight": desired["weight"]}
            if status != "Creating":
                summary["CurrentWeight"] = variant["weight"]
            if variant.get("serverless"):
                if status != "Creating":
                    summary["CurrentServerlessConfig"] = variant["serverless"]
                summary["DesiredServerlessConfig"] = desired["serverless"]
            else:
                if status != "Creating":
                    summary["CurrentInstanceCount"] = variant["instance_count"]
                summary["DesiredInstanceCount"] = desired["instance_count"]
            summaries[bool(variant.get("shadow"))].append(summary)
        response: dict[str, Any] = {
            "EndpointName": endpoint["EndpointName"],
            "EndpointArn": endpoint["EndpointArn"],
            "EndpointConfigName": endpoint["EndpointConfigName"],
            "ProductionVariants": summaries[False],
            "EndpointStatus": status,
            "CreationTime": to_datetime(endpoint["created"]),
            "LastModifiedTime": to_datetime(endpoint["last_modified"]),
        }
        if summaries[True]:
            response["ShadowProductionVariants"] = summaries[True]
        if status == "Failed":
            response["FailureReason"] = endpoint["failure_reason"]
        if status in ("Creating", "Updating"):
            start = pending["started"] if pending else endpoint["created"]
            pending_variants: dict[bool, list[dict[str, Any]]] = {False: [], True: []}
            for variant in pending["variants"] if pending else endpoint["variants"]:
                item: dict[str, Any] = {"VariantName": variant["VariantName"], "DesiredWeight": variant["weight"]}
                if variant.get("serverless"):
                    item["DesiredServerlessConfig"] = variant["serverless"]
                else:
                    item["DesiredInstanceCount"] = variant["instance_count"]
                    item["InstanceType"] = variant["instance_type"]
                pending_variants[bool(variant.get("shadow"))].append(item)
            response["PendingDeploymentSummary"] = {
                "EndpointConfigName": (pending or {}).get("config_name", endpoint["EndpointConfigName"]),
                "ProductionVariants": pending_variants[False],
                "StartTime": to_datetime(start),
            }
            if pending_variants[True]:
                response["PendingDeploymentSummary"]["ShadowProductionVariants"] = pending_variants[True]
        return response

    @handles(Service.SAGEMAKER, "UpdateEndpointWeightsAndCapacities")
    def update_capacity(self, request: dict[str, Any]) -> dict[str, Any]:
        name = request["EndpointName"]
        with self.store.write() as db:
            endpoint = self.materialized_endpoint(name, self._live(self._select(db, name)))
            self._require_in_service(endpoint)
            variants = {v["VariantName"]: dict(v) for v in endpoint["variants"]}
            missing = [
                d["VariantName"] for d in request["DesiredWeightsAndCapacities"] if d["VariantName"] not in variants
            ]
            if missing:
                raise ValidationException(
                    f'The variant(s) "{missing}" is not present for the endpoint "{endpoint["EndpointArn"]}".'
                )
            for desired in request["DesiredWeightsAndCapacities"]:
                variant = variants[desired["VariantName"]]
                if "DesiredWeight" in desired:
                    variant["weight"] = desired["DesiredWeight"]
                if "DesiredInstanceCount" in desired:
                    if variant.get("serverless"):
                        raise ValidationException(
                            f"Variant {desired['VariantName']} is serverless; update it with ServerlessUpdateConfig."
                        )
                    variant["instance_count"] = desired["DesiredInstanceCount"]
                if "ServerlessUpdateConfig" in desired:
                    if not variant.get("serverless"):
                        raise ValidationException(
                            f"Variant {desired['VariantName']} is instance-based; ServerlessUpdateConfig applies to "
                            "serverless variants only."
                        )
                    merged = dict(variant["serverless"], **desired["ServerlessUpdateConfig"])
                    if merged.get("ProvisionedConcurrency", 0) > merged["MaxConcurrency"]:
                        raise ValidationException(
                            f"ProvisionedConcurrency ({merged['ProvisionedConcurrency']}) must be less than or equal "
                            f"to MaxConcurrency ({merged['MaxConcurrency']})."
                        )
                    variant["serverless"] = merged
            now = self.clock()
            body = self._stored(endpoint)
            body["pending"] = {
                "variants": list(variants.values()),
                "started": now,
                "ready_at": now + REALTIME["endpoint_update"] * speed_factor(self.speed),
            }
            body["last_modified"] = now
            db.execute("UPDATE endpoints SET body = ? WHERE name = ?", (documents.dumps(body), name))
        return {"EndpointArn": endpoint["EndpointArn"]}

    @handles(Service.SAGEMAKER, "UpdateEndpoint")
    def update_endpoint(self, request: dict[str, Any]) -> dict[str, Any]:
        """Move an InService endpoint to another configuration: Updating, then InService on the new one."""
        name = request["EndpointName"]
        config = self.sim.endpoint_configs.describe_endpoint_config(
            {"EndpointConfigName": request["EndpointConfigName"]}
        )
        variants = self._profiled(variants_of(config))
        with self.store.write() as db:
            endpoint = self.materialized_endpoint(name, self._live(self._select(db, name)))
            self._require_in_service(endpoint)
            now = self.clock()
            body = self._stored(endpoint)
            body["pending"] = {
                "variants": variants,
                "config_name": config["EndpointConfigName"],
                "started": now,
                "ready_at": now + REALTIME["endpoint_update"] * speed_factor(self.speed),
            }
            body["last_modified"] = now
            db.execute("UPDATE endpoints SET body = ? WHERE name = ?", (documents.dumps(body), name))
        return {"EndpointArn": endpoint["EndpointArn"]}

    @handles(Service.SAGEMAKER, "DeleteEndpoint")
    def delete_endpoint(self, request: dict[str, Any]) -> dict[str, Any]:
        """Deleting for a while (as long as an update takes), then gone. An endpoint that still hosts inference
        components (any status, Deleting included) is refused: the developer guide's "Delete Endpoints and
        Resources" says to delete the components first (the console does so for you; the API does not), and
        users report DeleteEndpoint refused until they did (amazon-sagemaker-feedback#49)."""
        name = request["EndpointName"]
        self._refuse_with_components(name)
        with self.store.write() as db:
            endpoint = self.materialized_endpoint(name, self._live(self._select(db, name)))
            if endpoint["status"] == "Deleting":
                raise ValidationException(f'Cannot delete in-progress endpoint "{endpoint["EndpointArn"]}".')
            now = self.clock()
            body = self._stored(endpoint)
            body["deleting_until"] = now + REALTIME["endpoint_update"] * speed_factor(self.speed)
            body["last_modified"] = now
            db.execute("UPDATE endpoints SET body = ? WHERE name = ?", (documents.dumps(body), name))
            self.sim.tags.drop(db, endpoint["EndpointArn"])
        return {}

    def _refuse_with_components(self, name: str) -> None:
        row = self.endpoint_row(name)
        hosted = self.sim.inference_components.on_endpoint(str(row["name"])) if row is not None else []
        if hosted:
            names = ", ".join(sorted(str(c["InferenceComponentName"]) for c in hosted))
            raise ValidationException(
                f"Endpoint {name} hosts inference components ({names}): delete "
                "them with DeleteInferenceComponent, and wait until they are gone, before deleting the endpoint."
            )

    @handles(Service.SAGEMAKER, "ListEndpoints")
    def list_endpoints(self, request: dict[str, Any]) -> dict[str, Any]:
        items = []
        for row in self.store.read().execute("SELECT * FROM endpoints").fetchall():
            if self._live(row) is None:
                continue
            endpoint = self.materialized_endpoint(row["name"], row)
            items.append(
                {
                    "EndpointName": endpoint["EndpointName"],
                    "EndpointArn": endpoint["EndpointArn"],
                    "CreationTime": to_datetime(endpoint["created"]),
                    "LastModifiedTime": to_datetime(endpoint["last_modified"]),
                    "EndpointStatus": endpoint["status"],
                }
            )
        return listing(
            items,
            request,
            result_key="Endpoints",
            sort_members={"Name": "EndpointName", "CreationTime": "CreationTime", "Status": "EndpointStatus"},
            name_member="EndpointName",
        )

    @staticmethod
    def _select(db: Any, name: str) -> Any:
        return db.execute("SELECT * FROM endpoints WHERE name = ?", (name,)).fetchone()

    @staticmethod
    def _stored(endpoint: dict[str, Any]) -> dict[str, Any]:
        """What the store keeps of a materialized endpoint."""
        keys = ("EndpointName", "EndpointArn", "EndpointConfigName", "ready_at", "variants", "pending")
        body = {key: endpoint.get(key) for key in keys}
        body.update(
            last_modified=endpoint["last_modified"],
            failure_reason=endpoint.get("failure_reason"),
            deleting_until=endpoint.get("deleting_until"),
        )
        return body

    @staticmethod
    def _require_in_service(endpoint: dict[str, Any]) -> None:
        if endpoint["status"] != "InService":
            raise ValidationException(f'Cannot update in-progress endpoint "{endpoint["EndpointArn"]}".')
