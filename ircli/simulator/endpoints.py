"""Endpoint configurations and endpoints: create, describe, delete, and capacity updates that take
effect over time (Creating, Updating, InService)."""

from __future__ import annotations

import json
from typing import Any

from ircli.simulator.common import REALTIME, Resource, speed_factor, to_datetime
from ircli.simulator.exceptions import ValidationException


class Endpoints(Resource):
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
        now = self.clock()
        arn = self.arn("endpoint-config", name)
        body = dict(request, EndpointConfigArn=arn)
        body.pop("Tags", None)
        with self.store.write() as db:
            if db.execute("SELECT 1 FROM endpoint_configs WHERE name = ?", (name,)).fetchone():
                raise ValidationException(f'Cannot create already existing endpoint configuration "{arn}".')
            db.execute(
                "INSERT INTO endpoint_configs (name, created, body) VALUES (?,?,?)", (name, now, json.dumps(body))
            )
        return {"EndpointConfigArn": arn}

    def _config_row(self, name: str) -> Any:
        return self.store.read().execute("SELECT * FROM endpoint_configs WHERE name = ?", (name,)).fetchone()

    def describe_endpoint_config(self, request: dict[str, Any]) -> dict[str, Any]:
        name = request["EndpointConfigName"]
        row = self._config_row(name)
        if row is None:
            raise ValidationException(f'Could not find endpoint configuration "{self.arn("endpoint-config", name)}".')
        body: dict[str, Any] = json.loads(row["body"])
        body["CreationTime"] = to_datetime(row["created"])
        return body

    def delete_endpoint_config(self, request: dict[str, Any]) -> dict[str, Any]:
        name = request["EndpointConfigName"]
        with self.store.write() as db:
            if db.execute("DELETE FROM endpoint_configs WHERE name = ?", (name,)).rowcount == 0:
                raise ValidationException(
                    f'Could not find endpoint configuration "{self.arn("endpoint-config", name)}".'
                )
        return {}

    def create_endpoint(self, request: dict[str, Any]) -> dict[str, Any]:
        name, config_name = request["EndpointName"], request["EndpointConfigName"]
        config = self.describe_endpoint_config({"EndpointConfigName": config_name})
        now = self.clock()
        arn = self.arn("endpoint", name)
        variants = [
            {
                "VariantName": v["VariantName"],
                "weight": v.get("InitialVariantWeight", 1.0),
                "instance_type": v.get("InstanceType"),
                "instance_count": v.get("InitialInstanceCount"),
                "serverless": v.get("ServerlessConfig"),
                "shadow": shadow,
            }
            for shadow, member in ((False, "ProductionVariants"), (True, "ShadowProductionVariants"))
            for v in config.get(member, [])
        ]
        body = {
            "EndpointName": name,
            "EndpointArn": arn,
            "EndpointConfigName": config["EndpointConfigName"],
            "ready_at": now + REALTIME["endpoint_create"] * speed_factor(self.speed),
            "variants": variants,
            "pending": None,
            "last_modified": now,
        }
        with self.store.write() as db:
            if db.execute("SELECT 1 FROM endpoints WHERE name = ?", (name,)).fetchone():
                raise ValidationException(f'Cannot create already existing endpoint "{arn}".')
            db.execute("INSERT INTO endpoints (name, created, body) VALUES (?,?,?)", (name, now, json.dumps(body)))
        return {"EndpointArn": arn}

    def endpoint_row(self, name: str) -> Any:
        return self.store.read().execute("SELECT * FROM endpoints WHERE name = ?", (name,)).fetchone()

    def materialized_endpoint(self, name: str, row: Any = None) -> dict[str, Any]:
        """The endpoint as of now: a finished update is folded into the current variants."""
        row = row if row is not None else self.endpoint_row(name)
        if row is None:
            raise ValidationException(f'Could not find endpoint "{self.arn("endpoint", name)}".')
        body: dict[str, Any] = json.loads(row["body"])
        body["created"] = row["created"]
        now = self.clock()
        pending = body.get("pending")
        if now < body["ready_at"]:
            body["status"] = "Creating"
        elif pending and now < pending["ready_at"]:
            body["status"] = "Updating"
        else:
            body["status"] = "InService"
            if pending:
                body["variants"] = pending["variants"]
                body["last_modified"] = pending["ready_at"]
                body["pending"] = None
            elif body["last_modified"] < body["ready_at"]:
                body["last_modified"] = body["ready_at"]
        return body

    def describe_endpoint(self, request: dict[str, Any]) -> dict[str, Any]:
        endpoint = self.materialized_endpoint(request["EndpointName"])
        status = endpoint["status"]
        pending = endpoint.get("pending")
        desired_by_name = {v["VariantName"]: v for v in (pending["variants"] if pending else endpoint["variants"])}
        summaries: dict[bool, list[dict[str, Any]]] = {False: [], True: []}
        for variant in endpoint["variants"]:
            desired = desired_by_name[variant["VariantName"]]
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
                "EndpointConfigName": endpoint["EndpointConfigName"],
                "ProductionVariants": pending_variants[False],
                "StartTime": to_datetime(start),
            }
            if pending_variants[True]:
                response["PendingDeploymentSummary"]["ShadowProductionVariants"] = pending_variants[True]
        return response

    def update_capacity(self, request: dict[str, Any]) -> dict[str, Any]:
        name = request["EndpointName"]
        with self.store.write() as db:
            row = db.execute("SELECT * FROM endpoints WHERE name = ?", (name,)).fetchone()
            endpoint = self.materialized_endpoint(name, row)
            if endpoint["status"] != "InService":
                raise ValidationException(f'Cannot update in-progress endpoint "{endpoint["EndpointArn"]}".')
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
            body = {
                k: endpoint[k]
                for k in ("EndpointName", "EndpointArn", "EndpointConfigName", "ready_at", "variants", "last_modified")
            }
            body["pending"] = {
                "variants": list(variants.values()),
                "started": now,
                "ready_at": now + REALTIME["endpoint_update"] * speed_factor(self.speed),
            }
            body["last_modified"] = now
            db.execute("UPDATE endpoints SET body = ? WHERE name = ?", (json.dumps(body), name))
        return {"EndpointArn": endpoint["EndpointArn"]}

    def delete_endpoint(self, request: dict[str, Any]) -> dict[str, Any]:
        name = request["EndpointName"]
        with self.store.write() as db:
            if db.execute("DELETE FROM endpoints WHERE name = ?", (name,)).rowcount == 0:
                raise ValidationException(f'Could not find endpoint "{self.arn("endpoint", name)}".')
        return {}
