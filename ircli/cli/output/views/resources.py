"""Views of models, and of endpoint and endpoint-configuration listings."""

from __future__ import annotations

from typing import Any

from ircli.cli.output.cells import fmt_time
from ircli.cli.output.model import Column, TableData


def model_tables(data: dict[str, Any]) -> list[TableData]:
    rows = [
        ["Model", str(data.get("ModelName", ""))],
        ["ARN", str(data.get("ModelArn", ""))],
        ["Role", str(data.get("ExecutionRoleArn", ""))],
        ["Created", fmt_time(data.get("CreationTime"))],
    ]
    containers = [data["PrimaryContainer"]] if data.get("PrimaryContainer") else list(data.get("Containers") or [])
    container_rows = [
        [
            str(c.get("Image", "")),
            str(c.get("ModelDataUrl", "")),
            " ".join(f"{k}={v}" for k, v in (c.get("Environment") or {}).items()),
        ]
        for c in containers
    ]
    return [
        TableData("", [Column("Field", style="bold"), Column("Value")], rows),
        TableData(
            "Containers",
            [Column("Image", priority=100), Column("Model data", priority=80), Column("Environment", priority=60)],
            container_rows,
        ),
        *instant_tables(data.get("DeploymentRecommendation")),
    ]


def instant_tables(recommendation: dict[str, Any] | None) -> list[TableData]:
    """DescribeModel's instant recommendations: their status, then each instance type with the id that
    deploys it (`Model.deploy(inference_recommendation_id=...)` in the SageMaker SDK)."""
    if not recommendation:
        return []
    status = str(recommendation.get("RecommendationStatus", ""))
    rows = [
        [
            str(r.get("InstanceType", "")),
            str(r.get("RecommendationId", "")),
            " ".join(f"{k}={v}" for k, v in (r.get("Environment") or {}).items()),
        ]
        for r in recommendation.get("RealTimeInferenceRecommendations") or []
    ]
    columns = [
        Column("Instance type", style="bold", no_wrap=True),
        Column("Recommendation ID", no_wrap=True, priority=80),
        Column("Environment", priority=40),
    ]
    return [TableData(f"Instant recommendations ({status})", columns, rows, caption=INSTANT_CAPTIONS.get(status, ""))]


INSTANT_CAPTIONS = {
    "IN_PROGRESS": "Describe the model again in a few seconds.",
    "NOT_APPLICABLE": "Nothing the model states says what it is: a Default job (ircli create-job) benchmarks it.",
    "FAILED": "No instance type can serve the model as it is described: a Default job says why.",
}


def model_metadata_tables(data: dict[str, Any]) -> list[TableData]:
    rows = [
        [
            str(m.get("Model", "")),
            str(m.get("Domain", "")),
            str(m.get("Task", "")),
            str(m.get("Framework", "")),
            str(m.get("FrameworkVersion", "")),
        ]
        for m in data.get("ModelMetadataSummaries", [])
    ]
    columns = [
        Column("Model", style="bold", no_wrap=True),
        Column("Domain", priority=60),
        Column("Task", priority=80),
        Column("Framework", no_wrap=True),
        Column("Version", no_wrap=True, priority=40),
    ]
    return [TableData("Benchmarked models (NearestModelName values)", columns, rows)]


def models_tables(data: dict[str, Any]) -> list[TableData]:
    rows = [
        [str(m.get("ModelName", "")), fmt_time(m.get("CreationTime")), str(m.get("ModelArn", ""))]
        for m in data.get("Models", [])
    ]
    columns = [Column("Model", style="bold", no_wrap=True), Column("Created", no_wrap=True), Column("ARN", priority=40)]
    return [TableData("Models", columns, rows)]


def endpoints_tables(data: dict[str, Any]) -> list[TableData]:
    rows = [
        [
            str(e.get("EndpointName", "")),
            str(e.get("EndpointStatus", "")),
            fmt_time(e.get("CreationTime")),
            fmt_time(e.get("LastModifiedTime")),
        ]
        for e in data.get("Endpoints", [])
    ]
    columns = [
        Column("Endpoint", style="bold", no_wrap=True),
        Column("Status", no_wrap=True),
        Column("Created", no_wrap=True, priority=60),
        Column("Modified", no_wrap=True, priority=50),
    ]
    return [TableData("Endpoints", columns, rows)]


def endpoint_configs_tables(data: dict[str, Any]) -> list[TableData]:
    rows = [
        [str(c.get("EndpointConfigName", "")), fmt_time(c.get("CreationTime")), str(c.get("EndpointConfigArn", ""))]
        for c in data.get("EndpointConfigs", [])
    ]
    columns = [
        Column("Endpoint config", style="bold", no_wrap=True),
        Column("Created", no_wrap=True),
        Column("ARN", priority=40),
    ]
    return [TableData("Endpoint configurations", columns, rows)]
