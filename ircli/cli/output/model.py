"""Tables as data: a title, columns with priorities, rows of text and a caption, and how a table is
fitted to a width. One `TableData` renders as a terminal table, CSV or Markdown, so every tabular view
exists once; the views in `ircli.cli.output.views` build them from API responses."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Column:
    header: str
    justify: str = "left"  # left | right
    style: str = ""
    min_width: int | None = None
    no_wrap: bool = False
    # Columns below 100 may be left out on a narrow terminal, lowest first; a `footnote` column's values are
    # then listed under the table instead.
    priority: int = 100
    footnote: bool = False
    # A column that may wrap its text counts this wide when the table is fitted to the terminal.
    wrap_width: int | None = None


@dataclass
class TableData:
    title: str
    columns: list[Column]
    rows: list[list[str]] = field(default_factory=list)
    caption: str = ""
    row_styles: list[str] = field(default_factory=list)


COLUMN_GAP = 3  # padding on both sides and the divider, as the terminal renderer draws them


def natural_width(table: TableData, index: int) -> int:
    column = table.columns[index]
    cells = [len(row[index]) for row in table.rows if index < len(row)]
    width = max([len(column.header), *cells, column.min_width or 0])
    return min(width, column.wrap_width) if column.wrap_width else width


def fit_columns(table: TableData, width: int) -> TableData:
    """Leave out low-priority columns until the table fits `width` characters."""
    # Columns with nothing in them go first, without a word.
    keep = [
        i
        for i, column in enumerate(table.columns)
        if column.priority >= 100 or any(row[i].strip() not in ("", "-") for row in table.rows)
    ]
    if len(keep) < len(table.columns):
        table = TableData(
            table.title,
            [table.columns[i] for i in keep],
            [[row[i] for i in keep] for row in table.rows],
            table.caption,
            table.row_styles,
        )
        keep = list(range(len(table.columns)))

    def total() -> int:
        return sum(natural_width(table, i) for i in keep) + COLUMN_GAP * (len(keep) - 1)

    dropped: list[int] = []
    while total() > width:
        candidates = [i for i in keep if table.columns[i].priority < 100]
        if not candidates:
            break
        lowest = min(candidates, key=lambda i: (table.columns[i].priority, -i))
        keep.remove(lowest)
        dropped.append(lowest)
    # A later, wider column may have freed room for an earlier, narrower one.
    for index in sorted(dropped, key=lambda i: -table.columns[i].priority):
        keep.append(index)
        keep.sort()
        if total() > width:
            keep.remove(index)
        else:
            dropped.remove(index)
    if not dropped:
        return table
    notes = [table.caption] if table.caption else []
    hidden = [table.columns[i].header for i in sorted(dropped) if not table.columns[i].footnote]
    if hidden:
        notes.append(f"Not shown at this width: {', '.join(hidden)} (widen the terminal, or use --output json).")
    for i in sorted(dropped):
        if table.columns[i].footnote:
            first = table.columns[0].header
            notes.append(
                f"{table.columns[i].header} by {first}: " + "; ".join(f"{row[0]} {row[i]}" for row in table.rows)
            )
    return TableData(
        table.title,
        [table.columns[i] for i in keep],
        [[row[i] for i in keep] for row in table.rows],
        "\n".join(notes),
        table.row_styles,
    )
