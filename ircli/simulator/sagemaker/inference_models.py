"""Models and the model registry (model package groups and their versioned packages): enough of them for
a job, an endpoint configuration or the SDK's `ModelPackage` to name one, and to be refused when the one
named does not exist.

Every fresh (or reset) state holds the sample models the project's examples name (`SAMPLES`), so that
the README's first command works on a new machine.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from ircli.operations import Service
from ircli.simulator import documents
from ircli.simulator.common import ACCOUNT_ID, listing, speed_factor, to_datetime
from ircli.simulator.exceptions import ConflictException, ValidationException
from ircli.simulator.resource import Resource, handles

SAMPLE_ROLE = f"arn:aws:iam::{ACCOUNT_ID}:role/ircli-sample-execution-role"
SAMPLE_IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
PYTORCH_IMAGE = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.1.0-cpu-py310"
SAMPLES: dict[str, dict[str, Any]] = {
    "churn-xgboost": {"Image": SAMPLE_IMAGE, "ModelDataUrl": "s3://ircli-samples/churn-xgboost/model.tar.gz"},
    "distilbert-sentiment": {
        "Image": PYTORCH_IMAGE,
        "ModelDataUrl": "s3://ircli-samples/distilbert-sentiment/model.tar.gz",
    },
    "resnet50": {"Image": PYTORCH_IMAGE, "ModelDataUrl": "s3://ircli-samples/resnet50/model.tar.gz"},
}
# The registry's sample: versions 1 to 3 of the group `bert-base` (examples/advanced-phases.yaml names 3).
SAMPLE_GROUP = "bert-base"
SAMPLE_VERSIONS = 3

PACKAGE_ARN = re.compile(r"^arn:aws[a-z-]*:sagemaker:[^:]+:\d{12}:model-package/(?P<name>[^/]+)(/(?P<version>\d+))?$")


def seed(connection: sqlite3.Connection, now: float = 0.0) -> None:
    """Write the sample models and model packages into a new store."""
    for name, container in SAMPLES.items():
        body = {"ModelName": name, "PrimaryContainer": container, "ExecutionRoleArn": SAMPLE_ROLE}
        connection.execute(
            "INSERT OR IGNORE INTO models (name, created, body) VALUES (?,?,?)", (name, now, documents.dumps(body))
        )
    group = {"ModelPackageGroupName": SAMPLE_GROUP, "ModelPackageGroupDescription": "ircli sample"}
    connection.execute(
        "INSERT OR IGNORE INTO model_package_groups (name, created, body) VALUES (?,?,?)",
        (SAMPLE_GROUP, now, documents.dumps(group)),
    )
    for version in range(1, SAMPLE_VERSIONS + 1):
        package = {
            "ModelPackageGroupName": SAMPLE_GROUP,
            "ModelApprovalStatus": "Approved",
            "InferenceSpecification": {
                "Containers": [
                    {"Image": PYTORCH_IMAGE, "ModelDataUrl": f"s3://ircli-samples/bert-base/{version}/model.tar.gz"}
                ],
                "SupportedContentTypes": ["application/json"],
                "SupportedResponseMIMETypes": ["application/json"],
            },
            "Domain": "NATURAL_LANGUAGE_PROCESSING",
            "Task": "FILL_MASK",
        }
        connection.execute(
            "INSERT OR IGNORE INTO model_packages (name, group_name, version, created, body) VALUES (?,?,?,?,?)",
            (f"{SAMPLE_GROUP}/{version}", SAMPLE_GROUP, version, now, documents.dumps(package)),
        )


class Models(Resource):
    """Models, model package groups and model packages."""

    # -- models -----------------------------------------------------------------------------------------

    def model_arn(self, name: str) -> str:
        return self.arn("model", name)

    def exists(self, name: str) -> bool:
        return self.store.read().execute("SELECT 1 FROM models WHERE name = ?", (name,)).fetchone() is not None

    def require(self, name: str) -> None:
        """The service's refusal of a reference to a model that does not exist."""
        if not self.exists(name):
            raise ValidationException(f'Could not find model "{self.model_arn(name)}".')

    @handles(Service.SAGEMAKER, "CreateModel")
    def create_model(self, request: dict[str, Any]) -> dict[str, Any]:
        name = request["ModelName"]
        if "PrimaryContainer" not in request and "Containers" not in request:
            raise ValidationException("Either PrimaryContainer or Containers must be specified.")
        for container in [request.get("PrimaryContainer") or {}, *(request.get("Containers") or [])]:
            if container.get("ModelPackageName"):
                self.require_package(container["ModelPackageName"])
        arn = self.model_arn(name)
        body = {k: v for k, v in request.items() if k != "Tags"}
        with self.store.write() as db:
            if db.execute("SELECT 1 FROM models WHERE name = ?", (name,)).fetchone():
                raise ValidationException(f'Cannot create already existing model "{arn}".')
            db.execute(
                "INSERT INTO models (name, created, body) VALUES (?,?,?)", (name, self.clock(), documents.dumps(body))
            )
            self.sim.tags.put(db, arn, request.get("Tags", []))
        return {"ModelArn": arn}

    @handles(Service.SAGEMAKER, "DescribeModel")
    def describe_model(self, request: dict[str, Any]) -> dict[str, Any]:
        name = request["ModelName"]
        row = self.store.read().execute("SELECT * FROM models WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise ValidationException(f'Could not find model "{self.model_arn(name)}".')
        body: dict[str, Any] = documents.loads(row["body"])
        body["ModelArn"] = self.model_arn(row["name"])
        body["CreationTime"] = to_datetime(row["created"])
        from ircli.simulator.sagemaker.instant import deployment_recommendation

        body["DeploymentRecommendation"] = deployment_recommendation(
            row["name"],
            body,
            age_seconds=self.clock() - row["created"],
            factor=speed_factor(self.speed),
            package_of=self.package_body,
        )
        return body

    @handles(Service.SAGEMAKER, "ListModels")
    def list_models(self, request: dict[str, Any]) -> dict[str, Any]:
        rows = self.store.read().execute("SELECT name, created FROM models").fetchall()
        items = [
            {
                "ModelName": row["name"],
                "ModelArn": self.model_arn(row["name"]),
                "CreationTime": to_datetime(row["created"]),
            }
            for row in rows
        ]
        return listing(
            items,
            request,
            result_key="Models",
            sort_members={"Name": "ModelName", "CreationTime": "CreationTime"},
            name_member="ModelName",
        )

    @handles(Service.SAGEMAKER, "DeleteModel")
    def delete_model(self, request: dict[str, Any]) -> dict[str, Any]:
        name = request["ModelName"]
        with self.store.write() as db:
            if db.execute("DELETE FROM models WHERE name = ?", (name,)).rowcount == 0:
                raise ValidationException(f'Could not find model "{self.model_arn(name)}".')
            self.sim.tags.drop(db, self.model_arn(name))
        return {}

    # -- model package groups -----------------------------------------------------------------------------

    @handles(Service.SAGEMAKER, "CreateModelPackageGroup")
    def create_model_package_group(self, request: dict[str, Any]) -> dict[str, Any]:
        name = request["ModelPackageGroupName"]
        arn = self.arn("model-package-group", name)
        body = {k: v for k, v in request.items() if k != "Tags"}
        with self.store.write() as db:
            if db.execute("SELECT 1 FROM model_package_groups WHERE name = ?", (name,)).fetchone():
                raise ValidationException(f"Model Package Group already exists: {arn}")
            db.execute(
                "INSERT INTO model_package_groups (name, created, body) VALUES (?,?,?)",
                (name, self.clock(), documents.dumps(body)),
            )
            self.sim.tags.put(db, arn, request.get("Tags", []))
        return {"ModelPackageGroupArn": arn}

    def _group_row(self, name: str) -> Any:
        return self.store.read().execute("SELECT * FROM model_package_groups WHERE name = ?", (name,)).fetchone()

    @handles(Service.SAGEMAKER, "DescribeModelPackageGroup")
    def describe_model_package_group(self, request: dict[str, Any]) -> dict[str, Any]:
        name = request["ModelPackageGroupName"]
        row = self._group_row(name)
        if row is None:
            raise ValidationException(f"ModelPackageGroup {name} does not exist.")
        body: dict[str, Any] = documents.loads(row["body"])
        body.update(
            ModelPackageGroupName=row["name"],
            ModelPackageGroupArn=self.arn("model-package-group", row["name"]),
            CreationTime=to_datetime(row["created"]),
            CreatedBy={},
            ModelPackageGroupStatus="Completed",
        )
        return body

    @handles(Service.SAGEMAKER, "ListModelPackageGroups")
    def list_model_package_groups(self, request: dict[str, Any]) -> dict[str, Any]:
        rows = self.store.read().execute("SELECT * FROM model_package_groups").fetchall()
        items = []
        for row in rows:
            item = {
                "ModelPackageGroupName": row["name"],
                "ModelPackageGroupArn": self.arn("model-package-group", row["name"]),
                "CreationTime": to_datetime(row["created"]),
                "ModelPackageGroupStatus": "Completed",
            }
            description = documents.loads(row["body"]).get("ModelPackageGroupDescription")
            if description:
                item["ModelPackageGroupDescription"] = description
            items.append(item)
        return listing(
            items,
            request,
            result_key="ModelPackageGroupSummaryList",
            sort_members={"Name": "ModelPackageGroupName", "CreationTime": "CreationTime"},
            name_member="ModelPackageGroupName",
        )

    @handles(Service.SAGEMAKER, "DeleteModelPackageGroup")
    def delete_model_package_group(self, request: dict[str, Any]) -> dict[str, Any]:
        name = request["ModelPackageGroupName"]
        with self.store.write() as db:
            if db.execute("SELECT 1 FROM model_packages WHERE group_name = ?", (name,)).fetchone():
                raise ConflictException(f"Model Package Group {name} has model packages; delete them first.")
            if db.execute("DELETE FROM model_package_groups WHERE name = ?", (name,)).rowcount == 0:
                raise ValidationException(f"ModelPackageGroup {name} does not exist.")
            self.sim.tags.drop(db, self.arn("model-package-group", name))
        return {}

    # -- model packages -------------------------------------------------------------------------------------

    def package_arn(self, key: str) -> str:
        return self.arn("model-package", key)

    def package_key(self, reference: str) -> str:
        """A package's store key from its name or ARN (`GROUP/VERSION` for a versioned package)."""
        match = PACKAGE_ARN.match(reference)
        if match:
            return match["name"] + (f"/{match['version']}" if match["version"] else "")
        return reference

    def _package_row(self, reference: str) -> Any:
        key = self.package_key(reference)
        return self.store.read().execute("SELECT * FROM model_packages WHERE name = ?", (key,)).fetchone()

    def package_missing(self, reference: str) -> ValidationException:
        """The service's refusal of a package that does not exist, by its ARN (published, from
        DescribeModelPackage: "ModelPackage arn:aws:sagemaker:...:model-package/NAME does not exist.")."""
        return ValidationException(f"ModelPackage {self.package_arn(self.package_key(reference))} does not exist.")

    def require_package(self, reference: str) -> None:
        if self._package_row(reference) is None:
            raise self.package_missing(reference)

    def package_body(self, reference: str) -> dict[str, Any] | None:
        """The package as it was created and since updated, or None where there is none."""
        row = self._package_row(reference)
        return None if row is None else dict(documents.loads(row["body"]))

    @handles(Service.SAGEMAKER, "CreateModelPackage")
    def create_model_package(self, request: dict[str, Any]) -> dict[str, Any]:
        group = request.get("ModelPackageGroupName")
        name = request.get("ModelPackageName")
        if bool(group) == bool(name):
            raise ValidationException("Specify exactly one of ModelPackageName and ModelPackageGroupName.")
        body = {k: v for k, v in request.items() if k not in ("Tags", "ClientToken")}
        body.setdefault("ModelApprovalStatus", "PendingManualApproval" if group else None)
        if body["ModelApprovalStatus"] is None:
            del body["ModelApprovalStatus"]
        with self.store.write() as db:
            if group:
                group = self._resolve_group(group)
                if db.execute("SELECT 1 FROM model_package_groups WHERE name = ?", (group,)).fetchone() is None:
                    raise ValidationException(f"Model Package Group {group} does not exist.")
                latest = db.execute("SELECT MAX(version) FROM model_packages WHERE group_name = ?", (group,)).fetchone()
                version = int(latest[0] or 0) + 1
                key = f"{group}/{version}"
                body["ModelPackageGroupName"] = group
            else:
                assert name is not None
                version, key = None, name
                if db.execute("SELECT 1 FROM model_packages WHERE name = ?", (key,)).fetchone():
                    raise ValidationException(f"Model Package already exists: {self.package_arn(key)}")
            db.execute(
                "INSERT INTO model_packages (name, group_name, version, created, body) VALUES (?,?,?,?,?)",
                (key, group, version, self.clock(), documents.dumps(body)),
            )
            self.sim.tags.put(db, self.package_arn(key), request.get("Tags", []))
        return {"ModelPackageArn": self.package_arn(key)}

    def _resolve_group(self, reference: str) -> str:
        return reference.rsplit("/", 1)[-1] if reference.startswith("arn:") else reference

    @handles(Service.SAGEMAKER, "DescribeModelPackage")
    def describe_model_package(self, request: dict[str, Any]) -> dict[str, Any]:
        reference = request["ModelPackageName"]
        row = self._package_row(reference)
        if row is None:
            raise self.package_missing(reference)
        body: dict[str, Any] = documents.loads(row["body"])
        body.update(
            ModelPackageName=row["group_name"] or row["name"],
            ModelPackageArn=self.package_arn(row["name"]),
            CreationTime=to_datetime(row["created"]),
            ModelPackageStatus="Completed",
            ModelPackageStatusDetails={"ValidationStatuses": [], "ImageScanStatuses": []},
        )
        if "LastModifiedTime" in body:  # set by UpdateModelPackage
            body["LastModifiedTime"] = to_datetime(body["LastModifiedTime"])
        if row["version"] is not None:
            body["ModelPackageVersion"] = row["version"]
        return body

    @handles(Service.SAGEMAKER, "ListModelPackages")
    def list_model_packages(self, request: dict[str, Any]) -> dict[str, Any]:
        rows = self.store.read().execute("SELECT * FROM model_packages").fetchall()
        items = []
        for row in rows:
            body = documents.loads(row["body"])
            if "ModelPackageGroupName" in request and row["group_name"] != self._resolve_group(
                request["ModelPackageGroupName"]
            ):
                continue
            if "ModelApprovalStatus" in request and body.get("ModelApprovalStatus") != request["ModelApprovalStatus"]:
                continue
            kind = "Versioned" if row["version"] is not None else "Unversioned"
            if request.get("ModelPackageType", "Both") not in ("Both", kind):
                continue
            item: dict[str, Any] = {
                "ModelPackageName": row["group_name"] or row["name"],
                "ModelPackageArn": self.package_arn(row["name"]),
                "CreationTime": to_datetime(row["created"]),
                "ModelPackageStatus": "Completed",
            }
            if row["version"] is not None:
                item.update(ModelPackageGroupName=row["group_name"], ModelPackageVersion=row["version"])
            if "ModelApprovalStatus" in body:
                item["ModelApprovalStatus"] = body["ModelApprovalStatus"]
            items.append(item)
        return listing(
            items,
            request,
            result_key="ModelPackageSummaryList",
            sort_members={"Name": "ModelPackageName", "CreationTime": "CreationTime"},
            name_member="ModelPackageName",
        )

    @handles(Service.SAGEMAKER, "DeleteModelPackage")
    def delete_model_package(self, request: dict[str, Any]) -> dict[str, Any]:
        reference = request["ModelPackageName"]
        key = self.package_key(reference)
        with self.store.write() as db:
            if db.execute("DELETE FROM model_packages WHERE name = ?", (key,)).rowcount == 0:
                raise self.package_missing(reference)
            self.sim.tags.drop(db, self.package_arn(key))
        return {}
