"""Validation of requests and responses against the bundled schemas, plus the service's own rules.

`request_violations` lists every problem of a request, schema and service rules alike, each naming its
path and the rule; `check_request` raises `ValidationFailed` with all of them; `service_message` words
them as the service's ValidationException does. The schema part runs on ircli's own evaluator
(`schema_check`) or on jsonschema (`Engine.JSONSCHEMA`); both match patterns against the whole value, as
the service does, and take only true integers where the model says integer (botocore rejects 5.0).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterator
from datetime import datetime
from enum import Enum
from functools import lru_cache
from typing import Any

from ircli.errors import MAX_COLLECTED, MAX_LISTED, ValidationFailed, Violation, counted
from ircli.lib.schema_check import SchemaChecker, SchemaError, original_pattern, pattern_matches


@lru_cache(maxsize=64)
def _checker(operation: str, kind: str) -> SchemaChecker:
    from ircli.schemas import load_schema

    return SchemaChecker(load_schema(operation, "request" if kind == "request" else "response"))


@lru_cache(maxsize=64)
def _jsonschema_validator(operation: str, kind: str) -> Any:
    """jsonschema's own Draft 2020-12 validator, with the service's whole-value patterns and strict integers."""
    from jsonschema import Draft202012Validator, ValidationError
    from jsonschema.validators import extend

    from ircli.schemas import load_schema

    def full_match_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
        if isinstance(instance, str) and not pattern_matches(pattern, instance):
            yield ValidationError(f"{instance!r} does not match the pattern {original_pattern(pattern)}")

    def is_strict_integer(checker: Any, instance: Any) -> bool:
        return isinstance(instance, int) and not isinstance(instance, bool)

    type_checker = Draft202012Validator.TYPE_CHECKER.redefine("integer", is_strict_integer)
    cls = extend(Draft202012Validator, validators={"pattern": full_match_pattern}, type_checker=type_checker)
    return cls(load_schema(operation, "request" if kind == "request" else "response"))


class Engine(str, Enum):
    IRCLI = "ircli"  # ircli.lib.schema_check: fast, used for every request
    JSONSCHEMA = "jsonschema"  # the jsonschema package: the reference implementation


def json_spelling(value: Any) -> Any:
    """A document as JSON spells it: a datetime as epoch seconds, bytes as base64 text (jsonschema
    reads JSON documents only; ircli's evaluator takes the Python values themselves)."""
    if isinstance(value, dict):
        return {key: json_spelling(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_spelling(item) for item in value]
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, (bytes, bytearray)):
        import base64

        return base64.b64encode(value).decode("ascii")
    return value


def _schema_errors(operation: str, kind: str, document: Any, engine: Engine) -> Iterator[SchemaError]:
    if engine is Engine.IRCLI:
        yield from _checker(operation, kind).errors(document)
        return
    document = json_spelling(document)
    errors = [
        SchemaError(tuple(error.absolute_path), error.validator, error.validator_value, error.instance, error.schema)
        for error in _jsonschema_validator(operation, kind).iter_errors(document)
    ]
    # ircli reports counts and lengths first: a list already too long has its items unchecked, and a value
    # already too long its pattern; the reference engine's findings are read the same way.
    too_long = {e.path for e in errors if e.keyword == "maxItems"}
    too_long_text = {e.path for e in errors if e.keyword == "maxLength"}
    for error in errors:
        if any(error.path[: len(path)] == path and len(error.path) > len(path) for path in too_long):
            continue
        if error.keyword == "pattern" and error.path in too_long_text:
            continue
        yield error


def schema_violations(operation: str, kind: str, document: Any, engine: Engine = Engine.IRCLI) -> list[Violation]:
    found: list[Violation] = []
    seen: set[tuple[tuple[str | int, ...], str]] = set()
    for error in _schema_errors(operation, kind, document, engine):
        for violation in _translate(error):
            key = (violation.path, violation.message)
            if key not in seen:
                seen.add(key)
                found.append(violation)
        if len(found) >= MAX_COLLECTED:
            break
    found.extend(_non_finite_numbers(document, ()))
    return sorted(found[:MAX_COLLECTED], key=_sort_key)


def _sort_key(violation: Violation) -> tuple[Any, ...]:
    return tuple((0, part) if isinstance(part, int) else (1, part) for part in violation.path)


def _non_finite_numbers(value: Any, path: tuple[str | int, ...]) -> list[Violation]:
    if isinstance(value, float) and not math.isfinite(value):
        return [
            Violation(
                path=path,
                message=f"{value} is not a finite number",
                rule="type",
                value=value,
                service_constraint="Member must be a number",
            )
        ]
    if isinstance(value, dict):
        return [v for key, item in value.items() for v in _non_finite_numbers(item, (*path, str(key)))]
    if isinstance(value, list):
        return [v for index, item in enumerate(value) for v in _non_finite_numbers(item, (*path, index))]
    return []


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _translate(error: SchemaError) -> list[Violation]:
    if error.keyword == "required":
        return _missing_members(error)
    if error.keyword == "additionalProperties" and error.limit is False:
        return _unknown_members(error)
    message, constraint = _described(error)
    return [
        Violation(
            path=error.path, message=message, rule=error.keyword, value=error.instance, service_constraint=constraint
        )
    ]


def _missing_members(error: SchemaError) -> list[Violation]:
    present = error.instance if isinstance(error.instance, dict) else {}
    return [
        Violation(
            path=(*error.path, name),
            message="missing required member",
            rule="required",
            value=None,
            service_constraint="Member must not be null",
        )
        for name in error.limit
        if name not in present
    ]


def _unknown_members(error: SchemaError) -> list[Violation]:
    path = error.path
    known = list(error.schema.get("properties", {}))
    violations: list[Violation] = []
    for name in error.instance:
        if name in known:
            continue
        if len(violations) >= MAX_LISTED:  # past what is shown: the count matters, not the hints
            violations.append(Violation(path=(*path, str(name)), message="unknown member", rule="unknown", value=name))
            continue
        close = difflib.get_close_matches(str(name), known, n=1)
        hint = f"; did you mean {close[0]}?" if close else f"; valid members: {', '.join(known)}"
        violations.append(
            Violation(path=(*path, str(name)), message=f"unknown member{hint}", rule="unknown", value=name)
        )
    return violations


SIZES = ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties")


def _described(error: SchemaError) -> tuple[str, str]:
    """What one broken keyword means, for people and as the service's own constraint text."""
    keyword, limit, instance = error.keyword, error.limit, error.instance
    if keyword == "enum":
        return _enum_described(limit, instance)
    if keyword in SIZES:
        return _size_described(keyword, limit, instance)
    if keyword == "maximum":
        return (
            f"{_shown(instance)} is greater than the maximum of {limit}",
            f"Member must have value less than or equal to {limit}",
        )
    if keyword == "minimum":
        return (
            f"{_shown(instance)} is less than the minimum of {limit}",
            f"Member must have value greater than or equal to {limit}",
        )
    if keyword == "pattern":
        # People read the rule as a sentence (with its source); the service's own text keeps the expression.
        return (
            f"{_shown(instance)} {plain_pattern(original_pattern(limit))} (API model)",
            f"Member must satisfy regular expression pattern: {original_pattern(limit)}",
        )
    if keyword == "type":
        expected = limit if isinstance(limit, str) else " or ".join(limit)
        article = "an" if expected[:1] in "aeiou" else "a"
        return f"{_shown(instance)} is not {article} {expected}", f"Member must be of type {expected}"
    if keyword == "anyOf":
        if any("pattern" in branch for branch in limit):
            message = f"{_shown(instance)} is not a timestamp (ISO-8601 text or epoch seconds)"
        else:
            message = f"{_shown(instance)} is not a number"
        return message, "Member must be of the right type"
    message = f"{_shown(instance)} breaks the schema's {keyword} rule"
    return message, message


def _enum_described(limit: Any, instance: Any) -> tuple[str, str]:
    values = list(limit)
    if len(values) <= 12:
        message = f"{_shown(instance)} is not one of {', '.join(map(str, values))}"
    else:
        close = difflib.get_close_matches(str(instance), [str(v) for v in values], n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else f" ({len(values)} values; see ircli schema show)"
        message = f"{_shown(instance)} is not a valid value{hint}"
    return message, f"Member must satisfy enum value set: [{', '.join(map(str, values))}]"


def _size_described(keyword: str, limit: Any, instance: Any) -> tuple[str, str]:
    size = len(instance)
    unit = "characters" if keyword.endswith("Length") else "items" if keyword.endswith("Items") else "entries"
    if keyword.startswith("min"):
        return (
            f"has {size} {unit}, fewer than the minimum of {limit}",
            f"Member must have length greater than or equal to {limit}",
        )
    return (
        f"has {size} {unit}, more than the maximum of {limit}",
        f"Member must have length less than or equal to {limit}",
    )


# The model's patterns, as sentences. A pattern not listed here gets a general sentence, never the expression.
PLAIN_PATTERNS = {
    r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}": "must be letters, digits and hyphens, start and end with a letter or "
    "digit, at most 63 characters",
    r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,63}": "must be letters, digits and hyphens, start and end with a letter or "
    "digit, at most 64 characters",
    r"[a-zA-Z0-9]([\-a-zA-Z0-9]*[a-zA-Z0-9])?": "must be letters, digits and hyphens, starting and ending with a "
    "letter or digit",
    r"(https|s3)://([^/]+)/?(.*)": "must be an s3:// or https:// URL with a bucket or host",
    r"arn:aws[a-z\-]*:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+": "must be an IAM role ARN, like "
    "arn:aws:iam::123456789012:role/NAME",
    r"([\p{L}\p{Z}\p{N}_.:/=+\-@]*)": "may hold letters, digits, spaces and _ . : / = + - @ only",
    r"[-0-9a-zA-Z]+": "must be letters, digits and hyphens",
    r"arn:aws[a-z\-]*:sagemaker:[a-z0-9\-]{9,16}:[0-9]{12}:model-package/[\S]{1,2048}": "must be a model "
    "package ARN, like arn:aws:sagemaker:us-east-1:123456789012:model-package/GROUP/1",
}


