"""Markdown: each table as a GitHub-flavoured pipe table under its bold title, its notes below."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ircli.cli.output.formats import Screen
from ircli.cli.output.model import TableData
from ircli.lib.printable import escape_controls

if TYPE_CHECKING:
    from ircli.cli.output.views import View


def _md_escape(text: str) -> str:
    return escape_controls(text.replace("|", "\\|").replace("\n", " "))


def to_markdown(tables: list[TableData]) -> str:
    parts = []
    for table in tables:
        lines = []
        if table.title:
            lines.append(f"**{_md_escape(table.title)}**\n")
        lines.append("| " + " | ".join(_md_escape(c.header) for c in table.columns) + " |")
        lines.append("|" + "|".join("---:" if c.justify == "right" else "---" for c in table.columns) + "|")
        lines.extend("| " + " | ".join(_md_escape(cell) for cell in row) + " |" for row in table.rows)
        if table.caption:
            lines.append(f"\n{escape_controls(table.caption, keep=chr(10))}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


class MarkdownFormatter:
    def write(self, data: Any, view: View, screen: Screen) -> None:
        screen.write(to_markdown(view.tables(data)))


FORMATTER = MarkdownFormatter()
