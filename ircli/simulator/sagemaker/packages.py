"""What a model package says about its model, and its updates: the container description a job on a
package benchmarks (as a ContainerConfig would give it), and UpdateModelPackage (approval, metadata,
inference specifications).

A job given only `ModelPackageVersionArn` takes, from the package's first inference container, Framework,
FrameworkVersion and NearestModelName; from the package, Domain, Task, SamplePayloadUrl and the supported
content and response types; and its SupportedRealtimeInferenceInstanceTypes as the Default job's
candidates. A ContainerConfig given with the package overrides the members it names (API reference,
RecommendationJobContainerConfig: "The fields specified in ContainerConfig override the corresponding
fields in the model package").
"""

from __future__ import annotations

import copy
from typing import Any

from ircli.operations import Service
from ircli.simulator import documents
from ircli.simulator.exceptions import ValidationException
from ircli.simulator.resource import Resource, handles

# Members of the package's first container that a ContainerConfig names the same way.
CONTAINER_MEMBERS = ("Framework", "FrameworkVersion", "NearestModelName")
# UpdateModelPackage members that replace the package's own.
REPLACED = (
    "ModelApprovalStatus",
    "ApprovalDescription",
    "InferenceSpecification",
    "SourceUri",
    "ModelLifeCycle",
    "ModelPackageRegistrationType",
)
MAX_CUSTOMER_METADATA = 50  # CustomerMetadataMap's documented maximum
MAX_ADDITIONAL_SPECIFICATIONS = 15


def container_config(package: dict[str, Any]) -> dict[str, Any]:
    """The ContainerConfig a package amounts to (only the members it states)."""
    specification = package.get("InferenceSpecification") or {}
    containers = specification.get("Containers") or [{}]
    first = containers[0]
    config: dict[str, Any] = {k: first[k] for k in CONTAINER_MEMBERS if first.get(k)}
    config.update({k: package[k] for k in ("Domain", "Task") if package.get(k)})
    payload: dict[str, Any] = {}
    if package.get("SamplePayloadUrl"):
        payload["SamplePayloadUrl"] = package["SamplePayloadUrl"]
    if specification.get("SupportedContentTypes"):
        payload["SupportedContentTypes"] = list(specification["SupportedContentTypes"])
    if payload:
        config["PayloadConfig"] = payload
    if specification.get("SupportedRealtimeInferenceInstanceTypes"):
        config["SupportedInstanceTypes"] = list(specification["SupportedRealtimeInferenceInstanceTypes"])
    if specification.get("SupportedResponseMIMETypes"):
        config["SupportedResponseMIMETypes"] = list(specification["SupportedResponseMIMETypes"])
    data_input = (first.get("ModelInput") or {}).get("DataInputConfig")
    if data_input:
        config["DataInputConfig"] = data_input
    return config


def with_package(request: dict[str, Any], package: dict[str, Any]) -> dict[str, Any]:
    """The job request as the plan sees it: the package's container description under the request's own
    ContainerConfig (which overrides what it names). The request itself is not changed."""
    planned = copy.deepcopy(request)
    config = planned["InputConfig"]
    merged = container_config(package)
    given = config.get("ContainerConfig") or {}
    if "PayloadConfig" in given and "PayloadConfig" in merged:
        given = {**given, "PayloadConfig": {**merged["PayloadConfig"], **given["PayloadConfig"]}}
    merged.update(given)
    config["ContainerConfig"] = merged
    return planned


class PackageUpdates(Resource):
    """UpdateModelPackage over the model registry's store."""

    @handles(Service.SAGEMAKER, "UpdateModelPackage")
    def update_model_package(self, request: dict[str, Any]) -> dict[str, Any]:
        reference = request["ModelPackageArn"]
        key = self.sim.models.package_key(reference)
        with self.store.write() as db:
            row = db.execute("SELECT body FROM model_packages WHERE name = ?", (key,)).fetchone()
            if row is None:
                raise self.sim.models.package_missing(reference)
            body = self._updated(documents.loads(row["body"]), request)
            db.execute("UPDATE model_packages SET body = ? WHERE name = ?", (documents.dumps(body), key))
        return {"ModelPackageArn": self.sim.models.package_arn(key)}

    def _updated(self, body: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
        for member in REPLACED:
            if member in request:
                body[member] = request[member]
        if "ModelCard" in request:  # the SDK sends the status alone to change it, keeping the content
            body["ModelCard"] = {**(body.get("ModelCard") or {}), **request["ModelCard"]}
        metadata = dict(body.get("CustomerMetadataProperties") or {})
        metadata.update(request.get("CustomerMetadataProperties") or {})
        for name in request.get("CustomerMetadataPropertiesToRemove") or []:
            metadata.pop(name, None)
        if len(metadata) > MAX_CUSTOMER_METADATA:
            raise ValidationException(
                f"CustomerMetadataProperties would hold {len(metadata)} entries; at most {MAX_CUSTOMER_METADATA}."
            )
        body.pop("CustomerMetadataProperties", None)
        if metadata:
            body["CustomerMetadataProperties"] = metadata
        specifications = self._specifications(body, request)
        body.pop("AdditionalInferenceSpecifications", None)
        if specifications:
            body["AdditionalInferenceSpecifications"] = specifications
        body["LastModifiedTime"] = self.clock()
        return body

    @staticmethod
    def _specifications(body: dict[str, Any], request: dict[str, Any]) -> list[dict[str, Any]]:
        specifications = list(body.get("AdditionalInferenceSpecifications") or [])
        names = {s["Name"] for s in specifications}
        for added in request.get("AdditionalInferenceSpecificationsToAdd") or []:
            if added["Name"] in names:
                raise ValidationException(
                    f"An additional inference specification named {added['Name']} already exists in the model package."
                )
            names.add(added["Name"])
            specifications.append(added)
        if len(specifications) > MAX_ADDITIONAL_SPECIFICATIONS:
            raise ValidationException(
                f"A model package holds at most {MAX_ADDITIONAL_SPECIFICATIONS} additional inference specifications."
            )
        return specifications
