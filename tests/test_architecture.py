"""The shape of the code: every registered operation is complete, layers import one way only, and the
environment is read in one place."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ircli.cli.app import app_command, command_function
from ircli.operations import COMMANDS, OPERATIONS, TOP_LEVEL, Command, Names, OperationKey, find, resolve_operation
from ircli.simulator.models import Simulator
from ircli.simulator.resource import HANDLERS
from ircli.simulator.store import Store
from tests.conftest import REPO, CliRunner

PACKAGE = REPO / "ircli"


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.path)
def test_every_registered_command_has_a_function_and_a_place_in_the_tree(command: object) -> None:
    from ircli.operations import Command

    assert isinstance(command, Command)
    assert callable(command_function(command))
    node = app_command(everything=True)
    for word in command.path.split():
        node = node.commands[word]
    assert node.name == command.path.split()[-1]


@pytest.mark.parametrize("operation", list(OPERATIONS), ids=str)
def test_every_operation_has_schemas_and_a_simulator_handler(operation: OperationKey, tmp_path: Path) -> None:
    for kind in ("request", "response"):
        assert (REPO / "schemas" / operation.service.value / f"{operation.name}.{kind}.json").is_file()
    Simulator(Store(tmp_path)).load(operation.service)
    assert operation in HANDLERS


@pytest.mark.parametrize("command", [c for c in COMMANDS if c.operation], ids=lambda c: c.path)
def test_every_command_of_an_operation_has_completions_and_resolves(command: Command) -> None:
    assert command.operation is not None and find(command.operation).key in OPERATIONS
    bash = (REPO / "completions" / "ircli.bash").read_text("utf-8")
    assert f'"{command.path}")' in bash
    assert resolve_operation(command.path) == find(command.operation).key


def test_the_simulator_serves_exactly_the_registered_operations(tmp_path: Path) -> None:
    Simulator(Store(tmp_path)).load()
    assert set(HANDLERS) == set(OPERATIONS)


def test_each_service_is_answered_by_its_own_simulator_package(tmp_path: Path) -> None:
    # One package per service (named as botocore names it), so that a new service lands beside, not inside,
    # the others: every handler of an operation lives in its service's package.
    Simulator(Store(tmp_path)).load()
    for key, (cls, _method) in HANDLERS.items():
        package = "ircli.simulator." + key.service.value.replace("-", "_")
        assert cls.__module__.startswith(package + "."), (key, cls.__module__)


def test_job_name_arguments_and_paginated_members_come_from_the_registry() -> None:
    from tools.generate_completions import JOB_ARGUMENT_COMMANDS

    assert set(JOB_ARGUMENT_COMMANDS) == {c.path for c in COMMANDS if c.argument is Names.JOB}
    assert "describe-job" in JOB_ARGUMENT_COMMANDS and "create-job" not in JOB_ARGUMENT_COMMANDS
    assert find("ListInferenceRecommendationsJobs").result_key == "InferenceRecommendationsJobs"
    assert find("sagemaker:ListInferenceRecommendationsJobSteps").result_key == "Steps"
    assert TOP_LEVEL[0] == "create-job" and "endpoint-config" in TOP_LEVEL


# -- layers ---------------------------------------------------------------------------------------------


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, *, runtime_only: bool = False) -> set[str]:
    """Every module a file imports, at any depth (lazy imports inside functions count too); with
    `runtime_only`, not those only type checkers read (`if TYPE_CHECKING:`). `from package import name`
    counts `package.name` too (it may be a module), and relative imports are resolved."""
    found: set[str] = set()
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text("utf-8"))
    skipped: set[int] = set()
    if runtime_only:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
                skipped.update(id(inner) for inner in ast.walk(node))
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


SOURCES = sorted(PACKAGE.rglob("*.py"))

FORBIDDEN = {
    # The core: input, validation, the service layer, ranking. No CLI, no terminal, no backend implementation.
    "ircli.lib": ("typer", "rich", "questionary", "ircli.cli", "ircli.backends", "ircli.simulator", "boto3"),
    "ircli.errors": ("typer", "rich", "ircli.cli", "ircli.backends", "ircli.simulator"),
    "ircli.operations": ("typer", "rich", "ircli.cli", "ircli.backends", "ircli.simulator", "ircli.lib"),
    # Backends and the simulator answer requests; they never print or know the CLI.
    "ircli.backends": ("typer", "rich", "questionary", "ircli.cli"),
    "ircli.simulator": ("typer", "rich", "questionary", "ircli.cli", "ircli.backends", "boto3", "botocore"),
    # The test helpers put the simulator in front of the user's own botocore: no CLI, no backend.
    "ircli.testing": ("typer", "rich", "questionary", "ircli.cli", "ircli.backends", "ircli.lib"),
    # The load test's engine runs in a process of its own (Locust, gevent); it knows no CLI, backend or simulator.
    "ircli.loadtest": ("typer", "rich", "questionary", "ircli.cli", "ircli.backends", "ircli.simulator"),
}


# The served protocols read an operation's botocore shapes (lazily: only a serving simulator loads them).
ALLOWED = {"ircli.simulator.protocols.shapes": ("botocore",)}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(REPO)))
def test_layers_import_one_way(path: Path) -> None:
    name = module_name(path)
    for layer, forbidden in FORBIDDEN.items():
        if name == layer or name.startswith(layer + "."):
            allowed = ALLOWED.get(name, ())
            wrong = sorted(
                i
                for i in imports_of(path)
                if any(i == f or i.startswith(f + ".") for f in forbidden)
                and not any(i == a or i.startswith(a + ".") for a in allowed)
            )
            assert wrong == [], f"{name} imports {wrong}"


def test_no_import_cycle_among_modules() -> None:
    graph = {module_name(p): {i for i in imports_of(p, runtime_only=True) if i.startswith("ircli")} for p in SOURCES}
    # `from ircli.x import y` may name a module y or a member of x; count only modules that exist.
    known = set(graph)
    edges = {m: {i for i in targets if i in known and i != m} for m, targets in graph.items()}
    visiting: list[str] = []
    done: set[str] = set()

    def visit(module: str) -> None:
        if module in done:
            return
        assert module not in visiting, " -> ".join([*visiting[visiting.index(module) :], module])
        visiting.append(module)
        for target in edges[module]:
            # A package's __init__ importing its own submodules is not a cycle of ideas.
            if not target.startswith(module + "."):
                visit(target)
        visiting.pop()
        done.add(module)

    for module in sorted(edges):
        visit(module)


def test_the_environment_is_read_in_one_place() -> None:
    readers = [
        str(p.relative_to(REPO))
        for p in SOURCES
        if "os.environ" in p.read_text("utf-8") or "getenv" in p.read_text("utf-8")
    ]
    # ircli.testing sets fake credentials and a region for the user's tests and puts them back, in one module.
    assert readers == ["ircli/cli/environment.py", "ircli/testing/environment.py"]


# -- sizes: modules under 400 lines, function bodies under 60 ----------------------------------------------

LONGEST_MODULE = 400
LONGEST_BODY = 60
# Today's offenders, to be split; each entry must still be over its limit, so the list only shrinks.
LARGE_MODULES_ALLOWED: set[str] = set()
LONG_BODIES_ALLOWED: set[str] = set()


def body_lengths(path: Path) -> dict[str, int]:
    """Every function's body in lines, by `Class.function` name: from its first statement after the
    docstring to its end, so that a typer command's long signature of options does not count."""
    lengths: dict[str, int] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                body = child.body
                if len(body) > 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                    body = body[1:]  # the docstring
                lengths[prefix + child.name] = (body[-1].end_lineno or body[-1].lineno) - body[0].lineno + 1
                visit(child, prefix + child.name + ".")
            elif isinstance(child, ast.ClassDef):
                visit(child, prefix + child.name + ".")

    visit(ast.parse(path.read_text("utf-8")), "")
    return lengths


