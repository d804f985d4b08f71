"""The AWS CLI's shorthand for structures on the command line: `Key=Value,Key=Value`.

Values made only of digits become integers, `true`/`false` booleans; a value that starts with `{` or `[`
is read as JSON. `Name=a,b,c` style lists are not shorthand here: list options repeat instead.
"""

from __future__ import annotations

import json
from typing import Any

from ircli.errors import InputError


def parse_scalar(text: str) -> Any:
    stripped = text.strip()
    if stripped.lstrip("-").isdigit():
        return int(stripped)
    if stripped.lower() in ("true", "false"):
        return stripped.lower() == "true"
    return stripped


def parse_shorthand(option: str, text: str) -> dict[str, Any]:
    text = text.strip()
    if text.startswith(("{", "[")):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"Bad value for {option}: not valid JSON ({exc.msg}).") from None
        if not isinstance(value, dict):
            raise InputError(f"Bad value for {option}: expected a JSON object.")
        return value
    result: dict[str, Any] = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise InputError(
                f"Bad value for {option}: {text!r}. Expected Key=Value pairs separated by commas, "
                "e.g. MemorySizeInMB=2048,MaxConcurrency=5."
            )
        result[key.strip()] = parse_scalar(value)
    return result


def with_tags(existing: list[dict[str, str]] | None, values: list[str] | None) -> list[dict[str, str]] | None:
    """`--tag KEY=VALUE` options on top of the input's Tags: a flag replaces a tag with the same key."""
    if not values:
        return existing
    added = []
    for value in values:
        key, text = parse_pair("--tag", value)
        added.append({"Key": key, "Value": text})
    keys = {tag["Key"] for tag in added}
    return [tag for tag in existing or [] if tag.get("Key") not in keys] + added


def parse_pair(option: str, text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise InputError(f"Bad value for {option}: {text!r}. Expected KEY=VALUE.")
    return key, value
