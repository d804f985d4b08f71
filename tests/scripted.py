"""A scripted prompter for driving the wizards in unit tests: answers in order, validators still run."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ircli.cli.prompts import Validator


class ScriptedPrompter:
    def __init__(self, answers: list[Any]) -> None:
        self.answers = list(answers)
        self.log: list[str] = []

    def _next(self, question: str) -> Any:
        self.log.append(question)
        if not self.answers:
            raise AssertionError(f"no scripted answer for {question!r}")
        answer = self.answers.pop(0)
        if isinstance(answer, type) and issubclass(answer, BaseException):
            raise answer  # e.g. KeyboardInterrupt: Ctrl-C at this question
        return answer

    def text(
        self,
        question: str,
        *,
        validate: Validator | None = None,
        default: str = "",
        choices: Sequence[str] | None = None,
    ) -> str:
        while True:
            answer = self._next(question)
            answer = default if answer is None else str(answer)
            verdict = validate(answer) if validate else True
            if verdict is True:
                return answer
            self.log.append(f"rejected: {verdict}")

    def select(self, question: str, choices: Sequence[str], *, default: str | None = None) -> str:
        answer = self._next(question)
        if answer is None and default is not None:
            return default
        matches = [c for c in choices if c == answer or c.startswith(str(answer))]
        if not matches:
            raise AssertionError(f"{answer!r} is not among {list(choices)} for {question!r}")
        return matches[0]

    def confirm(self, question: str, *, default: bool = False) -> bool:
        return bool(self._next(question))

    def show(self, text: str) -> None:
        self.log.append(f"shown: {text}")
