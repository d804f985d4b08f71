"""Application Auto Scaling for SageMaker endpoint variants: scalable targets and their scaling policies,
so that what `scaling-recommendation --emit application-autoscaling` prints applies unchanged.

A target's ResourceId is `endpoint/NAME/variant/VARIANT` and must name an existing endpoint variant.
The service's texts for a missing variant and for capacities out of order are not published; these
follow the style of its published messages.
"""

from __future__ import annotations

import re
from typing import Any

from ircli.operations import Service
from ircli.simulator import documents
from ircli.simulator.common import (
    ACCOUNT_ID,
    decode_offset_token,
    encode_offset_token,
    short_hash,
    to_datetime,
)
from ircli.simulator.exceptions import ObjectNotFoundException, SimulatorError, ValidationException
from ircli.simulator.resource import Resource, handles

RESOURCE_ID = re.compile(r"^endpoint/(?P<endpoint>[^/]+)/variant/(?P<variant>[^/]+)$")
DIMENSIONS = ("sagemaker:variant:DesiredInstanceCount", "sagemaker:variant:DesiredProvisionedConcurrency")
SAGEMAKER_METRICS = (
    "SageMakerVariantInvocationsPerInstance",
    "SageMakerVariantProvisionedConcurrencyUtilization",
    "SageMakerVariantConcurrentRequestsPerModelHighResolution",
)
SERVICE_LINKED_ROLE = (
    f"arn:aws:iam::{ACCOUNT_ID}:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/"
    "AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint"
)


def _validation(message: str) -> SimulatorError:
    return ValidationException(message)


