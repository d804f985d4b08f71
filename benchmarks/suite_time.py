"""How long the tests take: the fast lane (`pytest -m "not slow"`) and the whole of CI (`.ci/run`) in a fresh clone.

    python benchmarks/suite_time.py              # both, a Markdown report on stdout
    python benchmarks/suite_time.py --fast-only  # only the fast lane, in this checkout

The fast lane runs in this checkout with its own venv (`.venv`). CI runs as CI does: `git clone` of this
checkout's committed HEAD into a temporary directory, then `CI=true bash .ci/run` there, so its venv, its
installs and its caches (pip's wheels, the client venvs, kept outside the clone) are what a second run on
this machine meets. The targets: the fast lane within 30 s and CI within 8 minutes on a 2-core machine.
The machine's load (`os.getloadavg`) is reported before and after, since the figures are wall-clock.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FAST_TARGET, CI_TARGET = 30.0, 8 * 60.0


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} cores"


def timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """Wall seconds, exit code and pytest's closing lines (one per lane)."""
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    closing = [line for line in lines if re.search(r"\b(passed|failed|error|no tests ran)\b", line)]
    return seconds, done.returncode, " / ".join(line.strip("= ") for line in closing) or (lines[-1] if lines else "")


def fast_lane() -> tuple[float, int, str]:
    return timed([str(REPO / ".venv" / "bin" / "pytest"), "-m", "not slow"], REPO)


def whole_ci() -> tuple[float, int, str]:
    with tempfile.TemporaryDirectory(prefix="ircli-ci-") as directory:
        clone = Path(directory) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
        return timed(["bash", ".ci/run"], clone, env={**os.environ, "CI": "true"})


def row(name: str, figure: tuple[float, int, str], target: float) -> str:
    seconds, code, last = figure
    verdict = "within" if seconds <= target and code == 0 else "NOT within"
    return f"| {name} | {seconds:.1f} s | {verdict} {target:.0f} s | exit {code}: {last[:160]} |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast-only", action="store_true", help="only the fast lane")
    args = parser.parse_args()
    print(f"Before: {load()}\n")
    print("| what | wall time | target | outcome |\n|---|---|---|---|")
    fast = fast_lane()
    print(row('`pytest -m "not slow"`', fast, FAST_TARGET), flush=True)
    ci = None
    if not args.fast_only:
        ci = whole_ci()
        print(row("`.ci/run` in a fresh clone", ci, CI_TARGET))
    print(f"\nAfter: {load()}")
    return 0 if fast[1] == 0 and (ci is None or ci[1] == 0) else 1


if __name__ == "__main__":
    sys.exit(main())
