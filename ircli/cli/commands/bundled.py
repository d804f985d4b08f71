"""What ircli ships besides its code: `ircli completion SHELL` (print or install a shell's completion script)
and `ircli examples list|show|copy` (the sample requests and traffic profiles), read from the installed
package, so that they work from a wheel without the repository."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ircli.cli.api import context
from ircli.cli.output.model import Column, TableData
from ircli.cli.output.views import View
from ircli.errors import InputError
from ircli.lib.files import write_text

if TYPE_CHECKING:
    from ircli.examples import Example

SHELLS = ("bash", "zsh", "fish", "powershell")


def completion(
    ctx: typer.Context,
    shell: Annotated[str, typer.Argument(help="bash, zsh, fish or powershell.", metavar="SHELL")],
    install: Annotated[
        bool,
        typer.Option("--install", help="Write the script where the shell reads it, instead of printing it."),
    ] = False,
) -> None:
    """Print or install completion for bash, zsh, fish or PowerShell.

    bash: eval "$(ircli completion bash)" in ~/.bashrc, or --install. zsh, fish, powershell: --install.
    """
    from ircli.completions import AFTER_INSTALL, install_path, script

    cli = context(ctx)
    chosen = shell.lower()
    if chosen not in SHELLS:
        raise InputError(f"Unknown shell {shell!r}. Choose one of: {', '.join(SHELLS)}.")
    text = script(chosen)
    if not install:
        cli.writer.emit_text(text)
        return
    target = install_path(chosen, cli.env.environ)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_text(target, text)
    cli.note(f"Wrote the {chosen} completion script to {target}.")
    cli.note(AFTER_INSTALL[chosen].format(path=target))


def list_(ctx: typer.Context) -> None:
    """List the sample requests, traffic profiles and workflows ircli ships."""
    from ircli.examples import examples

    cli = context(ctx)
    data = {"Examples": [{"Name": example.name, "Summary": example.summary} for example in examples()]}
    columns = [Column("Name", style="bold"), Column("Summary")]
    cli.emit(
        data,
        View(
            tables=lambda shown: [
                TableData("Examples", columns, [[row["Name"], row["Summary"]] for row in shown["Examples"]])
            ]
        ),
    )


def _example(name: str) -> "Example":
    from ircli.examples import examples, find_example

    found = find_example(name)
    if found is None:
        known = ", ".join(example.name for example in examples())
        raise InputError(f"No example named {name!r}. Examples: {known}.")
    return found


def show(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="The example's name (ircli examples list).")]
) -> None:
    """Print an example as it is (e.g. ircli examples show default-job > job.yaml)."""
    context(ctx).writer.emit_text(_example(name).text())


def copy(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The example's name (ircli examples list).")],
    destination: Annotated[
        str, typer.Argument(help="A file or an existing folder (default: the current folder).")
    ] = ".",
    force: Annotated[bool, typer.Option("--force", help="Replace a file that is already there.")] = False,
) -> None:
    """Copy an example to a file or folder of yours, to edit; an existing file is kept unless --force."""
    cli = context(ctx)
    example = _example(name)
    target = Path(destination).expanduser()
    if target.is_dir():
        target = target / example.name
    if target.exists() and not force:
        raise InputError(f"{target} already exists: give another destination, or --force to replace it.")
    write_text(target, example.text())
    cli.note(f"Copied {example.name} to {target}.")
