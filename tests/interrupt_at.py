"""`python tests/interrupt_at.py MOMENT ARGS...` runs `python -m ircli ARGS...` and interrupts it with a real
SIGINT, sent by the process to itself at a well-defined moment of its run rather than after a delay (which
lands anywhere on a loaded machine, even before the interpreter has started ircli):

- `import:MODULE`: as MODULE is first imported (`ircli.cli.main`: ircli's own handler is in place);
- `EVENT:N`: at the Nth audit event EVENT (`sqlite3.connect:1`: the store opens);
- `time.sleep:N`: at the Nth call of time.sleep in the main thread (`time.sleep:1`: the first pause while
  waiting, the job sent); a profile hook, since time.sleep is an audit event only from Python 3.12.

Exit 99 if the moment never came (a module renamed, say), so that a test cannot pass without its interrupt.
"""

from __future__ import annotations

import os
import runpy
import signal
import sys
import time
from types import FrameType
from typing import Any

NEVER_CAME = 99


def main() -> None:
    moment, arguments = sys.argv[1], sys.argv[2:]
    kind, _, what = moment.partition(":")
    seen = [0]
    fired = [False]

    def fire() -> None:
        fired[0] = True
        os.kill(os.getpid(), signal.SIGINT)

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if fired[0]:
            return
        if kind == "import":
            if event == "import" and args[0] == what:
                fire()
        elif event == kind:
            seen[0] += 1
            if seen[0] >= int(what):
                fire()

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        if not fired[0] and event == "c_call" and arg is time.sleep:
            seen[0] += 1
            if seen[0] >= int(what):
                sys.setprofile(None)
                fire()

    if kind == "time.sleep":
        sys.setprofile(profile)
    else:
        sys.addaudithook(hook)
    sys.argv = ["ircli", *arguments]
    try:
        runpy.run_module("ircli", run_name="__main__", alter_sys=True)
    finally:
        if not fired[0]:
            sys.stderr.write(f"interrupt_at: the moment {moment} never came\n")
            os._exit(NEVER_CAME)


if __name__ == "__main__":
    main()
