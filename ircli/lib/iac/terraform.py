"""A deployment as Terraform (HCL) for the AWS provider: the names and the role as variables (defaults from
the job), aws_sagemaker_model, aws_sagemaker_endpoint_configuration, aws_sagemaker_endpoint and, with
scaling, aws_appautoscaling_target and aws_appautoscaling_policy. The HCL writer is small: blocks,
attributes, string maps and references; every string is a quoted template with `${` and `%{` escaped."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ircli.lib.iac import INSTANCE_DIMENSION, Deployment, Scaling


@dataclass(frozen=True)
class Ref:
    """An expression written as it is (a reference such as `var.endpoint_name`, or a built template)."""

    text: str


Value = str | int | float | bool | Ref | dict[str, str]


@dataclass
class Block:
    kind: str
    labels: tuple[str, ...] = ()
    attributes: list[tuple[str, Value]] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)


def quoted(text: str) -> str:
    """An HCL quoted string whose value is `text`: backslashes, quotes and control characters escaped, and
    the template sequences `${` and `%{` doubled so that they stay literal."""
    out = []
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out).replace("${", "$${").replace("%{", "%%{") + '"'


def number(value: float) -> str:
    if not math.isfinite(value):
        raise ValueError(f"HCL has no number for {value!r}")
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _value(value: Value, indent: str) -> str:
    if isinstance(value, Ref):
        return value.text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return number(value)
    if isinstance(value, str):
        return quoted(value)
    if not value:
        return "{}"
    width = max(len(quoted(k)) for k in value)
    lines = [f"{indent}  {quoted(k).ljust(width)} = {quoted(v)}" for k, v in value.items()]
    return "{\n" + "\n".join(lines) + f"\n{indent}}}"


def write(block: Block, indent: str = "") -> str:
    """A block in `terraform fmt`'s layout: attributes first, `=` aligned, then nested blocks."""
    header = " ".join([block.kind, *(quoted(label) for label in block.labels)])
    lines = [f"{indent}{header} {{"]
    width = max((len(name) for name, _ in block.attributes), default=0)
    inner = indent + "  "
    for name, value in block.attributes:
        lines.append(f"{inner}{name.ljust(width)} = {_value(value, inner)}")
    for child in block.blocks:
        if block.attributes or child is not block.blocks[0]:
            lines.append("")
        lines.append(write(child, inner))
    lines.append(f"{indent}}}")
    return "\n".join(lines)


def _variable(name: str, default: str, description: str) -> Block:
    return Block("variable", (name,), [("description", description), ("type", Ref("string")), ("default", default)])


def _model(deployment: Deployment) -> Block:
    found = deployment.container
    container: list[tuple[str, Value]] = []
    if found.image:
        container.append(("image", found.image))
    if found.model_data_url:
        container.append(("model_data_url", found.model_data_url))
    if found.model_package_name:
        container.append(("model_package_name", found.model_package_name))
    if found.environment:
        container.append(("environment", dict(found.environment)))
    return Block(
        "resource",
        ("aws_sagemaker_model", "model"),
        [("name", Ref("var.model_name")), ("execution_role_arn", Ref("var.role_arn"))],
        [Block("primary_container", attributes=container)],
    )


def _endpoint_configuration(deployment: Deployment) -> Block:
    variant = deployment.variant
    attributes: list[tuple[str, Value]] = [
        ("variant_name", variant.name),
        ("model_name", Ref("aws_sagemaker_model.model.name")),
    ]
    blocks = []
    if variant.serverless is not None:
        serverless: list[tuple[str, Value]] = [
            ("memory_size_in_mb", variant.serverless.memory_size_in_mb),
            ("max_concurrency", variant.serverless.max_concurrency),
        ]
        if variant.serverless.provisioned_concurrency is not None:
            serverless.append(("provisioned_concurrency", variant.serverless.provisioned_concurrency))
        blocks.append(Block("serverless_config", attributes=serverless))
    else:
        attributes += [
            ("instance_type", str(variant.instance_type)),
            ("initial_instance_count", variant.instance_count),
            ("initial_variant_weight", 1),
        ]
    return Block(
        "resource",
        ("aws_sagemaker_endpoint_configuration", "config"),
        [("name", Ref("var.endpoint_config_name"))],
        [Block("production_variants", attributes=attributes, blocks=blocks)],
    )


