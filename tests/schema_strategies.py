"""Hypothesis strategies for documents that satisfy a bundled JSON Schema (the subset
`tools/generate_schemas.py` writes): objects with their required members and some optional ones, lists
within their item counts, strings within their lengths and patterns, numbers within their ranges.

Strings favour names a seeded simulator holds (`FAVOURITES`), so that look-ups find something as often as
they miss."""

from __future__ import annotations

from functools import cache
from typing import Any

import regex
from hypothesis import strategies as st
from ircli.schemas import load_schema

FAVOURITES = (
    "churn-xgboost",
    "resnet50",
    "job-1",
    "config-1",
    "endpoint-1",
    "AllTraffic",
    "ml.c5.xlarge",
    "endpoint/endpoint-1/variant/AllTraffic",
    "sagemaker",
    "/aws/sagemaker/InferenceRecommendationsJobs",
    "job-1/execution",
    "arn:aws:sagemaker:us-east-1:123456789012:endpoint/endpoint-1",
    "arn:aws:sagemaker:us-east-1:123456789012:model-package/bert-base/1",
    "arn:aws:iam::123456789012:role/Role",
    "s3://bucket/key",
    "a",
    "A1",
    "x-y",
)
MAX_DEPTH = 5
ALPHABET = "abcXYZ019-_./: \u00e9\u65e5"


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = root["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _string(schema: dict[str, Any]) -> st.SearchStrategy[str]:
    low, high = schema.get("minLength", 0), min(schema.get("maxLength", 40), 40)
    pattern = schema.get("pattern")

    def fits(text: str) -> bool:
        return low <= len(text) <= schema.get("maxLength", 10**9) and (
            pattern is None or regex.fullmatch(pattern, text) is not None
        )

    candidates = [text for text in FAVOURITES if fits(text)]
    # Printable text, kept where it fits the pattern (hypothesis's from_regex is too slow to build for the
    # model's large Unicode classes); the favourites cover the patterns plain text rarely matches.
    alphabet = st.characters(min_codepoint=32, max_codepoint=126) if pattern is None else st.sampled_from(ALPHABET)
    generated = st.text(alphabet, min_size=low, max_size=max(low, high)).filter(fits)
    return st.one_of(st.sampled_from(candidates), generated) if candidates else generated


def document(schema: dict[str, Any], root: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    schema = _resolve(schema, root)
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "anyOf" in schema:  # timestamps: ISO-8601 text or epoch seconds
        return st.one_of(st.integers(0, 4_000_000_000), st.just("2026-01-01T00:00:00Z"))
    kind = schema.get("type")
    if kind == "object" and "properties" in schema:
        required = schema.get("required", [])
        optional = [] if depth >= MAX_DEPTH else [k for k in schema["properties"] if k not in required]
        fixed = {k: document(schema["properties"][k], root, depth + 1) for k in required}
        extra = {k: document(schema["properties"][k], root, depth + 1) for k in optional}
        return st.fixed_dictionaries(fixed, optional=extra)
    if kind == "object":  # a map
        values = schema.get("additionalProperties")
        if not isinstance(values, dict) or depth >= MAX_DEPTH:
            return st.just({})
        keys = _string(_resolve(schema.get("propertyNames", {"type": "string"}), root))
        return st.dictionaries(keys, document(values, root, depth + 1), max_size=2)
    if kind == "array":
        low = schema.get("minItems", 0)
        high = min(schema.get("maxItems", low + 2), low + 2)
        if depth >= MAX_DEPTH and low == 0:
            return st.just([])
        return st.lists(document(schema["items"], root, depth + 1), min_size=low, max_size=high)
    if kind == "string":
        return _string(schema)
    if kind == "integer":
        return st.integers(max(schema.get("minimum", -(2**31)), -(2**40)), min(schema.get("maximum", 2**31), 2**40))
    if kind == "number":
        return st.floats(schema.get("minimum", -1e9), schema.get("maximum", 1e9), allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    return st.nothing()


@cache
def request_for(operation: str) -> st.SearchStrategy[dict[str, Any]]:
    root = load_schema(operation, "request")
    return document(root, root)  # type: ignore[return-value]
