"""A corpus of hostile input that grows: every case must be accepted or refused with the documented exit
code, no traceback, a bounded message, within 1 s and 100 MB. Families: YAML and JSON bombs, nesting,
size, separators, encodings, tags, huge numbers, control characters, special files, long paths,
adversarial values for every pattern of every request schema, thousands of bogus values, damaged stores."""

from __future__ import annotations

import gc
import json
import os
import sqlite3
import stat
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from ircli.schemas import load_schema

from ircli.operations import OPERATIONS
from ircli.simulator.server import RunningServer
from tests.conftest import EXAMPLES, CliRunner

pytestmark = pytest.mark.slow

# Only a guard against a hang (a regular expression that backtracks for ever, an expansion that never
# ends): how much work a refusal costs is bounded by memory, measured with tracemalloc, not by the
# machine's load.
SECONDS = 30.0
MEGABYTES = 100
ROLE = "arn:aws:iam::123456789012:role/R"


@dataclass(frozen=True)
class Case:
    name: str
    args: Callable[[Path], list[str]]  # the command line, given a scratch directory
    codes: tuple[int, ...] = (252,)


def file_case(
    name: str, data: bytes | Callable[[], bytes], *, json_input: bool = False, codes: tuple[int, ...] = (252,)
) -> Case:
    """`data` may be a function making the bytes, for big files: collecting the tests then builds none of them."""

    def args(directory: Path) -> list[str]:
        path = directory / name
        path.write_bytes(data() if callable(data) else data)
        return ["create-job", "--cli-input-json" if json_input else "--cli-input-yaml", str(path), "--dry-run"]

    return Case(name, args, codes)


def request(**input_config: object) -> dict[str, object]:
    config: dict[str, object] = {"ModelName": "churn-xgboost"}
    config.update(input_config)
    return {"JobName": "hostile", "JobType": "Default", "RoleArn": ROLE, "InputConfig": config}


def bombs() -> list[Case]:
    cases = []
    for depth in range(3, 10):
        lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
        lines += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, depth)]
        cases.append(file_case(f"alias-bomb-{depth}.yaml", "\n".join(lines).encode()))
    # Aliases that stay under the node guard but would print hundreds of thousands of errors.
    cases.append(
        file_case("alias-errors.yaml", b"a: &a [" + b"x," * 700 + b"x]\nJobName: [*a, *a, *a, *a, *a, *a, *a]\n")
    )
    for depth in (65, 100, 1000, 10_000, 100_000):
        cases.append(
            file_case(f"nested-{depth}.json", b'{"JobName": ' + b"[" * depth + b"]" * depth + b"}", json_input=True)
        )
        cases.append(file_case(f"nested-{depth}.yaml", b"JobName: " + b"[" * depth + b"]" * depth + b"\n"))
    return cases


