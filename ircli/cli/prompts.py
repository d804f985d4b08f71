"""Asking questions on a terminal. `Prompter` is what the wizards need; `QuestionaryPrompter` asks with
questionary, and tests may script their own. Ctrl-C raises KeyboardInterrupt (exit 130)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ircli.cli.context import CliContext

Validator = Callable[[str], "bool | str"]


class Prompter(Protocol):
    def text(
        self,
        question: str,
        *,
        validate: Validator | None = None,
        default: str = "",
        choices: Sequence[str] | None = None,
    ) -> str: ...

    def select(self, question: str, choices: Sequence[str], *, default: str | None = None) -> str: ...

    def confirm(self, question: str, *, default: bool = False) -> bool: ...

    def show(self, text: str) -> None: ...


class QuestionaryPrompter:
    def __init__(self, show: Callable[[str], None]) -> None:
        self._show = show

    def text(
        self,
        question: str,
        *,
        validate: Validator | None = None,
        default: str = "",
        choices: Sequence[str] | None = None,
    ) -> str:
        import questionary

        if choices:
            prompt = questionary.autocomplete(
                question,
                choices=list(choices),
                default=default,
                validate=validate or (lambda _: True),
                match_middle=True,
            )
        else:
            prompt = questionary.text(question, default=default, validate=validate or (lambda _: True))
        answer: str = prompt.unsafe_ask()
        return answer

    def select(self, question: str, choices: Sequence[str], *, default: str | None = None) -> str:
        import questionary

        answer: str = questionary.select(
            question, choices=list(choices), default=default, use_shortcuts=False, use_arrow_keys=True
        ).unsafe_ask()
        return answer

    def confirm(self, question: str, *, default: bool = False) -> bool:
        import questionary

        answer: bool = questionary.confirm(question, default=default).unsafe_ask()
        return answer

    def show(self, text: str) -> None:
        self._show(text)


def terminal_prompter(cli: CliContext) -> Prompter:
    """The terminal's prompter, or a clear refusal when there is no terminal to ask on."""
    from ircli.errors import ConfigurationError

    if not (cli.env.stdin_isatty and cli.env.stdout_isatty):
        raise ConfigurationError(
            "--interactive needs a terminal, and standard input or output is not one.",
            hint="Give the request with --cli-input-yaml or flags instead (a wizard can save one for you).",
        )
    console = cli.console(stderr=True)
    return QuestionaryPrompter(lambda text: console.print(text, highlight=False, markup=False))
