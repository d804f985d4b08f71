"""The command line before parsing: which words are global options, and global options moved in front of
the subcommand (they may stand anywhere, as in the AWS CLI; the root group calls this)."""

from __future__ import annotations

GLOBAL_VALUE_OPTIONS = frozenset(
    {
        "--backend",
        "--region",
        "--profile",
        "--endpoint-url",
        "--output",
        "--query",
        "--state-dir",
        "--cli-read-timeout",
        "--cli-connect-timeout",
        "--ca-bundle",
        "--color",
    }
)
GLOBAL_FLAGS = frozenset({"--debug", "--no-color", "--no-paginate", "--no-verify-ssl"})


def hoist_global_options(argv: list[str]) -> list[str]:
    """Move global options (and their values) before the subcommand, leaving the rest in order."""
    hoisted: list[str] = []
    rest: list[str] = []
    index = 0
    while index < len(argv):
        token = argv[index]
        if token == "--":
            rest.extend(argv[index:])
            break
        name = token.split("=", 1)[0]
        if token in GLOBAL_FLAGS or (name in GLOBAL_VALUE_OPTIONS and "=" in token):
            hoisted.append(token)
        elif token in GLOBAL_VALUE_OPTIONS and index + 1 < len(argv):
            hoisted.extend(argv[index : index + 2])
            index += 1
        else:
            rest.append(token)
        index += 1
    return hoisted + rest