def _scaling(deployment: Deployment, scaling: Scaling) -> list[Block]:
    # The literal tail goes through quoted() (without its closing quote) so a variant name stays literal.
    variant_tail = quoted(f"/variant/{deployment.variant.name}")[1:]
    resource_id = Ref('"endpoint/${aws_sagemaker_endpoint.endpoint.name}' + variant_tail)
    target = Block(
        "resource",
        ("aws_appautoscaling_target", "variant"),
        [
            ("min_capacity", scaling.min_capacity),
            ("max_capacity", scaling.max_capacity),
            ("resource_id", resource_id),
            ("scalable_dimension", INSTANCE_DIMENSION),
            ("service_namespace", "sagemaker"),
        ],
    )
    configuration: list[tuple[str, Value]] = [("target_value", scaling.target_value)]
    for name, seconds in (
        ("scale_in_cooldown", scaling.scale_in_cooldown),
        ("scale_out_cooldown", scaling.scale_out_cooldown),
    ):
        if seconds is not None:
            configuration.append((name, seconds))
    metric: list[Block] = []
    if scaling.predefined_metric:
        metric.append(
            Block("predefined_metric_specification", attributes=[("predefined_metric_type", scaling.predefined_metric)])
        )
    elif scaling.customized_metric:
        keys = {"MetricName": "metric_name", "Namespace": "namespace", "Statistic": "statistic"}
        customized: list[tuple[str, Value]] = [(keys[k], v) for k, v in scaling.customized_metric.items() if k in keys]
        metric.append(Block("customized_metric_specification", attributes=customized))
    policy = Block(
        "resource",
        ("aws_appautoscaling_policy", "invocations"),
        [
            ("name", Ref('"${var.endpoint_name}-invocations"')),
            ("policy_type", "TargetTrackingScaling"),
            ("resource_id", Ref("aws_appautoscaling_target.variant.resource_id")),
            ("scalable_dimension", Ref("aws_appautoscaling_target.variant.scalable_dimension")),
            ("service_namespace", Ref("aws_appautoscaling_target.variant.service_namespace")),
        ],
        [Block("target_tracking_scaling_policy_configuration", attributes=configuration, blocks=metric)],
    )
    return [target, policy]


def blocks(deployment: Deployment) -> list[Block]:
    result = [
        _variable("model_name", deployment.model_name, "The model to create (a new name)."),
        _variable("endpoint_config_name", deployment.endpoint_config_name, "The endpoint configuration."),
        _variable("endpoint_name", deployment.endpoint_name, "The endpoint."),
        _variable("role_arn", deployment.role_arn, "The role SageMaker assumes to run the model."),
        _model(deployment),
        _endpoint_configuration(deployment),
        Block(
            "resource",
            ("aws_sagemaker_endpoint", "endpoint"),
            [
                ("name", Ref("var.endpoint_name")),
                ("endpoint_config_name", Ref("aws_sagemaker_endpoint_configuration.config.name")),
            ],
        ),
    ]
    if deployment.scaling is not None:
        result += _scaling(deployment, deployment.scaling)
    result.append(Block("output", ("endpoint_name",), [("value", Ref("aws_sagemaker_endpoint.endpoint.name"))]))
    return result


def render(deployment: Deployment) -> str:
    # A comment's text ends at the line's end, so the source is kept to its first line.
    source = deployment.source.splitlines()[0] if deployment.source else ""
    head = f"# A SageMaker endpoint from {source} (emitted by ircli).\n\n"
    return head + "\n\n".join(write(block) for block in blocks(deployment)) + "\n"