def sizes() -> list[Case]:
    cases = []
    for megabytes in (1, 2, 5, 9.9):
        count = int(megabytes * 1024 * 1024 / 2)
        floats = int(megabytes * 1024 * 1024 / 4)
        cases += [
            file_case(f"flow-{megabytes}MiB.yaml", lambda c=count: b"JobName: [" + b"1," * c + b"1]\n"),
            file_case(
                f"array-{megabytes}MiB.json", lambda c=count: b'{"JobName": [' + b"1," * c + b"1]}", json_input=True
            ),
            file_case(
                f"floats-{megabytes}MiB.json", lambda f=floats: b'{"a": [' + b"1.5," * f + b"1]}", json_input=True
            ),
            file_case(f"lines-{megabytes}MiB.yaml", lambda c=count: b"".join(b"k%d: v\n" % i for i in range(c // 4))),
            file_case(
                f"string-{megabytes}MiB.json",
                lambda c=count: b'{"JobName": "' + b"a" * (c * 2 - 20) + b'"}',
                json_input=True,
            ),
        ]
    cases.append(
        file_case("eleven-MiB.json", lambda: b'{"JobName": "' + b"a" * (11 * 1024 * 1024) + b'"}', json_input=True)
    )
    return cases


def numbers() -> list[Case]:
    digits = 20_000
    return [
        file_case("json-int-5000.json", b'{"a": ' + b"9" * 5000 + b"}", json_input=True),
        file_case(
            "json-int-40.json", json.dumps(request(JobDurationInSeconds=int("9" * 40))).encode(), json_input=True
        ),
        file_case("yaml-hex.yaml", b"a: 0x" + b"f" * digits + b"\n"),
        file_case("yaml-bin.yaml", b"a: 0b" + b"1" * digits + b"\n"),
        file_case("yaml-oct.yaml", b"a: 0o" + b"7" * digits + b"\n"),
        file_case("yaml-sexagesimal.yaml", b"a: 1" + b":59" * 4000 + b"\n"),
        file_case("yaml-decimal.yaml", b"a: " + b"9" * digits + b"\n"),
        file_case("yaml-float.yaml", b"a: 1e" + b"9" * 400 + b"\n"),
        file_case("nan.json", b'{"JobName": NaN}', json_input=True),
        file_case("infinity.yaml", b"JobName: x\nInputConfig:\n  JobDurationInSeconds: .inf\n"),
        file_case("negative-huge.json", b'{"a": -' + b"9" * 4000 + b"}", json_input=True),
    ]


def encodings() -> list[Case]:
    text = "JobName: caf\u00e9\n"
    return [
        file_case("latin1.yaml", text.encode("latin-1")),
        file_case("utf16-no-bom.yaml", text.encode("utf-16-le")),
        file_case("utf32.yaml", text.encode("utf-32")),
        file_case("overlong.yaml", b"JobName: \xc0\xaf\n"),
        file_case("surrogate.yaml", b"JobName: \xed\xa0\x80\n"),
        file_case("nul.yaml", b"JobName: a\x00b\n"),
        file_case("binary.json", bytes(range(256)) * 4, json_input=True),
        file_case("bom-broken.json", b"\xef\xbb\xbf{broken", json_input=True),
        file_case("utf16-bom-odd.yaml", b"\xff\xfeJ\x00o\x00b"),
        file_case("empty.yaml", b""),
        file_case("whitespace.json", b" \n\t", json_input=True),
        file_case("scalar.yaml", b"42\n"),
        file_case("list.json", b"[1, 2]", json_input=True),
    ]


def tags_and_keys() -> list[Case]:
    return [
        file_case("python-object.yaml", b"JobName: !!python/object/apply:os.system ['touch /tmp/ircli-pwned']\n"),
        file_case("python-name.yaml", b"JobName: !!python/name:os.system\n"),
        file_case("python-module.yaml", b"JobName: !!python/module:os\n"),
        file_case("custom-tag.yaml", b"JobName: !Ref x\n"),
        file_case("set-tag.yaml", b"JobName: !!set {a, b}\n"),
        file_case("binary-tag.yaml", b"JobName: !!binary aGVsbG8=\n"),
        file_case("timestamp.yaml", b"JobName: 2026-01-01\n"),
        file_case("duplicate.yaml", b"JobName: a\nJobName: b\n"),
        file_case("duplicate.json", b'{"JobName": "a", "JobName": "b"}', json_input=True),
        file_case("mapping-key.yaml", b"? [a, b]\n: c\n"),
        file_case("merge-bomb.yaml", b"a: &a {x: 1}\nb:\n  <<: [*a, *a, *a, *a]\n"),
    ]


CONTROLS = ["\x1b[2J", "\x1b]0;title\x07", "\x1b]8;;http://x\x07link\x1b]8;;\x07", "\x9b31m", "\u202eevil", "\x07"]


def control_characters() -> list[Case]:
    cases = []
    for index, sequence in enumerate(CONTROLS):
        for member in ("JobDescription", "JobName", "RoleArn"):
            document = request()
            document[member] = f"x{sequence}y"
            # A description may hold them (the model allows it): accepted, and shown escaped.
            codes = (0, 252) if member == "JobDescription" else (252,)
            data = json.dumps(document).encode()
            cases.append(file_case(f"control-{index}-{member}.json", data, json_input=True, codes=codes))
        bogus = request(Bogus=f"x{sequence}")
        cases.append(
            file_case(f"control-key-{index}.json", json.dumps({**bogus, f"k{sequence}": 1}).encode(), json_input=True)
        )
    return cases


def special_files() -> list[Case]:
    def fifo(directory: Path) -> list[str]:
        path = directory / "fifo.yaml"
        if not path.exists():
            os.mkfifo(path)
        return ["create-job", "--cli-input-yaml", str(path), "--dry-run"]

    def directory_input(directory: Path) -> list[str]:
        path = directory / "folder.yaml"
        path.mkdir(exist_ok=True)
        return ["create-job", "--cli-input-yaml", str(path), "--dry-run"]

    def loop(directory: Path) -> list[str]:
        path = directory / "loop.yaml"
        if not path.is_symlink():
            path.symlink_to(path)
        return ["create-job", "--cli-input-yaml", str(path), "--dry-run"]

    return [
        Case("dev-zero", lambda d: ["create-job", "--cli-input-yaml", "/dev/zero", "--dry-run"]),
        Case("dev-null", lambda d: ["create-job", "--cli-input-yaml", "/dev/null", "--dry-run"]),
        Case("fifo", fifo),
        Case("directory", directory_input),
        Case("symlink-loop", loop),
        Case("long-path", lambda d: ["create-job", "--cli-input-yaml", "a/" * 150 + "x.yaml", "--dry-run"]),
        Case("long-file-url", lambda d: ["create-job", "--cli-input-yaml", "file://" + "b" * 5000, "--dry-run"]),
        Case("long-name", lambda d: ["create-job", "--cli-input-yaml", "c" * 300, "--dry-run"]),
        Case("nul-in-path", lambda d: ["create-job", "--cli-input-yaml", "file://a\x00b", "--dry-run"]),
        Case("control-in-path", lambda d: ["create-job", "--cli-input-yaml", "a\x1b]0;t\x07.yaml", "--dry-run"]),
    ]


def bogus_values() -> list[Case]:
    def types(count: int) -> bytes:
        return json.dumps(
            request(ContainerConfig={"SupportedInstanceTypes": [f"ml.bogus{i}" for i in range(count)]})
        ).encode()

    def configurations(count: int) -> bytes:
        return json.dumps(request(EndpointConfigurations=[{"InstanceType": "ml.nope"}] * count)).encode()

    return [
        *(file_case(f"bogus-types-{n}.json", types(n), json_input=True) for n in (100, 30_000, 50_000)),
        *(file_case(f"bogus-configurations-{n}.json", configurations(n), json_input=True) for n in (11, 30_000)),
        file_case(
            "bogus-tags.json", json.dumps({**request(), "Tags": [{"Key": ""}] * 20_000}).encode(), json_input=True
        ),
        file_case(
            "unknown-members.json",
            json.dumps({**request(), **{f"x{i}": i for i in range(20_000)}}).encode(),
            json_input=True,
        ),
    ]


ADVERSARIAL = (
    "a{n}\n",
    "s3://{a}/{b}\n",
    "-{n}!",
    "arn:aws:{colons}!",
    "a-{pairs}!",
    "1{n}x",
)


def string_patterns() -> list[Case]:
    """Every string with a pattern in every request schema, given values built to make a backtracking
    matcher work hard, just under and far over the member's length limit."""
    seen: dict[str, int | None] = {}
    for operation in OPERATIONS:
        for definition in load_schema(operation, "request")["$defs"].values():
            if definition.get("type") == "string" and "pattern" in definition:
                seen.setdefault(definition["pattern"], definition.get("maxLength"))
    cases = []
    for number, (pattern, limit) in enumerate(sorted(seen.items())):
        for size in (min(limit or 4096, 4096), 80_000):
            value = "a" * (size // 2) + "/" + "-a" * (size // 4) + "\n"
            document = request(ContainerConfig={"PayloadConfig": {"SamplePayloadUrl": value}})
            document["JobDescription"] = value
            cases.append(file_case(f"pattern-{number}-{size}.json", json.dumps(document).encode(), json_input=True))
        del pattern
    return cases


def damaged_stores() -> list[Case]:
    def store_with(
        content: bytes | None, *, link: bool = False, directory: bool = False
    ) -> Callable[[Path], list[str]]:
        def args(scratch: Path) -> list[str]:
            state = scratch / "state"
            state.mkdir(exist_ok=True)
            database = state / "state.db"
            if link and not database.is_symlink():
                (scratch / "other").write_text("other")
                database.symlink_to(scratch / "other")
            elif directory:
                database.mkdir(exist_ok=True)
            elif content is not None:
                database.write_bytes(content)
            return ["--state-dir", str(state), "list-jobs"]

        return args

    def older_layout(scratch: Path) -> list[str]:
        state = scratch / "old"
        state.mkdir(exist_ok=True)
        connection = sqlite3.connect(state / "state.db")
        connection.execute("CREATE TABLE IF NOT EXISTS jobs (name TEXT)")  # a layout ircli never wrote
        connection.execute("PRAGMA user_version=1")
        connection.commit()
        connection.close()
        return ["--state-dir", str(state), "list-jobs"]

    def newer_layout(scratch: Path) -> list[str]:
        state = scratch / "newer"
        state.mkdir(exist_ok=True)
        connection = sqlite3.connect(state / "state.db")
        connection.execute("PRAGMA user_version=99")
        connection.commit()
        connection.close()
        return ["--state-dir", str(state), "list-jobs"]

    return [
        Case("store-garbage", store_with(b"garbage" * 100), (253,)),
        Case("store-truncated-header", store_with(b"SQLite format 3\x00" + b"\x00" * 50), (253,)),
        Case("store-symlink", store_with(None, link=True), (253,)),
        Case("store-directory", store_with(None, directory=True), (253,)),
        Case("store-older-layout", older_layout, (253,)),
        Case("store-newer-layout", newer_layout, (253,)),
    ]


def served_and_ci() -> list[Case]:
    """Endpoint URLs carrying a password that fail before any connection (issue 18); the password is never
    printed (test_a_password_in_the_endpoint_url_is_never_printed)."""
    urls = {
        "userinfo-bad-port": "http://alice:hunter2-secret@127.0.0.1:notaport",
        "userinfo-bad-ipv6": "http://alice:hunter2-secret@[::1",
        "userinfo-no-scheme": "alice:hunter2-secret@127.0.0.1:1",
        "userinfo-space-in-host": "http://alice:hunter2-secret@bad host/",
    }
    return [
        Case(
            f"endpoint-url-{name}",
            lambda _, url=url: ["--backend", "aws", "--endpoint-url", url, "list-jobs"],
            (252,),  # refused before any client is made
        )
        for name, url in urls.items()
    ]


CORPUS = [
    *bombs(),
    *sizes(),
    *numbers(),
    *encodings(),
    *tags_and_keys(),
    *control_characters(),
    *special_files(),
    *bogus_values(),
    *string_patterns(),
    *damaged_stores(),
    *served_and_ci(),
]


def test_the_corpus_is_large() -> None:
    assert len(CORPUS) >= 200
    assert len({case.name for case in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("case", CORPUS, ids=lambda case: case.name)
def test_hostile_input_is_refused_fast_and_small(case: Case, cli: CliRunner, tmp_path: Path) -> None:
    args = case.args(tmp_path)
    gc.collect()
    started = time.perf_counter()
    result = cli(*args, expect=case.codes)
    elapsed = time.perf_counter() - started
    assert result.code in case.codes, (result.code, result.err[-500:])
    assert "Traceback" not in result.err
    assert result.code == 0 or result.err.startswith("ircli: "), result.err[-500:]
    assert "\x1b" not in result.err + result.out and "\x07" not in result.err + result.out
    assert len(result.err) < 20_000 and len(result.err.splitlines()) <= 30
    assert elapsed < SECONDS, f"{elapsed:.2f} s"
    tracemalloc.start()
    try:
        cli(*args, expect=case.codes)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MEGABYTES * 1024 * 1024, f"{peak / 1024 / 1024:.0f} MB"
    assert not Path("/tmp/ircli-pwned").exists()


def test_a_valid_example_is_still_accepted(cli: CliRunner) -> None:
    assert cli("create-job", "--cli-input-yaml", str(EXAMPLES / "default-job.yaml"), "--dry-run").code == 0


# file writing (issue 18)


def report_to(name: str, make: Callable[[Path], Path]) -> Case:
    """`report --html` aimed at what `make` puts in the scratch directory; refused before any job is read."""

    def args(directory: Path) -> list[str]:
        return ["report", "no-such-job", "--html", str(make(directory))]

    return Case(f"report-{name}", args)


def _once(path: Path, make: Callable[[Path], None]) -> Path:
    if not os.path.lexists(path):
        make(path)
    return path


def _read_only(path: Path) -> None:
    path.write_text("kept")
    path.chmod(0o444)


def _through_a_file(directory: Path) -> Path:
    _once(directory / "plain", lambda p: p.write_text(""))
    return directory / "plain" / "r.html"


FILE_CASES = [
    report_to("fifo", lambda d: _once(d / "pipe.html", os.mkfifo)),
    report_to("symlink-to-dev-null", lambda d: _once(d / "null.html", lambda p: p.symlink_to(os.devnull))),
    report_to("symlink-to-stdout", lambda d: _once(d / "out.html", lambda p: p.symlink_to("/proc/self/fd/1"))),
    report_to("symlink-loop", lambda d: _once(d / "loop.html", lambda p: p.symlink_to(p))),
    report_to("symlink-to-a-file", lambda d: _once(d / "alias.html", lambda p: p.symlink_to(d / "plain"))),
    report_to("directory", lambda d: _once(d / "dir.html", lambda p: p.mkdir())),
    report_to("read-only-file", lambda d: _once(d / "kept.html", _read_only)),
    report_to("dev-null", lambda d: Path(os.devnull)),
    report_to("dev-zero", lambda d: Path("/dev/zero")),
    report_to("proc-stdout", lambda d: Path("/proc/self/fd/1")),
    report_to("long-name", lambda d: d / ("n" * 300)),
    report_to("long-path", lambda d: d / ("a/" * 3000) / "x.html"),
    report_to("nul-in-name", lambda d: d / "a\x00b.html"),
    report_to("control-in-name", lambda d: d / "a\x1b]0;t\x07" / "x.html"),
    report_to("through-a-file", _through_a_file),
    report_to("missing-folder", lambda d: d / "missing" / "x.html"),
]


def _identities(directory: Path) -> dict[str, tuple[int, int, int]]:
    return {p.name: (p.lstat().st_ino, p.lstat().st_mode, p.lstat().st_mtime_ns) for p in directory.iterdir()}


@pytest.mark.parametrize("case", FILE_CASES, ids=lambda case: case.name)
def test_hostile_file_targets_are_refused_and_left_alone(case: Case, cli: CliRunner, tmp_path: Path) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    (scratch / "plain").write_text("")
    case.args(scratch)  # made once, before the snapshot
    devices = {name: os.stat(name).st_ino for name in (os.devnull, "/dev/zero")}
    before = _identities(scratch)
    test_hostile_input_is_refused_fast_and_small(case, cli, scratch)
    assert _identities(scratch) == before  # nothing replaced, nothing left behind
    assert {name: os.stat(name).st_ino for name in devices} == devices
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


# served simulator and CI example (issue 18)

AWS_KEYS = {
    "AWS_ACCESS_KEY_ID": "AKIAHOSTILETEST",
    "AWS_SECRET_ACCESS_KEY": "hostile-secret",
    "AWS_REGION": "us-east-1",
}
PASSWORD_URLS = [
    "http://alice:hunter2-secret@127.0.0.1:1",  # nothing listens: botocore's "Could not connect" names the URL
    "http://alice:hunter2-secret@127.0.0.1:1/path?x=1",
    "https://alice:hunter2%40secret@127.0.0.1:1",
    "http://alice:hunter2@secret@127.0.0.1:1",  # an unescaped "@" in the password
    *(case.args(Path("."))[3] for case in served_and_ci()),
]


@pytest.mark.parametrize("debug", [False, True], ids=["plain", "debug"])
@pytest.mark.parametrize("url", PASSWORD_URLS)
def test_a_password_in_the_endpoint_url_is_never_printed(cli: CliRunner, url: str, debug: bool) -> None:
    flags = ["--debug"] if debug else []
    for args, environ in (
        ([*flags, "--backend", "aws", "--endpoint-url", url, "list-jobs"], AWS_KEYS),
        ([*flags, "--backend", "aws", "describe-job", "j"], {**AWS_KEYS, "AWS_ENDPOINT_URL": url}),
        ([*flags, "--backend", "aws", "list-jobs"], {**AWS_KEYS, "AWS_ENDPOINT_URL_SAGEMAKER": url}),
    ):
        # 252: a URL botocore cannot use is refused up front
        result = cli(*args, environ=environ, expect=(252, 253, 255))
        printed = result.out + result.err
        for secret in ("hunter2", "alice", "%40secret"):
            assert secret not in printed, printed[-800:]
        if "Could not connect" in printed or "Invalid endpoint" in printed:
            assert "****@" in printed  # the URL is still named, its userinfo masked
        assert ("Traceback" in result.err) is debug


HOSTILE_HOSTS = [
    "rebind.test:{port}",
    "evil",
    "",
    "127.0.0.1@evil.example",
    "127.0.0.1:{port}.evil.example",
    "127.0.0.1:{port}:80",
    "[::1]evil",
    "[::1]:{port}x",
    "localhost.:{port}",
    "127.0.0.1.:{port}",
    "localhost:{port}, evil",
    "127.0.0.1:1",
    "0.0.0.0:{port}",
    "x" * 10_000,
]
HOSTILE_ORIGINS = [
    "http://evil.example",
    "null",
    "http://127.0.0.1@evil.example",
    "http://127.0.0.1:{port}.evil.example",
    "http://localhost.",
    "http://127.1",
    "file://",
    "http://[::1",
    "http://127.0.0.1, http://evil.example",
    "chrome-extension://abcdef",
    "http://" + "a" * 10_000,
]


@pytest.fixture
def served_simulator(tmp_path: Path) -> Iterator[RunningServer]:
    from ircli.simulator.models import Simulator
    from ircli.simulator.server import serve_in_thread
    from ircli.simulator.store import Store

    running, thread = serve_in_thread(Simulator(Store(tmp_path / "served"), speed="instant"))
    yield running
    running.shutdown()
    thread.join(timeout=5)


def _post(server: RunningServer, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    import http.client

    host, port = server.server_address[:2]
    connection = http.client.HTTPConnection(str(host), int(port), timeout=10)
    body = json.dumps({"ModelName": "hostile-page", "PrimaryContainer": {"Image": "i"}, "ExecutionRoleArn": ROLE})
    connection.putrequest("POST", "/", skip_host=True, skip_accept_encoding=True)
    for name, value in {"X-Amz-Target": "SageMaker.CreateModel", "Content-Length": str(len(body)), **headers}.items():
        connection.putheader(name, value)
    connection.endheaders(body.encode())
    response = connection.getresponse()
    payload = json.loads(response.read() or b"{}")
    connection.close()
    return response.status, payload


@pytest.mark.parametrize("host", HOSTILE_HOSTS, ids=lambda host: host[:40] or "empty")
def test_a_served_simulator_refuses_every_other_name(served_simulator: RunningServer, host: str) -> None:
    port = served_simulator.server_address[1]
    status, payload = _post(served_simulator, {"Host": host.format(port=port)} if host else {})
    assert (status, payload["__type"]) == (403, "AccessDeniedException")
    assert len(payload["message"]) < 11_000
    assert _post(served_simulator, {"Host": f"127.0.0.1:{port}"})[0] == 200  # the refused request made nothing


@pytest.mark.parametrize("origin", HOSTILE_ORIGINS, ids=lambda origin: origin[:40])
def test_a_served_simulator_refuses_every_origin_off_loopback(served_simulator: RunningServer, origin: str) -> None:
    port = served_simulator.server_address[1]
    status, payload = _post(served_simulator, {"Host": f"localhost:{port}", "Origin": origin.format(port=port)})
    assert (status, payload["__type"]) == (403, "AccessDeniedException")
    assert "Origin" in payload["message"]
    assert _post(served_simulator, {"Host": f"localhost:{port}"})[0] == 200  # the refused request made nothing


# store and simulator refusals (issue 18)


def store_and_simulator_refusals() -> list[Case]:
    def writable_by(permissions: int) -> Callable[[Path], list[str]]:
        def args(scratch: Path) -> list[str]:
            state = scratch / f"writable-{permissions:o}"
            state.mkdir(exist_ok=True)
            os.chmod(state, permissions)
            return ["--state-dir", str(state), "list-jobs"]

        return args

    def poisoned(scratch: Path) -> list[str]:
        """A store of the layout before, as ircli wrote it: NaN in a failed job's plan."""
        from ircli.simulator.store import SCHEMA_V1, SCHEMA_V2

        state = scratch / "poisoned"
        if not state.exists():
            state.mkdir(mode=0o700)
            connection = sqlite3.connect(state / "state.db")
            connection.executescript(SCHEMA_V1 + SCHEMA_V2)
            request = {"JobName": "nan", "JobType": "Default", "RoleArn": ROLE, "InputConfig": {"ModelName": "m"}}
            result = {"cpu_utilization": float("nan"), "memory_utilization": float("inf"), "failure": "OUT_OF_MEMORY"}
            plan = {"steps": [{"result": result}], "failure_reason": "BENCHMARKS_FAILED : 1. OUT_OF_MEMORY"}
            connection.execute(
                "INSERT INTO jobs (name, created, pending_until, ends_at, failed, stopping_seconds, job_type, request,"
                " plan) VALUES ('nan', 0, 0, 0, 1, 0, 'Default', ?, ?)",
                (json.dumps(request), json.dumps(plan)),
            )
            connection.execute("PRAGMA user_version=2")
            connection.commit()
            connection.close()
        return ["--state-dir", str(state), "list-jobs", "--status-equals", "FAILED"]

    def every_benchmark_failed(scratch: Path) -> list[str]:
        from ircli.simulator.models import Simulator
        from ircli.simulator.store import Store

        state = scratch / "failed"
        if not state.exists():
            simulator = Simulator(Store(state), speed="instant")
            for index, endpoint in enumerate(("ml.c5.xlarge", "ml.t2.medium", "ml.g4dn.xlarge")):
                job = request(ContainerConfig={"NearestModelName": "llama", "SupportedInstanceTypes": [endpoint]})
                simulator.dispatch("CreateInferenceRecommendationsJob", {**job, "JobName": f"llm-{index}"})
            simulator.store.close()
        return ["--state-dir", str(state), "list-jobs"]

    def tagged(key: str) -> Callable[[Path], list[str]]:
        def args(scratch: Path) -> list[str]:
            document = {**request(), "Tags": [{"Key": key, "Value": "v"}]}
            return ["create-job", "--cli-input-json", json.dumps(document)]

        return args

    def tagged_config(scratch: Path) -> list[str]:
        variant = {
            "VariantName": "v",
            "ModelName": "churn-xgboost",
            "InstanceType": "ml.m5.large",
            "InitialInstanceCount": 1,
        }
        document = {"EndpointConfigName": "c", "ProductionVariants": [variant], "Tags": [{"Key": "aws:x", "Value": ""}]}
        return ["endpoint-config", "create", "--cli-input-json", json.dumps(document)]

    return [
        Case("state-dir-world-writable", writable_by(0o777), (253,)),
        Case("state-dir-group-writable", writable_by(0o770), (253,)),
        Case("state-dir-sticky-world-writable", writable_by(0o1777), (253,)),
        Case("store-holding-nan", poisoned, (0,)),
        Case("store-every-benchmark-failed", every_benchmark_failed, (0,)),
        Case("tag-key-aws-prefix", tagged("aws:cloudformation:stack-name"), (254,)),
        Case("tag-key-aws-prefix-upper", tagged("AWS:x"), (254,)),
        Case("tag-key-aws-prefix-endpoint-config", tagged_config, (254,)),
    ]


REFUSALS = store_and_simulator_refusals()


@pytest.mark.parametrize("case", REFUSALS, ids=lambda case: case.name)
def test_store_and_simulator_refusals(case: Case, cli: CliRunner, tmp_path: Path) -> None:
    test_hostile_input_is_refused_fast_and_small(case, cli, tmp_path)


# terminal output and numeric input (issue 18)


def traffic_case(name: str, text: str, codes: tuple[int, ...] = (252,)) -> Case:
    def args(directory: Path) -> list[str]:
        path = directory / f"{name}.csv"
        path.write_bytes(text.encode())
        return ["cost-estimate", "no-such-job", "--traffic-profile", str(path)]

    return Case(name, args, codes)


def terminal_and_numbers() -> list[Case]:
    cases = [
        Case(f"flag-{flag}-{value}", lambda d, line=[*command, f"{flag}={value}"]: line)
        for command, flag in (
            (["rank-recommendations", "j"], "--max-latency-ms"),
            (["describe-job", "j"], "--max-cost-per-hour"),
            (["wait", "j"], "--timeout"),
            (["compare-jobs", "a", "b"], "--fail-on-regression"),
            (["cost-estimate", "j", "--peak-per-minute", "5"], "--average-per-minute"),
            (["endpoint-config", "update-capacity", "--endpoint-name", "e"], "--desired-weight"),
        )
        for value in ("nan", "-Infinity", "1e999")
    ]
    cases.append(Case("traffic-1e12", lambda d: ["cost-estimate", "j", "--average-per-minute", "1e12",
                                                 "--peak-per-minute", "1e12"]))  # fmt: skip
    day = [f"{hour};{hour + 1},5" for hour in range(24)]
    cases += [
        # Read correctly, then the job is missing (254): never a crash, never misread.
        traffic_case("traffic-cr-only", "\r".join(line.replace(";", ",").replace(",5", "") for line in day), (254,)),
        traffic_case("traffic-semicolon-decimal-comma", "\n".join(day), (254,)),
        traffic_case("traffic-comma-decimal-comma", "\n".join(line.replace(";", ",") for line in day)),
        traffic_case("traffic-grouping", "\n".join(f"{hour};1.500" for hour in range(24))),
        traffic_case("traffic-huge", "\n".join(f"{hour},1e12" for hour in range(24))),
        traffic_case("traffic-nul-cr", "\r".join(f"{hour},1\x00" for hour in range(24))),
    ]
    ranges = {"CategoricalParameterRanges": [{"Name": "K\x1b]0;t\x07", "Value": ["[/]", "[link=https://x]1[/link]"]}]}
    document = request(EndpointConfigurations=[{"InstanceType": "ml.c5.xlarge", "EnvironmentParameterRanges": ranges}])
    cases.append(file_case("markup-in-environment.json", json.dumps(document).encode(), json_input=True, codes=(0,)))
    return cases


TERMINAL_AND_NUMBERS = terminal_and_numbers()


@pytest.mark.parametrize("case", TERMINAL_AND_NUMBERS, ids=lambda case: case.name)
def test_terminal_and_numeric_hostile_input(case: Case, cli: CliRunner, tmp_path: Path) -> None:
    started = time.perf_counter()
    result = cli(*case.args(tmp_path), expect=case.codes)
    assert time.perf_counter() - started < SECONDS
    assert result.code in case.codes, (result.code, result.err[-500:])
    # A value the parser refuses comes with the usage line first, as for any bad option value.
    assert "Traceback" not in result.err and (result.code == 0 or "ircli: " in result.err), result.err[-500:]
    assert "\x1b" not in result.err + result.out and "\x07" not in result.err + result.out
    assert len(result.err.splitlines()) <= 30


# hostile endpoint (issue 18)
# The aws backend believes nothing it cannot check (the HTTP server cases are in test_hostile_endpoint.py);
# credentials that cannot be used are 253 with what to set; ranking stays O(n log n).

AWS_ROLE = "arn:aws:iam::123456789012:role/R"
AWS_JOB_ARN = "arn:aws:sagemaker:us-east-1:123456789012:inference-recommendations-job/job-1"
AWS_CREATE = {"JobName": "job-1", "JobType": "Default", "RoleArn": AWS_ROLE, "InputConfig": {"ModelName": "m"}}


class _AwsBody:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: object) -> Iterator[bytes]:
        yield self.data


def _aws_answer(request: Any, status: int, document: dict[str, Any]) -> Any:
    from botocore.awsrequest import AWSResponse

    return AWSResponse(request.url, status, {"x-amzn-requestid": "r"}, _AwsBody(json.dumps(document).encode()))


def _described(created: float, **members: object) -> dict[str, Any]:
    job: dict[str, Any] = {
        "JobName": "job-1",
        "JobType": "Default",
        "JobArn": AWS_JOB_ARN,
        "RoleArn": AWS_ROLE,
        "Status": "IN_PROGRESS",
        "CreationTime": created,
        "LastModifiedTime": created,
        "InputConfig": {"ModelName": "m", "JobDurationInSeconds": 7200},  # the service adds its defaults
    }
    job.update(members)
    return job


def _first_attempt_times_out(described: dict[str, Any] | None) -> tuple[Any, list[str]]:
    """botocore's real retry path: CreateInferenceRecommendationsJob times out reading its answer (the job
    was made), its retry is told the job already exists, then DescribeInferenceRecommendationsJob."""
    from botocore.exceptions import ReadTimeoutError

    sent: list[str] = []

    def handler(request: Any, **_: object) -> Any:
        target = request.headers.get("X-Amz-Target", b"")
        operation = (target.decode() if isinstance(target, bytes) else target).rpartition(".")[2]
        sent.append(operation)
        if operation == "CreateInferenceRecommendationsJob" and sent.count(operation) == 1:
            raise ReadTimeoutError(endpoint_url=request.url, error="simulated")
        if operation == "CreateInferenceRecommendationsJob":
            return _aws_answer(request, 400, {"__type": "ResourceInUse", "message": "Job job-1 already exists."})
        return _aws_answer(request, 200, described or {})

    return handler, sent


@pytest.fixture
def aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No credentials, profile or config of the machine's: temporary config and credentials files."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setattr("time.sleep", lambda seconds: None)  # botocore's back-off between attempts
    (tmp_path / "config").write_text("[default]\nregion = us-east-1\n")
    return tmp_path


def test_a_create_retried_after_a_timeout_finds_its_own_job(
    aws_environment: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ircli.backends.aws import AwsBackend

    handler, sent = _first_attempt_times_out(_described(time.time()))
    make_client = AwsBackend._make_client

    def with_handler(self: AwsBackend, service: str) -> Any:
        client = make_client(self, service)
        client.meta.events.register("before-send.sagemaker", handler)
        return client

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIARETRYTEST")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "retry-secret")
    monkeypatch.setattr(AwsBackend, "_make_client", with_handler)
    create = ["create-job", "--job-name", "job-1", "--job-type", "Default", "--role-arn", AWS_ROLE, "--model-name", "m"]
    result = cli("--backend", "aws", *create, "--output", "json")
    assert result.code == 0, result.err
    assert result.json == {"JobArn": AWS_JOB_ARN}
    assert f"Created {AWS_JOB_ARN} (the first attempt reached the service; its retry found it)" in result.err
    assert sent == ["CreateInferenceRecommendationsJob"] * 2 + ["DescribeInferenceRecommendationsJob"]


@pytest.mark.parametrize(
    ("case", "described"),
    [
        ("an older job of that name", _described(time.time() - 86400)),
        ("another role", _described(time.time(), RoleArn="arn:aws:iam::123456789012:role/Other")),
        ("another model", _described(time.time(), InputConfig={"ModelName": "other"})),
        ("another type", _described(time.time(), JobType="Advanced")),
    ],
)
def test_a_create_retried_after_a_timeout_does_not_claim_someone_elses_job(
    aws_environment: Path, case: str, described: dict[str, Any]
) -> None:
    from ircli.backends.aws import AwsBackend
    from ircli.errors import ServiceError
    from ircli.lib.service import RecommenderService

    backend = AwsBackend(region="us-east-1", environ={"AWS_ACCESS_KEY_ID": "AKIAX", "AWS_SECRET_ACCESS_KEY": "s"})
    handler, _ = _first_attempt_times_out(described)
    backend.client.meta.events.register("before-send.sagemaker", handler)
    service = RecommenderService(backend)
    with pytest.raises(ServiceError) as raised:
        service.call("CreateInferenceRecommendationsJob", dict(AWS_CREATE))
    assert raised.value.code == "ResourceInUse" and raised.value.exit_status == 254
    assert not service.take_notes()


def test_a_create_refused_at_once_is_not_checked(aws_environment: Path) -> None:
    """Stubbed: no retry happened, so "already exists" is the truth and nothing is described."""
    from botocore.stub import Stubber

    from ircli.backends.aws import AwsBackend
    from ircli.errors import ServiceError
    from ircli.lib.service import RecommenderService

    backend = AwsBackend(region="us-east-1", environ={"AWS_ACCESS_KEY_ID": "AKIAX", "AWS_SECRET_ACCESS_KEY": "s"})
    with Stubber(backend.client) as stubber:
        stubber.add_client_error("create_inference_recommendations_job", "ResourceInUse", "exists")
        with pytest.raises(ServiceError):
            RecommenderService(backend).call("CreateInferenceRecommendationsJob", dict(AWS_CREATE))
        stubber.assert_no_pending_responses()


def test_a_stubbed_retry_that_found_its_own_job_succeeds(aws_environment: Path) -> None:
    from datetime import datetime, timezone

    from botocore.stub import Stubber

    from ircli.backends.aws import AwsBackend
    from ircli.lib.service import RecommenderService

    backend = AwsBackend(region="us-east-1", environ={"AWS_ACCESS_KEY_ID": "AKIAX", "AWS_SECRET_ACCESS_KEY": "s"})
    now = datetime.now(timezone.utc)
    described = {**_described(0), "CreationTime": now, "LastModifiedTime": now}
    service = RecommenderService(backend)
    with Stubber(backend.client) as stubber:
        stubber.add_client_error(
            "create_inference_recommendations_job", "ResourceInUse", "exists", response_meta={"RetryAttempts": 1}
        )
        stubber.add_response("describe_inference_recommendations_job", described, {"JobName": "job-1"})
        assert service.call("CreateInferenceRecommendationsJob", dict(AWS_CREATE)) == {"JobArn": AWS_JOB_ARN}
    assert service.take_notes() == [
        f"Created {AWS_JOB_ARN} (the first attempt reached the service; its retry found it)"
    ]


def test_a_missing_member_deep_in_an_answer_is_named(aws_environment: Path) -> None:
    from ircli.backends.aws import AwsBackend
    from ircli.errors import UnreadableAnswer

    backend = AwsBackend(region="us-east-1", environ={"AWS_ACCESS_KEY_ID": "AKIAX", "AWS_SECRET_ACCESS_KEY": "s"})
    job = _described(time.time(), InferenceRecommendations=[{"Metrics": {}, "EndpointConfiguration": {}}])

    def handler(request: Any, **_: object) -> Any:
        return _aws_answer(request, 200, job)

    backend.client.meta.events.register("before-send.sagemaker", handler)
    with pytest.raises(UnreadableAnswer) as raised:
        backend.call("DescribeInferenceRecommendationsJob", {"JobName": "job-1"})
    assert raised.value.exit_status == 255
    assert "InferenceRecommendations[0]" in raised.value.message


CREDENTIAL_CASES: list[tuple[str, dict[str, str], str, str, str | None, list[str]]] = [
    ("key without secret", {"AWS_ACCESS_KEY_ID": "AKIAHALF"}, "", "", None, ["Set AWS_SECRET_ACCESS_KEY"]),
    (
        "file key without secret",
        {},
        "",
        "[default]\naws_access_key_id = AKIAHALF\n",
        None,
        ["aws_secret_access_key"],
    ),
    (
        "failing credential_process",
        {},
        "credential_process = sh -c 'echo nope >&2; exit 3'\n",
        "",
        "p",
        ["credential_process of profile 'p'", "nope"],
    ),
    (
        "credential_process printing garbage",
        {},
        "credential_process = echo not-json\n",
        "",
        "p",
        ["credential_process of profile 'p'", "not JSON"],
    ),
    (
        "expired credential_process",
        {},
        'credential_process = printf \'{"Version": 1, "AccessKeyId": "AKIAOLD", "SecretAccessKey": "s", '
        '"SessionToken": "t", "Expiration": "2000-01-01T00:00:00Z"}\'\n',
        "",
        "p",
        ["profile 'p' have expired"],
    ),
    (
        "dangling source_profile",
        {},
        "role_arn = arn:aws:iam::123456789012:role/R\nsource_profile = ghost\n",
        "",
        "p",
        ['source_profile "ghost"', "Fix profile 'p'"],
    ),
    ("unknown profile", {}, "", "", "nobody", ["(nobody) could not be found"]),
]


@pytest.mark.parametrize(
    ("case", "environ", "config", "credentials", "profile", "shown"),
    CREDENTIAL_CASES,
    ids=[case[0] for case in CREDENTIAL_CASES],
)
def test_unusable_credentials_are_an_environment_problem_with_a_hint(
    aws_environment: Path,
    cli: CliRunner,
    case: str,
    environ: dict[str, str],
    config: str,
    credentials: str,
    profile: str | None,
    shown: list[str],
) -> None:
    section = "[default]\n" if profile in (None, "nobody") else f"[default]\n[profile {profile}]\nregion = us-east-1\n"
    (aws_environment / "config").write_text(section + config)
    (aws_environment / "credentials").write_text(credentials)
    arguments = ["--backend", "aws", "--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:9"]
    if profile:
        arguments += ["--profile", profile]
    result = cli(*arguments, "describe-job", "job-1", environ=environ, expect=253)
    assert result.code == 253, result.err
    assert "unexpected error" not in result.err and "Traceback" not in result.err
    for text in shown:
        assert text in result.err
    assert len(result.err.splitlines()) == 2  # what failed, then what to do


def test_a_malformed_config_file_is_an_environment_problem(aws_environment: Path, cli: CliRunner) -> None:
    (aws_environment / "config").write_text("[default\nregion = us-east-1\n")
    result = cli(
        "--backend", "aws", "--region", "us-east-1", "describe-job", "job-1", environ={"AWS_PROFILE": "x"}, expect=253
    )
    assert result.code == 253 and "Unable to parse config file" in result.err


class _Statuses:
    """A backend whose job goes through the given statuses."""

    kind = None
    poll_interval = 0.0
    time_scale = 1.0

    def __init__(self, *statuses: str) -> None:
        self.statuses = list(statuses)

    def call(self, operation: str, request: dict[str, Any]) -> dict[str, Any]:
        if operation == "ListInferenceRecommendationsJobSteps":
            return {"Steps": []}
        return {"JobName": "job-1", "Status": self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]}

    def close(self) -> None:
        pass


def _minutes() -> Callable[[], float]:
    """A clock that moves a minute each time it is read: a waiter that never stops would time out."""
    return iter(range(0, 10**9, 60)).__next__


def test_an_unknown_job_status_ends_the_waiter() -> None:
    from ircli.errors import WaiterFailed
    from ircli.lib.service import RecommenderService

    service = RecommenderService(_Statuses("PENDING", "IN_PROGRESS", "EXPLODED"))  # type: ignore[arg-type]
    with pytest.raises(WaiterFailed) as raised:
        service.wait_for_job("job-1", timeout=3600, interval=60, sleep=lambda seconds: None, clock=_minutes())
    assert raised.value.exit_status == 255 and "'EXPLODED'" in raised.value.message


def test_a_deleted_job_ends_the_waiter() -> None:
    from ircli.errors import JobEndedUnsuccessfully
    from ircli.lib.service import RecommenderService

    service = RecommenderService(_Statuses("IN_PROGRESS", "DELETED"))  # type: ignore[arg-type]
    with pytest.raises(JobEndedUnsuccessfully):
        service.wait_for_job("job-1", timeout=3600, interval=60, sleep=lambda seconds: None, clock=_minutes())


def _naive_pareto(candidates: list[dict[str, Any]]) -> list[bool]:
    """The definition: no other candidate is as good on every objective and better on one."""
    from ircli.lib.ranking import Objective, _comparable, metric_value

    points = [[_comparable(metric_value(c, o), o) for o in Objective] for c in candidates]
    return [
        not any(all(a <= b for a, b in zip(other, point, strict=True)) and other != point for other in points)
        for point in points
    ]


def test_pareto_marks_match_the_definition_on_random_jobs() -> None:
    import random

    from ircli.lib.ranking import pareto_flags

    generator = random.Random(18)
    values: list[object] = [None, "NaN", float("inf"), 0, 1, 2, 3, 2.5]
    for _ in range(2000):
        candidates = [
            {
                "Metrics": {
                    metric: generator.choice(values)
                    for metric in ("CostPerHour", "ModelLatency", "MaxInvocations")
                    if generator.random() < 0.9
                }
            }
            for _ in range(generator.randint(0, 12))
        ]
        assert pareto_flags(candidates) == _naive_pareto(candidates), candidates


def test_ranking_ten_thousand_recommendations_all_on_the_frontier_is_quick() -> None:
    """The worst case of a quadratic Pareto check (nothing dominated: every pair compared); the bound is
    generous, the old code took minutes."""
    from ircli.lib.ranking import rank

    count = 10_000
    candidates = [
        {"Metrics": {"CostPerHour": index, "ModelLatency": count - index, "MaxInvocations": 5}}
        for index in range(count)
    ]
    started = time.perf_counter()
    ranking = rank(candidates)
    assert time.perf_counter() - started < 10
    assert all(item.pareto for item in ranking.ranked) and len(ranking.ranked) == count
