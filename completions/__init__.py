"""The shell completion scripts, generated from the command tree by `tools/generate_completions.py` (a test
fails when they drift), one per shell. Installed as the package `ircli.completions`, so that the wheel
carries them and `ircli completion SHELL` prints them without the repository."""

from __future__ import annotations

from pathlib import Path

# Shell -> the script's file beside this module.
SCRIPTS: dict[str, str] = {"bash": "ircli.bash", "zsh": "_ircli", "fish": "ircli.fish", "powershell": "ircli.ps1"}


def script(shell: str) -> str:
    """The completion script for `shell` (one of SCRIPTS)."""
    return (Path(__file__).parent / SCRIPTS[shell]).read_text("utf-8")


def install_path(shell: str, environ: dict[str, str]) -> Path:
    """Where `shell` reads a completion script of the user's own without any change to its start-up files,
    or (zsh, PowerShell) the folder ircli's message tells the user to add."""
    home = Path(environ.get("HOME") or Path.home())
    data = Path(environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    config = Path(environ.get("XDG_CONFIG_HOME") or home / ".config")
    return {
        # bash-completion loads $XDG_DATA_HOME/bash-completion/completions/<command> on first use.
        "bash": data / "bash-completion" / "completions" / "ircli",
        # zsh has no per-user default: this folder goes on fpath (the note says how).
        "zsh": home / ".zfunc" / "_ircli",
        # fish loads ~/.config/fish/completions/<command>.fish on first use.
        "fish": config / "fish" / "completions" / "ircli.fish",
        "powershell": config / "powershell" / "ircli-completion.ps1",
    }[shell]


# What the user must still do after an install, if anything.
AFTER_INSTALL: dict[str, str] = {
    "bash": "Open a new shell (bash-completion loads it on first use of ircli).",
    "zsh": "Add to ~/.zshrc, before compinit:  fpath=(~/.zfunc $fpath); autoload -Uz compinit && compinit",
    "fish": "Open a new shell (fish loads it on first use of ircli).",
    "powershell": "Add to your $PROFILE:  . {path}",
}
