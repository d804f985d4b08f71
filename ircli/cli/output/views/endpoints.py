"""Views of endpoints and endpoint configurations: status, variants, current and desired capacity."""

from __future__ import annotations

from typing import Any

from ircli.cli.output.cells import fmt_plain, fmt_time
from ircli.cli.output.model import Column, TableData


def endpoint_tables(data: dict[str, Any]) -> list[TableData]:
    header = TableData(
        "",
        [Column("Field", style="bold"), Column("Value")],
        [
            ["Endpoint", str(data.get("EndpointName", ""))],
            ["Status", str(data.get("EndpointStatus", ""))],
            ["Config", str(data.get("EndpointConfigName", ""))],
            ["Created", fmt_time(data.get("CreationTime"))],
            ["Modified", fmt_time(data.get("LastModifiedTime"))],
        ],
    )
    rows = []
    shadows = {v.get("VariantName") for v in data.get("ShadowProductionVariants", [])}
    for variant in [*data.get("ProductionVariants", []), *data.get("ShadowProductionVariants", [])]:
        current = variant.get("CurrentServerlessConfig")
        desired = variant.get("DesiredServerlessConfig")
        if current or desired:
            capacity = _serverless_text(current) + (
                f" -> {_serverless_text(desired)}" if desired and desired != current else ""
            )
        else:
            now, want = variant.get("CurrentInstanceCount"), variant.get("DesiredInstanceCount")
            capacity = f"{fmt_plain(now)} instance(s)" + (f" -> {fmt_plain(want)}" if want != now else "")
        weight = variant.get("CurrentWeight", variant.get("DesiredWeight"))
        name = str(variant.get("VariantName", "")) + (" (shadow)" if variant.get("VariantName") in shadows else "")
        rows.append([name, capacity, fmt_plain(weight, missing="")])
    variants = TableData(
        "Variants", [Column("Variant", style="bold"), Column("Capacity"), Column("Weight", "right")], rows
    )
    return [header, variants]


def _serverless_text(config: dict[str, Any] | None) -> str:
    if not config:
        return "-"
    text = f"{config.get('MemorySizeInMB')} MB, max concurrency {config.get('MaxConcurrency')}"
    if "ProvisionedConcurrency" in config:
        text += f", provisioned {config['ProvisionedConcurrency']}"
    return text


def endpoint_config_tables(data: dict[str, Any]) -> list[TableData]:
    rows = []
    shadows = {v.get("VariantName") for v in data.get("ShadowProductionVariants", [])}
    for variant in [*data.get("ProductionVariants", []), *data.get("ShadowProductionVariants", [])]:
        capacity = (
            _serverless_text(variant["ServerlessConfig"])
            if "ServerlessConfig" in variant
            else (f"{variant.get('InstanceType')} x{fmt_plain(variant.get('InitialInstanceCount'))}")
        )
        name = str(variant.get("VariantName", "")) + (" (shadow)" if variant.get("VariantName") in shadows else "")
        rows.append([name, str(variant.get("ModelName", "")), capacity])
    return [
        TableData(
            "",
            [Column("Field", style="bold"), Column("Value")],
            [
                ["Endpoint config", str(data.get("EndpointConfigName", ""))],
                ["ARN", str(data.get("EndpointConfigArn", ""))],
                ["Created", fmt_time(data.get("CreationTime"))],
            ],
        ),
        TableData("Production variants", [Column("Variant", style="bold"), Column("Model"), Column("Capacity")], rows),
    ]
