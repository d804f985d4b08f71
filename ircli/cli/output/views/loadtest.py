"""The load test as tables (the errors first: a container answering 4xx or 5xx is the finding; then the
figures Inference Recommender reports, every level, the per-minute series) and its live progress on stderr."""

from __future__ import annotations

import time
from typing import IO, Any

from ircli.cli.output.cells import NA, fmt_int, fmt_money
from ircli.cli.output.model import Column, TableData
from ircli.lib.printable import escape_controls

PLAIN_EVERY = 5.0  # seconds between progress lines when stderr is not a terminal


def _ms(value: Any) -> str:
    return NA if value is None else f"{float(value):,.1f}"


def _errors_table(document: dict[str, Any]) -> list[TableData]:
    errors = document.get("Errors") or {}
    if not errors.get("Count"):
        return []
    rows = [
        [str(e.get("Status", "")), str(e.get("Level", 0) + 1), escape_controls(str(e.get("Body", "")))[:400]]
        for e in errors.get("First", [])
    ]
    statuses = ", ".join(f"{k}: {v:,}" for k, v in (errors.get("Statuses") or {}).items())
    return [
        TableData(
            f"Errors: {errors['Count']:,} requests failed",
            [Column("Status", no_wrap=True), Column("Level", "right"), Column("First answers", wrap_width=80)],
            rows,
            f"Answers by status: {statuses}",
            ["red"] * len(rows),
        )
    ]


def _summary_table(document: dict[str, Any]) -> TableData:
    metrics = document.get("Metrics") or {}
    target = document.get("Target") or {}
    percentile = metrics.get("ModelLatencyPercentile", "P95")
    rows = [
        ["Status", str(document.get("Status", ""))],
        ["Target", escape_controls(str(target.get("Name", "")))],
        ["MaxInvocations (per minute)", fmt_int(metrics.get("MaxInvocations"))],
        [f"ModelLatency ({percentile}, ms)", fmt_int(metrics.get("ModelLatency"))],
        ["Stopped because", escape_controls(str(document.get("StopReason", "")))],
    ]
    if target.get("InstanceType"):
        rows.append(["Instances", f"{target['InstanceType']} x{target.get('InstanceCount', 1)}"])
    if "CostPerHour" in metrics:
        rows.append(["CostPerHour", fmt_money(metrics["CostPerHour"])])
    if document.get("FailureReason"):
        rows.append(["FailureReason", escape_controls(str(document["FailureReason"]))])
    return TableData(
        f"Load test {document.get('LoadTestName', '')}",
        [Column("Figure", style="bold"), Column("Value")],
        rows,
        escape_controls(str(document.get("MeasuredBy", ""))),
    )


def _levels_table(document: dict[str, Any]) -> TableData:
    percentile = (document.get("Metrics") or {}).get("ModelLatencyPercentile", "P95")
    rows, styles = [], []
    for level in document.get("Levels", []):
        rows.append(
            [
                str(level["Level"]),
                str(level["Users"]),
                f"{level['Seconds']:g}",
                fmt_int(level["InvocationsPerMinute"]),
                _ms(level.get("P50Ms")),
                _ms(level.get("LatencyMs")),
                fmt_int(level["Errors"]),
                "yes" if level["MetConditions"] else "no",
            ]
        )
        styles.append("" if level["MetConditions"] else "yellow")
    columns = [
        Column("Level", "right"),
        Column("Users", "right"),
        Column("Seconds", "right", priority=50),
        Column("Inv/min", "right"),
        Column("P50 ms", "right", priority=60),
        Column(f"{percentile} ms", "right"),
        Column("Errors", "right"),
        Column("Met", priority=70),
    ]
    return TableData("Load reached per level", columns, rows, "", styles)


def _minutes_table(document: dict[str, Any]) -> TableData:
    percentile = (document.get("Metrics") or {}).get("ModelLatencyPercentile", "P95")
    rows = [
        [
            str(m["Minute"]),
            str(m["Users"]),
            fmt_int(m["Invocations"]),
            _ms(m.get("P50Ms")),
            _ms(m.get(f"{percentile}Ms")),
            fmt_int(m["Errors"]),
        ]
        for m in document.get("Minutes", [])
    ]
    columns = [
        Column("Minute", "right"),
        Column("Users", "right"),
        Column("Invocations", "right"),
        Column("P50 ms", "right"),
        Column(f"{percentile} ms", "right"),
        Column("Errors", "right"),
    ]
    return TableData("Per minute", columns, rows)


def load_test_tables(document: dict[str, Any]) -> list[TableData]:
    return [*_errors_table(document), _summary_table(document), _levels_table(document), _minutes_table(document)]


class Progress:
    """One line a second on a terminal (rewritten in place), one every few seconds elsewhere."""

    def __init__(self, stream: IO[str], terminal: bool) -> None:
        self.stream, self.terminal = stream, terminal
        self.last = 0.0
        self.drawn = False

    def show(self, event: dict[str, Any]) -> None:
        if event.get("event") == "waiting":
            self.stream.write(f"Waiting for {event.get('workers')} worker(s) on port {event.get('port')}...\n")
            self.stream.flush()
            return
        if event.get("event") != "progress":
            return
        now = time.monotonic()
        if not self.terminal and now - self.last < PLAIN_EVERY:
            return
        self.last = now
        line = (
            f"{event.get('elapsed', 0):7.1f}s  {event.get('level', '')}  users {event.get('users', 0)}  "
            f"rps {event.get('rps', 0):,.1f}  p50 {_ms(event.get('p50'))} ms  p95 {_ms(event.get('p95'))} ms  "
            f"errors {event.get('errors', 0):,}"
        )
        if self.terminal:
            self.stream.write("\r\x1b[2K" + escape_controls(line))
            self.drawn = True
        else:
            self.stream.write(escape_controls(line) + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
