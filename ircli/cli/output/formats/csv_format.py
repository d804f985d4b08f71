"""CSV: each table's header and rows, a blank line between tables; numbers as spreadsheets read them."""

from __future__ import annotations

import csv
import io
import re
from typing import TYPE_CHECKING, Any

from ircli.cli.output.formats import Screen
from ircli.cli.output.model import TableData
from ircli.lib.printable import escape_controls

if TYPE_CHECKING:
    from ircli.cli.output.views import View


_FORMATTED_NUMBER = re.compile(r"^[+-]?\$?[0-9][0-9,]*(\.[0-9]+)?%?$")


def csv_cell(text: str) -> str:
    """Numbers as spreadsheets read them: no currency sign, thousands separators or percent sign (the
    column headers carry the units); control characters escaped (CSV quotes newlines itself)."""
    if _FORMATTED_NUMBER.match(text):
        return text.replace("$", "").replace(",", "").replace("%", "")
    return escape_controls(text, keep="\n")


def to_csv(tables: list[TableData]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for index, table in enumerate(tables):
        if index:
            buffer.write("\n")
        writer.writerow([escape_controls(column.header) for column in table.columns])
        writer.writerows([csv_cell(cell) for cell in row] for row in table.rows)
    return buffer.getvalue()


class CsvFormatter:
    def write(self, data: Any, view: View, screen: Screen) -> None:
        screen.write(to_csv(view.tables(data)))


FORMATTER = CsvFormatter()
