"""Instant recommendations: the `DeploymentRecommendation` DescribeModel returns, worked out from the
model's container and the performance model without a job.

- IN_PROGRESS for a few of the service's seconds after CreateModel (recorded: COMPLETED about a second
  later; the API reference: "retry your API call after a few seconds"), scaled by the simulation speed;
- NOT_APPLICABLE where the service cannot tell what the model is ("unable to provide a default
  recommendation for the model using the information provided"): more than one container, a multi-model
  container, or an image that is not one of SageMaker's framework images with nothing else to go on;
- FAILED where the performance model finds no instance type among the model's candidates (a package's
  supported real-time instance types, where it names them) that can serve it;
- COMPLETED otherwise, with up to three RealTimeInferenceRecommendations (the API's maximum): the
  candidates (the model's profile's, and for a deep-learning framework the accelerated types the service
  was recorded recommending) the performance model ranks cheapest per inference, each with its RecommendationId
  (`MODEL/8 characters`, the form the SDK's `deploy(inference_recommendation_id=...)` accepts), its
  InstanceType and an empty Environment (as recorded).

What the model is comes from its container: the framework from the image's repository name (e.g.
`sagemaker-xgboost`, `pytorch-inference`, `huggingface-pytorch-tgi-inference`), the kind of model from
hints in the model's name, its artifacts' S3 key and environment (e.g. HF_MODEL_ID), and for a generative
model its size from the parameter count stated there ("Llama-2-13b": only instance types with the
accelerator memory it needs); a container that names a model package takes the package's container,
Domain, Task and supported instance types.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ircli.simulator.common import short_hash

IN_PROGRESS_SECONDS = 2.0  # the service's seconds from CreateModel to COMPLETED
MAX_RECOMMENDATIONS = 3  # DeploymentRecommendation.RealTimeInferenceRecommendations holds at most 3

# The image repository's name -> the framework, first match wins (Hugging Face images name theirs).
IMAGE_FRAMEWORKS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"xgboost"), "XGBOOST"),
    (re.compile(r"scikit-learn|sklearn"), "SAGEMAKER-SCIKIT-LEARN"),
    (re.compile(r"pytorch|djl-inference|tgi|neuronx"), "PYTORCH"),
    (re.compile(r"tensorflow"), "TENSORFLOW"),
    (re.compile(r"mxnet"), "MXNET"),
)
# Images that serve large language models.
GENERATIVE_IMAGES = re.compile(r"tgi|text-generation|djl-inference|lmi|vllm")
# Words in a model's name, artifacts or environment -> (the nearest model family, Domain, Task).
HINTS: tuple[tuple[str, str, str], ...] = (
    *((w, "NATURAL_LANGUAGE_PROCESSING", "TEXT_GENERATION") for w in ("llama", "falcon", "mistral", "gpt2")),
    *((w, "NATURAL_LANGUAGE_PROCESSING", "FILL_MASK") for w in ("distilbert", "roberta", "albert", "bert")),
    *((w, "COMPUTER_VISION", "OBJECT_DETECTION") for w in ("yolo", "retinanet", "faster-rcnn")),
    *((w, "COMPUTER_VISION", "IMAGE_SEGMENTATION") for w in ("unet", "mask-rcnn")),
    *((w, "COMPUTER_VISION", "IMAGE_CLASSIFICATION") for w in ("resnet", "vgg", "efficientnet", "inception")),
    *((w, "MACHINE_LEARNING", "CLASSIFICATION") for w in ("xgboost", "sklearn", "lightgbm", "catboost")),
)
TABULAR = ("XGBOOST", "SAGEMAKER-SCIKIT-LEARN")
# A generative model too large for every one of its profile's candidates may still fit these.
LARGE_MODEL_POOL = ("ml.g6e.48xlarge", "ml.p4de.24xlarge", "ml.p5.48xlarge")
# A parameter count in a model's name: "7b", "13b", "1.5b" between separators.
PARAMETERS = re.compile(r"(?<![a-z0-9.])(\d{1,4}(?:\.\d{1,2})?)b(?![a-z0-9])")
# A deep-learning framework's image says nothing of the model's size or kind, so accelerated types join the
# pool: those the service was recorded recommending for a bare TensorFlow image (facts: instant recommendations).
DEEP_LEARNING_POOL = ("ml.g4dn.xlarge", "ml.g4dn.2xlarge", "ml.c6i.2xlarge")


def image_repository(image: str) -> str:
    """`ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME:TAG` -> NAME, lower case."""
    path = image.split("/", 1)[1] if "/" in image else image
    return re.split(r"[:@]", path, maxsplit=1)[0].lower()


def hint_text(name: str, container: dict[str, Any]) -> str:
    """What may say what the model is: its name, its artifacts' S3 key, its environment's values."""
    environment = container.get("Environment") or {}
    return " ".join([name, str(container.get("ModelDataUrl", "")), *map(str, environment.values())]).lower()


def accelerator_memory_needed(hints: str) -> float | None:
    """A generative model's accelerator memory from the parameter count its name states ("llama-2-13b"):
    fp16 weights (2 bytes a parameter), 20% more for the KV cache and activations, 1 GiB of runtime (as the
    performance model's 7B profile reckons it); None where no size is stated."""
    match = PARAMETERS.search(hints)
    if match is None:
        return None
    return float(match[1]) * 1e9 * 2 / 2**30 * 1.2 + 1.0


def describe_container(
    name: str, container: dict[str, Any], package_of: Callable[[str], dict[str, Any] | None]
) -> tuple[dict[str, Any] | None, str]:
    """The model as a ContainerConfig would describe it (Framework, NearestModelName, Domain, Task), or
    None where nothing says what it is; and the hints it was told by (`hint_text`)."""
    described: dict[str, Any] = {}
    if container.get("ModelPackageName"):
        package = package_of(container["ModelPackageName"]) or {}
        containers = (package.get("InferenceSpecification") or {}).get("Containers") or [{}]
        first = containers[0]
        described = {k: first[k] for k in ("Framework", "FrameworkVersion", "NearestModelName") if first.get(k)}
        described.update({k: package[k] for k in ("Domain", "Task") if package.get(k)})
        supported = (package.get("InferenceSpecification") or {}).get("SupportedRealtimeInferenceInstanceTypes")
        if supported:
            described["SupportedInstanceTypes"] = list(supported)
        container = {**first, **{k: v for k, v in container.items() if k != "ModelPackageName"}}
    repository = image_repository(str(container.get("Image", "")))
    framework = next((fw for pattern, fw in IMAGE_FRAMEWORKS if pattern.search(repository)), None)
    if framework:
        described.setdefault("Framework", framework)
    hints = hint_text(name, container)
    hint = next((h for h in HINTS if h[0] in hints), None)
    if GENERATIVE_IMAGES.search(repository) and "Task" not in described:
        described.update(Domain="NATURAL_LANGUAGE_PROCESSING", Task="TEXT_GENERATION")
    if hint and "NearestModelName" not in described:
        described["NearestModelName"] = hint[0]
        described.setdefault("Domain", hint[1])
        described.setdefault("Task", hint[2])
    if described.get("Framework") in TABULAR:
        described.setdefault("Domain", "MACHINE_LEARNING")
    return described or None, hints


def deployment_recommendation(
    name: str,
    model: dict[str, Any],
    *,
    age_seconds: float,
    factor: float,
    package_of: Callable[[str], dict[str, Any] | None],
) -> dict[str, Any]:
    """DescribeModel's DeploymentRecommendation for the model `name` created `age_seconds` ago."""
    if age_seconds < IN_PROGRESS_SECONDS * factor:
        return {"RecommendationStatus": "IN_PROGRESS"}
    containers = [model["PrimaryContainer"]] if model.get("PrimaryContainer") else list(model.get("Containers") or [])
    direct = (model.get("InferenceExecutionConfig") or {}).get("Mode") == "Direct"
    if len(containers) != 1 or direct or containers[0].get("Mode") == "MultiModel":
        return {"RecommendationStatus": "NOT_APPLICABLE"}
    described, hints = describe_container(name, containers[0], package_of)
    if described is None:
        return {"RecommendationStatus": "NOT_APPLICABLE"}
    needed = accelerator_memory_needed(hints) if described.get("Task") == "TEXT_GENERATION" else None
    ranked = rank(described, needed)
    if not ranked:
        return {"RecommendationStatus": "FAILED"}
    recommendations = [
        {
            "RecommendationId": f"{name}/{short_hash(name, instance_type)}",
            "InstanceType": instance_type,
            "Environment": {},
        }
        for instance_type in ranked[:MAX_RECOMMENDATIONS]
    ]
    return {"RecommendationStatus": "COMPLETED", "RealTimeInferenceRecommendations": recommendations}


def rank(described: dict[str, Any], accelerator_gib: float | None = None) -> list[str]:
    """The model's candidate instance types (its package's supported ones, where named) that can serve it,
    cheapest per inference first (then the lowest latency), as the performance model measures them at the
    load where invocations flatten."""
    from ircli.simulator.sagemaker import perf  # the performance model: only a described model needs it

    profile = perf.profile_for(described)
    pool = list(profile.candidates)
    if described.get("Framework") not in TABULAR:
        pool += [t for t in DEEP_LEARNING_POOL if t not in pool]
    if accelerator_gib is not None and all(total_accelerator_memory(t) < accelerator_gib for t in pool):
        pool += [t for t in LARGE_MODEL_POOL if t not in pool]
    measured = []
    for instance_type in described.get("SupportedInstanceTypes") or pool:
        if accelerator_gib is not None and total_accelerator_memory(instance_type) < accelerator_gib:
            continue  # the model's stated size does not fit
        result = perf.benchmark_instance(instance_type, profile, {}, perf.Conditions())
        if result.failure is None:
            measured.append((result.cost_per_inference, result.model_latency_ms, instance_type))
    return [instance_type for _, _, instance_type in sorted(measured)]


def total_accelerator_memory(instance_type: str) -> float:
    """All the instance's accelerator memory (the catalog states the total, e.g. 320 GiB for 8 A100s)."""
    from ircli.lib.catalog import instance

    accelerator = instance(instance_type).get("accelerator") or {}
    return float(accelerator.get("memory_gib") or 0.0)
