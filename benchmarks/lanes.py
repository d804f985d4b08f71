"""How long each test lane takes, as CI runs them: `pytest -n auto -m "not slow"`,
`pytest -n auto -m "slow and not timing"`, then `pytest -m timing` alone and, with --ci, the whole of `.ci/run`
in a fresh clone of this checkout's committed HEAD.

    python benchmarks/lanes.py              # both lanes in this checkout (its .venv), a Markdown table
    python benchmarks/lanes.py --fast-only  # the fast lane only
    python benchmarks/lanes.py --ci         # and `CI=true bash .ci/run` in a fresh clone (warm caches)
    python benchmarks/lanes.py -n 0         # the lanes serially, for comparison

Each row gives the wall time, the CPU time of everything the lane started (user + system, from the children's
resource usage) and the machine's load average before and after: on a machine shared with other work the
wall time grows with the load while the CPU time does not. The targets, on a 2-core machine: the fast lane
within 30 s and `.ci/run` within 8 minutes. The client venvs and pip's cache are the ones .ci/run keeps
(under ${XDG_CACHE_HOME:-~/.cache}/ircli-ci), so a lane here meets what CI meets on its second run.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FAST_TARGET, CI_TARGET = 30.0, 8 * 60.0
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ircli-ci"


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float
    code: int
    closing: str
    load_before: float
    load_after: float


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> Timing:
    """Wall and CPU seconds, exit code and the run's closing lines (pytest's, one per lane)."""
    load_before, cpu_before = os.getloadavg()[0], children_cpu()
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    lines = [line.strip("= ") for line in done.stdout.splitlines() if line.strip()]
    closing = [line for line in lines if re.search(r"\b(passed|failed|errors?|no tests ran)\b in ", line)]
    if done.returncode not in (0, 5):
        closing += [line for line in lines if line.startswith(("FAILED", "ERROR", "== "))][-8:]
        closing += done.stderr.strip().splitlines()[-3:]
    summary = " / ".join(closing) or (lines[-1] if lines else "")
    return Timing(wall, children_cpu() - cpu_before, done.returncode, summary, load_before, os.getloadavg()[0])


def environment() -> dict[str, str]:
    return {
        **os.environ,
        "PIP_CACHE_DIR": str(CACHE / "pip"),
        "IRCLI_CLIENT_VENVS": os.environ.get("IRCLI_CLIENT_VENVS") or str(CACHE / "venv-clients"),
    }


def lane(marks: str, workers: str) -> Timing:
    pytest = str(REPO / ".venv" / "bin" / "pytest")
    return timed([pytest, "-n", workers, "-m", marks], REPO, environment())


def whole_ci() -> Timing:
    with tempfile.TemporaryDirectory(prefix="ircli-ci-") as directory:
        clone = Path(directory) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
        return timed(["bash", ".ci/run"], clone, {**os.environ, "CI": "true"})


def row(name: str, timing: Timing, target: float | None) -> str:
    verdict = "" if target is None else ("within" if timing.wall <= target and timing.code in (0, 5) else "NOT within")
    goal = f"{verdict} {target:.0f} s" if target is not None else "-"
    return (
        f"| {name} | {timing.wall:.1f} s | {timing.cpu:.1f} s | {timing.load_before:.1f} -> {timing.load_after:.1f}"
        f" | {goal} | exit {timing.code}: {timing.closing[:300]} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast-only", action="store_true", help="only the fast lane")
    parser.add_argument("--ci", action="store_true", help="also `.ci/run` in a fresh clone of HEAD")
    parser.add_argument("-n", "--workers", default="auto", help="pytest-xdist's -n for the lanes (auto)")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; pytest -n {args.workers}\n")
    print("| what | wall time | CPU time | load (1 min) | target | outcome |\n|---|---|---|---|---|---|")
    timings = [lane("not slow", args.workers)]
    print(row(f'`pytest -n {args.workers} -m "not slow"`', timings[-1], FAST_TARGET), flush=True)
    if not args.fast_only:
        timings.append(lane("slow and not timing", args.workers))
        print(row(f'`pytest -n {args.workers} -m "slow and not timing"`', timings[-1], None), flush=True)
        timings.append(lane("timing", "0"))
        print(row("`pytest -m timing` (alone)", timings[-1], None), flush=True)
    if args.ci:
        timings.append(whole_ci())
        print(row("`CI=true bash .ci/run` in a fresh clone", timings[-1], CI_TARGET), flush=True)
    return 0 if all(timing.code in (0, 5) for timing in timings) else 1


if __name__ == "__main__":
    sys.exit(main())
