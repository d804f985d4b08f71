"""Output formats that need no terminal: JSON, YAML, the AWS CLI's text format, and `--query`.

Data are made JSON-ready first (`jsonable`): datetimes become ISO-8601 text and non-finite floats the
service's "NaN" / "Infinity" strings, so json output is always valid JSON.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from ircli.errors import InputError


class OutputFormat(str, Enum):
    TABLE = "table"
    JSON = "json"
    YAML = "yaml"
    TEXT = "text"
    CSV = "csv"
    MARKDOWN = "markdown"


def jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def apply_query(expression: str, data: Any) -> Any:
    import jmespath
    from jmespath.exceptions import JMESPathError

    try:
        return jmespath.search(expression, jsonable(data))
    except JMESPathError as exc:
        raise InputError(f"Bad value for --query {expression}: {exc}") from None


def to_json(data: Any) -> str:
    return json.dumps(jsonable(data), indent=4, ensure_ascii=False) + "\n"


def to_yaml(data: Any) -> str:
    import yaml

    return str(yaml.safe_dump(jsonable(data), sort_keys=False, allow_unicode=True, default_flow_style=False))


def to_text(data: Any) -> str:
    """The AWS CLI's text format: tab-separated scalars, nested values on lines named by their key."""
    lines: list[str] = []
    _text(jsonable(data), lines, None, None)
    return "".join(line + "\n" for line in lines)


def _scalar(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "True" if value else "False"
    return str(value)


def _text(item: Any, lines: list[str], identifier: str | None, scalar_keys: list[str] | None) -> None:
    if isinstance(item, dict):
        _text_dict(item, lines, identifier, scalar_keys)
    elif isinstance(item, list):
        _text_list(item, lines, identifier)
    elif item is not None:
        lines.append(_scalar(item))


def _text_list(items: list[Any], lines: list[str], identifier: str | None) -> None:
    if not items:
        return
    if any(isinstance(element, dict) for element in items):
        keys = sorted(
            {
                k
                for element in items
                if isinstance(element, dict)
                for k, v in element.items()
                if not isinstance(v, (dict, list))
            }
        )
        for element in items:
            _text(element, lines, identifier, keys)
        return
    scalars = [element for element in items if not isinstance(element, list)]
    nested = [element for element in items if isinstance(element, list)]
    if scalars:
        if identifier is not None:
            lines.extend(f"{identifier.upper()}\t{_scalar(element)}" for element in scalars)
        else:
            lines.append("\t".join(_scalar(element) for element in scalars))
    for element in nested:
        _text(element, lines, identifier, None)


def _text_dict(item: dict[str, Any], lines: list[str], identifier: str | None, scalar_keys: list[str] | None) -> None:
    if scalar_keys is None:
        scalars = [_scalar(v) for _, v in sorted(item.items()) if not isinstance(v, (dict, list))]
        nested = [(k, v) for k, v in sorted(item.items()) if isinstance(v, (dict, list))]
    else:
        scalars = [_scalar(item.get(key, "")) for key in scalar_keys]
        nested = [(k, item[k]) for k in sorted(set(item) - set(scalar_keys))]
    if scalars:
        if identifier is not None:
            scalars.insert(0, identifier.upper())
        lines.append("\t".join(scalars))
    for key, value in nested:
        _text(value, lines, key, None)


def is_nan(value: Any) -> bool:
    if isinstance(value, str):
        return value in ("NaN", "Infinity", "-Infinity")
    return isinstance(value, float) and not math.isfinite(value)


def number(value: Any) -> float | None:
    """A metric as a float, or None where it is missing or not a number ("NaN")."""
    if isinstance(value, bool) or value is None or is_nan(value):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    return None
