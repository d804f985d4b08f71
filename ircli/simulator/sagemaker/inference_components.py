"""Inference components: create, describe, list, update (copies or specification) and delete, each taking
effect over time (Creating, Updating, Deleting, then InService or gone), on an endpoint whose variant hosts
them (an instance-based variant with no model of its own).

Copies are placed on the variant's instances as long as the accelerators, cores and memory every copy asks
for fit (the instance catalog says what one instance has); with managed instance scaling the variant grows
up to its MaxInstanceCount to take them. A component none of whose copies fits fails, as the service's does,
with a FailureReason naming what is short.
"""

from __future__ import annotations

import math
from typing import Any

from ircli.operations import Service
from ircli.simulator import documents
from ircli.simulator.common import REALTIME, listing, speed_factor, to_datetime
from ircli.simulator.exceptions import ValidationException
from ircli.simulator.resource import Resource, handles

# How long a component takes to load its copies (the service's; about as long as an endpoint update).
CREATE_SECONDS = REALTIME["endpoint_update"]
HOSTING_STATUSES = ("Creating", "InService", "Updating")


def capacity_per_instance(instance_type: str | None, needs: dict[str, Any]) -> int:
    """How many copies asking for `needs` (ComputeResourceRequirements) one instance holds."""
    from ircli.lib.catalog import catalog

    record = catalog()["instances"].get(instance_type or "")
    if record is None:
        return 1
    accelerator = record.get("accelerator") or {}
    limits = [
        (float(needs.get("NumberOfAcceleratorDevicesRequired", 0)), float(accelerator.get("count", 0))),
        (float(needs.get("NumberOfCpuCoresRequired", 0)), float(record.get("vcpu", 0))),
        (float(needs.get("MinMemoryRequiredInMb", 0)), float(record.get("memory_gib", 0)) * 1024),
    ]
    fits = [math.floor(have / need) for need, have in limits if need > 0]
    return max(0, min(fits)) if fits else 1


