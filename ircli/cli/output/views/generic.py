"""Any JSON-like value as tables, for data no view knows (the result of `--query`, simple responses):
lists of objects become rows, objects key/value pairs."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from ircli.cli.output.cells import NA, fmt_number, fmt_time
from ircli.cli.output.document import jsonable
from ircli.cli.output.model import Column, TableData
from ircli.lib.numbers import is_nan


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if is_nan(value):
        return NA
    if isinstance(value, (dict, list)):
        return json.dumps(jsonable(value), separators=(",", ":"))
    if isinstance(value, datetime):
        return fmt_time(value)
    if isinstance(value, float):
        return fmt_number(value)
    return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _flatten(item: dict[str, Any], prefix: str = "", depth: int = 0) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in item.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and depth < 2:
            flat.update(_flatten(value, name + ".", depth + 1))
        else:
            flat[name] = value
    return flat


def generic_tables(data: Any, title: str = "") -> list[TableData]:
    """Any JSON-like value as tables: lists of objects become rows, objects key/value pairs."""
    if isinstance(data, list):
        if data and all(isinstance(item, dict) for item in data):
            flat = [_flatten(item) for item in data]
            keys: list[str] = []
            for item in flat:
                keys.extend(k for k in item if k not in keys)
            columns = [
                Column(k, "right" if all(_is_number(item.get(k)) for item in flat if k in item) else "left")
                for k in keys
            ]
            return [TableData(title, columns, [[_cell(item.get(k)) for k in keys] for item in flat])]
        if data and all(isinstance(item, list) for item in data):
            # Rows of a multiselect list (`[].[a, b]`), as the AWS CLI's table shows them: one row each.
            width = max(len(item) for item in data)
            rows = [[_cell(item[i]) if i < len(item) else "" for i in range(width)] for item in data]
            numeric = [all(_is_number(item[i]) for item in data if i < len(item)) for i in range(width)]
            return [TableData(title, [Column("", "right" if numeric[i] else "left") for i in range(width)], rows)]
        return [TableData(title, [Column("Value")], [[_cell(item)] for item in data])]
    if isinstance(data, dict):
        scalars = {k: v for k, v in data.items() if not (isinstance(v, list) and v and isinstance(v[0], dict))}
        tables = []
        if scalars:
            pairs = _flatten(scalars)
            tables.append(
                TableData(
                    title, [Column("Field", style="bold"), Column("Value")], [[k, _cell(v)] for k, v in pairs.items()]
                )
            )
        for key, value in data.items():
            if key not in scalars:
                tables.extend(generic_tables(value, key))
        return tables
    return [TableData(title, [Column("Value")], [[_cell(data)]])]
