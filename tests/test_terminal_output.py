"""Nothing raw on a terminal, anywhere: every command's terminal output (table format, charts, the live
progress panel) drawn with hostile strings in every member the simulator echoes, and in every other string
a hostile service could answer with, shows no escape sequence, C1 control or bidirectional control raw and
never reads data as markup (`[link=...]` would be a live OSC 8 link, `[/]` a crash). YAML escapes what
JSON escapes and loads back to the same data."""

from __future__ import annotations

import io
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from ircli.cli.environment import Environment
from ircli.cli.main import run
from ircli.operations import COMMANDS
from tests.conftest import EXAMPLES, Result

LINK = "[link=https://evil.example]1[/link]"
HOSTILE = f"{LINK}\x1b]0;title\x07\x1b[2J\x9b1m\u202e\u2066[/]"
# What may reach the terminal and is not data: the styles of a colour terminal and a live display's cursor moves.
OWN_CONTROLS = re.compile(r"\x1b\[[0-9;]*m|\x1b\[\?25[lh]|\x1b\[2K|\x1b\[1A|\r")
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
ROLE = "arn:aws:iam::123456789012:role/R"

# Members the CLI reads to decide what to do (statuses, names and ids it sends back, times, tokens): a
# hostile value there changes what a command does, not only what it shows.
DECISIVE = ("Status", "Time", "JobName", "RecommendationId", "Token", "JobType", "Kind")


