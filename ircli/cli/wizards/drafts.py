"""An interrupted wizard loses nothing: on Ctrl-C its answers so far (the request's members, and the picks
that led to them, such as the job) go to a draft in the state directory, whose path is printed with how to
continue; `--resume DRAFT` offers them again as defaults. Nothing is sent from an interrupted wizard."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ircli.cli.context import CliContext

# The draft's member for the picks that are not request members; never sent.
PICKS = "WizardPicks"


@dataclass
class Draft:
    """A wizard's answers, filled in place as they are given."""

    request: dict[str, Any] = field(default_factory=dict)
    picks: dict[str, str] = field(default_factory=dict)

    def pick(self, key: str) -> str | None:
        value = self.picks.get(key)
        return value if isinstance(value, str) else None


def load_draft(path: str | None) -> Draft:
    """The draft at `path` (nothing when None); a draft is YAML, as the wizard wrote it."""
    if not path:
        return Draft()
    from ircli.errors import InputError
    from ircli.lib.inputs import DocumentFormat, load_document

    document = load_document(path, DocumentFormat.YAML)
    if not isinstance(document, dict):
        raise InputError(f"{path} is not a wizard's draft: it holds no mapping of answers.")
    picks = document.pop(PICKS, None)
    return Draft(document, {str(k): str(v) for k, v in picks.items()} if isinstance(picks, dict) else {})


@contextmanager
def kept_if_interrupted(cli: CliContext, command: str, draft: Draft, name: Callable[[], str]) -> Iterator[None]:
    """Run a wizard; on Ctrl-C write `draft` to `<state dir>/drafts/NAME.yaml`, say where and how to go on,
    and end with exit 130."""
    try:
        yield
    except KeyboardInterrupt:
        import typer

        from ircli.cli.output.formats.yaml_format import to_yaml
        from ircli.cli.wizards.builder import write_atomically

        drafts = cli.state_dir / "drafts"
        drafts.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = drafts / f"{name()}.yaml"
        document = {**draft.request, PICKS: draft.picks} if draft.picks else draft.request
        write_atomically(path, f"# Answers of an interrupted `ircli {command} --interactive`.\n" + to_yaml(document))
        cli.note(f"Interrupted; nothing was sent. Your answers so far are in {path}")
        cli.note(f"Continue with: ircli {command} --interactive --resume {path}")
        raise typer.Exit(130) from None


def name_check(describe: Callable[[str], Any], what: str) -> Callable[[str], str | None]:
    """A check that a name is free, for a wizard to run as the name is typed: `describe` fails when the
    service has no such resource."""
    from ircli.errors import ServiceError

    def taken(name: str) -> str | None:
        try:
            describe(name)
        except ServiceError:
            return None
        return f"{what} named {name} exists already; choose another name"

    return taken
