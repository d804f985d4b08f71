"""The one writer: data and a view in, the chosen format out. `--query` is applied here, before any
format; a view's preferences (`render_as`, charts, notes) are honoured here; no command picks a format. The
data is a document, or a core result: then formats print its `to_document()` and the view draws it typed."""

from __future__ import annotations

from typing import IO, Any

from ircli.cli.output.document import apply_query
from ircli.cli.output.formats import OutputFormat, Screen, formatter
from ircli.cli.output.views import GENERIC, Documented, View
from ircli.lib.printable import escape_controls

TABULAR = (OutputFormat.TABLE, OutputFormat.CSV, OutputFormat.MARKDOWN)


class Writer:
    def __init__(self, output: OutputFormat, screen: Screen, notes: IO[str], *, query: str | None = None) -> None:
        self.output = output
        self.screen = screen
        self.notes = notes
        self.query = query

    def emit(self, data: Any, view: View = GENERIC) -> None:
        if isinstance(data, Documented):
            # A core result: the formats and --query see its document, the view's tables and charts the result.
            data, view = data.to_document(), view.reading(data)
        if self.query:
            # A query's result has a shape no view knows.
            data, view = apply_query(self.query, data), GENERIC
        elif isinstance(data, dict) and not data:
            return  # an empty response prints nothing, as in the AWS CLI
        shown = view.render_as.get(self.output, self.output)
        formatter(shown).write(data, view, self.screen)
        note = view.note(data, self.output) if view.note and not self.query else None
        if note:
            self.notes.write(escape_controls(note, keep="\n") + "\n")
            self.notes.flush()
        if shown in TABULAR and isinstance(data, dict) and data.get("NextToken"):
            # Tables have no place for a token: it goes after them, on stderr (text and json carry it).
            self.notes.write(f"More results: --starting-token {escape_controls(str(data['NextToken']))}\n")
            self.notes.flush()

    def emit_document(self, data: Any, shown: OutputFormat) -> None:
        """A document in the format the user asked for by name (a skeleton), whatever --output says."""
        formatter(shown).write(data, GENERIC, self.screen)

    def emit_text(self, text: str) -> None:
        """A file ircli ships (a shell script, a sample request), as it is: no format applies to it, and only
        the control characters a terminal would act on are escaped (none are in ircli's own files)."""
        self.screen.write(escape_controls(text, keep="\n\t"))
