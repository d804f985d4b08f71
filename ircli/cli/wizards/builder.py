"""Asking for a request member by member: each answer checked as it is given (the schema, the service's
rules, whether a name is free), a resumed draft's answers offered as defaults; then the review that shows
the request and saves it, submits it, or both."""

from __future__ import annotations

import copy
import itertools
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ircli.cli.output.formats.yaml_format import to_yaml
from ircli.cli.prompts import Prompter
from ircli.lib.validation import check_request, violations_at
from ircli.schemas import load_schema

SKIP = "(skip)"

Path_ = tuple[str | int, ...]


def set_path(document: dict[str, Any], path: Path_, value: Any) -> dict[str, Any]:
    node: Any = document
    for part, following in itertools.pairwise(path):
        if isinstance(node, list):
            while len(node) <= int(part):
                node.append({})
            node = node[int(part)]
            continue
        if part not in node:
            node[part] = [] if isinstance(following, int) else {}
        node = node[part]
    last = path[-1]
    if isinstance(node, list):
        while len(node) <= int(last):
            node.append({})
        node[int(last)] = value
    else:
        node[last] = value
    return document


def as_int(text: str) -> int:
    return int(text.strip())


class RequestBuilder:
    """Builds one request member by member, checking each answer as it is given."""

    def __init__(
        self,
        prompter: Prompter,
        operation: str,
        *,
        answers: dict[str, Any] | None = None,
        resume: dict[str, Any] | None = None,
        taken: dict[Path_, Callable[[str], str | None]] | None = None,
    ) -> None:
        self.prompter = prompter
        self.operation = operation
        # Filled in place, so that whoever holds it still has the answers if the wizard is interrupted.
        self.request: dict[str, Any] = answers if answers is not None else {}
        self.resume = resume or {}  # a draft's answers, offered as defaults
        self.taken = taken or {}  # per member: a check that a name is free, as it is typed

    def check(self, path: Path_, value: Any) -> bool | str:
        candidate = set_path(copy.deepcopy(self.request), path, value)
        problems = violations_at(self.operation, candidate, path)
        if problems:
            return str(problems[0].message)
        clash = self.taken[path](str(value)) if path in self.taken else None
        return clash or True

    def earlier(self, path: Path_) -> Any:
        """The draft's answer at `path`, if the wizard is resuming one."""
        node: Any = self.resume
        for part in path:
            found = (isinstance(node, dict) and part in node) or (
                isinstance(node, list) and isinstance(part, int) and part < len(node)
            )
            if not found:
                return None
            node = node[part]
        return node if not isinstance(node, (dict, list)) else None

    def ask(
        self,
        path: Path_,
        question: str,
        *,
        convert: Callable[[str], Any] = str,
        default: str = "",
        optional: bool = False,
        choices: list[str] | None = None,
    ) -> Any:
        def validate(text: str) -> bool | str:
            if optional and not text.strip():
                return True
            try:
                value = convert(text)
            except ValueError:
                return f"{text!r} is not a whole number"
            return self.check(path, value)

        hint = " (empty to skip)" if optional else ""
        earlier = self.earlier(path)
        default = str(earlier) if earlier is not None else default
        answer = self.prompter.text(question + hint, validate=validate, default=default, choices=choices)
        if optional and not answer.strip():
            return None
        value = convert(answer)
        set_path(self.request, path, value)
        return value

    def choose(self, path: Path_, question: str, choices: list[str], *, optional: bool = False) -> str | None:
        options = [*choices, SKIP] if optional else choices
        earlier = self.earlier(path)
        answer = self.prompter.select(question, options, default=earlier if earlier in options else None)
        if answer == SKIP:
            return None
        set_path(self.request, path, answer)
        return answer


def review(prompter: Prompter, operation: str, request: dict[str, Any], default_path: str) -> tuple[Path | None, bool]:
    """Show the request as YAML and ask what to do: save it, submit it, both, or neither. Returns the
    path it was saved to (or None) and whether to submit."""
    check_request(operation, request)
    order = list(load_schema(operation, "request")["properties"])
    request = {key: request[key] for key in sorted(request, key=lambda k: order.index(k) if k in order else len(order))}
    prompter.show("\n" + to_yaml(request))
    action = prompter.select("What now?", ["Submit", "Save to a file", "Save and submit", "Cancel"])
    saved = None
    if action.startswith("Save"):
        while True:
            answer = prompter.text(
                "Save to:", default=default_path, validate=lambda text: bool(text.strip()) or "give a file name"
            )
            target = Path(answer.strip()).expanduser()
            if target.is_dir():
                prompter.show(f"{target} is a directory; give a file name.")
                continue
            if not target.parent.is_dir():
                prompter.show(f"The folder {target.parent} does not exist; give a path in a folder that does.")
                continue
            if not target.exists() or prompter.confirm(f"{target} exists. Replace it?", default=False):
                break
        write_atomically(target, to_yaml(request))
        saved = target
    return saved, action in ("Submit", "Save and submit")


def write_atomically(path: Path, text: str) -> None:
    """Write the whole file or nothing: an interrupted write leaves no half-written file behind."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
