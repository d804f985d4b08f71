"""Rich renderables for the terminal: `TableData` as rich tables. Renderers take data and return
renderables; printing is the caller's."""

from __future__ import annotations

from typing import Any

from ircli.cli.tables import TableData, fit_columns


def rich_table(table: TableData, width: int | None = None) -> Any:
    from rich import box
    from rich.table import Table

    if width is not None:
        table = fit_columns(table, width)
    header_only = not table.title and len(table.columns) == 2 and table.columns[0].header == "Field"
    rendered = Table(
        title=table.title or None,
        title_justify="left",
        title_style="bold",
        box=None if header_only else box.SIMPLE_HEAD,
        show_edge=False,
        show_header=not header_only,
        pad_edge=False,
        expand=False,
    )
    for column in table.columns:
        rendered.add_column(
            column.header,
            justify=column.justify,  # type: ignore[arg-type]
            style=column.style or None,
            min_width=column.min_width,
            no_wrap=column.no_wrap,
            overflow="fold",
        )
    for index, row in enumerate(table.rows):
        style = table.row_styles[index] if index < len(table.row_styles) else None
        rendered.add_row(*row, style=style or None)
    if not table.caption:
        return rendered
    from rich.console import Group
    from rich.text import Text

    # Notes wrap at the terminal's width, not the table's.
    return Group(rendered, Text(table.caption, style="dim"))
