"""The README's tour, executed: every `$ ircli ...` command of its pasted blocks runs in a real
pseudo-terminal of the stated width on a fresh simulator, and what the terminal shows is what the README
pastes.

`python tools/readme_tour.py` rewrites the pasted outputs from a run; `--check` exits 1 when they differ
(a test runs it). A pasted output may elide lines with a line `...`: the lines before it are the start of
what the command shows, the lines after it the end. Times of day are not compared (they change from run
to run); a line whose only change is a time is kept as pasted.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
SECTION = "## A five-minute tour on the simulator"
COLUMNS = 100
ROWS = 400  # tall enough that nothing scrolls away
ELLIPSIS = "..."
TIME = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)?")


@dataclass
class Step:
    """One command of a pasted block and the lines pasted after it."""

    command: str  # as pasted, continuation lines included
    pasted: list[str] = field(default_factory=list)

    @property
    def shell_command(self) -> str:
        return self.command.replace("\\\n", " ")

    @property
    def elided(self) -> bool:
        return ELLIPSIS in self.pasted

    def expected_ends(self) -> tuple[list[str], list[str] | None]:
        """The pasted start and, when elided, the pasted end."""
        if not self.elided:
            return self.pasted, None
        cut = self.pasted.index(ELLIPSIS)
        return self.pasted[:cut], self.pasted[cut + 1 :]


@dataclass
class Block:
    start: int  # index of the first line inside the fence
    end: int  # index of the closing fence
    steps: list[Step]


def tour_blocks(lines: list[str]) -> list[Block]:
    """The tour's unlabelled fenced blocks that start with a `$ ` command."""
    begin = lines.index(SECTION)
    finish = next((i for i in range(begin + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    blocks, index = [], begin
    while index < finish:
        if lines[index] == "```" and index + 1 < finish and lines[index + 1].startswith("$ "):
            close = lines.index("```", index + 1)
            blocks.append(Block(index + 1, close, _steps(lines[index + 1 : close])))
            index = close
        index += 1
    return blocks


def _steps(body: list[str]) -> list[Step]:
    steps: list[Step] = []
    continuing = False
    for line in body:
        if continuing:
            steps[-1].command += "\n" + line
        elif line.startswith("$ "):
            steps.append(Step(line[2:]))
        else:
            steps[-1].pasted.append(line)
        continuing = line.endswith("\\") and (continuing or line.startswith("$ "))
    return steps


def shown_in_terminal(command: str, environment: dict[str, str], *, raw: list[str] | None = None) -> list[str]:
    """What a terminal COLUMNS wide shows after `command` has run: its final screen, trailing blanks gone."""
    import pexpect
    import pyte

    screen = pyte.Screen(COLUMNS, ROWS)
    stream = pyte.Stream(screen)
    child = pexpect.spawn(
        "/bin/sh",
        ["-c", command],
        cwd=str(REPO),
        env=environment,
        dimensions=(ROWS, COLUMNS),
        encoding="utf-8",
        codec_errors="replace",
        timeout=300,
    )
    output = child.read()
    child.close()
    if child.exitstatus != 0:
        raise RuntimeError(f"`{command}` exited {child.exitstatus}:\n{output}")
    if raw is not None:
        raw.append(output)
    # A terminal's line discipline turns \n into \r\n; the pty did that already.
    stream.feed(output)
    shown = [line.rstrip() for line in screen.display]
    while shown and not shown[-1]:
        shown.pop()
    return shown


def terminal_environment(state: Path, speed: str) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("COLUMNS", "LINES", "NO_COLOR", "IRCLI_OUTPUT", "IRCLI_BACKEND") and not key.startswith("AWS_")
    }
    # The commands are typed as `ircli ...`: the one installed beside this Python.
    environment["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environment.get('PATH', '')}"
    environment.update(TERM="xterm-256color", IRCLI_HOME=str(state), IRCLI_SIM_SPEED=speed)
    return environment


def run_tour(blocks: list[Block], speed: str, *, raw: list[str] | None = None) -> list[list[list[str]]]:
    """Each block's steps' screens, from one fresh simulator."""
    state = Path(tempfile.mkdtemp(prefix="ircli-tour-"))
    try:
        environment = terminal_environment(state, speed)
        return [
            [shown_in_terminal(step.shell_command, environment, raw=raw) for step in block.steps] for block in blocks
        ]
    finally:
        shutil.rmtree(state, ignore_errors=True)


def without_times(line: str) -> str:
    return TIME.sub("<time>", line)


def pasted_form(step: Step, shown: list[str]) -> list[str]:
    """What the README should paste for `step`, given what the terminal showed: elided as the step is,
    and keeping the pasted line where only a time differs."""
    start, end = step.expected_ends()
    if end is None:
        wanted = shown
    else:
        head = shown[: len(start)]
        tail = shown[len(shown) - len(end) :] if end else []
        wanted = [*head, ELLIPSIS, *tail]
    pasted = {without_times(line): line for line in step.pasted}
    return [pasted.get(without_times(line), line) for line in wanted]


def differences(blocks: list[Block], screens: list[list[list[str]]]) -> list[str]:
    found = []
    for block, block_screens in zip(blocks, screens, strict=True):
        for step, shown in zip(block.steps, block_screens, strict=True):
            wanted = pasted_form(step, shown)
            if wanted != step.pasted:
                found.append(
                    f"$ {step.command}\n--- README\n" + "\n".join(step.pasted) + "\n+++ run\n" + "\n".join(wanted)
                )
    return found


def rewritten(lines: list[str], blocks: list[Block], screens: list[list[list[str]]]) -> list[str]:
    result = list(lines)
    for block, block_screens in sorted(zip(blocks, screens, strict=True), key=lambda pair: -pair[0].start):
        body: list[str] = []
        for step, shown in zip(block.steps, block_screens, strict=True):
            body += [f"$ {step.command}", *pasted_form(step, shown)]
        result[block.start : block.end] = body
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the README's pasted outputs drifted")
    args = parser.parse_args(argv)
    lines = README.read_text("utf-8").split("\n")
    blocks = tour_blocks(lines)
    screens = run_tour(blocks, "instant")
    if args.check:
        found = differences(blocks, screens)
        for difference in found:
            print(difference, end="\n\n")
        return 1 if found else 0
    README.write_text("\n".join(rewritten(lines, blocks, screens)), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
