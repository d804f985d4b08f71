"""The terminal table: each of the view's tables fitted to the width and drawn with rich, its notes
below, then the view's charts."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ircli.cli.output.console import make_console
from ircli.cli.output.formats import Screen
from ircli.cli.output.model import TableData, fit_columns
from ircli.lib.printable import escape_controls

if TYPE_CHECKING:
    from ircli.cli.output.views import View


def rich_table(table: TableData, width: int | None = None) -> Any:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    if width is not None:
        table = fit_columns(table, width)
    header_only = (not table.title and len(table.columns) == 2 and table.columns[0].header == "Field") or not any(
        column.header for column in table.columns
    )
    rendered = Table(
        box=None if header_only else box.SIMPLE_HEAD,
        show_edge=False,
        show_header=not header_only,
        pad_edge=False,
        expand=False,
    )
    for column in table.columns:
        rendered.add_column(
            Text(escape_controls(column.header)),
            justify=column.justify,  # type: ignore[arg-type]
            style=column.style or None,
            min_width=column.min_width,
            no_wrap=column.no_wrap,
            overflow="fold",
        )
    for index, row in enumerate(table.rows):
        style = table.row_styles[index] if index < len(table.row_styles) else None
        # Cells are Text, never markup: a value like "[bold]" is shown as written.
        rendered.add_row(*(Text(escape_controls(cell, keep="\n")) for cell in row), style=style or None)
    if not table.title and not table.caption:
        return rendered
    from rich.console import Group

    # The title and the notes wrap at the terminal's width, not the table's: a narrow table (one short
    # column, or none filled) never folds its title into a column of a few characters.
    title = [Text(escape_controls(table.title), style="bold")] if table.title else []
    caption = [Text(escape_controls(table.caption, keep="\n"), style="dim")] if table.caption else []
    return Group(*title, rendered, *caption)


# Spaces at the end of a line, before any colour codes that close it.
TRAILING_SPACE = re.compile(r"[ \t]+((?:\x1b\[[0-9;]*m)*)$", re.MULTILINE)
UNBOUNDED = 100_000  # wide enough for any table: nothing wraps inside a value
CHART_WIDTH = 100  # bars need a width; a piped chart gets a terminal's usual one


class TableFormatter:
    def write(self, data: Any, view: View, screen: Screen) -> None:
        console = make_console(
            screen.stream,
            width=screen.width or UNBOUNDED,
            color=screen.color,
            terminal=screen.terminal,
            unicode=screen.unicode,
        )
        with console.capture() as captured:
            for index, table in enumerate(view.tables(data)):
                if index:
                    console.print()
                console.print(rich_table(table, screen.width))
            for renderable in view.charts(data, screen.width or CHART_WIDTH) if view.charts else []:
                console.print()
                console.print(renderable)
        # rich pads every cell to its column's width, the last one too: no line ends in spaces.
        screen.stream.write(TRAILING_SPACE.sub(r"\1", captured.get()))
        screen.stream.flush()


FORMATTER = TableFormatter()