def poison(value: Any, key: str = "") -> Any:
    """Every string of an answer with HOSTILE appended, but for the members the CLI decides by."""
    if isinstance(value, dict):
        return {k: poison(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [poison(v, key) for v in value]
    if isinstance(value, str) and not key.endswith(DECISIVE):
        return value + HOSTILE
    return value


class HostileService:
    """The simulator, answering as a hostile service would."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.kind, self.poll_interval, self.time_scale = inner.kind, inner.poll_interval, inner.time_scale

    def call(self, operation: str, request: dict[str, Any]) -> dict[str, Any]:
        return poison(self.inner.call(operation, request))  # type: ignore[no-any-return]

    def read_object(self, uri: str) -> bytes | None:
        body = self.inner.read_object(uri)
        return None if body is None else poison_bytes(body)

    def close(self) -> None:
        self.inner.close()


def poison_bytes(body: bytes) -> bytes:
    """An S3 object (a JSON document) as a hostile bucket would hold it."""
    return json.dumps(poison(json.loads(body))).encode()


def on_terminal(*args: str, environ: dict[str, str] | None = None) -> Result:
    """ircli with stdout and stderr on a colour terminal 120 columns wide."""
    out, err = io.StringIO(), io.StringIO()
    env = Environment(
        stdout=out,
        stderr=err,
        stdin=io.BytesIO(b""),
        stdout_isatty=True,
        stderr_isatty=True,
        stdin_isatty=False,
        width=120,
        color=True,
        environ={**os.environ, "TERM": "xterm-256color", **(environ or {})},
    )
    code = run(list(args), env)
    return Result(code, out.getvalue(), err.getvalue())


def raw_on_screen(result: Result) -> str | None:
    """What reached the terminal raw, with its surroundings; None when nothing did."""
    for name, text in (("stdout", result.out), ("stderr", result.err)):
        shown = OWN_CONTROLS.sub("", text)
        raw = RAW.search(shown)
        if raw is not None:
            return f"{raw.group()!r} raw on {name}: {shown[max(0, raw.start() - 60) : raw.end() + 20]!r}"
    return None


def hostile_job(name: str, **extra: Any) -> str:
    ranges = {
        "CategoricalParameterRanges": [
            {"Name": "OMP_NUM_THREADS", "Value": [LINK, "[/]\x1b[2J", "\u202e\x1b]0;t\x07"]},
            {"Name": f"W\x1b]8;;https://evil.example\x07\u202e{LINK}", "Value": ["1"]},
        ]
    }
    document = {
        "JobName": name,
        "JobType": "Default",
        "RoleArn": ROLE,
        "JobDescription": HOSTILE,
        "InputConfig": {
            "ModelName": "churn-xgboost",
            "EndpointConfigurations": [
                {"InstanceType": "ml.c5.xlarge", "EnvironmentParameterRanges": ranges},
                {"InstanceType": "ml.c6i.large"},
            ],
        },
        **extra,
    }
    return json.dumps(document)


def command_lines(tmp_path: Path) -> list[tuple[str, list[str]]]:
    """A line for every command, in an order where each finds what it needs; the path first."""
    config = str(EXAMPLES / "endpoint-config-instance.yaml")
    traffic = ["--average-per-minute", "1000", "--peak-per-minute", "3000"]
    return [
        ("create-job", ["create-job", "--cli-input-json", hostile_job("hostile"), "--dry-run"]),
        ("create-job", ["create-job", "--cli-input-json", hostile_job("hostile")]),
        ("create-job", ["create-job", "--cli-input-json", hostile_job("hostile-b")]),
        ("describe-job", ["describe-job", "hostile"]),
        ("list-jobs", ["list-jobs"]),
        ("list-steps", ["list-steps", "hostile"]),
        ("wait", ["wait", "hostile"]),
        ("logs", ["logs", "hostile"]),
        ("metrics", ["metrics", "hostile"]),
        ("rank-recommendations", ["rank-recommendations", "hostile"]),
        ("compare-jobs", ["compare-jobs", "hostile", "hostile-b"]),
        ("cost-estimate", ["cost-estimate", "hostile", *traffic]),
        ("report", ["report", "hostile", "hostile-b", "--html", str(tmp_path / "r.html"), *traffic]),
        (
            "scaling-recommendation",
            [
                "scaling-recommendation",
                "--cli-input-yaml",
                str(EXAMPLES / "scaling-objective.yaml"),
                "--job-name",
                "hostile",
                "--recommendation-id",
                "RECOMMENDATION",
            ],
        ),
        (
            "model create",
            [
                "model",
                "create",
                "--model-name",
                "m-hostile",
                "--image",
                "img:1",
                "--execution-role-arn",
                ROLE,
                "--environment",
                f"K={LINK}",
            ],
        ),
        ("model describe", ["model", "describe", "m-hostile"]),
        ("model list", ["model", "list"]),
        ("model metadata", ["model", "metadata", "--task", "FILL_MASK"]),
        ("endpoint-config create", ["endpoint-config", "create", "--cli-input-yaml", config]),
        ("endpoint-config describe", ["endpoint-config", "describe", "churn-prod-config"]),
        ("endpoint-config list", ["endpoint-config", "list"]),
        (
            "endpoint-config deploy",
            [
                "endpoint-config",
                "deploy",
                "--endpoint-name",
                "broken",
                "--endpoint-config-name",
                "churn-prod-config",
                "--tag",
                "ircli:simulate=fail-endpoint",
                "--wait",
                "--interval",
                "0.01",
            ],
        ),
        (
            "endpoint-config deploy",
            [
                "endpoint-config",
                "deploy",
                "--endpoint-name",
                "good",
                "--endpoint-config-name",
                "churn-prod-config",
                "--wait",
                "--interval",
                "0.01",
            ],
        ),
        ("endpoint-config describe-endpoint", ["endpoint-config", "describe-endpoint", "broken"]),
        ("list-endpoints", ["list-endpoints"]),
        (
            "endpoint-config update-capacity",
            [
                "endpoint-config",
                "update-capacity",
                "--endpoint-name",
                "good",
                "--variant-name",
                "AllTraffic",
                "--desired-instance-count",
                "1",
                "--wait",
                "--interval",
                "0.01",
            ],
        ),
        (
            "endpoint-config update-endpoint",
            [
                "endpoint-config",
                "update-endpoint",
                "--endpoint-name",
                "good",
                "--endpoint-config-name",
                "churn-prod-config",
                "--wait",
                "--interval",
                "0.01",
            ],
        ),
        *ai_command_lines(),
        ("endpoint-config delete-endpoint", ["endpoint-config", "delete-endpoint", "broken"]),
        (
            "endpoint-config delete-endpoint",
            ["endpoint-config", "delete-endpoint", "good", "--wait", "--interval", "0.01"],
        ),
        ("endpoint-config delete", ["endpoint-config", "delete", "churn-prod-config"]),
        ("model delete", ["model", "delete", "m-hostile"]),
        ("stop-job", ["stop-job", "running"]),
        ("schema list", ["schema", "list"]),
        ("schema show", ["schema", "show", "CreateModel"]),
        ("schema validate", ["schema", "validate", "--operation", "create-job", str(tmp_path / "job.json")]),
        ("simulator status", ["simulator", "status"]),
        ("simulator reset", ["simulator", "reset", "--yes"]),
        ("completion", ["completion", "bash"]),
        ("examples list", ["examples", "list"]),
        ("examples show", ["examples", "show", "default-job"]),
        ("examples copy", ["examples", "copy", "default-job", str(tmp_path / "copied.yaml"), "--force"]),
    ]


# Lines whose refusal is right: the hostile service's model package ARN is no ARN (refused locally), its
# output location is not where the results are (no such object), and an instant job has ended before it
# can be stopped (the service's ValidationException).
REFUSED = {
    "ai-recommendation deploy hr": 252,
    "ai-benchmark results hb": 253,
    "ai-recommendation stop hs": 254,
    "ai-benchmark stop hc": 254,
    "ai-recommendation undeploy hd": 252,  # the endpoint configuration's name the hostile service gives is no name
}


def ai_command_lines() -> list[tuple[str, list[str]]]:
    """The generative-AI commands, in an order where each finds what it needs."""
    job = ["--model-s3-uri", "s3://b/models/llama-3-8b/", "--output-s3-uri", "s3://b/out/", "--workload", "hw"]
    job += ["--goal", "cost", "--instance-type", "ml.g5.12xlarge", "--role-arn", ROLE]
    bench = ["--endpoint", "hd", "--workload", "hw", "--output-s3-uri", "s3://b/bench/", "--role-arn", ROLE]
    lmi = "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.33.0-lmi15.0.0-cu128"
    variant = {"VariantName": "AllTraffic", "ModelName": "hllm", "InstanceType": "ml.g5.2xlarge"}
    config = json.dumps({"EndpointConfigName": "hllm", "ProductionVariants": [dict(variant, InitialInstanceCount=1)]})
    lines = [
        ["model", "create", "--model-name", "hllm", "--image", lmi, "--execution-role-arn", ROLE],
        ["endpoint-config", "create", "--cli-input-json", config],
        ["endpoint-config", "deploy", "--endpoint-name", "hd", "--endpoint-config-name", "hllm", "--wait"],
        ["ai-workload", "create", "--name", "hw", "--input-tokens-mean", "100", "--output-tokens-mean", "20"],
        ["ai-workload", "describe", "hw"],
        ["ai-workload", "list"],
        ["ai-recommendation", "create", "--name", "hr", *job],
        ["ai-recommendation", "wait", "hr", "--interval", "0.01"],
        ["ai-recommendation", "describe", "hr"],
        ["ai-recommendation", "list"],
        ["ai-recommendation", "cost-estimate", "hr", "--requests-per-minute", "600", "--output-tokens-mean", "150"],
        ["ai-recommendation", "deploy", "hr", "--endpoint-name", "hdeploy", "--wait", "--interval", "0.01"],
        ["ai-benchmark", "create", "--name", "hb", *bench],
        ["ai-benchmark", "wait", "hb", "--interval", "0.01"],
        ["ai-benchmark", "describe", "hb"],
        ["ai-benchmark", "list"],
        ["ai-benchmark", "results", "hb"],
        ["ai-benchmark", "delete", "hb"],
        ["ai-recommendation", "create", "--name", "hs", *job],
        ["ai-recommendation", "stop", "hs"],
        ["ai-benchmark", "create", "--name", "hc", *bench],
        ["ai-benchmark", "stop", "hc"],
        ["ai-recommendation", "undeploy", "hd", "--wait", "--interval", "0.01"],
        ["ai-recommendation", "delete", "hr"],
        ["ai-workload", "delete", "hw"],
    ]
    return [(" ".join(args[:2]), args) for args in lines]


# Commands not run here, and why.
NOT_RUN = {
    "simulator serve": "serves until stopped; its answers are the simulator's, checked above",
    "load-test": "starts Locust in a process of its own; test_load_test.py checks its tables escape what it shows",
}


def test_every_command_is_in_the_hostile_tour(tmp_path: Path) -> None:
    toured = {path for path, _ in command_lines(tmp_path)}
    assert toured | set(NOT_RUN) == {command.path for command in COMMANDS}


def test_no_command_puts_hostile_data_raw_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ircli.backends

    make_backend = ircli.backends.make_backend
    monkeypatch.setattr(ircli.backends, "make_backend", lambda settings: HostileService(make_backend(settings)))
    (tmp_path / "job.json").write_text(hostile_job("hostile-file"))
    assert (
        on_terminal(
            "create-job", "--cli-input-json", hostile_job("running"), environ={"IRCLI_SIM_SPEED": "realtime"}
        ).code
        == 0
    )
    problems = []
    for path, args in command_lines(tmp_path):
        if "RECOMMENDATION" in args:
            described = run_json("describe-job", "hostile")
            recommendation = described["InferenceRecommendations"][0]["RecommendationId"]
            args = [recommendation if arg == "RECOMMENDATION" else arg for arg in args]
        result = on_terminal(*args)
        # The failing endpoint ends its wait with 255 and the service's FailureReason.
        expected = 255 if "ircli:simulate=fail-endpoint" in args else 0
        expected = REFUSED.get(" ".join(args[:3]), expected)
        if result.code != expected or "Traceback" in result.err:
            problems.append(f"{path}: exit {result.code}: {result.err[-300:]!r}")
        if raw := raw_on_screen(result):
            problems.append(f"{path}: {raw}")
        echoed = ("describe-job", "rank-recommendations", "cost-estimate", "wait", "logs", "compare-jobs")
        if path in echoed and "evil.example" not in result.out + result.err:
            problems.append(f"{path}: the hostile text is not shown (escaped) at all")
    assert not problems, "\n".join(problems)


def run_json(*args: str) -> Any:
    out = io.StringIO()
    env = Environment(
        stdout=out, stderr=io.StringIO(), stdout_isatty=False, stderr_isatty=False, width=120, color=False
    )
    assert run([*args, "--output", "json"], env) == 0
    return json.loads(out.getvalue())


UNSAFE_TEXT = st.text(
    alphabet=st.sampled_from(
        [
            "a",
            " ",
            "\n",
            "\t",
            ":",
            "-",
            "#",
            "'",
            '"',
            "é",
            "\x1b",
            "\x07",
            "\x85",
            "\x9b",
            "\u2028",
            "\u2029",
            "\u200e",
            "\u200f",
            "\u061c",
            "\u202a",
            "\u202e",
            "\u2066",
            "\u2069",
        ]
    ),
    max_size=40,
)


@given(UNSAFE_TEXT, UNSAFE_TEXT)
def test_yaml_escapes_what_json_escapes_and_loads_back_the_same(key: str, value: str) -> None:
    from ircli.cli.output.formats.json_format import to_json
    from ircli.cli.output.formats.yaml_format import to_yaml

    document = {key or "k": [value, {"Description": value}], "Plain": "caf\u00e9"}
    for text, load in ((to_yaml(document), yaml.safe_load), (to_json(document), json.loads)):
        assert RAW.search(text) is None, text
        assert load(text) == document
    ascii_only = to_yaml(document, unicode=False)
    assert ascii_only.isascii() and yaml.safe_load(ascii_only) == document


def test_yaml_output_shows_a_bidi_override_escaped(cli: Any) -> None:
    job = hostile_job("bidi")
    assert cli("create-job", "--cli-input-json", job).code == 0
    shown = cli("describe-job", "bidi", "--output", "yaml")
    assert shown.code == 0 and "\u202e" not in shown.out and "\\u202e" in shown.out
    assert yaml.safe_load(shown.out)["JobDescription"] == HOSTILE


def ascii_terminal(*args: str, encoding: str = "ascii") -> tuple[int, str, str]:
    """ircli with stdout and stderr on terminals whose encoding is `encoding`, as PYTHONIOENCODING sets it."""
    out, err = io.BytesIO(), io.BytesIO()
    stdout = io.TextIOWrapper(out, encoding=encoding, write_through=True)
    stderr = io.TextIOWrapper(err, encoding=encoding, write_through=True)
    env = Environment(
        stdout=stdout,
        stderr=stderr,
        stdin=io.BytesIO(b""),
        stdout_isatty=True,
        stderr_isatty=True,
        stdin_isatty=False,
        width=100,
        color=False,
    )
    code = run(list(args), env)
    return code, out.getvalue().decode(encoding), err.getvalue().decode(encoding)


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_a_terminal_that_cannot_show_unicode_gets_ascii_charts_and_bars(encoding: str) -> None:
    job = str(EXAMPLES / "environment-ranges.yaml")
    code, _, err = ascii_terminal("create-job", "--cli-input-yaml", job, "--wait", encoding=encoding)
    assert code == 0, err
    assert "#" * 40 in err and "\u2588" not in err  # the progress bar, drawn in ASCII
    code, out, err = ascii_terminal("rank-recommendations", "tuning-threads", encoding=encoding)
    assert code == 0, err
    assert "Throughput (higher is better)" in out and "###" in out and "..." in out  # bars and cut labels
    assert all(ord(c) < 128 for c in out)
    code, out, err = ascii_terminal(
        "cost-estimate", "tuning-threads", "--average-per-minute", "100", "--peak-per-minute", "300", encoding=encoding
    )
    assert code == 0, err
    assert "Monthly cost against steady traffic" in out and all(ord(c) < 128 for c in out)


def test_non_ascii_data_on_an_ascii_terminal_is_escaped_not_a_crash(cli: Any) -> None:
    assert (
        cli(
            "create-job",
            "--cli-input-yaml",
            str(EXAMPLES / "default-job.yaml"),
            "--job-description",
            "caf\u00e9 \u2713",
        ).code
        == 0
    )
    for output in ("table", "json", "yaml", "text", "csv", "markdown"):
        code, out, err = ascii_terminal("describe-job", "xgboost-default", "--output", output)
        assert code == 0, (output, err)
        if output == "json":
            assert json.loads(out)["JobDescription"] == "caf\u00e9 \u2713"
        elif output == "yaml":
            assert yaml.safe_load(out)["JobDescription"] == "caf\u00e9 \u2713"
        else:
            assert "caf\\xe9" in out, output


@pytest.mark.slow
@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_pythonioencoding_ascii_or_latin1_draws_ascii_charts(encoding: str, isolated_state: Path) -> None:
    from tests.conftest import run_process

    env = {"PYTHONIOENCODING": encoding, "IRCLI_HOME": str(isolated_state), "IRCLI_SIM_SPEED": "instant"}
    assert (
        run_process("create-job", "--cli-input-yaml", str(EXAMPLES / "environment-ranges.yaml"), env=env).returncode
        == 0
    )
    for args in (
        ["rank-recommendations", "tuning-threads"],
        ["cost-estimate", "tuning-threads", "--average-per-minute", "100", "--peak-per-minute", "300"],
    ):
        shown = run_process(*args, "--output", "table", env=env)
        assert shown.returncode == 0, shown.stderr
        assert "Traceback" not in shown.stderr and shown.stdout.isascii()
    assert "#####" in run_process("rank-recommendations", "tuning-threads", "--output", "table", env=env).stdout


@pytest.mark.slow
@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_pythonioencoding_ascii_or_latin1_draws_an_ascii_progress_bar_on_a_terminal(
    encoding: str, isolated_state: Path
) -> None:
    import sys

    import pexpect

    from tests.conftest import REPO

    environment = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    environment.update(
        TERM="xterm-256color", IRCLI_HOME=str(isolated_state), IRCLI_SIM_SPEED="300", PYTHONIOENCODING=encoding
    )
    job = str(EXAMPLES / "default-job.yaml")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "ircli", "create-job", "--cli-input-yaml", job, "--wait"],
        cwd=str(REPO),
        env=environment,
        dimensions=(40, 120),
        encoding=encoding,
        timeout=60,
    )
    output = child.read()
    child.close()
    assert child.exitstatus == 0, output
    assert "benchmarks done" in output and "#" * 40 in output and "Traceback" not in output


def test_the_console_itself_never_reads_markup_nor_writes_a_control_raw() -> None:
    """The last guard behind every renderer's own escaping: a renderable that forgot it still shows nothing
    raw (this also checks that rich still calls the hook the guard sits in)."""
    from rich.table import Table
    from rich.text import Text

    from ircli.cli.output.console import make_console

    out = io.StringIO()
    console = make_console(out, width=200, color=True, terminal=True)
    table = Table(title=f"title {LINK} [/]")
    table.add_column(f"[bold]{HOSTILE}")
    table.add_row(Text(HOSTILE), HOSTILE)
    console.print(table)
    console.print(Text(HOSTILE), f"[red]{HOSTILE}")
    shown = out.getvalue()
    assert RAW.search(OWN_CONTROLS.sub("", shown)) is None, shown
    assert "\x1b]8" not in shown and LINK in shown and "[bold]" in shown
    assert "\\x1b]0;title" in shown  # (rich itself drops the BEL)
    ascii_out = io.StringIO()
    make_console(ascii_out, width=80, color=False, terminal=False, unicode=False).print(Text("\u2588\u2026 caf\u00e9"))
    assert ascii_out.getvalue() == "#. caf\\xe9\n"


def test_a_service_poisoning_every_string_gets_nothing_raw_on_the_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Statuses, names, ids and times too: whatever a command then makes of the answer (it may refuse it),
    nothing of it reaches the terminal raw."""
    import ircli.backends

    for line in command_lines(tmp_path)[:3]:
        assert on_terminal(*line[1]).code == 0
    make_backend = ircli.backends.make_backend
    monkeypatch.setattr(ircli.backends, "make_backend", lambda settings: HostileService(make_backend(settings)))
    monkeypatch.setattr(sys.modules[__name__], "DECISIVE", ("\0",))
    problems = []
    # Not `wait`: a status it does not know keeps it polling until its timeout (another defect of issue 18).
    for args in (["describe-job", "hostile"], ["list-jobs"], ["list-steps", "hostile"], ["logs", "hostile"],
                 ["rank-recommendations", "hostile"], ["compare-jobs", "hostile", "hostile-b"],
                 ["model", "list"], ["model", "describe", "churn-xgboost"], ["list-endpoints"]):  # fmt: skip
        result = on_terminal(*args)
        if "Traceback" in result.err:
            problems.append(f"{args[0]}: {result.err[-300:]!r}")
        if raw := raw_on_screen(result):
            problems.append(f"{args[0]}: {raw}")
    assert not problems, "\n".join(problems)
