"""The bundled schemas: generated from botocore's model, unchanged by regeneration, valid draft 2020-12."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import regex
from ircli.schemas import load_schema
from jsonschema import Draft202012Validator, FormatChecker

from ircli.operations import OPERATIONS
from tools import generate_schemas as generate

SCHEMA_DIR = generate.SCHEMA_DIR


def test_regenerating_changes_nothing() -> None:
    files = generate.generate_all()
    committed = {p.relative_to(SCHEMA_DIR).as_posix() for p in SCHEMA_DIR.rglob("*.json")}
    assert committed == set(files)
    drifted = [name for name, text in files.items() if (SCHEMA_DIR / name).read_text("utf-8") != text]
    assert drifted == []


def test_check_mode_reports_drift(tmp_path: Path) -> None:
    assert generate.main(["--out", str(tmp_path)]) == 0
    assert generate.main(["--check", "--out", str(tmp_path)]) == 0
    (tmp_path / "sagemaker" / "CreateEndpoint.request.json").write_text("{}\n")
    assert generate.main(["--check", "--out", str(tmp_path)]) == 1
    (tmp_path / "sagemaker" / "CreateEndpoint.request.json").unlink()
    assert generate.main(["--check", "--out", str(tmp_path)]) == 1  # missing
    assert generate.main(["--out", str(tmp_path)]) == 0
    (tmp_path / "CreateEndpoint.request.json").write_text("{}\n")  # the old flat layout is stale
    assert generate.main(["--check", "--out", str(tmp_path)]) == 1


@pytest.mark.parametrize("operation", list(OPERATIONS))
@pytest.mark.parametrize("kind", ["request", "response"])
def test_schema_is_valid_draft_2020_12(operation: str, kind: str) -> None:
    schema = load_schema(operation, kind)  # type: ignore[arg-type]
    # ECMA-262 patterns may use \p{L}; Python's `re` cannot compile them, the `regex` module can.
    checker = FormatChecker(formats=())
    checker.checks("regex", raises=regex.error)(regex.compile)
    Draft202012Validator.check_schema(schema, format_checker=checker)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_constraints_from_the_model_are_carried() -> None:
    schema = load_schema("CreateInferenceRecommendationsJob", "request")
    defs = schema["$defs"]
    assert set(schema["required"]) == {"JobName", "JobType", "RoleArn", "InputConfig"}
    assert schema["additionalProperties"] is False
    assert defs["RecommendationJobName"]["pattern"] == "^(?:[a-zA-Z0-9](-*[a-zA-Z0-9]){0,63})$"
    assert defs["RecommendationJobName"]["maxLength"] == 64
    assert defs["RecommendationJobType"]["enum"] == ["Default", "Advanced"]
    assert defs["EndpointInputConfigurations"]["minItems"] == 1
    assert defs["EndpointInputConfigurations"]["maxItems"] == 10
    assert defs["ServerlessMemorySizeInMB"]["minimum"] == 1024
    assert "ml.c5d.xlarge" in defs["ProductionVariantInstanceType"]["enum"]
    assert "description" in schema["properties"]["JobName"]
    assert "<" not in json.dumps(schema["properties"]["JobName"]["description"])


def test_response_floats_accept_the_services_nan_strings() -> None:
    defs = load_schema("DescribeInferenceRecommendationsJob", "response")["$defs"]
    assert {"enum": ["NaN", "Infinity", "-Infinity"]} in defs["UtilizationMetric"]["anyOf"]


def test_schemas_ship_inside_the_package() -> None:
    import importlib.resources

    names = {p.name for p in importlib.resources.files("ircli.schemas").joinpath("sagemaker").iterdir()}
    assert "CreateInferenceRecommendationsJob.request.json" in names
