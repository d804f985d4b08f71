"""The output formats, one module each behind one small interface: a `Formatter` turns data and its
view into what the user sees, on a `Screen`. `formatter(OutputFormat.CSV)` imports only that format's
module, so a json run never loads the table renderer."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, Protocol

from ircli.cli.output.kinds import OutputFormat

if TYPE_CHECKING:
    from ircli.cli.output.views import View


@dataclass
class Screen:
    """Where data goes: a text stream, and what a renderer needs to know of it."""

    stream: IO[str]
    width: int | None = None  # None: as wide as the data needs
    color: bool = False
    terminal: bool = False
    # False when the stream's encoding is not Unicode (PYTHONIOENCODING=ascii, a latin-1 terminal): the
    # formats then write ASCII (JSON and YAML with their own escapes), and anything else that the stream
    # could not encode is written as a backslash escape rather than failing.
    unicode: bool = True

    def write(self, text: str) -> None:
        if not self.unicode and not text.isascii():
            encoding = getattr(self.stream, "encoding", None) or "ascii"
            text = text.encode(encoding, "backslashreplace").decode(encoding)
        self.stream.write(text)
        self.stream.flush()


class Formatter(Protocol):
    def write(self, data: Any, view: View, screen: Screen) -> None: ...


__all__ = ["MODULES", "Formatter", "OutputFormat", "Screen", "formatter"]

# Each format's module, under this package; it defines FORMATTER.
MODULES: dict[OutputFormat, str] = {
    OutputFormat.TABLE: "table",
    OutputFormat.JSON: "json_format",
    OutputFormat.YAML: "yaml_format",
    OutputFormat.TEXT: "text",
    OutputFormat.CSV: "csv_format",
    OutputFormat.MARKDOWN: "markdown",
}


def formatter(output: OutputFormat) -> Formatter:
    module = importlib.import_module(f"{__name__}.{MODULES[output]}")
    chosen: Formatter = module.FORMATTER
    return chosen
