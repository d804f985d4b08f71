"""The command line: typer commands over `ircli.lib`, rich renderers, and the one place where errors
become messages and exit codes (`ircli.cli.main`)."""
