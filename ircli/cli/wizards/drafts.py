"""An interrupted wizard loses nothing: on Ctrl-C its answers so far (the request's members, and the picks
that led to them, such as the job) go to a draft in the state directory, whose path is printed with how to
continue; `--resume DRAFT` offers them again as defaults. Nothing is sent from an interrupted wizard."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
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
    """Run a wizard (its questions and its review); on Ctrl-C write `draft` to `<state dir>/drafts/NAME.yaml`,
    say where and how to go on, and end with exit 130. A refusal ends it with its own exit code, the
    answers kept the same way (see `kept_if_refused`)."""
    try:
        with kept_if_refused(cli, command, draft, name):
            yield
    except KeyboardInterrupt:
        import typer

        path = save_draft(cli, command, draft, name(), "an interrupted")
        cli.note(f"Interrupted; nothing was sent. Your answers so far are in {path}")
        cli.note(f"Continue with: ircli {command} --interactive --resume {path}")
        raise typer.Exit(130) from None


@contextmanager
def kept_if_refused(cli: CliContext, command: str, draft: Draft, name: Callable[[], str]) -> Iterator[None]:
    """Around a wizard's end (the review's check and the request's submission, up to the service's answer):
    when the request is refused, by ircli's own check or by the service, the answers go to a draft, as on
    Ctrl-C, and the error says where they are and how to resume. A wizard with no answer yet keeps nothing."""
    from ircli.errors import IrcliError

    try:
        yield
    except IrcliError as refused:
        if not (draft.request or draft.picks):
            raise
        try:
            path = save_draft(cli, command, draft, name(), "a refused")
        except IrcliError as unsaved:  # the refusal is still what the user must read first
            kept = f"Your answers could not be kept: {unsaved.message}"
        else:
            kept = f"Your answers are kept in {path}\nCorrect them with: ircli {command} --interactive --resume {path}"
        refused.hint = f"{refused.hint}\n{kept}" if refused.hint else kept
        raise


def save_draft(cli: CliContext, command: str, draft: Draft, name: str, why: str) -> Path:
    """`<state dir>/drafts/NAME.yaml`, 0600 in a 0700 folder: a draft holds role ARNs, account ids and
    model names, which are the user's own and are not to be shared by a lax umask."""
    from ircli.cli.output.formats.yaml_format import to_yaml
    from ircli.lib.files import make_private_folder, write_text

    folder = make_private_folder(cli.state_dir / "drafts")
    document = {**draft.request, PICKS: draft.picks} if draft.picks else draft.request
    header = f"# Answers of {why} `ircli {command} --interactive`.\n"
    return write_text(folder / f"{_file_name(name)}.yaml", header + to_yaml(document), private=True)


def _file_name(name: str) -> str:
    # Names come from answers (a job name is checked, but a draft may be kept before it is): never a path.
    cleaned = "".join(c if c.isalnum() or c in "-_." else "-" for c in name).strip(".")
    return cleaned[:100] or "draft"


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


def model_check(list_names: Callable[[], list[str]]) -> Callable[[str], str | None]:
    """A check that the backend has a model of the name typed, with the nearest names it lists (asked once).
    Where the models cannot be listed (no permission, no network), every name passes: the service judges."""
    from difflib import get_close_matches

    from ircli.errors import IrcliError

    known: list[list[str] | None] = []

    def missing(name: str) -> str | None:
        if not known:
            try:
                known.append(list_names())
            except IrcliError:
                known.append(None)
        names = known[0]
        if names is None or name in names:
            return None
        nearest = get_close_matches(name, names, n=3)
        if nearest:
            return f"no model named {name}; did you mean {' or '.join(nearest)}?"
        listed = f" (it has {', '.join(sorted(names)[:5])}{', ...' if len(names) > 5 else ''})" if names else ""
        return f"no model named {name} on this backend{listed}; create it with `ircli model create`"

    return missing
