"""The console script's first code: Ctrl-C while ircli is still starting (importing) ends it quietly with
exit 130 instead of a traceback. Nothing has been sent by then."""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType


def _interrupted_while_starting(signum: int, frame: FrameType | None) -> None:
    sys.stderr.write("ircli: interrupted\n")
    sys.stderr.flush()
    os._exit(130)


def main() -> None:
    signal.signal(signal.SIGINT, _interrupted_while_starting)
    from ircli.cli.main import main as run

    run()