class AutoScaling(Resource):
    def _check_target_names(self, request: dict[str, Any]) -> tuple[str, str]:
        if request["ServiceNamespace"] != "sagemaker":
            raise _validation(
                f"Unsupported service namespace: {request['ServiceNamespace']} (the simulator scales SageMaker)."
            )
        dimension = request["ScalableDimension"]
        if dimension not in DIMENSIONS:
            raise _validation(f"Unsupported scalable dimension {dimension} for service namespace sagemaker.")
        return request["ResourceId"], dimension

    def _require_variant(self, resource_id: str) -> None:
        match = RESOURCE_ID.match(resource_id)
        if not match:
            raise _validation(f"Unsupported resource ID {resource_id}; use endpoint/ENDPOINT/variant/VARIANT.")
        row = self.sim.endpoints.endpoint_row(match["endpoint"])
        variants = [] if row is None else self.sim.endpoints.materialized_endpoint(match["endpoint"], row)["variants"]
        if match["variant"] not in {v["VariantName"] for v in variants}:
            raise _validation(f"The target resource {resource_id} does not exist: no such endpoint variant.")

    def _not_registered(self, resource_id: str, dimension: str) -> SimulatorError:
        return ObjectNotFoundException(
            f"No scalable target registered for service namespace: sagemaker, resource ID: {resource_id}, "
            f"scalable dimension: {dimension}"
        )

    def target_arn(self, resource_id: str, dimension: str) -> str:
        return (
            f"arn:aws:application-autoscaling:{self.sim.region}:{ACCOUNT_ID}:scalable-target/"
            f"056d{short_hash(resource_id, dimension, length=28)}"
        )

    @handles(Service.AUTOSCALING, "RegisterScalableTarget")
    def register_scalable_target(self, request: dict[str, Any]) -> dict[str, Any]:
        resource_id, dimension = self._check_target_names(request)
        self._require_variant(resource_id)
        with self.store.write() as db:
            row = db.execute(
                "SELECT body FROM scalable_targets WHERE resource_id = ? AND dimension = ?", (resource_id, dimension)
            ).fetchone()
            body: dict[str, Any] = documents.loads(row["body"]) if row else {}
            for key in ("MinCapacity", "MaxCapacity", "SuspendedState", "RoleARN"):
                if key in request:
                    body[key] = request[key]
            for key in ("MinCapacity", "MaxCapacity"):
                if key in request and request[key] < 0:
                    # A SageMaker endpoint variant scales between 0 and its maximum (RegisterScalableTarget).
                    raise _validation(f"{key} ({request[key]}) cannot be negative; the lowest allowed is 0.")
            if "MinCapacity" not in body or "MaxCapacity" not in body:
                raise _validation("MinCapacity and MaxCapacity are required to register a new scalable target.")
            if body["MinCapacity"] > body["MaxCapacity"]:
                raise _validation(
                    f"Minimum capacity ({body['MinCapacity']}) cannot be greater than maximum capacity "
                    f"({body['MaxCapacity']})."
                )
            if row:
                db.execute(
                    "UPDATE scalable_targets SET body = ? WHERE resource_id = ? AND dimension = ?",
                    (documents.dumps(body), resource_id, dimension),
                )
            else:
                db.execute(
                    "INSERT INTO scalable_targets (resource_id, dimension, created, body) VALUES (?,?,?,?)",
                    (resource_id, dimension, self.clock(), documents.dumps(body)),
                )
        return {"ScalableTargetARN": self.target_arn(resource_id, dimension)}

    @handles(Service.AUTOSCALING, "DescribeScalableTargets")
    def describe_scalable_targets(self, request: dict[str, Any]) -> dict[str, Any]:
        if request["ServiceNamespace"] != "sagemaker":
            return {"ScalableTargets": []}
        targets = []
        for row in self.store.read().execute("SELECT * FROM scalable_targets ORDER BY created, resource_id"):
            if "ResourceIds" in request and row["resource_id"] not in request["ResourceIds"]:
                continue
            if "ScalableDimension" in request and row["dimension"] != request["ScalableDimension"]:
                continue
            body = documents.loads(row["body"])
            targets.append(
                {
                    "ServiceNamespace": "sagemaker",
                    "ResourceId": row["resource_id"],
                    "ScalableDimension": row["dimension"],
                    "MinCapacity": body["MinCapacity"],
                    "MaxCapacity": body["MaxCapacity"],
                    "RoleARN": body.get("RoleARN", SERVICE_LINKED_ROLE),
                    "CreationTime": to_datetime(row["created"]),
                    "SuspendedState": body.get(
                        "SuspendedState",
                        {
                            "DynamicScalingInSuspended": False,
                            "DynamicScalingOutSuspended": False,
                            "ScheduledScalingSuspended": False,
                        },
                    ),
                    "ScalableTargetARN": self.target_arn(row["resource_id"], row["dimension"]),
                }
            )
        return self._page(targets, request, "ScalableTargets")

    @handles(Service.AUTOSCALING, "DeregisterScalableTarget")
    def deregister_scalable_target(self, request: dict[str, Any]) -> dict[str, Any]:
        resource_id, dimension = self._check_target_names(request)
        with self.store.write() as db:
            deleted = db.execute(
                "DELETE FROM scalable_targets WHERE resource_id = ? AND dimension = ?", (resource_id, dimension)
            ).rowcount
            if not deleted:
                raise self._not_registered(resource_id, dimension)
            db.execute("DELETE FROM scaling_policies WHERE resource_id = ? AND dimension = ?", (resource_id, dimension))
        return {}

    def _policy_arn(self, resource_id: str, name: str) -> str:
        uuid = short_hash(resource_id, name, length=32)
        uuid = f"{uuid[:8]}-{uuid[8:12]}-{uuid[12:16]}-{uuid[16:20]}-{uuid[20:]}"
        return (
            f"arn:aws:autoscaling:{self.sim.region}:{ACCOUNT_ID}:scalingPolicy:{uuid}:resource/sagemaker/"
            f"{resource_id}:policyName/{name}"
        )

    def _alarms(self, resource_id: str, name: str) -> list[dict[str, str]]:
        alarms = []
        for kind in ("AlarmHigh", "AlarmLow"):
            alarm = f"TargetTracking-{resource_id}-{kind}-{short_hash(resource_id, name, kind, length=8)}"
            alarms.append(
                {"AlarmName": alarm, "AlarmARN": f"arn:aws:cloudwatch:{self.sim.region}:{ACCOUNT_ID}:alarm:{alarm}"}
            )
        return alarms

    @handles(Service.AUTOSCALING, "PutScalingPolicy")
    def put_scaling_policy(self, request: dict[str, Any]) -> dict[str, Any]:
        resource_id, dimension = self._check_target_names(request)
        name = request["PolicyName"]
        policy_type = request.get("PolicyType", "StepScaling")
        configuration_member = {
            "TargetTrackingScaling": "TargetTrackingScalingPolicyConfiguration",
            "StepScaling": "StepScalingPolicyConfiguration",
            "PredictiveScaling": "PredictiveScalingPolicyConfiguration",
        }[policy_type]
        if configuration_member not in request:
            raise _validation(f"{configuration_member} is required for a policy of type {policy_type}.")
        tracking = request.get("TargetTrackingScalingPolicyConfiguration", {})
        predefined = tracking.get("PredefinedMetricSpecification", {}).get("PredefinedMetricType")
        if predefined is not None and predefined not in SAGEMAKER_METRICS:
            raise _validation(f"Unsupported predefined metric type {predefined} for service namespace sagemaker.")
        with self.store.write() as db:
            registered = db.execute(
                "SELECT 1 FROM scalable_targets WHERE resource_id = ? AND dimension = ?", (resource_id, dimension)
            ).fetchone()
            if registered is None:
                raise self._not_registered(resource_id, dimension)
            body = {
                k: v for k, v in request.items() if k not in ("ServiceNamespace", "ResourceId", "ScalableDimension")
            }
            body["PolicyType"] = policy_type
            db.execute(
                "INSERT OR REPLACE INTO scaling_policies (resource_id, dimension, name, created, body)"
                " VALUES (?,?,?,?,?)",
                (resource_id, dimension, name, self.clock(), documents.dumps(body)),
            )
        response: dict[str, Any] = {"PolicyARN": self._policy_arn(resource_id, name)}
        if policy_type == "TargetTrackingScaling":
            response["Alarms"] = self._alarms(resource_id, name)
        return response

    @handles(Service.AUTOSCALING, "DescribeScalingPolicies")
    def describe_scaling_policies(self, request: dict[str, Any]) -> dict[str, Any]:
        if request["ServiceNamespace"] != "sagemaker":
            return {"ScalingPolicies": []}
        policies = []
        for row in self.store.read().execute("SELECT * FROM scaling_policies ORDER BY created, name"):
            if "PolicyNames" in request and row["name"] not in request["PolicyNames"]:
                continue
            if "ResourceId" in request and row["resource_id"] != request["ResourceId"]:
                continue
            if "ScalableDimension" in request and row["dimension"] != request["ScalableDimension"]:
                continue
            body = documents.loads(row["body"])
            policy = {
                "PolicyARN": self._policy_arn(row["resource_id"], row["name"]),
                "PolicyName": row["name"],
                "ServiceNamespace": "sagemaker",
                "ResourceId": row["resource_id"],
                "ScalableDimension": row["dimension"],
                "PolicyType": body["PolicyType"],
                "CreationTime": to_datetime(row["created"]),
            }
            for member in (
                "TargetTrackingScalingPolicyConfiguration",
                "StepScalingPolicyConfiguration",
                "PredictiveScalingPolicyConfiguration",
            ):
                if member in body:
                    policy[member] = body[member]
            if body["PolicyType"] == "TargetTrackingScaling":
                policy["Alarms"] = self._alarms(row["resource_id"], row["name"])
            policies.append(policy)
        return self._page(policies, request, "ScalingPolicies")

    @handles(Service.AUTOSCALING, "DeleteScalingPolicy")
    def delete_scaling_policy(self, request: dict[str, Any]) -> dict[str, Any]:
        resource_id, dimension = self._check_target_names(request)
        name = request["PolicyName"]
        with self.store.write() as db:
            deleted = db.execute(
                "DELETE FROM scaling_policies WHERE resource_id = ? AND dimension = ? AND name = ?",
                (resource_id, dimension, name),
            ).rowcount
        if not deleted:
            raise ObjectNotFoundException(
                f"No scaling policy found for service namespace: sagemaker, resource ID: {resource_id}, scalable "
                f"dimension: {dimension}, policy name: {name}"
            )
        return {}

    @staticmethod
    def _page(items: list[dict[str, Any]], request: dict[str, Any], key: str) -> dict[str, Any]:
        context = short_hash({k: v for k, v in request.items() if k not in ("NextToken", "MaxResults")}, length=12)
        offset = decode_offset_token(request["NextToken"], context) if request.get("NextToken") else 0
        limit = int(request.get("MaxResults", 50))
        page: dict[str, Any] = {key: items[offset : offset + limit]}
        if offset + limit < len(items):
            page["NextToken"] = encode_offset_token(offset + limit, context)
        return page