class InferenceComponents(Resource):
    def _row(self, name: str) -> Any:
        return self.store.read().execute("SELECT * FROM inference_components WHERE name = ?", (name,)).fetchone()

    def _not_found(self, name: str) -> ValidationException:
        return ValidationException(f'Could not find inference component "{self.arn("inference-component", name)}".')

    def _hosting_variant(self, endpoint: dict[str, Any], wanted: str | None) -> dict[str, Any]:
        production = [v for v in endpoint["variants"] if not v.get("shadow")]
        if wanted is None and len(production) == 1:
            wanted = production[0]["VariantName"]
        variant: dict[str, Any] | None = next((v for v in production if v["VariantName"] == wanted), None)
        if variant is None:
            raise ValidationException(
                f'Variant "{wanted}" was not found in endpoint "{endpoint["EndpointArn"]}"; name the variant '
                "that hosts the inference component (VariantName)."
            )
        if variant.get("model") or variant.get("serverless"):
            raise ValidationException(
                f'Variant "{variant["VariantName"]}" of endpoint "{endpoint["EndpointName"]}" cannot host inference '
                "components: it must be instance-based and name no model (ModelName) in its endpoint configuration."
            )
        return variant

    def _check_specification(self, specification: dict[str, Any]) -> None:
        base = specification.get("BaseInferenceComponentName")
        if base is not None:
            if self._row(base) is None:
                raise self._not_found(base)
            return
        if "ModelName" in specification:
            self.sim.models.require(specification["ModelName"])
        elif "Container" not in specification:
            raise ValidationException("The inference component specification must name a ModelName or a Container.")
        if "ComputeResourceRequirements" not in specification:
            raise ValidationException(
                "ComputeResourceRequirements is required in the specification of an inference component that is "
                "not an adapter (BaseInferenceComponentName)."
            )

    @handles(Service.SAGEMAKER, "CreateInferenceComponent")
    def create_inference_component(self, request: dict[str, Any]) -> dict[str, Any]:
        name = request["InferenceComponentName"]
        specification = request.get("Specification") or (request.get("Specifications") or [None])[0]
        if specification is None:
            raise ValidationException("Specification is required.")
        self._check_specification(specification)
        if "RuntimeConfig" not in request and "BaseInferenceComponentName" not in specification:
            raise ValidationException("RuntimeConfig (its CopyCount) is required.")
        endpoint = self.sim.endpoints.materialized_endpoint(request["EndpointName"])
        if endpoint["status"] not in HOSTING_STATUSES:
            raise ValidationException(
                f'Endpoint "{endpoint["EndpointArn"]}" is {endpoint["status"]}; it cannot host inference components.'
            )
        variant = self._hosting_variant(endpoint, request.get("VariantName"))
        now = self.clock()
        arn = self.arn("inference-component", name)
        body = {
            "InferenceComponentName": name,
            "EndpointName": endpoint["EndpointName"],
            "EndpointArn": endpoint["EndpointArn"],
            "VariantName": variant["VariantName"],
            "Specification": specification,
            "copies": int((request.get("RuntimeConfig") or {}).get("CopyCount", 1)),
            "ready_at": max(now, endpoint.get("ready_at", now)) + CREATE_SECONDS * speed_factor(self.speed),
            "last_modified": now,
            "pending": None,
            "deleting_until": None,
        }
        with self.store.write() as db:
            existing = db.execute("SELECT body FROM inference_components WHERE name = ?", (name,)).fetchone()
            if existing is not None and not self._gone(documents.loads(existing["body"])):
                raise ValidationException(f'Cannot create already existing inference component "{arn}".')
            db.execute("DELETE FROM inference_components WHERE name = ?", (name,))
            db.execute(
                "INSERT INTO inference_components (name, created, body) VALUES (?,?,?)",
                (name, now, documents.dumps(body)),
            )
            self.sim.tags.put(db, arn, request.get("Tags", []))
        return {"InferenceComponentArn": arn}

    def _gone(self, body: dict[str, Any]) -> bool:
        until = body.get("deleting_until")
        return until is not None and self.clock() >= until

    def materialized(self, name: str) -> dict[str, Any]:
        """The component as of now: status, its specification and copies after any finished update."""
        row = self._row(name)
        body: dict[str, Any] | None = documents.loads(row["body"]) if row is not None else None
        if body is None or self._gone(body):
            raise self._not_found(name)
        body["created"] = row["created"]
        now, pending = self.clock(), body.get("pending")
        if body.get("deleting_until") is not None:
            body["status"] = "Deleting"
        elif now < body["ready_at"]:
            body["status"] = "Creating"
        elif pending and now < pending["ready_at"]:
            body["status"] = "Updating"
        else:
            if pending:
                body.update(Specification=pending["Specification"], copies=pending["copies"], pending=None)
                body["last_modified"] = pending["ready_at"]
            body["last_modified"] = max(body["last_modified"], body["ready_at"])
            body["status"] = "InService"
        body["placed"] = self._placed(body)
        if body["status"] == "InService" and body["copies"] > 0 and body["placed"] == 0:
            body["status"] = "Failed"
        return body

    def _placed(self, body: dict[str, Any]) -> int:
        """How many of the component's copies its variant's instances hold."""
        try:
            endpoint = self.sim.endpoints.materialized_endpoint(body["EndpointName"])
        except ValidationException:
            return 0
        variant = next((v for v in endpoint["variants"] if v["VariantName"] == body["VariantName"]), None)
        if variant is None:
            return 0
        specification = body["Specification"]
        if "BaseInferenceComponentName" in specification:
            return int(body["copies"])
        per_instance = capacity_per_instance(variant["instance_type"], specification["ComputeResourceRequirements"])
        instances = int(variant.get("instance_count") or 0)
        scaling = variant.get("managed_scaling") or {}
        if scaling.get("Status") == "ENABLED":
            instances = max(instances, int(scaling.get("MaxInstanceCount", instances)))
        return min(int(body["copies"]), per_instance * instances)

    @handles(Service.SAGEMAKER, "DescribeInferenceComponent")
    def describe_inference_component(self, request: dict[str, Any]) -> dict[str, Any]:
        body = self.materialized(request["InferenceComponentName"])
        specification = dict(body["Specification"])
        container = specification.pop("Container", None)
        if container is not None:
            summary = {k: v for k, v in container.items() if k != "Image"}
            if "Image" in container:
                summary["DeployedImage"] = {
                    "SpecifiedImage": container["Image"],
                    "ResolvedImage": container["Image"],
                    "ResolutionTime": to_datetime(body["created"]),
                }
            specification["Container"] = summary
        if "DataCacheConfig" in specification:
            specification["DataCacheConfig"] = {"EnableCaching": specification["DataCacheConfig"]["EnableCaching"]}
        current = body["placed"] if body["status"] in ("InService", "Updating") else 0
        runtime: dict[str, Any] = {"DesiredCopyCount": (body.get("pending") or body)["copies"]}
        runtime["CurrentCopyCount"] = current
        response: dict[str, Any] = {
            "InferenceComponentName": body["InferenceComponentName"],
            "InferenceComponentArn": self.arn("inference-component", body["InferenceComponentName"]),
            "EndpointName": body["EndpointName"],
            "EndpointArn": body["EndpointArn"],
            "VariantName": body["VariantName"],
            "Specification": specification,
            "RuntimeConfig": runtime,
            "CreationTime": to_datetime(body["created"]),
            "LastModifiedTime": to_datetime(body["last_modified"]),
            "InferenceComponentStatus": body["status"],
        }
        if body["status"] == "Failed":
            response["FailureReason"] = (
                "Insufficient capacity: no copy of the inference component fits on the instances of variant "
                f"{body['VariantName']} (the accelerators, cores or memory its ComputeResourceRequirements ask "
                "for exceed an instance's)."
            )
        return response

    @handles(Service.SAGEMAKER, "UpdateInferenceComponent")
    def update_inference_component(self, request: dict[str, Any]) -> dict[str, Any]:
        """A new specification or copy count: Updating, then InService with it."""
        name = request["InferenceComponentName"]
        body = self.materialized(name)
        arn = self.arn("inference-component", name)
        if body["status"] != "InService":
            raise ValidationException(f'Cannot update in-progress inference component "{arn}".')
        specification = request.get("Specification") or (request.get("Specifications") or [None])[0]
        if specification is not None:
            self._check_specification(specification)
        now = self.clock()
        stored = self._stored(body)
        stored["pending"] = {
            "Specification": specification or body["Specification"],
            "copies": int((request.get("RuntimeConfig") or {}).get("CopyCount", body["copies"])),
            "ready_at": now + CREATE_SECONDS * speed_factor(self.speed),
        }
        stored["last_modified"] = now
        with self.store.write() as db:
            db.execute("UPDATE inference_components SET body = ? WHERE name = ?", (documents.dumps(stored), name))
        return {"InferenceComponentArn": arn}

    @handles(Service.SAGEMAKER, "DeleteInferenceComponent")
    def delete_inference_component(self, request: dict[str, Any]) -> dict[str, Any]:
        name = request["InferenceComponentName"]
        body = self.materialized(name)
        arn = self.arn("inference-component", name)
        if body["status"] == "Deleting":
            raise ValidationException(f'Cannot delete in-progress inference component "{arn}".')
        now = self.clock()
        stored = self._stored(body)
        stored["deleting_until"] = now + REALTIME["endpoint_update"] * speed_factor(self.speed)
        stored["last_modified"] = now
        with self.store.write() as db:
            db.execute("UPDATE inference_components SET body = ? WHERE name = ?", (documents.dumps(stored), name))
            self.sim.tags.drop(db, arn)
        return {}

    @handles(Service.SAGEMAKER, "ListInferenceComponents")
    def list_inference_components(self, request: dict[str, Any]) -> dict[str, Any]:
        items = []
        for row in self.store.read().execute("SELECT name FROM inference_components").fetchall():
            try:
                body = self.materialized(row["name"])
            except ValidationException:
                continue
            item = {
                "InferenceComponentName": body["InferenceComponentName"],
                "InferenceComponentArn": self.arn("inference-component", body["InferenceComponentName"]),
                "EndpointName": body["EndpointName"],
                "EndpointArn": body["EndpointArn"],
                "VariantName": body["VariantName"],
                "InferenceComponentStatus": body["status"],
                "CreationTime": to_datetime(body["created"]),
                "LastModifiedTime": to_datetime(body["last_modified"]),
            }
            wanted = (
                ("StatusEquals", "InferenceComponentStatus"),
                ("EndpointNameEquals", "EndpointName"),
                ("VariantNameEquals", "VariantName"),
            )
            if all(member not in request or item[field] == request[member] for member, field in wanted):
                items.append(item)
        return listing(
            items,
            {k: v for k, v in request.items() if k != "StatusEquals"},
            result_key="InferenceComponents",
            sort_members={
                "Name": "InferenceComponentName",
                "CreationTime": "CreationTime",
                "Status": "InferenceComponentStatus",
            },
            name_member="InferenceComponentName",
        )

    def on_endpoint(self, endpoint_name: str, name: str | None = None) -> list[dict[str, Any]]:
        """The live components an endpoint hosts (the one named, if a name is given)."""
        found = []
        for row in self.store.read().execute("SELECT name FROM inference_components").fetchall():
            if name is not None and row["name"].lower() != name.lower():
                continue
            try:
                body = self.materialized(row["name"])
            except ValidationException:
                continue
            if body["EndpointName"].lower() == endpoint_name.lower():
                found.append(body)
        return found

    @staticmethod
    def _stored(body: dict[str, Any]) -> dict[str, Any]:
        keys = ("InferenceComponentName", "EndpointName", "EndpointArn", "VariantName", "Specification", "copies")
        stored = {key: body[key] for key in keys}
        stored.update(
            ready_at=body["ready_at"],
            last_modified=body["last_modified"],
            pending=body.get("pending"),
            deleting_until=body.get("deleting_until"),
        )
        return stored
