"""ListModelMetadata: the catalog of the model-zoo models Inference Recommender has benchmarked (the
values a ContainerConfig's or a package container's NearestModelName may take), each with its Domain,
Framework, FrameworkVersion and Task.

The model names are the documented NearestModelName values (API reference, RecommendationJobContainerConfig);
the domain and task of each follow from what the model is, its framework from where the model comes from
(Keras and Gluon models from TensorFlow and MXNet, the rest as their reference implementations ship); the
framework versions are the simulator's, as the service does not publish its catalog. Filters match
exactly (the API: "Filter names and values are case-sensitive") and all must hold.
"""

from __future__ import annotations

from typing import Any

from ircli.operations import Service
from ircli.simulator.common import decode_offset_token, encode_offset_token
from ircli.simulator.resource import Resource, handles

CV, NLP, ML = "COMPUTER_VISION", "NATURAL_LANGUAGE_PROCESSING", "MACHINE_LEARNING"
# (Model, Domain, Framework, FrameworkVersion, Task)
CATALOG: tuple[tuple[str, str, str, str, str], ...] = (
    ("bert-base-cased", NLP, "PYTORCH", "1.6.0", "FILL_MASK"),
    ("bert-base-cased", NLP, "TENSORFLOW", "2.4.1", "FILL_MASK"),
    ("densenet201", CV, "PYTORCH", "1.6.0", "IMAGE_CLASSIFICATION"),
    ("densenet201-gluon", CV, "MXNET", "1.8.0", "IMAGE_CLASSIFICATION"),
    ("efficientnetb7", CV, "TENSORFLOW", "2.4.1", "IMAGE_CLASSIFICATION"),
    ("faster-rcnn-resnet101", CV, "TENSORFLOW", "1.15.4", "OBJECT_DETECTION"),
    ("inception-v3", CV, "PYTORCH", "1.6.0", "IMAGE_CLASSIFICATION"),
    ("inception-v3", CV, "TENSORFLOW", "2.4.1", "IMAGE_CLASSIFICATION"),
    ("mask-rcnn", CV, "TENSORFLOW", "1.15.4", "IMAGE_SEGMENTATION"),
    ("nasnetlarge", CV, "TENSORFLOW", "2.4.1", "IMAGE_CLASSIFICATION"),
    ("resnet152", CV, "PYTORCH", "1.6.0", "IMAGE_CLASSIFICATION"),
    ("resnet18v2-gluon", CV, "MXNET", "1.8.0", "IMAGE_CLASSIFICATION"),
    ("resnet50", CV, "PYTORCH", "1.6.0", "IMAGE_CLASSIFICATION"),
    ("resnet50", CV, "TENSORFLOW", "2.4.1", "IMAGE_CLASSIFICATION"),
    ("retinanet", CV, "PYTORCH", "1.6.0", "OBJECT_DETECTION"),
    ("sagemaker-scikit-learn", ML, "SAGEMAKER-SCIKIT-LEARN", "0.23-1", "CLASSIFICATION"),
    ("sagemaker-scikit-learn", ML, "SAGEMAKER-SCIKIT-LEARN", "0.23-1", "REGRESSION"),
    ("unet", CV, "PYTORCH", "1.6.0", "IMAGE_SEGMENTATION"),
    ("vgg16", CV, "PYTORCH", "1.6.0", "IMAGE_CLASSIFICATION"),
    ("vgg16", CV, "TENSORFLOW", "2.4.1", "IMAGE_CLASSIFICATION"),
    ("xception", CV, "TENSORFLOW", "2.4.1", "IMAGE_CLASSIFICATION"),
    ("xceptionV1-keras", CV, "TENSORFLOW", "2.4.1", "IMAGE_CLASSIFICATION"),
    ("xgboost", ML, "XGBOOST", "1.5-1", "CLASSIFICATION"),
    ("xgboost", ML, "XGBOOST", "1.5-1", "REGRESSION"),
    ("yolov4", CV, "TENSORFLOW", "2.4.1", "OBJECT_DETECTION"),
)
DEFAULT_PAGE = 100  # the API states no default; the SDKs' other listings use 100 at most


def summaries() -> list[dict[str, str]]:
    return [
        {"Domain": domain, "Framework": framework, "Task": task, "Model": model, "FrameworkVersion": version}
        for model, domain, framework, version, task in CATALOG
    ]


class ModelMetadata(Resource):
    """The catalog is the same in every account and region: nothing of it is stored."""

    @handles(Service.SAGEMAKER, "ListModelMetadata")
    def list_model_metadata(self, request: dict[str, Any]) -> dict[str, Any]:
        filters = (request.get("SearchExpression") or {}).get("Filters") or []
        items = [item for item in summaries() if all(item[f["Name"]] == f["Value"] for f in filters)]
        context = "metadata:" + "&".join(f"{f['Name']}={f['Value']}" for f in filters)
        offset = decode_offset_token(request["NextToken"], context) if request.get("NextToken") else 0
        size = request.get("MaxResults") or DEFAULT_PAGE
        answer: dict[str, Any] = {"ModelMetadataSummaries": items[offset : offset + size]}
        if offset + size < len(items):
            answer["NextToken"] = encode_offset_token(offset + size, context)
        return answer