def test_modules_stay_small() -> None:
    sizes = {str(p.relative_to(REPO)): len(p.read_text("utf-8").splitlines()) for p in SOURCES}
    large = {name for name, lines in sizes.items() if lines > LONGEST_MODULE}
    assert large - LARGE_MODULES_ALLOWED == set(), {name: sizes[name] for name in large - LARGE_MODULES_ALLOWED}
    assert LARGE_MODULES_ALLOWED - large == set(), "no longer too large: remove from LARGE_MODULES_ALLOWED"


def test_function_bodies_stay_short() -> None:
    bodies = {f"{p.relative_to(REPO)}:{name}": lines for p in SOURCES for name, lines in body_lengths(p).items()}
    long = {name for name, lines in bodies.items() if lines > LONGEST_BODY}
    assert long - LONG_BODIES_ALLOWED == set(), {name: bodies[name] for name in long - LONG_BODIES_ALLOWED}
    assert LONG_BODIES_ALLOWED - long == set(), "no longer too long: remove from LONG_BODIES_ALLOWED"


def test_body_lengths_count_the_body_not_the_signature(tmp_path: Path) -> None:
    options = "".join(f"    option_{index}: int = 0,\n" for index in range(80))
    source = tmp_path / "command.py"
    source.write_text(f'def command(\n{options}) -> None:\n    """Docs."""\n    a = 1\n    b = 2\n', "utf-8")
    assert body_lengths(source) == {"command": 2}


def test_the_architecture_tree_is_generated_from_the_package() -> None:
    from tools.generate_architecture import ARCHITECTURE, generated, tree

    text = ARCHITECTURE.read_text("utf-8")
    assert generated(text) == text, "run python tools/generate_architecture.py"
    listed = tree()
    for path in SOURCES:
        shown = f"{path.parent.name}/" if path.name == "__init__.py" else path.name
        assert f" {shown} " in listed or listed.startswith(f"```\n{shown} "), path
    assert " responses.py " not in listed  # a module that once was described but never existed
    for section in ("## The one-way flow", "## To add an operation"):
        assert section in text


def test_every_package_is_packaged() -> None:
    import tomllib

    declared = set(tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["packages"])
    found = {module_name(p) for p in SOURCES if p.name == "__init__.py"}
    assert found - declared == set()


def test_top_level_summaries_in_the_registry_are_the_commands_own() -> None:
    import inspect

    for command in COMMANDS:
        if command.group is None:
            doc = inspect.getdoc(command_function(command)) or ""
            assert command.summary == " ".join(doc.split("\n\n")[0].split()), command.path


def test_root_help_needs_no_command_module(cli: CliRunner) -> None:
    import sys

    for module in [m for m in sys.modules if m.startswith("ircli.cli.commands.")]:
        del sys.modules[module]
    app_command.cache_clear()
    assert "create-job" in cli("--help").out
    assert not [m for m in sys.modules if m.startswith("ircli.cli.commands.")]
