"""Data made ready for any format (`jsonable`: datetimes as ISO-8601 text, non-finite floats as the
service's "NaN" / "Infinity" strings, so json output is always valid JSON), and `--query`."""

from __future__ import annotations

import sys
from datetime import date, datetime
from typing import Any

from ircli.errors import InputError
from ircli.lib.numbers import finite_or_text


def jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, float):
        return finite_or_text(value)
    # A Decimal exists only where something imported decimal (12 ms that start-up need not pay otherwise).
    decimal = sys.modules.get("decimal")
    if decimal is not None and isinstance(value, decimal.Decimal):
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
