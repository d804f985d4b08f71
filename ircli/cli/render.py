"""Rich renderables for the terminal: `TableData` as rich tables. Renderers take data and return
renderables; printing is the caller's."""

from __future__ import annotations

from typing import Any

from ircli.cli.tables import TableData


def rich_table(table: TableData) -> Any:
    from rich import box
    from rich.table import Table

    header_only = not table.title and len(table.columns) == 2 and table.columns[0].header == "Field"
    rendered = Table(
        title=table.title or None,
        title_justify="left",
        title_style="bold",
        caption=table.caption or None,
        caption_justify="left",
        box=None if header_only else box.SIMPLE_HEAD,
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
    return rendered
