"""Property-based tests over the input loader and the validator: valid documents pass, every broken one is
refused with exit 252 and a path-named message, no traceback ever; ircli's evaluator agrees with jsonschema."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ircli.cli.environment import Environment
from ircli.errors import MAX_LISTED
from ircli.lib.printable import escape_controls
from ircli.lib.validation import Engine, request_violations
from tests.valid_requests import VALID_REQUESTS

OPERATIONS = sorted(VALID_REQUESTS)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**40), max_value=2**40)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)


def paths(document: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(document, dict):
        for key, value in document.items():
            found += paths(value, (*prefix, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found += paths(value, (*prefix, index))
    return found


@st.composite
def mutated_requests(draw: Any) -> tuple[str, dict[str, Any]]:
    operation = draw(st.sampled_from(OPERATIONS))
    document = copy.deepcopy(VALID_REQUESTS[operation])
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        places = paths(document)
        if not places:
            break
        path = draw(st.sampled_from(places))
        parent = document
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(JSON_VALUES)
        elif action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=10))] = draw(JSON_VALUES)
    return operation, document


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_requests())
def test_ircli_evaluator_agrees_with_jsonschema(case: tuple[str, dict[str, Any]]) -> None:
    operation, document = case
    ours = [str(v) for v in request_violations(operation, document, Engine.IRCLI)]
    reference = [str(v) for v in request_violations(operation, document, Engine.JSONSCHEMA)]
    assert ours == reference


def run_cli(args: list[str], stdin: bytes) -> tuple[int, str, str]:
    import io
    import os

    from ircli.cli.main import run

    out, err = io.StringIO(), io.StringIO()
    env = Environment(
        stdout=out,
        stderr=err,
        stdin=io.BytesIO(stdin),
        stdout_isatty=False,
        stderr_isatty=False,
        stdin_isatty=False,
        width=100,
        color=False,
        environ=dict(os.environ),
    )
    return run(args, env), out.getvalue(), err.getvalue()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(mutated_requests())
def test_broken_documents_exit_252_with_paths_and_valid_ones_pass(case: tuple[str, dict[str, Any]]) -> None:
    operation, document = case
    problems = request_violations(operation, document)
    code, _out, err = run_cli(
        ["schema", "validate", "-", "--operation", operation, "--format", "json"], json.dumps(document).encode()
    )
    assert "Traceback" not in err
    if problems:
        assert code == 252
        for violation in problems[:MAX_LISTED]:
            assert escape_controls(str(violation), keep="\n") in err
            assert violation.path == () or escape_controls(violation.dotted_path) in err
    else:
        assert code == 0, err


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_crash_the_loader(data: bytes) -> None:
    for fmt in ("json", "yaml"):
        code, _, err = run_cli(["schema", "validate", "-", "--operation", "DescribeEndpoint", "--format", fmt], data)
        assert code in (0, 252) and "Traceback" not in err


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_never_crashes_yaml(text: str) -> None:
    code, _, err = run_cli(["create-job", "--cli-input-yaml", "-", "--dry-run"], text.encode("utf-8", "surrogatepass"))
    assert code in (0, 252) and "Traceback" not in err
