"""The rich console every terminal renderer draws on, set up from the screen it writes to, and the rules it
keeps whatever it is given: data is never read as markup (`[link=...]`, `[/]` are shown as written),
nothing raw reaches the terminal (each renderable's text is escaped as table cells are, a last guard behind
the escaping each renderer does), and a screen whose encoding is not Unicode gets ASCII."""

from __future__ import annotations

from functools import lru_cache
from typing import IO, Any

from ircli.cli.environment import is_unicode, stream_encoding
from ircli.lib.printable import escape_controls

# Bars and the like, as drawn on a Unicode screen and on an ASCII one: (filled, empty).
UNICODE_BARS = ("█", "░")
ASCII_BARS = ("#", "-")
# On a screen that cannot show them, the characters the renderers draw become ASCII of the same width (so
# that columns stay aligned); anything else it cannot show becomes a backslash escape.
FALLBACK = str.maketrans({"…": ".", "█": "#", "░": "-", "─": "-", "━": "=", "│": "|", "┃": "|", "×": "x"})


def bar_characters(ascii_only: bool) -> tuple[str, str]:
    return ASCII_BARS if ascii_only else UNICODE_BARS


def plain(text: object, style: str = "") -> Any:
    """Data as rich Text: never markup, control characters escaped, newlines kept."""
    from rich.text import Text

    return Text(escape_controls(str(text), keep="\n"), style=style)


def make_console(
    stream: IO[str], *, width: int | None, color: bool, terminal: bool, unicode: bool | None = None
) -> Any:
    """A console on `stream`; `unicode` False draws ASCII whatever the stream says (None: the stream's
    encoding decides)."""
    encoding = stream_encoding(stream)
    if unicode is False and is_unicode(encoding):
        encoding = "ascii"
    return _console_class()(
        encoding,
        file=stream,
        width=width,
        # Colour asked for off a terminal (--color on, piped) has no terminal to ask: the 16 standard colours.
        color_system=None if not color else "auto" if terminal else "standard",
        no_color=not color,
        # A terminal gets cursor control (a live display) even without colour; elsewhere rich looks for itself.
        force_terminal=True if terminal else None,
        markup=False,
        highlight=False,
        emoji=False,
        soft_wrap=False,
    )


def screen_safe(text: str, encoding: str) -> str:
    """`text` as it may reach a stream in `encoding`: controls escaped (newlines kept), and characters the
    encoding cannot hold drawn in ASCII or escaped."""
    text = escape_controls(text, keep="\n")
    if not text.isascii() and not is_unicode(encoding):
        text = text.translate(FALLBACK).encode(encoding, "backslashreplace").decode(encoding)
    return text


def guarded(segments: Any, encoding: str) -> Any:
    from rich.segment import Segment

    for segment in segments:
        text = segment.text
        # Printable ASCII (most of any table) needs no look; control segments are rich's own cursor moves.
        if segment.control is None and not (text.isascii() and text.isprintable()) and text != "\n":
            safe = screen_safe(text, encoding)
            if safe != text:
                segment = Segment(safe, segment.style)
        yield segment


@lru_cache(maxsize=1)
def _console_class() -> Any:
    from rich.console import Console

    class SafeConsole(Console):
        def __init__(self, encoding: str, **options: Any) -> None:
            self._stream_encoding = encoding
            super().__init__(**options)

        @property
        def encoding(self) -> str:
            # rich draws ASCII boxes (and this module ASCII bars) when this does not start with "utf".
            return self._stream_encoding

        def _render_buffer(self, buffer: Any) -> str:
            # Where every print and every live refresh becomes text, once: each segment's text is guarded
            # there (tests/test_terminal_output.py checks that this hook still runs).
            return str(super()._render_buffer(guarded(buffer, self._stream_encoding)))

    return SafeConsole
