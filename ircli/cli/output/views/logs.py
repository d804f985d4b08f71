"""The view of log events: one row per event, its time and its message."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from ircli.cli.output.model import Column, TableData


def event_time(milliseconds: Any) -> str:
    try:
        moment = datetime.fromtimestamp(float(milliseconds) / 1000, tz=timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return ""
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def log_tables(data: dict[str, Any], *, header: bool = True) -> list[TableData]:
    rows = [[event_time(e.get("timestamp")), str(e.get("message", ""))] for e in data.get("events", [])]
    columns = [Column("Time" if header else "", no_wrap=True), Column("Message" if header else "")]
    return [TableData("Execution log" if header else "", columns, rows)]
