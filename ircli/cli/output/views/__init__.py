"""Views: what each resource looks like as tables (which columns a job, a recommendation or an endpoint
has, in what order, what goes first on a narrow terminal), and how a piece of data prefers to be shown.
Commands hand the writer data and a view; the writer picks the format."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from ircli.cli.output.kinds import OutputFormat

if TYPE_CHECKING:
    from ircli.cli.output.model import TableData

Tabulator = Callable[[Any], "list[TableData]"]
# Renderables shown under a terminal table, given the data and the terminal's width.
Charts = Callable[[Any, int], list[Any]]
# A line for people on stderr, given the data and the format the user asked for; None for no line.
Note = Callable[[Any, OutputFormat], "str | None"]


def lazy_tables(module: str, function: str, *args: Any) -> Tabulator:
    """A tabulator imported only when a table is drawn: the json path never loads the view's module."""

    def tables(data: Any) -> list[TableData]:
        import importlib

        built: list[TableData] = getattr(importlib.import_module(module), function)(data, *args)
        return built

    return tables


@runtime_checkable
class Documented(Protocol):
    """A core result (a dataclass of `ircli.lib`): what it prints as JSON/YAML is its document."""

    def to_document(self) -> Any: ...


@dataclass(frozen=True)
class View:
    tables: Tabulator = field(default_factory=lambda: lazy_tables("ircli.cli.output.views.generic", "generic_tables"))
    charts: Charts | None = None
    # Data that reads best as a document says so: e.g. {TABLE: YAML} shows a request as YAML on a terminal.
    render_as: Mapping[OutputFormat, OutputFormat] = field(default_factory=dict)
    note: Note | None = None

    def reading(self, result: Documented) -> View:
        """This view drawing `result` itself (typed) whatever document the writer is given."""
        tables, charts = self.tables, self.charts
        return replace(
            self,
            tables=lambda _document: tables(result),
            charts=(lambda _document, width: charts(result, width)) if charts is not None else None,
        )


GENERIC = View()


def tables_view(tables: Tabulator) -> View:
    return View(tables=tables)
