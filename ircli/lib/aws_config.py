"""Settings of a named profile in the AWS config file, read as the AWS CLI reads them (AWS_CONFIG_FILE or
~/.aws/config; `[default]` and `[profile NAME]` sections; the profile from --profile, else AWS_PROFILE, else
default), without starting botocore: a command that only needs `output` stays fast."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


def config_file(environ: Mapping[str, str]) -> Path:
    named = environ.get("AWS_CONFIG_FILE")
    if named:
        return Path(named).expanduser()
    home = environ.get("HOME") or str(Path.home())
    return Path(home) / ".aws" / "config"


def profile_setting(environ: Mapping[str, str], profile: str | None, key: str) -> tuple[str, str] | None:
    """(where it was found, its value) of `key` in the profile's section, or None when the file, the section
    or the key is missing or the file cannot be read (botocore then says so, if the command needs it)."""
    path = config_file(environ)
    name = profile or environ.get("AWS_PROFILE") or environ.get("AWS_DEFAULT_PROFILE") or "default"
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    import configparser  # only when there is a file to read

    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    try:
        parser.read_string(text, source=str(path))
    except configparser.Error:
        return None
    # botocore reads `[profile NAME]` and `[default]` from the config file; a bare `[NAME]` there is ignored.
    for section in (f"profile {name}",) if name != "default" else ("default", "profile default"):
        if parser.has_section(section) and parser.has_option(section, key):
            value = parser.get(section, key).strip()
            if value:
                return f"profile {name} of {path}", value
    return None