def plain_pattern(pattern: str) -> str:
    return PLAIN_PATTERNS.get(pattern, "is not of the form this member takes (ircli schema show OPERATION says it)")


def request_violations(operation: str, document: Any, engine: Engine = Engine.IRCLI) -> list[Violation]:
    from ircli.lib.rules import rule_violations

    found = schema_violations(operation, "request", document, engine)
    if isinstance(document, dict):
        broken_paths = {violation.path for violation in found}
        for violation in rule_violations(operation, document):
            if violation.path not in broken_paths:
                found.append(violation)
    return sorted(found, key=_sort_key)


def check_request(operation: str, document: Any) -> None:
    violations = request_violations(operation, document)
    if violations:
        raise ValidationFailed(operation, violations)


def service_path(path: tuple[str | int, ...]) -> str:
    """A violation's path as the service writes it: lowerCamel members, 1-based `.N.member.` items."""
    parts: list[str] = []
    for part in path:
        if isinstance(part, int):
            parts.append(f"{part + 1}.member")
        else:
            parts.append(part[:1].lower() + part[1:])
    return ".".join(parts)


def service_message(violations: list[Violation]) -> str:
    """The service's ValidationException text for these violations."""
    described = [
        f"Value {_service_value(v.value)}{f' at {service_path(v.path)!r}' if v.path else ''} failed to satisfy "
        f"constraint: {v.service_constraint or v.message}"
        for v in violations[:MAX_LISTED]
    ]
    count = len(violations)
    if count > MAX_LISTED:
        described.append(f"and {counted(count - MAX_LISTED)} more")
    noun = "error" if count == 1 else "errors"
    return f"{counted(count)} validation {noun} detected: " + "; ".join(described)


def _service_value(value: Any) -> str:
    """A value as the service quotes it: JSON text, never a Python repr, cut at 100 characters."""
    if value is None:
        return "null"
    if isinstance(value, str):
        text = value
    else:
        import json

        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)
    return f"'{text if len(text) <= 100 else text[:97] + '...'}'"


def violations_at(operation: str, request: dict[str, Any], path: tuple[str | int, ...]) -> list[Violation]:
    """The problems of one member of a request that is still being filled in: every violation at `path`
    or below it, ignoring the members not given yet elsewhere."""
    return [v for v in request_violations(operation, request) if v.path[: len(path)] == path]


def documented_values(description: str) -> list[str]:
    """The values a member's documentation lists as `Valid Values: A | B | C` (the model leaves some
    members, such as Domain and Framework, as plain strings and documents their values this way)."""
    marker = "Valid Values:"
    if marker not in description:
        return []
    listed = description.split(marker, 1)[1]
    return [value.strip().rstrip(".") for value in listed.split("|") if value.strip()]
