"""A generative-AI workload configuration's `WorkloadSpec.Inline` document: what it may hold, read once for
ircli's local validation (`rules`) and for the simulator, which refuses what the service refuses.

The developer guide (generative-ai-inference-recommendations-workload-config, -concurrency-search) documents
the document: `benchmark: {type: aiperf}` (AIPerf is the only benchmark tool) and `parameters`, AIPerf's
options by their snake_case names: the token distributions (`prompt_input_tokens_mean`/`_stddev`,
`output_tokens_mean`/`_stddev`), the load (`concurrency`, one level or a list of levels; `request_count`;
`request_rate`), `streaming`, `tokenizer`, `input_file`, and the SLA thresholds of a max-concurrency search
(`ttft_sla_ms` and `tpot_sla_ms`, which need streaming; `e2e_sla_ms`; `error_rate_sla`; `search_stat`).
Unknown keys and parameter names are refused. The service publishes no upper bounds: the ones below are
ircli's, stated as such (AIPerf itself needs positive counts and token means).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ircli.errors import Violation

GUIDE = "generative-AI workload configuration guide"
SPEC_PATH: tuple[str | int, ...] = ("AIWorkloadConfigs", "WorkloadSpec", "Inline")
BENCHMARK_TYPES = ("aiperf",)
TOP_LEVEL = ("benchmark", "parameters")
SEARCH_STATS = ("avg", "p50", "p90", "p95", "p99")
STREAMING_SLAS = ("ttft_sla_ms", "tpot_sla_ms")


@dataclass(frozen=True)
class Parameter:
    kind: str  # "int", "number", "bool", "text", "levels" (an int or a list of ints)
    low: float | None = None
    high: float | None = None


# name -> what it takes. Lower bounds are AIPerf's (a count or a mean of tokens is positive); upper bounds
# are ircli's (the largest context a catalogued model serves, 131,072 tokens; 1,024 concurrent users).
PARAMETERS: dict[str, Parameter] = {
    "prompt_input_tokens_mean": Parameter("int", 1, 131_072),
    "prompt_input_tokens_stddev": Parameter("int", 0, 65_536),
    "output_tokens_mean": Parameter("int", 1, 32_768),
    "output_tokens_stddev": Parameter("int", 0, 16_384),
    "concurrency": Parameter("levels", 1, 1_024),
    "request_count": Parameter("int", 1, 100_000),
    "request_rate": Parameter("number", 0.001, 10_000),
    "streaming": Parameter("bool"),
    "tokenizer": Parameter("text"),
    "input_file": Parameter("text"),
    "ttft_sla_ms": Parameter("number", 0.001, 3_600_000),
    "tpot_sla_ms": Parameter("number", 0.001, 3_600_000),
    "e2e_sla_ms": Parameter("number", 0.001, 3_600_000),
    "error_rate_sla": Parameter("number", 0, 1),
    "search_stat": Parameter("text"),
}
# What the service assumes where the document is silent (the guide's example gives only the token means;
# AIPerf's defaults: concurrency 1, streaming off; ircli's: 100 requests).
DEFAULTS: dict[str, Any] = {
    "prompt_input_tokens_mean": 550,
    "prompt_input_tokens_stddev": 0,
    "output_tokens_mean": 150,
    "output_tokens_stddev": 0,
    "concurrency": 1,
    "request_count": 100,
    "streaming": False,
}


class SpecError(ValueError):
    """The document is not JSON or YAML, or not a mapping."""


def parse(text: str) -> dict[str, Any]:
    """The document as data: JSON, else YAML (the guide allows both)."""
    try:
        document = json.loads(text)
    except ValueError:
        import yaml  # only a YAML document needs it

        try:
            document = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise SpecError(f"is neither JSON nor YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(document, dict):
        raise SpecError("must be a JSON or YAML object with 'benchmark' and 'parameters'")
    return document


def _violation(where: tuple[str | int, ...], message: str, rule: str, value: Any = None) -> Violation:
    path = SPEC_PATH + where
    return Violation(path=path, message=f"{message} ({GUIDE})", rule=rule, value=value, service_constraint=message)


def violations(text: Any) -> Iterator[Violation]:
    """Everything the service refuses in an inline workload document."""
    if not isinstance(text, str):
        return
    try:
        document = parse(text)
    except SpecError as exc:
        yield _violation((), f"the workload spec {exc}", "format")
        return
    for key in document:
        if key not in TOP_LEVEL:
            yield _violation((str(key),), f"unknown key {key!r}: the spec takes {', '.join(TOP_LEVEL)}", "unknownKey")
    yield from _benchmark(document.get("benchmark"))
    parameters = document.get("parameters", {})
    if not isinstance(parameters, dict):
        yield _violation(("parameters",), "'parameters' must be a mapping of AIPerf parameters", "type")
        return
    for name, value in parameters.items():
        yield from _parameter(str(name), value)
    if not parameters.get("streaming"):
        for name in STREAMING_SLAS:
            if name in parameters:
                yield _violation(("parameters", name), f"{name} requires streaming: true", "dependentRequired")


def _benchmark(benchmark: Any) -> Iterator[Violation]:
    if not isinstance(benchmark, dict) or "type" not in benchmark:
        yield _violation(("benchmark",), "'benchmark' with a 'type' (aiperf) is required", "required")
        return
    for key in benchmark:
        if key != "type":
            yield _violation(("benchmark", str(key)), f"unknown key {key!r} in 'benchmark'", "unknownKey")
    kind = benchmark["type"]
    if kind not in BENCHMARK_TYPES:
        yield _violation(("benchmark", "type"), f"benchmark type {kind!r} is not supported: use aiperf", "enum", kind)


def _parameter(name: str, value: Any) -> Iterator[Violation]:
    spec = PARAMETERS.get(name)
    where = ("parameters", name)
    if spec is None:
        import difflib

        close = difflib.get_close_matches(name, list(PARAMETERS), n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        yield _violation(where, f"unknown parameter {name!r}{hint}", "unknownKey", name)
        return
    if spec.kind == "bool":
        if not isinstance(value, bool):
            yield _violation(where, f"{name} must be true or false", "type", value)
        return
    if spec.kind == "text":
        if not isinstance(value, str) or not value:
            yield _violation(where, f"{name} must be a non-empty string", "type", value)
        elif name == "search_stat" and value not in SEARCH_STATS:
            yield _violation(where, f"search_stat {value!r} is not one of {', '.join(SEARCH_STATS)}", "enum", value)
        return
    values = value if spec.kind == "levels" and isinstance(value, list) and value else [value]
    for item in values:
        yield from _number(name, where, item, spec)


def _number(name: str, where: tuple[str | int, ...], value: Any, spec: Parameter) -> Iterator[Violation]:
    integral = spec.kind in ("int", "levels")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (integral and not isinstance(value, int)):
        yield _violation(where, f"{name} must be {'an integer' if integral else 'a number'}", "type", value)
        return
    if spec.low is not None and value < spec.low:
        yield _violation(where, f"{name} {value} is less than the minimum of {spec.low:g}", "minimum", value)
    elif spec.high is not None and value > spec.high:
        yield _violation(where, f"{name} {value} is greater than the maximum of {spec.high:g}", "maximum", value)


@dataclass(frozen=True)
class Workload:
    """What a workload asks of the endpoint, with the defaults filled in."""

    input_mean: int
    input_stddev: int
    output_mean: int
    output_stddev: int
    concurrency: tuple[int, ...]
    request_count: int
    streaming: bool
    request_rate: float | None
    slas: dict[str, float]


def workload(text: str | None) -> Workload:
    """The workload of a valid document (None: a dataset-only configuration, read with the defaults)."""
    parameters = {**DEFAULTS, **(parse(text).get("parameters") or {} if text else {})}
    levels = parameters["concurrency"]
    return Workload(
        input_mean=int(parameters["prompt_input_tokens_mean"]),
        input_stddev=int(parameters["prompt_input_tokens_stddev"]),
        output_mean=int(parameters["output_tokens_mean"]),
        output_stddev=int(parameters["output_tokens_stddev"]),
        concurrency=tuple(int(v) for v in (levels if isinstance(levels, list) else [levels])),
        request_count=int(parameters["request_count"]),
        streaming=bool(parameters["streaming"]),
        request_rate=float(parameters["request_rate"]) if "request_rate" in parameters else None,
        slas={k: float(parameters[k]) for k in ("ttft_sla_ms", "tpot_sla_ms", "e2e_sla_ms") if k in parameters},
    )
