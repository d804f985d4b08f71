"""Asking for a request member by member: each answer checked as it is given (the schema, the service's
rules, whether a name is free), a resumed draft's answers offered as defaults; then the review that shows
the request and saves it, submits it, or both."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ircli.cli.output.formats.yaml_format import to_yaml
from ircli.cli.prompts import Prompter
from ircli.lib.validation import check_request, request_violations
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
        self.taken = (
            taken or {}
        )  # per member: a check of a name against the backend (free, or existing), as it is typed

    def check(self, path: Path_, value: Any) -> bool | str:
        """True, or why the answer `value` at `path` would be refused: a problem at the member itself, or one
        the answer causes elsewhere (a minimum above the maximum given before it). Members not given yet
        are not this answer's fault, so missing ones are ignored."""
        candidate = set_path(copy.deepcopy(self.request), path, value)
        earlier = request_violations(self.operation, self.request)
        problems = [
            v
            for v in request_violations(self.operation, candidate)
            if v.path[: len(path)] == path or (v.rule != "required" and v not in earlier)
        ]
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

    def choose(
        self,
        path: Path_,
        question: str,
        choices: list[str],
        *,
        optional: bool = False,
        convert: Callable[[str], Any] = str,
    ) -> str | None:
        """One of `choices`; only those the schema and the service's rules accept here are offered."""
        accepted = [choice for choice in choices if self.check(path, convert(choice)) is True]
        options = [*accepted, SKIP] if optional else accepted
        earlier = self.earlier(path)
        earlier = str(earlier) if earlier is not None else None
        answer = self.prompter.select(question, options, default=earlier if earlier in options else None)
        if answer == SKIP:
            return None
        set_path(self.request, path, convert(answer))
        return answer


def review(prompter: Prompter, operation: str, request: dict[str, Any], default_path: str) -> tuple[Path | None, bool]:
    """Show the request as YAML and ask what to do: save it, submit it, both, or neither. Returns the
    path it was saved to (or None) and whether to submit."""
    check_request(operation, request)
    order = list(load_schema(operation, "request")["properties"])
    request = {key: request[key] for key in sorted(request, key=lambda k: order.index(k) if k in order else len(order))}
    prompter.show("\n" + to_yaml(request))
    action = prompter.select("What now?", ["Submit", "Save to a file", "Save and submit", "Cancel"])
    saved = save_until_written(prompter, to_yaml(request), default_path) if action.startswith("Save") else None
    return saved, action in ("Submit", "Save and submit")


def save_until_written(prompter: Prompter, text: str, default_path: str) -> Path:
    """Ask where to save until the file is written: a path ircli may not write (a device, a link, a
    read-only file, a folder that is missing or unwritable) is explained and asked again, so the answers
    are never lost to a bad path."""
    from ircli.errors import IrcliError
    from ircli.lib.files import check_writable, write_text

    while True:
        answer = prompter.text(
            "Save to:", default=default_path, validate=lambda text: bool(text.strip()) or "give a file name"
        )
        target = Path(answer.strip()).expanduser()
        try:
            existing = check_writable(target)
            if existing is not None and not prompter.confirm(f"{target} exists. Replace it?", default=False):
                continue
            return write_text(target, text)
        except IrcliError as refused:
            prompter.show(refused.render())
