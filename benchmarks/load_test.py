"""How much load `ircli load-test` generates on this machine, and whether its figures agree with Locust's.

    python benchmarks/load_test.py [SECONDS] [USERS]

A no-op container (a small asyncio HTTP server in its own process: GET /ping, POST /invocations answered at
once) on loopback; then `ircli load-test --url` with one level of USERS closed loops for SECONDS, run three
ways: Locust alone in the engine's process, one worker under a master, and two workers. For each: the
requests per second ircli counted, Locust's own count and rate for the same run, and both medians.
Everything stays on 127.0.0.1 and stops by itself.
"""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: 2\r\n\r\n0\n"


async def _serve_one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            if length:
                await reader.readexactly(length)
            writer.write(ANSWER)
    except (asyncio.IncompleteReadError, ConnectionError):
        writer.close()


def container(port: int) -> None:
    """The no-op container: runs until killed."""

    async def main() -> None:
        server = await asyncio.start_server(_serve_one, "127.0.0.1", port, backlog=1024)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run(url: str, payload: Path, seconds: int, users: int, workers: int, home: str) -> dict[str, float]:
    command = [
        sys.executable, "-m", "ircli", "load-test", "--url", url, "--payload", str(payload),
        "--content-type", "text/csv", "--stairs", f"DurationInSeconds={seconds},NumberOfSteps=1,UsersPerStep={users}",
        "--output", "json",
    ]  # fmt: skip
    if workers:
        command += ["--workers", str(workers)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=seconds + 120, env={
        "PATH": "/usr/bin:/bin", "IRCLI_HOME": home, "HOME": home,
    })  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    document = json.loads(done.stdout)
    level = document["Levels"][0]
    locust = document["Locust"]
    return {
        "ircli_rps": level["Invocations"] / level["Seconds"],
        "ircli_answers": document["Answers"],
        "locust_requests": locust["Requests"],
        "locust_rps": locust["RequestsPerSecond"],
        "ircli_p50": level["P50Ms"],
        "locust_median": locust["MedianMs"],
    }


def main() -> None:
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    users = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    port = free_port()
    server = subprocess.Popen([sys.executable, __file__, "--container", str(port)])
    try:
        time.sleep(1.0)
        with tempfile.TemporaryDirectory() as home:
            payload = Path(home, "payload.csv")
            payload.write_text("1,2,3\n")
            url = f"http://127.0.0.1:{port}"
            print(f"no-op container on {url}; {users} users for {seconds} s; 2 cores shared with the generator")
            print(
                f"{'run':<22}{'ircli rps':>10}{'Locust rps':>12}{'ircli n':>10}{'Locust n':>10}"
                f"{'p50 ms':>8}{'Locust':>8}"
            )
            baseline = None
            for label, workers in (("one process (local)", 0), ("master + 1 worker", 1), ("master + 2 workers", 2)):
                figures = run(url, payload, seconds, users, workers, home)
                baseline = baseline or (figures["ircli_rps"] if workers == 1 else None)
                print(
                    f"{label:<22}{figures['ircli_rps']:>10.0f}{figures['locust_rps']:>12.0f}"
                    f"{figures['ircli_answers']:>10}{figures['locust_requests']:>10}"
                    f"{figures['ircli_p50']:>8.2f}{figures['locust_median']:>8}"
                )
                if workers == 2 and baseline:
                    print(f"speed-up of 2 workers over 1: {figures['ircli_rps'] / baseline:.2f}x")
    finally:
        server.kill()
        server.wait()


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--container":
        container(int(sys.argv[2]))
    else:
        main()
