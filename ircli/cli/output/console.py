"""The rich console every terminal renderer draws on, set up from the screen it writes to."""

from __future__ import annotations

from typing import IO, Any


def make_console(stream: IO[str], *, width: int | None, color: bool, terminal: bool) -> Any:
    from rich.console import Console

    return Console(
        file=stream,
        width=width,
        color_system="auto" if color else None,
        no_color=not color,
        # A terminal gets cursor control (a live display) even without colour; elsewhere rich looks for itself.
        force_terminal=True if terminal else None,
        highlight=False,
        emoji=False,
        soft_wrap=False,
    )
